/* Schema tables (qapic/types.h): lookups by name, conditions, enum
 * values.  Every function here only reads constant descriptors. */
#include <string.h>

#include "internal/runtime.h"

/* Binary search in an array of pointers to structs whose first member is
 * the name (qapic_type, qapic_command and qapic_event all start so). */
static const void *find_named(const void *const *items, size_t n,
                              const char *name)
{
    size_t lo = 0, hi = n;

    if (!items || !name)
        return NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *mname = *(const char *const *)items[mid];
        int c = strcmp(name, mname);
        if (c == 0)
            return items[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const qapic_type *qapic_schema_type(const qapic_schema *s, const char *name)
{
    return s ? find_named((const void *const *)s->types, s->ntypes, name)
             : NULL;
}

const qapic_command *qapic_schema_command(const qapic_schema *s,
                                          const char *name)
{
    return s ? find_named((const void *const *)s->commands, s->ncommands,
                          name)
             : NULL;
}

const qapic_event *qapic_schema_event(const qapic_schema *s,
                                      const char *name)
{
    return s ? find_named((const void *const *)s->events, s->nevents, name)
             : NULL;
}

bool qapic_cond_eval(const qapic_cond *c,
                     bool (*defined)(void *ctx, const char *sym), void *ctx)
{
    if (!c)
        return true;
    switch (c->kind) {
    case QAPIC_COND_NAME:
        return defined && c->name && defined(ctx, c->name);
    case QAPIC_COND_ALL:
        for (size_t i = 0; i < c->nargs; i++)
            if (!qapic_cond_eval(c->args[i], defined, ctx))
                return false;
        return true;
    case QAPIC_COND_ANY:
        for (size_t i = 0; i < c->nargs; i++)
            if (qapic_cond_eval(c->args[i], defined, ctx))
                return true;
        return false;
    case QAPIC_COND_NOT:
        /* A NOT without its operand negates "no condition" (true). */
        return c->nargs ? !qapic_cond_eval(c->args[0], defined, ctx) : false;
    }
    return false;
}

const char *qapic_enum_name(const qapic_type *t, int value)
{
    if (!t || t->kind != QAPIC_KIND_ENUM || value < 0 ||
        (size_t)value >= t->u.enumeration.n)
        return NULL;
    return t->u.enumeration.values[value].name;
}

int qapic_enum_parse(const qapic_type *t, const char *name)
{
    if (!t || t->kind != QAPIC_KIND_ENUM || !name)
        return QAPIC_ENUM_UNKNOWN;
    /* Linear, with a first-byte filter: enums are short, and most
     * candidates are rejected without calling strcmp. */
    const qapic_enum_value *v = t->u.enumeration.values;
    for (size_t i = 0; i < t->u.enumeration.n; i++)
        if (v[i].name[0] == name[0] && !strcmp(v[i].name, name))
            return (int)i;
    return QAPIC_ENUM_UNKNOWN;
}
