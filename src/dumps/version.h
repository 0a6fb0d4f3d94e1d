/* QEMU versions: "X.Y.Z" as rule files and the command line give them,
 * and as a capability dump records them in its query-version reply. */
#ifndef QC_VERSION_H
#define QC_VERSION_H

#include <stdbool.h>

#include "base/arena.h"
#include "syntax/value.h"

/* A QEMU version; SET is false for "unknown". */
typedef struct qc_version {
    unsigned major, minor, micro;
    bool set;
} qc_version;

/* "X.Y" or "X.Y.Z" (micro 0 when absent); false if malformed. */
bool qc_version_parse(const char *s, qc_version *v);
/* Orders unknown versions after every known one. */
int qc_version_cmp(const qc_version *a, const qc_version *b);
/* "X.Y.Z", or "" when unknown (arena string). */
const char *qc_version_str(qc_arena *a, const qc_version *v);

/* The version in RET, the return value of query-version
 * ({"qemu": {"major": X, "minor": Y, "micro": Z}, ...}; a missing micro
 * counts as 0).  False, and *V untouched, when RET holds none. */
bool qc_version_of_reply(const qc_value *ret, qc_version *v);

#endif
