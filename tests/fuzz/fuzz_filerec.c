/*
 * fuzz_filerec.c — libFuzzer target: the records an index keeps of its
 * corpus files (src/filerec.c) and of its passages' near-copy signatures
 * (src/neardup.c), read back from bytes that may be damaged.
 *
 * Properties checked:
 *   - ds_filerec_decode either fails cleanly or gives a record whose
 *     document ids are all non-zero, and which encodes to bytes that
 *     decode to the same record;
 *   - ds_neardup_sig_decode gives a valid signature exactly for inputs of
 *     DS_NEARDUP_SIG_BYTES bytes, and one that encodes back to them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/filerec.h"
#include "../../src/neardup.h"

static void check_record(const uint8_t *data, size_t size)
{
    ds_filerec r, again;
    if (ds_filerec_decode((const char *)data, size, &r) != DS_OK) return;
    for (size_t i = 0; i < r.n; i++)
        if (r.docids[i] == 0) abort();
    ds_buf buf;
    ds_buf_init(&buf);
    ds_filerec_encode(&r, &buf);
    if (ds_filerec_decode(buf.data, buf.len, &again) != DS_OK ||
        again.n != r.n || strcmp(again.source, r.source) != 0 ||
        (r.n && memcmp(again.docids, r.docids, r.n * sizeof *r.docids)) ||
        again.stamp.size != r.stamp.size ||
        !ds_digest_equal(&again.stamp.digest, &r.stamp.digest))
        abort();
    ds_filerec_free(&again);
    ds_filerec_free(&r);
    ds_buf_free(&buf);
}

static void check_signature(const uint8_t *data, size_t size)
{
    ds_neardup_sig sig;
    ds_neardup_sig_decode((const char *)data, size, &sig);
    if (sig.valid != (size == DS_NEARDUP_SIG_BYTES)) abort();
    if (!sig.valid) return;
    char back[DS_NEARDUP_SIG_BYTES];
    ds_neardup_sig_encode(&sig, back);
    if (memcmp(back, data, size) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_record(data, size);
    check_signature(data, size);
    return 0;
}
