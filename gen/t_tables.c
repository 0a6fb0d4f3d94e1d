/* NAME-tests-tables.c: the oracle of the tests (qapic/testgen.h): every
 * type the bindings describe, its members, branches and values as the
 * schema has them and its layout as the bindings' header gives it
 * (offsetof, sizeof and the enum constants, computed by the compiler);
 * every command with small functions calling its stubs (blocking, _opts
 * and asynchronous) through their exact types; every event with a typed handler.  Independent of the bindings'
 * descriptor tables, which the suites check against it. */
#include <string.h>

#include "gen/tgen.h"

static const char *builtin_kind(const char *name)
{
    static const char *const kinds[][2] = {
        { "str", "STR" }, { "number", "NUMBER" }, { "int", "INT" },
        { "int8", "INT8" }, { "int16", "INT16" }, { "int32", "INT32" },
        { "int64", "INT64" }, { "uint8", "UINT8" }, { "uint16", "UINT16" },
        { "uint32", "UINT32" }, { "uint64", "UINT64" }, { "size", "SIZE" },
        { "bool", "BOOL" }, { "any", "ANY" }, { "null", "NULL" },
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(kinds[i][0], name))
            return kinds[i][1];
    return "ANY";
}

static const char *kind_of(const cg_ent *x)
{
    switch (x->e->kind) {
    case QC_ENT_ENUM: return "ENUM";
    case QC_ENT_OBJECT: return x->e->variants ? "UNION" : "STRUCT";
    case QC_ENT_ALTERNATE: return "ALTERNATE";
    case QC_ENT_ARRAY: return "LIST";
    default: return builtin_kind(x->e->name);
    }
}

static void index_enum(tg *t, qc_emit *o)
{
    qc_emit_s(o, "/* The oracle's type numbers. */\nenum {\n");
    for (size_t i = 0; i < t->ntypes; i++)
        qc_emit_f(o, "    %s,\n", tg_type_const(t, t->types[i]->e));
    qc_emit_f(o, "    %sntypes\n};\n\n", t->ns);
}

static void member_table(tg *t, qc_emit *o, const cg_ent *x)
{
    if (!x->nfields)
        return;
    qc_emit_f(o, "static const qapic_tg_member %sm_%s[] = {\n", t->ns, x->cname);
    for (size_t i = 0; i < x->nfields; i++) {
        const cg_field *f = &x->fields[i];
        const char *flags = f->m->optional ? "QAPIC_TG_OPTIONAL"
                            : f->has       ? "QAPIC_TG_FLAGGED"
                                           : "0";
        qc_emit_f(o, "    { %S, %s, offsetof(%s, %s), ", f->m->name,
                  tg_type_const(t, f->m->type), x->ctype, f->name);
        if (f->has)
            qc_emit_f(o, "offsetof(%s, %s), ", x->ctype, f->has);
        else
            qc_emit_s(o, "QAPIC_NO_OFFSET, ");
        qc_emit_f(o, "%s },\n", flags);
    }
    qc_emit_s(o, "};\n");
}

static void branch_table(tg *t, qc_emit *o, const cg_ent *x)
{
    if (!x->ntags)
        return;
    qc_emit_f(o, "static const uint32_t %sb_%s[] = {", t->ns, x->cname);
    for (size_t i = 0; i < x->ntags; i++)
        qc_emit_f(o, "%s %s", i ? "," : "",
                  x->by_tag[i] ? tg_type_const(t, x->by_tag[i]->m->type)
                               : "QAPIC_TG_NONE");
    qc_emit_s(o, " };\n");
}

static void alternate_table(tg *t, qc_emit *o, const cg_ent *x)
{
    if (!x->nfields)
        return;
    qc_emit_f(o, "static const qapic_tg_alt %sa_%s[] = {\n", t->ns, x->cname);
    for (size_t i = 0; i < x->nfields; i++) {
        const cg_field *f = &x->fields[i];
        qc_emit_f(o, "    { %S, %s, %s, offsetof(%s, u.%s) },\n", f->m->name,
                  cg_alt_json_type(f->m->type), tg_type_const(t, f->m->type),
                  x->ctype, f->name);
    }
    qc_emit_s(o, "};\n");
}

static void enum_tables(tg *t, qc_emit *o, const cg_ent *x)
{
    if (!x->nvalues)
        return;
    qc_emit_f(o, "static const char *const %sv_%s[] = {", t->ns, x->cname);
    for (size_t i = 0; i < x->nvalues; i++)
        qc_emit_f(o, "%s %S", i ? "," : "", x->values[i]->name);
    qc_emit_f(o, " };\nstatic const int %sc_%s[] = {", t->ns, x->cname);
    for (size_t i = 0; i < x->nvalues; i++)
        qc_emit_f(o, "%s %s", i ? "," : "", x->consts[i]);
    qc_emit_s(o, " };\n");
}

