/* Unit tests of the index directory (src/store.c): atomic generations,
 * one rebuild at a time, readers holding a generation, the manifest
 * judging files by content, foreign directories left alone. */
#include "unit.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../shim/shim.h"
#include "../../src/store.h"

static int exists(const char *dir, const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

static const char *no_stem(void *ctx, const char *word, size_t len,
                           size_t *stem_len)
{
    (void)ctx;
    *stem_len = len;
    return word;
}

/* Begin a rebuild, put an empty database in its generation, publish. */
static void rebuild(const char *index)
{
    ds_rebuild rb;
    char *err = NULL;
    assert_int_equal(ds_rebuild_begin(index, &rb, &err), DS_OK);
    dsx_stemmer stemmer = {no_stem, NULL, "none"};
    dsx_writer *w = NULL;
    assert_int_equal(dsx_writer_create(rb.gen_path, &stemmer, 0, 0, &w, &err),
                     DS_OK);
    assert_int_equal(dsx_writer_commit(w, &err), DS_OK);
    dsx_writer_destroy(w);
    assert_int_equal(ds_rebuild_publish(&rb, &err), DS_OK);
}

static void publish_swaps_generations_and_prunes(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    char index[600];
    snprintf(index, sizeof index, "%s/idx", dir);
    char *err = NULL;
    assert_int_equal(ds_store_find(index, &err), DS_ERR_NO_INDEX);
    assert_non_null(strstr(err, index));
    free(err);
    rebuild(index);
    assert_int_equal(ds_store_find(index, NULL), DS_OK);
    assert_true(exists(index, "gen-000001"));
    /* A reader holds the first generation across two rebuilds. */
    ds_generation held;
    ds_store_hold(index, &held);
    rebuild(index);
    rebuild(index);
    assert_true(exists(index, "gen-000001"));
    assert_false(exists(index, "gen-000002")); /* no one read it */
    assert_true(exists(index, "gen-000003"));
    /* Its last reader lets it go: it is removed at once. */
    ds_store_release(index, &held);
    assert_false(exists(index, "gen-000001"));
    char target[64] = {0};
    char link[700];
    snprintf(link, sizeof link, "%s/current", index);
    assert_true(readlink(link, target, sizeof target - 1) > 0);
    assert_string_equal(target, "gen-000003");
    unit_rmtree(dir);
    free(dir);
}

static void second_rebuild_is_refused_while_one_runs(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    ds_rebuild first, second;
    char *err = NULL;
    assert_int_equal(ds_rebuild_begin(dir, &first, &err), DS_OK);
    assert_int_equal(ds_rebuild_begin(dir, &second, &err), DS_ERR_LOCKED);
    assert_non_null(strstr(err, "already rebuilding"));
    free(err);
    ds_rebuild_abort(&first);
    /* The lock went with the first rebuild. */
    assert_int_equal(ds_rebuild_begin(dir, &second, &err), DS_OK);
    ds_rebuild_abort(&second);
    unit_rmtree(dir);
    free(dir);
}

static void abort_keeps_the_served_index(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    rebuild(dir);
    ds_rebuild rb;
    char *err = NULL;
    assert_int_equal(ds_rebuild_begin(dir, &rb, &err), DS_OK);
    assert_int_equal(mkdir(rb.gen_path, 0755), 0);
    ds_rebuild_abort(&rb);
    assert_false(exists(dir, "gen-000002"));
    assert_int_equal(ds_store_find(dir, NULL), DS_OK);
    unit_rmtree(dir);
    free(dir);
}

static void abandoned_generation_is_removed_by_next_rebuild(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    rebuild(dir);
    /* What a killed rebuild leaves: a partial generation. */
    char partial[700];
    snprintf(partial, sizeof partial, "%s/gen-000002", dir);
    assert_int_equal(mkdir(partial, 0755), 0);
    rebuild(dir);
    assert_false(exists(dir, "gen-000002"));
    assert_true(exists(dir, "gen-000003"));
    unit_rmtree(dir);
    free(dir);
}

/* A copy of a file (same bytes, another inode and time) is judged by its
 * content; other bytes are damage. */
static void manifest_judges_files_by_content(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    rebuild(dir);
    char gen[700], file[800], copy[800];
    snprintf(gen, sizeof gen, "%s/gen-000001", dir);
    snprintf(file, sizeof file, "%s/iamglass", gen);
    snprintf(copy, sizeof copy, "%s/copy", dir);
    unsigned long revision = 0;
    char *err = NULL;
    assert_int_equal(dsx_revision_at(gen, &revision, &err), DS_OK);
    assert_int_equal(ds_store_verify(gen, revision, 0, &err), DS_OK);
    assert_true(ds_store_is_sealed(gen));
    size_t len;
    char *bytes = unit_read(file, &len);
    assert_int_equal(rename(file, copy), 0);
    unit_write(gen, "iamglass", bytes, len);
    assert_int_equal(ds_store_verify(gen, revision, 0, &err), DS_OK);
    assert_false(ds_store_is_sealed(gen)); /* not the file hashed */
    assert_int_equal(ds_store_seal_state(gen), DS_SEAL_COPIED);
    assert_int_equal(ds_store_seal(gen, &err), DS_OK);
    assert_true(ds_store_is_sealed(gen));
    bytes[len / 2] ^= 1;
    unit_write(gen, "iamglass", bytes, len);
    assert_int_equal(ds_store_verify(gen, revision, 0, &err),
                     DS_ERR_DAMAGED);
    assert_non_null(strstr(err, "iamglass was changed"));
    free(err);
    /* Changed in place with its time put back: only hashing every byte
     * (what `check` does) sees it. */
    struct stat st;
    bytes[len / 2] ^= 1; /* as it was */
    unit_write(gen, "iamglass", bytes, len);
    assert_int_equal(ds_store_seal(gen, &err), DS_OK);
    assert_int_equal(stat(file, &st), 0);
    bytes[len / 2] ^= 1;
    unit_write(gen, "iamglass", bytes, len);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    assert_int_equal(utimensat(AT_FDCWD, file, times, 0), 0);
    assert_int_equal(ds_store_verify(gen, revision, 0, NULL), DS_OK);
    assert_int_equal(ds_store_verify(gen, revision, 1, &err),
                     DS_ERR_DAMAGED);
    free(err);
    /* A database newer than its manifest is being sealed: not judged. */
    assert_int_equal(ds_store_verify(gen, revision + 1, 0, NULL), DS_OK);
    free(bytes);
    unit_rmtree(dir);
    free(dir);
}

static void foreign_directory_is_never_written(void **state)
{
    (void)state;
    char *dir = unit_tempdir();
    UNIT_WRITE_STR(dir, "precious.txt", "user data");
    ds_rebuild rb;
    char *err = NULL;
    assert_int_equal(ds_rebuild_begin(dir, &rb, &err), DS_ERR_DAMAGED);
    assert_non_null(strstr(err, "not a dealsearch index"));
    free(err);
    assert_int_equal(ds_store_find(dir, &err), DS_ERR_DAMAGED);
    assert_non_null(strstr(err, "not a dealsearch index"));
    free(err);
    assert_false(exists(dir, "lock"));
    unit_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(publish_swaps_generations_and_prunes),
        cmocka_unit_test(second_rebuild_is_refused_while_one_runs),
        cmocka_unit_test(abort_keeps_the_served_index),
        cmocka_unit_test(abandoned_generation_is_removed_by_next_rebuild),
        cmocka_unit_test(manifest_judges_files_by_content),
        cmocka_unit_test(foreign_directory_is_never_written),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
