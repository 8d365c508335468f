/*
 * read_articles.c — the news reader over a whole corpus in one process,
 * for `make eval-reader`: what `dealsearch passages --json FILE` prints,
 * once per file, without starting a process per article.
 *
 *   read_articles ROOT < FILES > PRED.jsonl
 *
 * FILES lists paths relative to ROOT, one a line.  Each is read the way
 * `dealsearch passages` reads it (ds_read_text_file, then the news reader)
 * and printed as one ds_article_json() line whose "file" is the relative
 * path, the schema of the shared scorer's predictions.  A file that cannot
 * be read gets {"file": ..., "error": ...} and the run goes on.
 * Exit status: 0, or 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/corpus.h"
#include "../../src/reader.h"
#include "../../src/text.h"
#include "../../src/util.h"

static void read_one(ds_reader *reader, const char *root, const char *rel,
                     ds_buf *text, ds_buf *out)
{
    char *path = ds_xasprintf("%s/%s", root, rel);
    char *err = NULL;
    ds_buf_clear(out);
    if (ds_read_text_file(path, text, NULL, NULL, NULL, &err) != DS_OK) {
        ds_buf_puts(out, "{\"file\":");
        ds_json_string(out, rel, strlen(rel));
        ds_buf_puts(out, ",\"error\":");
        ds_json_string(out, err, strlen(err));
        ds_buf_puts(out, "}\n");
        free(err);
    } else {
        ds_article a = {0};
        ds_reader_split(reader, text->data, text->len, &a);
        ds_article_json(out, rel, &a);
        ds_article_free(&a);
    }
    fwrite(out->data, 1, out->len, stdout);
    free(path);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: read_articles ROOT < FILES > PRED.jsonl\n");
        return 2;
    }
    ds_reader *reader = ds_reader_new(DS_READER_NEWS);
    ds_buf text, out;
    ds_buf_init(&text);
    ds_buf_init(&out);
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0]) read_one(reader, argv[1], line, &text, &out);
    }
    ds_buf_free(&text);
    ds_buf_free(&out);
    ds_reader_free(reader);
    return 0;
}
