/* Code generators over the checked schema model (schema.h).  Each produces
 * its files in memory; the CLI writes them (src/cmd_gen.c).  Generators
 * report problems to the diagnostic sink and never print. */
#ifndef QC_GEN_GEN_H
#define QC_GEN_GEN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"
#include "schema/schema.h"

/* One generated file: NAME (a file name, no directory) and its text. */
typedef struct qc_gen_file {
    const char *name;
    char *data;         /* malloc'ed, NUL-terminated */
    size_t len;
} qc_gen_file;

typedef struct qc_gen_output {
    qc_gen_file *files;
    size_t n, cap;
} qc_gen_output;

void qc_gen_output_free(qc_gen_output *out);

typedef struct qc_gen_c_opts {
    /* The bindings' prefix (a C identifier): NAME_ on types, functions and
     * descriptors, its upper-case form on macros and enum constants. */
    const char *prefix;
    /* false: every definition is generated, whatever its 'if'.  true:
     * only what the SYMBOLS (the defined condition symbols of one build)
     * make true. */
    bool configured;
    const char *const *symbols;
    size_t nsymbols;
} qc_gen_c_opts;

/* `qapic gen c`: C types, descriptor tables, command stubs and event
 * registrations of SCHEMA (see doc/bindings.md).  Appends the files to OUT
 * and returns true, or returns false after reporting errors (identifiers
 * that would clash, a configuration that leaves out a type something it
 * keeps needs); OUT then holds nothing. */
bool qc_gen_c(qc_arena *a, qc_diag *d, const qc_schema *schema,
              const qc_gen_c_opts *o, qc_gen_output *out);

/* ---- `qapic gen tests` ------------------------------------------------ */

/* A group of a one-of constraint: member paths (rules/README.md). */
typedef struct qc_gen_rule_group {
    const char **paths;
    size_t n;
} qc_gen_rule_group;

/* What the tests need of one rule of a client's rule file (the CLI reads
 * the files; this layer does not know their format). */
typedef struct qc_gen_rule {
    const char *id;
    const char *command;        /* NULL: not a command rule */
    qc_loc loc;                 /* the rule */
    const qc_gen_rule_group *oneof;
    size_t noneof;
    const char **paths;         /* its arguments, as member paths */
    const qc_loc *path_locs;
    size_t npaths;
    const char *min_version;    /* as written, or NULL */
} qc_gen_rule;

/* One command of a capability dump and its reply, as compact JSON. */
typedef struct qc_gen_record {
    const char *command;
    const char *request;        /* without its id */
    const char *reply;          /* {"return": ...} or {"error": ...} */
    qc_loc loc;
    unsigned line;
} qc_gen_record;

typedef struct qc_gen_dump {
    const char *name;           /* the file's base name, for messages */
    const char *schema;         /* its query-qmp-schema return, or NULL */
    const qc_gen_record *records;
    size_t n;
} qc_gen_dump;

typedef struct qc_gen_tests_opts {
    /* The bindings' prefix and configuration: as given to qc_gen_c. */
    qc_gen_c_opts c;
    /* How the tests include the bindings' umbrella header, e.g.
     * "../qmp-bindings/qmp.h" (relative to the tests' directory). */
    const char *bindings_include;
    const qc_gen_rule *rules;
    size_t nrules;
    const qc_gen_dump *dumps;
    size_t ndumps;
    bool skeleton;              /* also NAME-tests-user.c */
    bool no_main;               /* NAME-tests-main.c holds no main */
} qc_gen_tests_opts;

/* `qapic gen tests`: Check suites of the bindings qc_gen_c makes of SCHEMA
 * with the same options (doc/testing.md): the oracle tables, the suites
 * of every area, the rule and replay tables, the runner, and with
 * o->skeleton the user's skeleton (the last file).  Rules and records the
 * schema cannot serve are reported as warnings and left out.  Appends
 * the files to OUT and returns true, or returns false after reporting
 * errors (those of qc_gen_c, and test identifiers that would clash). */
bool qc_gen_tests(qc_arena *a, qc_diag *d, const qc_schema *schema,
                  const qc_gen_tests_opts *o, qc_gen_output *out);

/* Whether PREFIX can be a bindings prefix (a C identifier that does not
 * collide with the runtime's qapic_ names). */
bool qc_gen_c_prefix_ok(const char *prefix);

#endif
