/* libFuzzer target: QMP logs as `qapic validate --calls` reads them
 * (src/dumps/qmplog.h), and the validation of their commands against
 * schema views (src/dumps/validate.h): the bundled demo schema and, when
 * the build has it, QEMU's full schema (both modelled from source, with
 * exact integer widths), and the log's own schema when it holds a
 * query-qmp-schema reply.
 *
 * Beyond "no crash, no leak", it checks what the headers promise:
 *   - every message is an object located in the text the log names, in
 *     order, and its '{' stands at the same line and column in the input
 *     (the text a log is rewritten into keeps both);
 *   - counting problems (count_only) finds as many as reporting them, with
 *     the same codes in the same order;
 *   - a value is valid exactly when nothing is reported.
 * The first input byte picks the options (deprecated and unstable
 * allowed, exec-oob refused). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/source.h"
#include "base/utf8.h"
#include "dumps/load.h"
#include "dumps/qmplog.h"
#include "dumps/validate.h"
#include "dumps/vschema.h"
#include "schema/options.h"
#include "syntax/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what)
{
    fprintf(stderr, "fuzz_qmplog: %s\n", what);
    abort();
}

/* The schema views made once: their arena lives as long as the process. */
static const qc_vschema *views[2];
static size_t nviews;

static void load_view(qc_arena *a, const char *path)
{
    qc_options opts = QC_OPTIONS_DEFAULT;
    opts.no_doc_checks = true;
    qc_diag *d = qc_diag_new();
    qc_vschema *v = qc_vschema_load(a, d, &opts, path, NULL, NULL, NULL, NULL);
    qc_diag_free(d);
    if (v)
        views[nviews++] = v;
    else
        fprintf(stderr, "fuzz_qmplog: %s gives no schema view\n", path);
}

static void init_views(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    qc_arena *a = qc_arena_new();
    load_view(a, QC_FUZZ_TOP "/schemas/demo.json");
#ifdef QC_FUZZ_QEMU_SCHEMA
    load_view(a, QC_FUZZ_QEMU_SCHEMA);
#endif
    if (!nviews)
        broken("no schema view to validate against");
}

/* What one validation reported: the codes, one a line. */
struct seen {
    qc_buf codes;
    size_t n;
    const qc_source *src;
};

static void on_problem(void *ctx, const char *path, const qc_value *at,
                       const char *code, const char *message)
{
    struct seen *s = ctx;
    if (!path || !code || !*code || !message)
        broken("a problem without path, code or message");
    if (at && qc_loc_src(qc_value_loc(at)) && qc_loc_src(qc_value_loc(at)) != s->src)
        broken("a problem located outside the log");
    if (at && qc_loc_src(qc_value_loc(at)) && qc_value_loc(at).off > qc_loc_src(qc_value_loc(at))->len)
        broken("a problem located past the end of the log");
    qc_buf_puts(&s->codes, code);
    qc_buf_putc(&s->codes, '\n');
    s->n++;
}

static void on_note(void *ctx, const char *path, const qc_value *at,
                    const char *code, const char *message)
{
    (void)ctx;
    (void)at;
    if (!path || !code || !*code || !message || !*message)
        broken("a note without path, code or message");
}

static void validate_both_ways(qc_arena *a, const qc_vschema *s,
                               const qc_value *cmd, qc_validate_opts o,
                               const qc_source *src)
{
    struct seen full = { QC_BUF_INIT, 0, src }, counted = { QC_BUF_INIT, 0, src };
    o.note = on_note;
    o.count_only = false;
    size_t n1 = qc_validate_command(a, s, cmd, &o, on_problem, &full);
    o.count_only = true;
    size_t n2 = qc_validate_command(a, s, cmd, &o, on_problem, &counted);
    if (n1 != full.n || n2 != counted.n)
        broken("the count returned is not the number of problems reported");
    if (n1 != n2 || full.codes.len != counted.codes.len
        || (n1 && memcmp(full.codes.data, counted.codes.data, full.codes.len)))
        broken("counting problems finds other problems than reporting them");
    qc_buf_free(&full.codes);
    qc_buf_free(&counted.codes);
}

/* The '{' of MSG, located in LOG's text, at the same line and column in
 * the input.  Only a message with nothing but blanks before it on its
 * line is held to its column: the conversion of a message may lengthen it
 * (a '"' inside single quotes becomes '\"'), which moves what follows. */
static void check_place(const qc_source *in, const qc_source *log,
                        const qc_value *msg, int64_t *last)
{
    uint32_t off = qc_value_loc(msg).off;
    if (qc_loc_src(qc_value_loc(msg)) != log || off >= log->len || log->text[off] != '{')
        broken("a message not located at its '{'");
    if ((int64_t)off < *last)
        broken("messages out of order");
    *last = off;
    if (log == in)
        return;
    /* Blanks before it: each stands for one character of the input. */
    unsigned line = qc_source_line(log, off);
    uint32_t start = qc_source_line_offset(log, line), left = off - start;
    for (uint32_t i = start; i < off; i++)
        if (log->text[i] != ' ' && log->text[i] != '\t')
            return;     /* after another message */
    uint32_t at = qc_source_line_offset(in, line);
    for (; at < in->len && in->text[at] != '\n'; at++)
        if (!qc_utf8_is_cont((unsigned char)in->text[at]) && !left--)
            break;
    if (qc_source_line(in, at) != line || at >= in->len || in->text[at] != '{'
        || qc_source_column(in, at) != qc_source_column(log, off))
        broken("a message of the rewritten log moved from its place in the input");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_views();
    if (!size)
        return 0;
    qc_validate_opts o = {
        .allow_deprecated = data[0] & 1,
        .allow_unstable = data[0] & 2,
        .no_oob = data[0] & 4,
        .deprecated_hint = "allow it",
    };
    qc_arena *a = qc_arena_new();
    qc_source *src = qc_source_from_mem(a, "fuzz.log", (const char *)data + 1,
                                        size - 1, false);
    qc_qmplog log;
    qc_qmplog_read(a, src, &log);
    if (log.plain != (log.src == src))
        broken("a plain log is not read in place");

    int64_t last = -1;
    for (size_t k = 0; k < log.n; k++) {
        if (!qc_is_object(&log.msgs[k]) && !log.plain)
            broken("a message that is not an object");
        if (qc_is_object(&log.msgs[k]))
            check_place(src, log.src, &log.msgs[k], &last);
    }

    qc_diag *d = qc_diag_new();
    const qc_vschema *own = log.n ? qc_vschema_from_json(a, d, log.src,
                                                         log.msgs, log.n)
                                  : NULL;
    qc_diag_free(d);
    for (size_t k = 0; k < log.n; k++) {
        if (!qc_qmplog_is_command(&log.msgs[k]))
            continue;
        for (size_t i = 0; i < nviews; i++)
            validate_both_ways(a, views[i], &log.msgs[k], o, log.src);
        if (own)
            validate_both_ways(a, own, &log.msgs[k], o, log.src);
    }

    /* The same bytes as command operands: QEMU's dialect. */
    d = qc_diag_new();
    size_t n = 0;
    qc_value *vals = qc_qmp_parse(a, src, d, &n);
    for (size_t k = 0; vals && k < n; k++)
        validate_both_ways(a, views[0], &vals[k], o, qc_loc_src(qc_value_loc(&vals[k])));
    qc_diag_free(d);
    qc_arena_free(a);
    return 0;
}
