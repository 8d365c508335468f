/*
 * demo.h — the demo corpus's articles for unit tests, read through the
 * corpus walk (src/corpus.h) as the indexer reads them.
 */
#ifndef DEALSEARCH_UNIT_DEMO_H
#define DEALSEARCH_UNIT_DEMO_H

#include "unit.h"

#include "../../src/corpus.h"

/* Read the articles of ./corpus into docs[0..max); returns how many. */
static inline size_t demo_articles(ds_corpus_doc *docs, size_t max)
{
    ds_corpus_spec spec = {DS_CORPUS_FOLDER, "corpus", DS_READER_NEWS, 0};
    ds_corpus *c = NULL;
    assert_int_equal(ds_corpus_open(&spec, NULL, NULL, &c, NULL), DS_OK);
    size_t n = ds_corpus_count(c);
    assert_true(n > 0 && n <= max);
    ds_reader *reader = ds_reader_new(DS_READER_NEWS);
    ds_buf scratch;
    ds_buf_init(&scratch);
    for (size_t i = 0; i < n; i++) {
        memset(&docs[i], 0, sizeof docs[i]);
        assert_int_equal(
            ds_corpus_read(c, i, reader, &scratch, 1, &docs[i], NULL), DS_OK);
    }
    ds_buf_free(&scratch);
    ds_reader_free(reader);
    ds_corpus_close(c);
    return n;
}

#endif
