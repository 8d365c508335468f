/*
 * encoding.h — a text file's bytes as the valid UTF-8 every reader takes.
 *
 * News folders hold files saved by many tools: most are UTF-8, some are
 * Windows-1252 or ISO 8859-1 ("Latin-1"), whose accented letters are not
 * valid UTF-8 and would otherwise each become U+FFFD ("S\uFFFDo Paulo").
 * The encoding is decided per file, from the whole file:
 *
 *   UTF-8         unless the file has bytes that are invalid UTF-8 but
 *                 read as Windows-1252 text (an accented letter inside a
 *                 word, a pound sign or a typographic quote among
 *                 printable characters), more of them than valid UTF-8
 *                 multi-byte sequences, and at least as many as invalid
 *                 bytes that make no such sense.  So a UTF-8 file with a
 *                 stray byte or a cut character stays UTF-8 (the stray
 *                 byte becomes U+FFFD), and a Latin-1 file seldom forms a
 *                 valid multi-byte sequence by chance (a capital accented
 *                 letter followed by a C1 or symbol byte).
 *   Windows-1252  otherwise.  It agrees with Latin-1 on every printable
 *                 byte and gives 0x80-0x9F the typographic quotes, dashes
 *                 and the euro sign that Latin-1 leaves as C1 controls; the
 *                 five bytes it leaves undefined become U+FFFD.
 *
 * Either way NUL bytes become U+FFFD, and every line that held a byte
 * replaced by U+FFFD is reported (1-based, once, in increasing order).
 */
#ifndef DEALSEARCH_ENCODING_H
#define DEALSEARCH_ENCODING_H

#include <stddef.h>

#include "util.h"

typedef enum { DS_ENCODING_UTF8, DS_ENCODING_CP1252 } ds_encoding;

/* Called once per line that held a byte replaced by U+FFFD. */
typedef void (*ds_bad_line_fn)(void *ctx, unsigned long line);

/* The encoding of bytes[0..len), by the rule above.  Cannot fail. */
ds_encoding ds_encoding_detect(const char *bytes, size_t len);

/* Append bytes[0..len) to `out` as valid UTF-8 without NULs, decoded from
 * the encoding ds_encoding_detect() finds, and return that encoding.
 * `bad_line` may be NULL.  Valid UTF-8 without NULs is copied unchanged. */
ds_encoding ds_text_decode(const char *bytes, size_t len, ds_buf *out,
                           ds_bad_line_fn bad_line, void *ctx);

#endif
