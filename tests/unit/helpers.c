/* The shared helpers of the unit tests; see helpers.h. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "syntax/parse.h"

qc_arena *qc_test_arena;
qc_diag *qc_test_diag;
static char scratch[512];

void qc_test_setup(void)
{
    const char *tmp = getenv("TMPDIR");
    qc_test_arena = qc_arena_new();
    qc_test_diag = qc_diag_new();
    snprintf(scratch, sizeof scratch, "%s/qapic-unit-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(scratch));
}

void qc_test_teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    ck_assert_int_eq(system(cmd), 0);
    qc_diag_free(qc_test_diag);
    qc_arena_free(qc_test_arena);
    qc_test_diag = NULL;
    qc_test_arena = NULL;
}

qc_source *qc_test_source(const char *text, bool schema)
{
    return qc_source_from_mem(qc_test_arena, "t.json", text, strlen(text),
                              schema);
}

qc_value *qc_test_json(const char *text, bool stream, size_t *n)
{
    qc_value *v = qc_parse_json(qc_test_arena, qc_test_source(text, false),
                                 stream, qc_test_diag, n);
    ck_assert_msg(v != NULL, "test JSON does not parse: %s", text);
    return v;
}

qc_value *qc_test_json1(const char *text)
{
    size_t n;
    qc_value *v = qc_test_json(text, false, &n);
    ck_assert_uint_eq(n, 1);
    return &v[0];
}

char *qc_test_flushed(qc_diag *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    qc_diag_flush(d, f);
    fclose(f);
    return buf;
}

void qc_test_reset_diag(void)
{
    qc_diag_free(qc_test_diag);
    qc_test_diag = qc_diag_new();
}

const char *qc_test_first_code(void)
{
    const qc_diagnostic *dg = qc_diag_get(qc_test_diag, 0);
    return dg ? qc_diagnostic_code(dg) : "";
}

unsigned qc_test_first_line(void)
{
    const qc_diagnostic *dg = qc_diag_get(qc_test_diag, 0);
    return dg ? qc_diagnostic_line(dg) : 0;
}

const char *qc_test_path(const char *name)
{
    return qc_arena_printf(qc_test_arena, "%s/%s", scratch, name);
}

void qc_test_write_file(const char *name, const char *text)
{
    FILE *f = fopen(qc_test_path(name), "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

void qc_test_mkdir(const char *name)
{
    ck_assert_int_eq(mkdir(qc_test_path(name), 0755), 0);
}

qc_schema *qc_test_schema_opts(const char *text, const qc_options *o)
{
    static const qc_options defaults = QC_OPTIONS_DEFAULT;
    qc_test_write_file("t.json", text);
    return qc_schema_build(qc_test_arena, qc_test_diag, o ? o : &defaults,
                           qc_test_path("t.json"), NULL);
}

qc_schema *qc_test_schema(const char *text)
{
    return qc_test_schema_opts(text, NULL);
}

void qc_test_expect_error(const char *text, const char *code, unsigned line)
{
    qc_diag *saved = qc_test_diag;
    qc_test_diag = qc_diag_new();
    ck_assert_ptr_null(qc_test_schema(text));
    const qc_diagnostic *dg = qc_diag_get(qc_test_diag, 0);
    ck_assert_msg(dg && !strcmp(qc_diagnostic_code(dg), code),
                  "expected %s, got %s: %s", code, qc_test_first_code(),
                  dg ? qc_diagnostic_message(dg) : "no diagnostic");
    ck_assert_msg(qc_diagnostic_line(dg) == line, "%s: line %u, expected %u",
                  code, qc_diagnostic_line(dg), line);
    qc_diag_free(qc_test_diag);
    qc_test_diag = saved;
}
