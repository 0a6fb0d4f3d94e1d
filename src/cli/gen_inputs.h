/* What `qapic gen tests` reads besides the schema, turned into the plain
 * data the generator takes (gen/gen.h): client rule files (--rules, read
 * by compat/rules) and capability dumps (--replies, read by dumps/). */
#ifndef QC_CLI_GEN_INPUTS_H
#define QC_CLI_GEN_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "cli/cli.h"
#include "gen/gen.h"

/* The command rules of the rule FILES.  False after reporting (a file
 * that cannot be read: *USAGE is set; a malformed one: not). */
bool qc_cli_gen_rules(qc_cli *cli, qc_arena *a, const qc_ptrvec *files,
                      qc_gen_rule **rules, size_t *n, bool *usage);

/* The command/reply pairs of the dumps FILES (qmp_capabilities left
 * out: every test connection negotiates), and each one's schema.  False
 * after reporting, as above. */
bool qc_cli_gen_dumps(qc_cli *cli, qc_arena *a, const qc_ptrvec *files,
                      qc_gen_dump **dumps, size_t *n, bool *usage);

#endif
