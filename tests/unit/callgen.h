/* QMP commands generated from a schema view, for the differential test
 * against a real QEMU (test_qemu_validate.c) and for the validation
 * benchmark (tests/bench/gen_calls.c): for each command in turn, one
 * valid call built from its argument type, then mutants of it, each with
 * exactly one change: a member dropped, added or renamed, a value of the
 * wrong JSON type, an integer just outside (or at the edge of) the range
 * of its width, an unknown enum value, another union branch, null for an
 * optional member, a deprecated or unstable member, or a change to the
 * command object itself (its keys, exec-oob, an unknown command).
 *
 * Deterministic for a seed.  Strings are unique ("s1", "s2", ...), so
 * that no generated name refers to anything another call created.
 *
 * DENY holds fnmatch(3) patterns matched against command names, against
 * "TYPE:VALUE" for union branches (by tag value) and "TYPE.MEMBER" for
 * optional members, so that nothing denied is ever generated: the test
 * uses it for commands and branches with effects outside the QEMU. */
#ifndef QC_TEST_CALLGEN_H
#define QC_TEST_CALLGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "dumps/vschema.h"

typedef struct qc_callgen_opts {
    uint64_t seed;
    const char *const *deny;    /* NULL-terminated, or NULL */
    /* Valid calls use deprecated or unstable things too (else only the
     * policy mutants do). */
    bool use_deprecated, use_unstable;
    unsigned mutants;           /* per valid call; 0: 24 */
} qc_callgen_opts;

typedef struct qc_callgen qc_callgen;

qc_callgen *qc_callgen_new(qc_arena *a, const qc_vschema *s,
                           const qc_callgen_opts *o);
/* The commands calls are generated for (those not denied). */
size_t qc_callgen_ncommands(const qc_callgen *g);
/* The next call as one line of JSON, into OUT (emptied first); *WHAT
 * (may be NULL) says what it is: "valid", "drop arguments.x", ...
 * (a string of the generator's arena). */
void qc_callgen_next(qc_callgen *g, qc_buf *out, const char **what);
/* The condition symbols of a build listed in PATH, one a line ('#'
 * comments), into *OUT (arena strings); their number (0 if PATH cannot be
 * read). */
size_t qc_callgen_read_symbols(qc_arena *a, const char *path, const char ***out);
/* True when NAME matches a pattern of DENY. */
bool qc_callgen_denied(const char *const *deny, const char *name);

#endif