static void part_tables(tg *t, qc_emit *o)
{
    for (size_t i = 0; i < t->ntypes; i++) {
        const cg_ent *x = t->types[i];
        switch (x->e->kind) {
        case QC_ENT_OBJECT:
            member_table(t, o, x);
            branch_table(t, o, x);
            break;
        case QC_ENT_ALTERNATE:
            alternate_table(t, o, x);
            break;
        case QC_ENT_ENUM:
            enum_tables(t, o, x);
            break;
        default:
            break;
        }
    }
    qc_emit_s(o, "\n");
}

static const char *box_size(const cg_ent *x)
{
    switch (x->e->kind) {
    case QC_ENT_ENUM: return "sizeof(qapic_enum_box)";
    case QC_ENT_ARRAY: return "sizeof(qapic_list)";
    default: return NULL;
    }
}

static void type_entry(tg *t, qc_emit *o, const cg_ent *x)
{
    const char *size = box_size(x);
    qc_emit_f(o, "    [%s] = { .name = %S, .kind = QAPIC_KIND_%s, "
                 ".desc = &%s, .size = ", tg_type_const(t, x->e), x->e->name,
              kind_of(x), x->desc);
    if (size)
        qc_emit_s(o, size);
    else
        qc_emit_f(o, "sizeof(%s)", x->ctype);
    switch (x->e->kind) {
    case QC_ENT_OBJECT:
        if (x->nfields)
            qc_emit_f(o, ",\n        .members = %sm_%s, .nmembers = %z",
                      t->ns, x->cname, x->nfields);
        qc_emit_f(o, ",\n        .extra_offset = offsetof(%s, _extra)",
                  x->ctype);
        if (x->e->variants) {
            qc_emit_f(o, ",\n        .tag = %z, .variant_offset = "
                         "offsetof(%s, u)", x->tag_index, x->ctype);
            if (x->ntags)
                qc_emit_f(o, ", .branches = %sb_%s", t->ns, x->cname);
        }
        break;
    case QC_ENT_ALTERNATE:
        if (x->nfields)
            qc_emit_f(o, ",\n        .alts = %sa_%s, .nalts = %z", t->ns,
                      x->cname, x->nfields);
        qc_emit_f(o, ",\n        .type_offset = offsetof(%s, type), "
                     ".raw_offset = offsetof(%s, _raw)", x->ctype, x->ctype);
        break;
    case QC_ENT_ENUM:
        if (x->nvalues)
            qc_emit_f(o, ",\n        .values = %sv_%s, .consts = %sc_%s, "
                         ".nvalues = %z", t->ns, x->cname, t->ns, x->cname,
                      x->nvalues);
        break;
    case QC_ENT_ARRAY:
        qc_emit_f(o, ", .element = %s", tg_type_const(t, x->e->element_type));
        break;
    default:
        break;
    }
    qc_emit_s(o, " },\n");
}

/* ---- commands and events ------------------------------------------------- */

/* The stubs of command X, called through their exact types. */
static void call_function(tg *t, qc_emit *o, const cg_ent *x)
{
    const char *p = t->g.p, *n = x->cname;
    const char *args = x->e->arg_type ? ", a" : "";
    qc_emit_f(o, "static int %scall_%s(qapic_client *c, const void *a, "
                 "void **r, qapic_error **e)\n{\n", t->ns, n);
    if (!x->e->arg_type)
        qc_emit_s(o, "    (void)a;\n");
    if (x->e->ret_type)
        qc_emit_f(o, "    return (*r = %s_%s(c%s, e)) ? 0 : -1;\n}\n", p, n,
                  args);
    else
        qc_emit_f(o, "    *r = NULL;\n    return %s_%s(c%s, e);\n}\n", p, n,
                  args);
    qc_emit_f(o, "static int %socall_%s(qapic_client *c, const void *a,\n"
                 "    const qapic_call_opts *opts, void **r, qapic_error **e)\n"
                 "{\n", t->ns, n);
    if (!x->e->arg_type)
        qc_emit_s(o, "    (void)a;\n");
    if (x->e->ret_type)
        qc_emit_f(o, "    return (*r = %s_%s_opts(c%s, opts, e)) ? 0 : -1;\n}\n",
                  p, n, args);
    else
        qc_emit_f(o, "    *r = NULL;\n    return %s_%s_opts(c%s, opts, e);\n}\n",
                  p, n, args);
    qc_emit_f(o, "static uint64_t %sacall_%s(qapic_client *c, const void *a,\n"
                 "    qapic_call_fn d, void *o, qapic_error **e)\n{\n",
              t->ns, n);
    if (!x->e->arg_type)
        qc_emit_s(o, "    (void)a;\n");
    qc_emit_f(o, "    return %s_%s_async(c%s, d, o, e);\n}\n", p, n, args);
}

