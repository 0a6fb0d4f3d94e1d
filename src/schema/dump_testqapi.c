/* The test-qapi listing (QEMU's tests/qapi-schema/test-qapi.py visitor);
 * see dump.h. */
#include "schema/dump.h"

#include "schema/visit.h"

static void print_if(qc_buf *b, const qc_cond *c, size_t indent)
{
    if (!c)
        return;
    qc_buf_indent(b, indent);
    qc_buf_puts(b, "if ");
    qc_cond_repr(b, c);
    qc_buf_putc(b, '\n');
}

static void print_features(qc_buf *b, qc_feature **fs, size_t n,
                           size_t indent)
{
    for (size_t i = 0; i < n; i++) {
        qc_buf_indent(b, indent);
        qc_buf_printf(b, "feature %s\n", fs[i]->name);
        print_if(b, fs[i]->cond, indent + 4);
    }
}

static void print_variants(qc_buf *b, const qc_variants *vs)
{
    if (!vs)
        return;
    qc_buf_printf(b, "    tag %s\n", vs->tag_member ? vs->tag_member->name
                                                    : vs->tag_name);
    for (size_t i = 0; i < vs->n; i++) {
        const qc_smember *v = vs->variants[i];
        qc_buf_printf(b, "    case %s: %s\n", v->name,
                      v->type ? v->type->name : v->type_name);
        print_if(b, v->cond, 8);
    }
}

static const char *py_bool(bool v)
{
    return v ? "True" : "False";
}

/* What follows every definition: its condition and features. */
static void print_tail(qc_buf *b, const qc_entity *e)
{
    print_if(b, qc_entity_cond(e), 4);
    print_features(b, qc_entity_features(e), qc_entity_nfeatures(e), 4);
}

static void v_module(void *ctx, const qc_smodule *m)
{
    qc_buf_printf(ctx, "module %s\n", m->name);
}

static void v_include(void *ctx, const qc_entity *e)
{
    qc_buf_printf(ctx, "include %s\n", e->included->name);
}

static void v_enum(void *ctx, const qc_entity *e)
{
    qc_buf *b = ctx;
    qc_buf_printf(b, "enum %s\n", e->name);
    if (e->prefix)
        qc_buf_printf(b, "    prefix %s\n", e->prefix);
    for (size_t i = 0; i < e->nvalues; i++) {
        qc_buf_printf(b, "    member %s\n", e->values[i]->name);
        print_if(b, e->values[i]->cond, 8);
        print_features(b, e->values[i]->features, e->values[i]->nfeatures, 8);
    }
    print_tail(b, e);
}

/* Arrays the schema defines (builtins' arrays are not listed); no
 * features. */
static void v_array(void *ctx, const qc_entity *e)
{
    qc_buf *b = ctx;
    if (!e->has_info)
        return;
    qc_buf_printf(b, "array %s %s\n", e->name, e->element_type->name);
    print_if(b, qc_entity_cond(e), 4);
}

static void v_object(void *ctx, const qc_entity *e)
{
    qc_buf *b = ctx;
    qc_buf_printf(b, "object %s\n", e->name);
    if (e->base)
        qc_buf_printf(b, "    base %s\n", e->base->name);
    for (size_t i = 0; i < e->nlocal_members; i++) {
        const qc_smember *m = e->local_members[i];
        qc_buf_printf(b, "    member %s: %s optional=%s\n", m->name,
                      m->type->name, py_bool(m->optional));
        print_if(b, m->cond, 8);
        print_features(b, m->features, m->nfeatures, 8);
    }
    print_variants(b, e->variants);
    print_tail(b, e);
}

static void v_alternate(void *ctx, const qc_entity *e)
{
    qc_buf *b = ctx;
    qc_buf_printf(b, "alternate %s\n", e->name);
    print_variants(b, e->variants);
    print_tail(b, e);
}

static void v_command(void *ctx, const qc_entity *e)
{
    qc_buf *b = ctx;
    qc_buf_printf(b, "command %s %s -> %s\n", e->name,
                  e->arg_type ? e->arg_type->name : "None",
                  e->ret_type ? e->ret_type->name : "None");
    qc_buf_printf(b, "    gen=%s success_response=%s boxed=%s oob=%s "
                  "preconfig=%s%s\n", py_bool(e->gen),
                  py_bool(e->success_response), py_bool(e->boxed),
                  py_bool(e->allow_oob), py_bool(e->allow_preconfig),
                  e->coroutine ? " coroutine=True" : "");
    print_tail(b, e);
}

static void v_event(void *ctx, const qc_entity *e)
{
    qc_buf *b = ctx;
    qc_buf_printf(b, "event %s %s\n", e->name,
                  e->arg_type ? e->arg_type->name : "None");
    qc_buf_printf(b, "    boxed=%s\n", py_bool(e->boxed));
    print_tail(b, e);
}

/* After the entities, every doc block in schema order. */
static void v_end(void *ctx, const qc_schema *s)
{
    for (size_t i = 0; i < s->ast->docs.n; i++)
        qc_doc_dump(ctx, s->ast->docs.items[i]);
}

void qc_dump_testqapi(qc_buf *b, const qc_schema *s)
{
    const qc_visitor v = {
        .ctx = b,
        .module = v_module,
        .include = v_include,
        .enum_type = v_enum,
        .array_type = v_array,
        .object_type = v_object,
        .alternate_type = v_alternate,
        .command = v_command,
        .event = v_event,
        .end = v_end,
    };
    qc_schema_visit(s, &v);
}
