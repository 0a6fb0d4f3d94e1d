/* `qapic gen c`: the file set of C bindings (doc/bindings.md).
 *
 *   NAME.h                 includes the three headers below
 *   NAME-types.h           types, descriptor and wrapper declarations
 *   NAME-commands.h/.c     command stubs (the runtime's client)
 *   NAME-events.h/.c       event registrations (the runtime's client)
 *   NAME-types-MODULE.c    per schema module ("builtin" for QType): its
 *                          descriptors and wrappers, so that a large
 *                          schema compiles in parallel
 *   NAME-schema.c          the sorted schema table and lookups
 */
#include <stdlib.h>
#include <string.h>

#include "gen/cgen.h"
#include "base/hashmap.h"

void qc_gen_output_free(qc_gen_output *out)
{
    for (size_t i = 0; i < out->n; i++)
        free(out->files[i].data);
    free(out->files);
    out->files = NULL;
    out->n = out->cap = 0;
}

void cg_add_file(qc_gen_output *out, const char *name, qc_emit *e)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? 2 * out->cap : 64;
        qc_gen_file *f = realloc(out->files, cap * sizeof *f);
        if (!f)
            abort();
        out->files = f;
        out->cap = cap;
    }
    qc_gen_file *f = &out->files[out->n++];
    f->name = name;
    f->len = e->b.len;
    f->data = e->b.data ? qc_buf_steal(&e->b) : calloc(1, 1);
    if (!f->data)
        abort();
    e->bol = true;
}

bool qc_gen_c_prefix_ok(const char *prefix)
{
    /* qapic and qapic_* belong to the runtime. */
    const char *rt = "qapic";
    size_t i = 0;
    while (i < 5 && prefix[i] && (prefix[i] | 0x20) == rt[i])
        i++;
    if (i == 5 && (prefix[5] == '\0' || prefix[5] == '_'))
        return false;
    return qc_gen_is_identifier(prefix);
}

/* "migration.json" -> "migration", "sub/x.json" -> "sub-x"; unique. */
static const char *module_stem(cg *g, const qc_smodule *m, qc_hashmap *used)
{
    const char *name = m->builtin ? "builtin" : m->name;
    size_t n = strlen(name);
    if (n > 5 && !strcmp(name + n - 5, ".json"))
        n -= 5;
    char *s = qc_arena_strndup(g->a, name, n);
    for (char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
              || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            *p = '-';
    const char *stem = s;
    for (unsigned k = 2; qc_hashmap_get(used, stem); k++)
        stem = qc_arena_printf(g->a, "%s-%u", s, k);
    qc_hashmap_put(used, stem, (void *)stem);
    return stem;
}

static void umbrella(cg *g, qc_emit *o)
{
    cg_file_banner(g, o, "C bindings of the QAPI schema: include this.");
    qc_emit_f(o,
        "#ifndef %s__H\n"
        "#define %s__H\n"
        "\n"
        "#include \"%s-types.h\"\n"
        "#include \"%s-commands.h\"\n"
        "#include \"%s-events.h\"\n"
        "\n"
        "#endif /* %s__H */\n", g->pu, g->pu, g->p, g->p, g->p, g->pu);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void gen_files(cg *g, qc_gen_output *out)
{
    qc_emit e = QC_EMIT_INIT;
    const char *p = g->p;
    umbrella(g, &e);
    cg_add_file(out, qc_arena_printf(g->a, "%s.h", p), &e);
    cg_types_header(g, &e);
    cg_add_file(out, qc_arena_printf(g->a, "%s-types.h", p), &e);
    cg_commands_header(g, &e);
    cg_add_file(out, qc_arena_printf(g->a, "%s-commands.h", p), &e);
    cg_events_header(g, &e);
    cg_add_file(out, qc_arena_printf(g->a, "%s-events.h", p), &e);
    qc_hashmap *used = qc_hashmap_new(g->a);
    for (size_t i = 0; i < g->s->n_modules; i++) {
        const qc_smodule *m = g->s->modules[i];
        cg_module_source(g, m, &e);
        cg_add_file(out, qc_arena_printf(g->a, "%s-types-%s.c", p,
                                      module_stem(g, m, used)), &e);
    }
    cg_schema_source(g, &e);
    cg_add_file(out, qc_arena_printf(g->a, "%s-schema.c", p), &e);
    cg_commands_source(g, &e);
    cg_add_file(out, qc_arena_printf(g->a, "%s-commands.c", p), &e);
    cg_events_source(g, &e);
    cg_add_file(out, qc_arena_printf(g->a, "%s-events.c", p), &e);
    qc_emit_free(&e);
}

bool qc_gen_c(qc_arena *a, qc_diag *d, const qc_schema *schema,
              const qc_gen_c_opts *o, qc_gen_output *out)
{
    cg g = { 0 };
    g.a = a;
    g.d = d;
    g.s = schema;
    g.o = o;
    g.p = o->prefix;
    g.pu = qc_gen_upper(a, o->prefix);
    g.schema_name = base_name(schema->path ? schema->path : "schema");
    if (!cg_view(&g))
        return false;
    gen_files(&g, out);
    return true;
}
