/* Conditions; see cond.h. */
#include "schema/cond.h"

#include <string.h>

bool qc_cond_eval(const qc_cond *c, bool (*defined)(void *ctx, const char *sym),
                  void *ctx)
{
    if (!c)
        return true;
    switch (c->kind) {
    case QC_COND_NAME:
        return defined(ctx, c->name);
    case QC_COND_NOT:
        return !qc_cond_eval(c->args[0], defined, ctx);
    case QC_COND_ALL:
        for (size_t i = 0; i < c->nargs; i++)
            if (!qc_cond_eval(c->args[i], defined, ctx))
                return false;
        return true;
    case QC_COND_ANY:
        for (size_t i = 0; i < c->nargs; i++)
            if (qc_cond_eval(c->args[i], defined, ctx))
                return true;
        return false;
    }
    return false;
}

typedef struct symbol_list {
    const char *const *syms;
    size_t n;
} symbol_list;

static bool in_symbol_list(void *ctx, const char *sym)
{
    const symbol_list *l = ctx;
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->syms[i], sym))
            return true;
    return false;
}

bool qc_cond_eval_symbols(const qc_cond *c, const char *const *syms,
                          size_t nsyms)
{
    symbol_list l = { syms, nsyms };
    return qc_cond_eval(c, in_symbol_list, &l);
}

static void cond_repr(qc_buf *b, const qc_cond *c, bool top)
{
    if (c->kind == QC_COND_NAME) {
        qc_buf_printf(b, top ? "%s" : "'%s'", c->name);
        return;
    }
    if (c->kind == QC_COND_NOT) {
        qc_buf_puts(b, "{'not': ");
        cond_repr(b, c->args[0], false);
        qc_buf_putc(b, '}');
        return;
    }
    qc_buf_puts(b, c->kind == QC_COND_ALL ? "{'all': [" : "{'any': [");
    for (size_t i = 0; i < c->nargs; i++) {
        if (i)
            qc_buf_puts(b, ", ");
        cond_repr(b, c->args[i], false);
    }
    qc_buf_puts(b, "]}");
}

void qc_cond_repr(qc_buf *b, const qc_cond *c)
{
    if (c)
        cond_repr(b, c, true);
}

qc_cond *qc_cond_from(qc_arena *a, const qc_value *v)
{
    if (!v)
        return NULL;
    qc_cond *c = qc_arena_alloc(a, sizeof(*c));
    if (qc_is_string(v)) {
        c->kind = QC_COND_NAME;
        c->name = v->u.str.s;
        return c;
    }
    if (!qc_is_object(v) || qc_obj_len(v) != 1)
        return NULL;
    const qc_member *m = &v->u.obj.members[0];
    if (strcmp(m->key, "not") == 0) {
        c->kind = QC_COND_NOT;
        c->nargs = 1;
        c->args = qc_arena_alloc(a, sizeof(*c->args));
        c->args[0] = qc_cond_from(a, &m->value);
        return c;
    }
    c->kind = strcmp(m->key, "all") == 0 ? QC_COND_ALL : QC_COND_ANY;
    if (!qc_is_array(&m->value))
        return NULL;
    c->nargs = qc_arr_len(&m->value);
    c->args = qc_arena_alloc(a, (c->nargs + 1) * sizeof(*c->args));
    for (size_t i = 0; i < c->nargs; i++)
        c->args[i] = qc_cond_from(a, qc_arr_at(&m->value, i));
    return c;
}
