/* libFuzzer target: qapic diff on two introspected schemas.  The input is
 * split at its first NUL byte (or in the middle) into OLD and NEW, each
 * read like a dump or introspection JSON; both are compared and every
 * report format is written. */
#include <string.h>

#include "base/buf.h"
#include "compat/diff.h"
#include "compat/diff_report.h"
#include "dumps/ischema.h"
#include "dumps/load.h"
#include "fuzz_common.h"
#include "syntax/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static qc_ischema *load(qc_arena *a, qc_diag *d, const char *text, size_t len)
{
    qc_source *src = qc_source_from_mem(a, "fuzz-input", text, len, false);
    size_t n = 0;
    qc_value *vals = qc_parse_json(a, src, true, d, &n);
    return vals ? qc_ischema_from_json(a, d, src, vals, n) : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    size_t split = nul ? (size_t)(nul - text) : size / 2;
    size_t rest = nul ? split + 1 : split;
    qc_arena *a = qc_arena_new();
    qc_diag *d = qc_diag_new();
    qc_ischema *o = load(a, d, text, split);
    qc_ischema *n = load(a, d, text + rest, size - rest);
    if (o && n) {
        const qc_diff_result *r = qc_diff(a, o, n);
        qc_diff_side so = { "old", QC_DIFF_SRC_DUMP, { 0 }, false, 0, o };
        qc_diff_side sn = { "new", QC_DIFF_SRC_INTROSPECTION, { 0 }, false, 0, n };
        qc_buf b = QC_BUF_INIT;
        qc_diff_write_text(&b, &so, &sn, r);
        qc_diff_write_json(&b, &so, &sn, r);
        qc_diff_write_markdown(&b, &so, &sn, r);
        qc_buf_free(&b);
    }
    qc_diag_free(d);
    qc_arena_free(a);
    return 0;
}
