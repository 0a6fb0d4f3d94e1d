/* NAME-schema.c: the bindings' schema table, every type (builtins
 * included), command and event sorted by name, and the lookups over it. */
#include <stdlib.h>
#include <string.h>

#include "gen/cgen.h"

typedef struct entry {
    const char *name;
    const char *ref;        /* "&NAME_TYPE_Foo" */
} entry;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static void table(cg *g, qc_emit *o, const char *ctype, const char *name,
                  entry *es, size_t n)
{
    if (!n)
        return;
    qsort(es, n, sizeof *es, cmp_entry);
    qc_emit_f(o, "static const %s *const %s__%s[] = {\n", ctype, g->p, name);
    for (size_t i = 0; i < n; i++)
        qc_emit_f(o, "    %s,\n", es[i].ref);
    qc_emit_s(o, "};\n\n");
}

static void table_fields(cg *g, qc_emit *o, const char *name, size_t n)
{
    if (n)
        qc_emit_f(o, "    .%s = %s__%s,\n    .n%s = %z,\n", name, g->p, name,
                  name, n);
}

void cg_schema_source(cg *g, qc_emit *o)
{
    size_t n = g->s->n_entities;
    entry *types = qc_arena_alloc(g->a, (n + 1) * sizeof *types);
    entry *cmds = qc_arena_alloc(g->a, (n + 1) * sizeof *cmds);
    entry *evs = qc_arena_alloc(g->a, (n + 1) * sizeof *evs);
    size_t nt = 0, nc = 0, ne = 0;
    for (size_t i = 0; i < n; i++) {
        const cg_ent *x = &g->ents[i];
        const qc_entity *e = x->e;
        if (!x->in || !x->desc) {
            if (x->in && e->kind == QC_ENT_COMMAND)
                cmds[nc++] = (entry){ e->name, qc_gen_cat(g->a, "&", g->p, "_CMD_", x->cname, NULL) };
            else if (x->in && e->kind == QC_ENT_EVENT)
                evs[ne++] = (entry){ e->name, qc_gen_cat(g->a, "&", g->p, "_EVENT_", x->cname, NULL) };
            continue;
        }
        types[nt++] = (entry){ e->name,
                               qc_gen_cat(g->a, "&", x->desc, NULL) };
    }
    cg_file_banner(g, o, "The schema table of the bindings.");
    qc_emit_f(o, "#include \"%s-types.h\"\n\n", g->p);
    table(g, o, "qapic_type", "types", types, nt);
    table(g, o, "qapic_command", "commands", cmds, nc);
    table(g, o, "qapic_event", "events", evs, ne);
    qc_emit_f(o, "const qapic_schema %s_schema = {\n    .name = %S,\n", g->p,
              g->p);
    table_fields(g, o, "types", nt);
    table_fields(g, o, "commands", nc);
    table_fields(g, o, "events", ne);
    qc_emit_f(o,
        "};\n\n"
        "const qapic_type *%s_type(const char *name)\n"
        "{\n    return qapic_schema_type(&%s_schema, name);\n}\n\n"
        "const qapic_command *%s_command(const char *name)\n"
        "{\n    return qapic_schema_command(&%s_schema, name);\n}\n\n"
        "const qapic_event *%s_event(const char *name)\n"
        "{\n    return qapic_schema_event(&%s_schema, name);\n}\n",
        g->p, g->p, g->p, g->p, g->p, g->p);
}
