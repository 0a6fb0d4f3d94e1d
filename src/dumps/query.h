/* Schema queries in libvirt's path syntax ("migrate-incoming/arg-type/
 * exit-on-error"), evaluated against an introspected schema, without
 * libvirt's defects (see ../shared/reference/libvirt-replies.md §4). */
#ifndef QC_QUERY_H
#define QC_QUERY_H

#include "dumps/ischema.h"

enum {
    QC_QUERY_MALFORMED = -1,   /* the path itself is bad */
    QC_QUERY_FALSE = 0,
    QC_QUERY_TRUE = 1,
};

/* Evaluates PATH.  On QC_QUERY_MALFORMED, *WHY (if WHY is non-NULL) is set
 * to an explanation allocated from A. */
int qc_query_eval(qc_arena *a, const qc_ischema *s, const char *path,
                  const char **why);

/* Checks the syntax of PATH alone (no schema).  Returns false and sets *WHY
 * for a malformed path. */
bool qc_query_syntax_ok(qc_arena *a, const char *path, const char **why);

#endif
