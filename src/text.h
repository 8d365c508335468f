/*
 * text.h — making text safe for where it is shown: a JSON string literal,
 * or a terminal.  Used by every printer (search results, article
 * descriptions, error messages that quote a query).
 */
#ifndef DEALSEARCH_TEXT_H
#define DEALSEARCH_TEXT_H

#include <stddef.h>

#include "util.h"

/* Append `s` as a JSON string literal: every control character escaped,
 * invalid UTF-8 replaced by U+FFFD, so the output is always valid JSON. */
void ds_json_string(ds_buf *out, const char *s, size_t len);

/* ds_json_string for a NUL-terminated string, or `null` for NULL. */
void ds_json_optional(ds_buf *out, const char *s);

/* Append `s` with control characters (C0, DEL, C1) replaced by '?' and
 * invalid UTF-8 by U+FFFD, so nothing reaches a terminal as a command. */
void ds_terminal_safe(ds_buf *out, const char *s, size_t len);

#endif