static void command_table(tg *t, qc_emit *o)
{
    for (size_t i = 0; i < t->ncommands; i++)
        call_function(t, o, t->commands[i]);
    qc_emit_f(o, "\nstatic const qapic_tg_command %scommands[] = {\n", t->ns);
    for (size_t i = 0; i < t->ncommands; i++) {
        const cg_ent *x = t->commands[i];
        const qc_entity *e = x->e;
        const char *flags = tg_live_query(t, x) ? "QAPIC_TG_LIVE_QUERY"
                            : !e->success_response
                                ? "QAPIC_TG_NO_SUCCESS_RESPONSE" : "0";
        qc_emit_f(o, "    { %S, &%s_CMD_%s, %s, %s, %s, %scall_%s, "
                     "%sacall_%s, %socall_%s },\n", e->name, t->g.p, x->cname,
                  e->arg_type ? tg_type_const(t, e->arg_type) : "QAPIC_TG_NONE",
                  e->ret_type ? tg_type_const(t, e->ret_type) : "QAPIC_TG_NONE",
                  flags, t->ns, x->cname, t->ns, x->cname, t->ns, x->cname);
    }
    qc_emit_s(o, "    { 0 }\n};\n\n");
}

static void event_functions(tg *t, qc_emit *o, const cg_ent *x)
{
    const char *p = t->g.p, *n = x->cname, *ns = t->ns;
    if (x->e->arg_type)
        qc_emit_f(o, "static void %sh_%s(qapic_client *c, const "
                     "qapic_event_msg *ev,\n    const %s *d, void *o)\n"
                     "{\n    (void)c;\n    qapic_tg_event_seen(ev, d, o);\n}\n",
                  ns, n, cg_of(&t->g, x->e->arg_type)->ctype);
    else
        qc_emit_f(o, "static void %sh_%s(qapic_client *c, const "
                     "qapic_event_msg *ev, void *o)\n"
                     "{\n    (void)c;\n    qapic_tg_event_seen(ev, NULL, o);\n}\n",
                  ns, n);
    qc_emit_f(o, "static uint64_t %son_%s(qapic_client *c, void *o, "
                 "qapic_error **e)\n"
                 "{\n    return %s_on_%s(c, %sh_%s, o, e);\n}\n", ns, n, p, n,
              ns, n);
}

static void event_table(tg *t, qc_emit *o)
{
    for (size_t i = 0; i < t->nevents; i++)
        event_functions(t, o, t->events[i]);
    qc_emit_f(o, "\nstatic const qapic_tg_event %sevents[] = {\n", t->ns);
    for (size_t i = 0; i < t->nevents; i++) {
        const cg_ent *x = t->events[i];
        qc_emit_f(o, "    { %S, &%s_EVENT_%s, %s, %son_%s },\n", x->e->name,
                  t->g.p, x->cname,
                  x->e->arg_type ? tg_type_const(t, x->e->arg_type)
                                 : "QAPIC_TG_NONE", t->ns, x->cname);
    }
    qc_emit_s(o, "    { 0 }\n};\n\n");
}

void tg_tables(tg *t, qc_emit *o)
{
    tg_banner(t, o, "The oracle of the generated tests: the schema's types, "
                    "commands and events.");
    qc_emit_f(o, "#include <stddef.h>\n#include <stdint.h>\n\n"
                 "#include \"%s-tests.h\"\n\n", t->g.p);
    index_enum(t, o);
    part_tables(t, o);
    qc_emit_f(o, "static const qapic_tg_type %stypes[] = {\n", t->ns);
    for (size_t i = 0; i < t->ntypes; i++)
        type_entry(t, o, t->types[i]);
    qc_emit_s(o, "};\n\n");
    command_table(t, o);
    event_table(t, o);
    const char *ns = t->ns;
    qc_emit_f(o,
        "const qapic_tg_schema %s_tests = {\n"
        "    .prefix = %S,\n"
        "    .bindings = &%s_schema,\n"
        "    .types = %stypes,\n"
        "    .ntypes = %sntypes,\n"
        "    .commands = %scommands,\n"
        "    .ncommands = %z,\n"
        "    .events = %sevents,\n"
        "    .nevents = %z,\n"
        "};\n", t->g.p, t->g.p, t->g.p, ns, ns, ns, t->ncommands, ns,
        t->nevents);
}
