/* What the unit tests share: a run (an arena and a sink, as a checked
 * fixture), text turned into sources, JSON values and checked schemas, the
 * diagnostics as text, and a scratch directory for tests that need real
 * files.  Every helper asserts what it needs (a parse that must succeed
 * does), so tests stay about what they test. */
#ifndef QC_TEST_HELPERS_H
#define QC_TEST_HELPERS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"
#include "schema/options.h"
#include "schema/schema.h"
#include "syntax/value.h"

/* The run of the current test: set by qc_test_setup. */
extern qc_arena *qc_test_arena;
extern qc_diag *qc_test_diag;

/* A fresh arena and sink, and a scratch directory; the teardown frees
 * them and removes the directory.  Add as a checked fixture:
 *     tcase_add_checked_fixture(tc, qc_test_setup, qc_test_teardown); */
void qc_test_setup(void);
void qc_test_teardown(void);

/* TEXT as the in-memory source "t.json" (SCHEMA: newline-ensured, as
 * schema files are read). */
qc_source *qc_test_source(const char *text, bool schema);

/* TEXT parsed as JSON (STREAM: a sequence of values); asserts that it
 * parses.  *N gets the number of values. */
qc_value *qc_test_json(const char *text, bool stream, size_t *n);
/* The one JSON value TEXT holds. */
qc_value *qc_test_json1(const char *text);

/* Everything the sink D holds, as qc_diag_flush writes it (malloc'ed). */
char *qc_test_flushed(qc_diag *d);
/* Empties the run's sink (a new one), for a test that builds several
 * schemas. */
void qc_test_reset_diag(void);
/* The code and line of the first diagnostic of the run ("" and 0 when
 * there is none). */
const char *qc_test_first_code(void);
unsigned qc_test_first_line(void);

/* PATH of NAME in the scratch directory (a string of the run's arena). */
const char *qc_test_path(const char *name);
/* Writes TEXT to NAME in the scratch directory (subdirectories must
 * exist: qc_test_mkdir). */
void qc_test_write_file(const char *name, const char *text);
void qc_test_mkdir(const char *name);

/* TEXT as the schema t.json in the scratch directory, built with options
 * O (NULL: the defaults).  NULL when it has errors (in the run's sink). */
qc_schema *qc_test_schema_opts(const char *text, const qc_options *o);
qc_schema *qc_test_schema(const char *text);

/* Asserts that schema TEXT fails, first with CODE on LINE. */
void qc_test_expect_error(const char *text, const char *code, unsigned line);

#endif
