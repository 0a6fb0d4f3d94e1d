/* Code generators over the checked schema model (schema.h).  Each produces
 * its files in memory; the CLI writes them (src/cmd_gen.c).  Generators
 * report problems to the diagnostic sink and never print. */
#ifndef QC_GEN_GEN_H
#define QC_GEN_GEN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
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

/* Whether PREFIX can be a bindings prefix (a C identifier that does not
 * collide with the runtime's qapic_ names). */
bool qc_gen_c_prefix_ok(const char *prefix);

#endif
