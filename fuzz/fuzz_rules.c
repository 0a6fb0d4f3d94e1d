/* libFuzzer target: YAML rule files (compat/rules.h).  The input is read
 * as a rule file; its diagnostics are formatted in every format; the rules
 * that load are evaluated against a small schema, their reports written
 * in the four formats, and a few recorded calls checked against them. */
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/report.h"
#include "compat/rules.h"
#include "fuzz_ischema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char calls_json[] =
    "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:x\", \"channels\": [{\"port\": 1}]}}\n"
    "{\"execute\": \"blockdev-add\", \"arguments\": {\"driver\": \"nvme\", \"port\": \"x\"}}\n"
    "{\"event\": \"SHUTDOWN\", \"data\": {\"uri\": 5, \"alt\": {\"port\": 2}}}\n"
    "{\"execute\": \"query-x\"}\n";

/* Formats every diagnostic of D in the three formats and frees D: the
 * escapes of the text and JSON writers see what the input put there. */
static size_t fuzz_format_all(qc_diag *d)
{
    size_t total = 0;
    static const qc_diag_format fmts[] = { QC_DIAG_GCC, QC_DIAG_QEMU, QC_DIAG_JSON };
    for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++) {
        qc_diag_set_format(d, fmts[f]);
        for (size_t i = 0; qc_diag_get(d, i); i++) {
            char *s = qc_diagnostic_format(d, qc_diag_get(d, i));
            total += strlen(s);
            free(s);
        }
    }
    qc_diag_free(d);
    return total;
}

static void on_violation(void *ctx, const qc_rule *r, const qc_value *msg,
                         const qc_value *at, const char *code,
                         const char *message)
{
    size_t *n = ctx;
    *n += strlen(r->id) + strlen(code) + strlen(message) + (msg != NULL) + (at != NULL);
}

/* Every format of the matrix of RS against the one source. */
static size_t reports(qc_arena *a, const qc_ruleset *rs)
{
    qc_compat_source src = { "fuzz/caf\xe9|`x`.replies", "caf\xe9|`x`.replies",
                             { 0 }, "", NULL };
    size_t nr = qc_ruleset_size(rs), total = 0;
    const qc_ischema *s = fuzz_ischema();
    src.results = qc_arena_alloc(a, (nr ? nr : 1) * sizeof *src.results);
    for (size_t i = 0; i < nr; i++)
        src.results[i] = qc_compat_eval(a, s, qc_ruleset_get(rs, i));
    qc_compat_matrix m = { &src, 1, rs };
    static const qc_report_format fmts[] = {
        QC_REPORT_TEXT, QC_REPORT_JSON, QC_REPORT_MARKDOWN, QC_REPORT_TSV };
    for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++) {
        qc_buf b = QC_BUF_INIT;
        qc_compat_write_matrix(&b, &m, fmts[f]);
        total += b.len;
        qc_buf_free(&b);
    }
    return total;
}

/* The calls above, parsed once. */
static qc_value *recorded_calls(size_t *n)
{
    static qc_value *msgs;
    static size_t count;
    if (!msgs) {
        qc_arena *a = qc_arena_new();
        qc_diag *d = qc_diag_new();
        qc_source *src = qc_source_from_mem(a, "calls.log", calls_json,
                                            sizeof calls_json - 1, false);
        msgs = qc_parse_json(a, src, true, d, &count);
        qc_diag_free(d);
        if (!msgs)
            abort();
    }
    *n = count;
    return msgs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qc_arena *a = qc_arena_new();
    qc_diag *d = qc_diag_new();
    qc_ruleset rs;
    qc_ruleset_init(&rs);
    volatile size_t total = 0;
    qc_rules_load_mem(a, d, "fuzz.yaml", (const char *)data, size, &rs);
    total += fuzz_format_all(d);
    total += reports(a, &rs);
    size_t n, seen = 0;
    qc_value *msgs = recorded_calls(&n);
    for (size_t i = 0; i < n; i++)
        qc_compat_check_call(a, &rs, &msgs[i], on_violation, &seen);
    total += seen;
    (void)total;
    qc_arena_free(a);
    return 0;
}
