/* NAME-commands.[ch] and NAME-events.[ch]: a typed stub per command, a
 * variant with per-call options (timeout, file descriptors, out-of-band,
 * decoding flags) and an asynchronous one, over qapic_client_call_opts()
 * and qapic_client_call_async(), and a typed handler
 * registration per event over qapic_client_on_typed_event_invoke().  They
 * are the only generated files that use the runtime's client, so a
 * program that links the bindings statically without calling them needs
 * no client code. */
#include <string.h>

#include "gen/cgen.h"

static void header_open(cg *g, qc_emit *o, const char *what,
                        const char *guard)
{
    cg_file_banner(g, o, what);
    qc_emit_f(o,
        "#ifndef %s_%s\n"
        "#define %s_%s\n"
        "\n"
        "#include <stdint.h>\n"
        "\n"
        "#include <qapic/client.h>\n"
        "\n"
        "#include \"%s-types.h\"\n"
        "\n"
        "#ifdef __cplusplus\n"
        "extern \"C\" {\n"
        "#endif\n\n", g->pu, guard, g->pu, guard, g->p);
}

/* "NAME_DEPRECATED " (or _UNSTABLE) before a declaration, or "". */
static const char *attr_prefix(cg *g, const cg_ent *x)
{
    const char *a = cg_feature_attr(g, x->features, x->nfeatures);
    return *a ? qc_arena_printf(g->a, "%s ", a + 1) : "";
}

static void header_close(cg *g, qc_emit *o, const char *guard)
{
    qc_emit_f(o, "#ifdef __cplusplus\n}\n#endif\n\n#endif /* %s_%s */\n",
              g->pu, guard);
}

static void source_open(cg *g, qc_emit *o, const char *what,
                        const char *header)
{
    cg_file_banner(g, o, what);
    qc_emit_f(o, "#define %s_NO_DEPRECATION_WARNINGS 1\n"
                 "#include \"%s-%s\"\n\n", g->pu, g->p, header);
}

/* ---- commands ---------------------------------------------------------- */

/* What a stub returns: a new box of the return type ("NAME_Foo *",
 * "int64_t *", "char **"), or "int" (0 or -1) without one. */
static const char *stub_return(cg *g, const cg_ent *x)
{
    if (!x->e->ret_type)
        return "int ";
    const char *box = cg_of(g, x->e->ret_type)->box;
    return qc_arena_printf(g->a, "%s%s*", box,
                           box[strlen(box) - 1] == '*' ? "" : " ");
}

/* ", const NAME_Args *args" or "". */
static const char *stub_args(cg *g, const cg_ent *x)
{
    if (!x->e->arg_type)
        return "";
    return qc_arena_printf(g->a, ", const %s *args",
                           cg_of(g, x->e->arg_type)->ctype);
}

static const char *stub_doc_tail(cg *g, const cg_ent *x)
{
    const char *args = "";
    if (x->e->arg_type) {
        const cg_ent *a = cg_of(g, x->e->arg_type);
        bool all_optional = true;
        for (size_t i = 0; i < a->nfields; i++)
            all_optional = all_optional && a->fields[i].has;
        args = qc_arena_printf(g->a, "\n@param args the arguments (%s%s)",
                               a->ctype, all_optional ? "; NULL: none" : "");
    }
    const cg_ent *r = x->e->ret_type ? cg_of(g, x->e->ret_type) : NULL;
    const char *free_fn = !r ? NULL : r->gen
        ? qc_arena_printf(g->a, "%s_free()", r->ctype)
        : qc_arena_printf(g->a, "qapic_free(&%s, ...)", r->desc);
    const char *ret = r
        ? qc_arena_printf(g->a, "@return the reply, a new box of type `%s` "
                          "(free it with %s), or NULL with *err set",
                          r->e->name, free_fn)
        : "@return 0, or -1 with *err set";
    return qc_arena_printf(g->a, "@param client a connected client%s\n"
                           "@param err where to store the error, or NULL\n%s",
                           args, ret);
}

void cg_commands_header(cg *g, qc_emit *o)
{
    header_open(g, o, "Typed stubs of the schema's commands.", "_COMMANDS_H");
    for (size_t i = 0; i < g->s->n_entities; i++) {
        const cg_ent *x = &g->ents[i];
        if (!x->in || x->e->kind != QC_ENT_COMMAND)
            continue;
        const char *attr = attr_prefix(g, x);
        cg_doc_definition(g, o, x, qc_arena_printf(g->a, "Command `%s`.",
                                                   x->e->name),
                          stub_doc_tail(g, x));
        qc_emit_f(o, "%s%s%s_%s(qapic_client *client%s, qapic_error **err);\n",
                  attr, stub_return(g, x), g->p, x->cname, stub_args(g, x));
        qc_emit_f(o, "/** %s_%s() with per-call options (NULL: none): "
                     "timeout, file descriptors, out-of-band, decoding. */\n",
                  g->p, x->cname);
        qc_emit_f(o, "%s%s%s_%s_opts(qapic_client *client%s,\n"
                     "    const qapic_call_opts *opts, qapic_error **err);\n",
                  attr, stub_return(g, x), g->p, x->cname, stub_args(g, x));
        qc_emit_f(o, "/** %s_%s() without waiting: DONE gets the reply. */\n",
                  g->p, x->cname);
        qc_emit_f(o, "%suint64_t %s_%s_async(qapic_client *client%s,\n"
                     "    qapic_call_fn done, void *opaque, qapic_error **err);\n\n",
                  attr, g->p, x->cname, stub_args(g, x));
    }
    header_close(g, o, "_COMMANDS_H");
}

