/* Soundness of an introspected schema, the return value of
 * query-qmp-schema as stored in a capability dump: every entry uses
 * exactly the vocabulary its meta-type allows (the keys libvirt's code
 * knows), names are unique, every referenced type exists, union tags name
 * a member and variants name values of the tag's enum.  Codes are listed
 * in doc/diagnostics.md. */
#ifndef QC_SOUNDNESS_H
#define QC_SOUNDNESS_H

#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "syntax/value.h"

/* Reports every problem of ARRAY to D, each message beginning with
 * CONTEXT (e.g. "entry 6, reply to 'query-qmp-schema' (libvirt-3)"; may
 * be NULL).  Returns the number of problems. */
size_t qc_soundness_check(qc_arena *a, const qc_value *array,
                          const char *context, qc_diag *d);

#endif
