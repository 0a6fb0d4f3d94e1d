/* Walking a checked schema module by module, in definition order, with a
 * callback per kind of entity -- QEMU's QAPISchemaVisitor, which its
 * generators and test harness are written against.  The test-qapi
 * listing, introspection and the C generators are visitors. */
#ifndef QC_VISIT_H
#define QC_VISIT_H

#include <stdbool.h>

#include "schema/schema.h"

/* Every callback may be NULL (nothing to do for that kind).  CTX is passed
 * to each. */
typedef struct qc_visitor {
    void *ctx;
    /* NULL: every entity is visited; else only those it returns true for
     * (QEMU's visit_needed). */
    bool (*needed)(void *ctx, const qc_entity *e);
    void (*begin)(void *ctx, const qc_schema *s);
    void (*module)(void *ctx, const qc_smodule *m);   /* before its entities */
    void (*include)(void *ctx, const qc_entity *e);
    void (*builtin)(void *ctx, const qc_entity *e);
    void (*enum_type)(void *ctx, const qc_entity *e);
    void (*array_type)(void *ctx, const qc_entity *e);
    void (*object_type)(void *ctx, const qc_entity *e);
    void (*alternate_type)(void *ctx, const qc_entity *e);
    void (*command)(void *ctx, const qc_entity *e);
    void (*event)(void *ctx, const qc_entity *e);
    void (*end)(void *ctx, const qc_schema *s);
} qc_visitor;

/* Calls V's callbacks: begin, then for each module (./builtin first) the
 * module and its entities, then end. */
void qc_schema_visit(const qc_schema *s, const qc_visitor *v);

#endif
