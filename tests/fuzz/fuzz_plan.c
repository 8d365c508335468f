/*
 * fuzz_plan.c — libFuzzer target: a sharded build's plan file (src/plan.c,
 * `index --plan FILE`), untrusted input read by every part.  The input is
 * parsed as it is, and again with a correct last line ("end" and the
 * digest of the input) appended, so the fuzzer reaches the parser's
 * records, not only the digest check.
 *
 * Properties checked:
 *   - ds_plan_parse either fails with a message, or gives from 1 to 1023
 *     shards, a check of 32 hex digits, a finite average of 0 or more,
 *     entries and passages no more than the input's length allows, entry
 *     passage ranges that follow one another to the passage count, and
 *     names without a newline;
 *   - ds_plan_free leaves nothing behind (LeakSanitizer).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/digest.h"
#include "../../src/plan.h"

static void check_plan(const ds_plan *p, size_t len)
{
    const ds_scan_result *s = &p->scan;
    if (p->shards == 0 || p->shards > 1023 || strlen(p->check) != 32 ||
        !isfinite(s->avg_length) || s->avg_length < 0 ||
        p->n_entries > len || s->passages > len || s->entry_first[0] != 0 ||
        s->entry_first[p->n_entries] != s->passages)
        abort();
    for (size_t i = 0; i < p->n_entries; i++)
        if (s->entry_first[i + 1] < s->entry_first[i] ||
            strchr(p->entries[i].name, '\n'))
            abort();
}

static void parse(const char *data, size_t len)
{
    ds_plan p;
    char *why = NULL;
    if (ds_plan_parse(data, len, &p, &why) != DS_OK) {
        if (!why || !why[0] || p.entries || p.scan.groups) abort();
        free(why);
        return;
    }
    if (why) abort();
    check_plan(&p, len);
    ds_plan_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse((const char *)data, size);
    ds_digest d;
    char hex[DS_DIGEST_HEX];
    ds_digest_bytes(data, size, &d);
    ds_digest_hex(&d, hex);
    char *signed_text = malloc(size + 38);
    if (!signed_text) abort();
    if (size) memcpy(signed_text, data, size);
    memcpy(signed_text + size, "end ", 4);
    memcpy(signed_text + size + 4, hex, 32);
    signed_text[size + 36] = '\n';
    parse(signed_text, size + 37);
    free(signed_text);
    return 0;
}