void cg_commands_source(cg *g, qc_emit *o)
{
    source_open(g, o, "Typed stubs of the schema's commands.", "commands.h");
    for (size_t i = 0; i < g->s->n_entities; i++) {
        const cg_ent *x = &g->ents[i];
        if (!x->in || x->e->kind != QC_ENT_COMMAND)
            continue;
        const char *args = x->e->arg_type ? "args" : "NULL";
        const char *ret = stub_return(g, x), *p = g->p, *n = x->cname;
        qc_emit_f(o, "%s%s_%s_opts(qapic_client *client%s,\n"
                     "    const qapic_call_opts *opts, qapic_error **err)\n{\n",
                  ret, p, n, stub_args(g, x));
        if (x->e->ret_type)
            qc_emit_f(o,
                "    void *ret = NULL;\n"
                "    if (qapic_client_call_opts(client, &%s_CMD_%s, %s, opts, &ret,\n"
                "                               err) < 0)\n"
                "        return NULL;\n"
                "    return ret;\n", p, n, args);
        else
            qc_emit_f(o,
                "    return qapic_client_call_opts(client, &%s_CMD_%s, %s, opts, NULL,\n"
                "                                  err);\n", p, n, args);
        qc_emit_f(o, "}\n\n"
                     "%s%s_%s(qapic_client *client%s, qapic_error **err)\n{\n"
                     "    return %s_%s_opts(client, %sNULL, err);\n",
                  ret, p, n, stub_args(g, x), p, n,
                  x->e->arg_type ? "args, " : "");
        qc_emit_f(o,
            "}\n\n"
            "uint64_t %s_%s_async(qapic_client *client%s,\n"
            "    qapic_call_fn done, void *opaque, qapic_error **err)\n"
            "{\n"
            "    return qapic_client_call_async(client, &%s_CMD_%s, %s, done,\n"
            "                                   opaque, err);\n"
            "}\n\n", g->p, x->cname, stub_args(g, x), g->p, x->cname, args);
    }
}

/* ---- events ------------------------------------------------------------ */

/* ", const NAME_Data *data" or "". */
static const char *event_data(cg *g, const cg_ent *x)
{
    if (!x->e->arg_type)
        return "";
    return qc_arena_printf(g->a, "const %s *data, ",
                           cg_of(g, x->e->arg_type)->ctype);
}

void cg_events_header(cg *g, qc_emit *o)
{
    header_open(g, o, "Typed handlers of the schema's events.", "_EVENTS_H");
    for (size_t i = 0; i < g->s->n_entities; i++) {
        const cg_ent *x = &g->ents[i];
        if (!x->in || x->e->kind != QC_ENT_EVENT)
            continue;
        const char *attr = attr_prefix(g, x);
        cg_doc_definition(g, o, x, qc_arena_printf(
            g->a, "Handler of event `%s`; EV is the message, borrowed%s.",
            x->e->name, x->e->arg_type ? ", DATA its decoded data, borrowed"
                                       : ""), NULL);
        qc_emit_f(o, "typedef void %s_%s_fn(qapic_client *client,\n"
                     "    const qapic_event_msg *ev, %svoid *opaque);\n",
                  g->p, x->cname, event_data(g, x));
        qc_emit_f(o, "/** Calls FN for every %s event (after the generic "
                     "listeners); returns a listener handle, or 0 with *err "
                     "set. */\n", x->e->name);
        qc_emit_f(o, "%suint64_t %s_on_%s(qapic_client *client, %s_%s_fn *fn,\n"
                     "    void *opaque, qapic_error **err);\n\n",
                  attr, g->p, x->cname, g->p, x->cname);
    }
    header_close(g, o, "_EVENTS_H");
}

void cg_events_source(cg *g, qc_emit *o)
{
    source_open(g, o, "Typed handlers of the schema's events.", "events.h");
    for (size_t i = 0; i < g->s->n_entities; i++) {
        const cg_ent *x = &g->ents[i];
        if (!x->in || x->e->kind != QC_ENT_EVENT)
            continue;
        const char *p = g->p, *n = x->cname;
        /* The runtime stores every handler as a qapic_fn; this calls it
         * through its real type again. */
        qc_emit_f(o,
            "static void %s__%s_invoke(qapic_fn fn, qapic_client *client,\n"
            "    const qapic_event_msg *ev, const void *data, void *opaque)\n"
            "{\n", p, n);
        if (x->e->arg_type)
            qc_emit_f(o, "    ((%s_%s_fn *)fn)(client, ev, (const %s *)data, "
                         "opaque);\n", p, n, cg_of(g, x->e->arg_type)->ctype);
        else
            qc_emit_f(o, "    (void)data;\n"
                         "    ((%s_%s_fn *)fn)(client, ev, opaque);\n", p, n);
        qc_emit_f(o,
            "}\n\n"
            "uint64_t %s_on_%s(qapic_client *client, %s_%s_fn *fn,\n"
            "    void *opaque, qapic_error **err)\n"
            "{\n"
            "    return qapic_client_on_typed_event_invoke(client, &%s_EVENT_%s,\n"
            "        %s__%s_invoke, (qapic_fn)fn, opaque, err);\n"
            "}\n\n", p, n, p, n, p, n, p, n);
    }
}
