/* C identifiers for schema names (QEMU's c_name, camel_to_upper and
 * c_enum_const, see ../shared/reference/qapi-code-gen.rst), and a registry
 * that catches two definitions claiming one external identifier. */
#ifndef QC_GEN_CNAMES_H
#define QC_GEN_CNAMES_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/buf.h"

struct qc_cond;

/* A member or branch name as a struct field: QEMU's c_name(NAME) (every
 * character outside [A-Za-z0-9_] becomes '_'; C keywords, some polluted
 * names and a leading digit get "q_"), additionally protecting what QEMU
 * does not: C++11..20 and C23 keywords, the type names the generated
 * structs use (int64_t, size_t, ...) and the macros of the standard
 * headers they include (NULL, INT8_MAX...), so every header also compiles
 * as C++ and no member is macro-expanded.  Names starting with "q_" are reserved in QAPI, so the protected
 * forms never clash with other members. */
const char *qc_gen_member_name(qc_arena *a, const char *name);

/* QEMU's camel_to_upper: "MigrationStatus" -> "MIGRATION_STATUS",
 * "ENUMName" -> "ENUM_NAME", "__org.qemu_x-Enum" -> "ORG_QEMU_X_ENUM". */
const char *qc_gen_camel_to_upper(qc_arena *a, const char *name);

/* QEMU's c_enum_const without a binding prefix: PREFIX (verbatim, as
 * QEMU takes it) or camel_to_upper(TYPE), "_", c_name(VALUE) in upper
 * case, e.g. "MIGRATION_STATUS_ACTIVE". */
const char *qc_gen_enum_const(qc_arena *a, const char *type,
                              const char *value, const char *prefix);

/* S in upper case (ASCII). */
const char *qc_gen_upper(qc_arena *a, const char *s);

/* The concatenation of the strings up to a NULL, in A (cheaper than
 * qc_arena_printf on the generator's hot paths). */
const char *qc_gen_cat(qc_arena *a, const char *first, ...)
    __attribute__((sentinel));

/* A condition as a C preprocessor expression, QEMU's cgen_ifcond:
 * defined(A) && (defined(B) || !defined(C)), no parentheses at the top.
 * Appends nothing for NULL. */
void qc_gen_cond_c(qc_buf *b, const struct qc_cond *c);

/* True when S is a C identifier: [A-Za-z_][A-Za-z0-9_]*. */
bool qc_gen_is_identifier(const char *s);

/* The registry of external identifiers of one set of bindings. */
typedef struct qc_idents qc_idents;

qc_idents *qc_idents_new(qc_arena *a);
/* Claims IDENT for OWNER (any pointer identifying the claimant).  Returns
 * NULL when IDENT was free, else the owner that claimed it first.  IDENT
 * must outlive the registry. */
const void *qc_idents_claim(qc_idents *r, const char *ident,
                            const void *owner);

#endif
