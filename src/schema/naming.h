/* Names as QEMU's generator sees them: c_name() (the C identifier for a
 * QAPI name, which every clash check compares) and the rules names must
 * follow.  The expression checks, the model's checks and the generators
 * all use these. */
#ifndef QC_NAMING_H
#define QC_NAMING_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"

/* QEMU's c_name(): every character outside [A-Za-z0-9_] becomes '_';
 * with PROTECT, C keywords and a few names (unix, linux, ...) and names
 * starting with a digit get a "q_" prefix.  Arena string. */
const char *qc_c_name(qc_arena *a, const char *name, bool protect);
/* The same; *HASH gets the C name's qc_hash_str, made along the way. */
const char *qc_c_name_hashed(qc_arena *a, const char *name, bool protect,
                             uint32_t *hash);

/* Whether c_name(NAME) is "u" or starts with "has_": C names that the
 * generated code of a struct keeps for itself (expr.py refuses members so
 * named).  Without making the C name. */
bool qc_member_name_reserved(const char *name);

/* The stem of NAME (what follows an optional "__RFQDN_" downstream prefix
 * and "x-"), when NAME is well-formed as expr.py's check_name_str wants:
 * a letter, then letters, digits, '-' and '_', and a c_name that does not
 * start with "q_".  NULL otherwise.  A pointer into NAME. */
const char *qc_name_stem(const char *name);

/* The same; *CLASSES gets which of these the stem's characters are. */
enum {
    QC_NAME_LOWER = 4,          /* a-z */
    QC_NAME_UPPER = 8,          /* A-Z */
    QC_NAME_DIGIT = 16,
    QC_NAME_UNDERSCORE = 32,
    QC_NAME_DASH = 2,
};
const char *qc_name_stem_classes(const char *name, unsigned *classes);

#endif
