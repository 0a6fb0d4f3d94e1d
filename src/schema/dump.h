/* Listings of a checked schema model (dump_testqapi.c, dump_summary.c). */
#ifndef QC_DUMP_H
#define QC_DUMP_H

#include "base/buf.h"
#include "schema/schema.h"

/* The listing of QEMU's tests/qapi-schema/test-qapi.py, byte for byte:
 * modules and their entities, then every doc block. */
void qc_dump_testqapi(qc_buf *b, const qc_schema *s);

/* A short human overview: counts per kind, one line per command. */
void qc_dump_summary(qc_buf *b, const qc_schema *s);

#endif
