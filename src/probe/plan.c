/* The plans of `qapic probe` (plan.h): libvirt's sequence as a table, a
 * dump's commands, and the decision of each step. */
#include "probe/plan.h"

#include <string.h>

#include "dumps/replies.h"
#include "dumps/validate.h"
#include "syntax/parse.h"

/* ---- libvirt's sequence -------------------------------------------------- */

/* One question.  ARGS is JSON text, member order as libvirt sends it. */
typedef struct row {
    bool tcg;                   /* the second pass, with TCG after KVM */
    const char *execute;
    const char *args;
    const char *if_types, *if_arch, *machine;
} row;

#define ROW(tcg, cmd, args, types, arch, machine) \
    { tcg, cmd, args, types, arch, machine },
#define ASK(cmd) ROW(false, cmd, NULL, NULL, NULL, NULL)
#define DEV(type, cond) \
    ROW(false, "device-list-properties", "{\"typename\": \"" type "\"}", \
        cond, NULL, NULL)
#define QOM(type, cond) \
    ROW(false, "qom-list-properties", "{\"typename\": \"" type "\"}", \
        cond, NULL, NULL)
#define MACHINE(alias) ROW(false, "qom-list-properties", NULL, NULL, NULL, alias)
#define CPU(tcg, args, arch) \
    ROW(tcg, "query-cpu-model-expansion", args, NULL, arch, NULL)

static const row libvirt_sequence[] = {
#include "probe/libvirt_sequence.def"
};

#undef ROW
#undef ASK
#undef DEV
#undef QOM
#undef MACHINE
#undef CPU

#define NROWS (sizeof libvirt_sequence / sizeof libvirt_sequence[0])

static const qc_value *parse_args(qc_arena *a, const char *text)
{
    if (!text)
        return NULL;
    qc_source *src = qc_source_from_mem(a, "<probe plan>", text, strlen(text),
                                        false);
    qc_parse_result r;
    qc_parse(a, src, QC_DIALECT_JSON, &r);
    /* The table is ours and tested: a row that does not parse is sent
     * without arguments, which the schema check then refuses. */
    return !r.error && r.nitems == 1 ? qc_item_value(&r.items[0]) : NULL;
}

qc_probe_plan *qc_probe_plan_default(qc_arena *a)
{
    qc_probe_plan *p = qc_arena_alloc(a, sizeof *p);
    p->n = 2;
    p->passes = qc_arena_alloc(a, 2 * sizeof *p->passes);
    p->passes[1].tcg = p->passes[1].after_kvm = true;
    for (int k = 0; k < 2; k++)
        p->passes[k].steps = qc_arena_alloc(a, NROWS * sizeof(qc_probe_step));
    for (size_t i = 0; i < NROWS; i++) {
        const row *r = &libvirt_sequence[i];
        qc_probe_pass *pass = &p->passes[r->tcg];
        qc_probe_step *s = &pass->steps[pass->n++];
        s->execute = r->execute;
        s->args = parse_args(a, r->args);
        s->if_types = r->if_types;
        s->if_arch = r->if_arch;
        s->machine = r->machine;
    }
    return p;
}

/* ---- a dump's commands ------------------------------------------------------ */

static qc_probe_pass *new_pass(qc_arena *a, qc_probe_plan *p, size_t max)
{
    qc_probe_pass *np = qc_arena_alloc(a, (p->n + 1) * sizeof *np);
    if (p->n)
        memcpy(np, p->passes, p->n * sizeof *np);
    p->passes = np;
    qc_probe_pass *pass = &p->passes[p->n++];
    pass->steps = qc_arena_alloc(a, max * sizeof *pass->steps);
    pass->tcg = p->n > 1;   /* libvirt's later passes run TCG */
    return pass;
}

qc_probe_plan *qc_probe_plan_from_dump(qc_arena *a, qc_source *src,
                                       qc_diag *d)
{
    qc_replies *r = qc_replies_read(a, src, false, d);
    if (r->syntax_errors)
        return NULL;
    qc_probe_plan *p = qc_arena_alloc(a, sizeof *p);
    p->replay = p->unchecked = true;
    qc_probe_pass *pass = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const qc_rentry *e = &r->e[i];
        if (e->role == QC_RROLE_REPLY)
            continue;
        qc_loc loc = qc_loc_make(src, e->start);
        if (e->role == QC_RROLE_ORPHAN || e->kind != QC_RENTRY_COMMAND
            || !e->execute) {
            qc_error(d, loc, "probe-bad-sequence",
                     "%s is not a command (an object with a string 'execute'), so the dump cannot be replayed",
                     qc_replies_label(a, r, i));
            return NULL;
        }
        const qc_value *args = qc_obj_get(e->v, "arguments");
        if (args && !qc_is_object(args)) {
            qc_error(d, loc, "probe-bad-sequence",
                     "the arguments of %s are no JSON object, so the dump cannot be replayed",
                     qc_replies_label(a, r, i));
            return NULL;
        }
        bool negotiation = !strcmp(e->execute, "qmp_capabilities");
        if (!pass || (negotiation && pass->n))
            pass = new_pass(a, p, r->n);
        if (negotiation)
            continue;
        if (p->n == 1 && !strcmp(e->execute, "query-qmp-schema"))
            p->unchecked = false;
        qc_probe_step *s = &pass->steps[pass->n++];
        s->execute = e->execute;
        s->args = args;
        s->loc = loc;
        s->label = qc_replies_label(a, r, i);
    }
    if (!pass) {
        qc_error(d, qc_loc_make(src, 0), "probe-bad-sequence",
                 "the dump holds no commands to replay");
        return NULL;
    }
    return p;
}

/* ---- facts -------------------------------------------------------------------- */

void qc_probe_facts_learn(qc_arena *a, qc_probe_facts *f, const char *execute,
                          const qc_value *ret)
{
    if (!strcmp(execute, "query-target") && !f->arch)
        f->arch = qc_obj_get_str(ret, "arch");
    else if (!strcmp(execute, "qom-list-types") && !f->types && qc_is_array(ret))
        f->types = ret;
    else if (!strcmp(execute, "query-machines") && !f->machines
             && qc_is_array(ret))
        f->machines = ret;
    else if (!strcmp(execute, "query-kvm") && !f->kvm_known) {
        const qc_value *en = qc_obj_get(ret, "enabled");
        f->kvm = en && en->kind == QC_VBOOL && en->u.b;
        f->kvm_known = true;
    } else if (!strcmp(execute, "query-version") && !f->version.set) {
        qc_version_of_reply(ret, &f->version);
    } else if (!strcmp(execute, "query-qmp-schema") && !f->schema
               && qc_is_array(ret)) {
        f->schema = qc_vschema_from_ischema(a, qc_ischema_new(a, ret),
                                            &f->version);
    }
}

/* ---- decisions ------------------------------------------------------------------ */

/* Whether the space-separated LIST holds WORD. */
static bool listed(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && !strncmp(p, word, n))
            return true;
        p += k;
        p += *p == ' ';
    }
    return false;
}

/* Whether qom-list-types listed one of the types in LIST. */
static bool type_listed(const qc_probe_facts *f, const char *list)
{
    for (size_t i = 0; f->types && i < qc_arr_len(f->types); i++) {
        const char *name = qc_obj_get_str(qc_arr_at(f->types, i), "name");
        if (name && listed(list, name))
            return true;
    }
    return false;
}

/* The QOM type of machine ALIAS: "NAME-machine" for the machine whose
 * alias it is, else for the machine of that name; NULL if none. */
static const char *machine_type(qc_arena *a, const qc_probe_facts *f,
                                const char *alias)
{
    const char *named = NULL;
    for (size_t i = 0; f->machines && i < qc_arr_len(f->machines); i++) {
        const qc_value *m = qc_arr_at(f->machines, i);
        const char *name = qc_obj_get_str(m, "name");
        const char *al = qc_obj_get_str(m, "alias");
        if (name && al && !strcmp(al, alias))
            return qc_arena_printf(a, "%s-machine", name);
        if (name && !strcmp(name, alias))
            named = name;
    }
    return named ? qc_arena_printf(a, "%s-machine", named) : NULL;
}

static qc_value string_value(const char *s)
{
    return (qc_value){ .kind = QC_VSTRING, .u.str.s = s };
}

qc_value *qc_probe_command(qc_arena *a, const char *execute,
                           const qc_value *args, const char *id)
{
    qc_value *v = qc_value_new(a, QC_VOBJECT);
    qc_value_begin_members(a, v, 3);
    *qc_value_push_member(v) = (qc_member){ "execute", 7, 0,
                                            string_value(execute) };
    if (args)
        *qc_value_push_member(v) = (qc_member){ "arguments", 9, 0, *args };
    if (id)
        *qc_value_push_member(v) = (qc_member){ "id", 2, 0, string_value(id) };
    return v;
}

typedef struct first_problem {
    const char *why;
} first_problem;

static void on_problem(void *ctx, const char *path, const qc_value *at,
                       const char *code, const char *message)
{
    first_problem *fp = ctx;
    (void)path;
    (void)at;
    (void)code;
    if (!fp->why)
        fp->why = message;
}

qc_step_verdict qc_probe_step_decide(qc_arena *a, const qc_probe_step *s,
                                     const qc_probe_facts *f,
                                     const qc_value **args, const char **why)
{
    *args = s->args;
    *why = NULL;
    if (s->if_arch && !(f->arch && listed(s->if_arch, f->arch)))
        return QC_STEP_NOT_ASKED;
    if (s->if_types && !type_listed(f, s->if_types))
        return QC_STEP_NOT_ASKED;
    if (s->machine) {
        const char *type = machine_type(a, f, s->machine);
        if (!type)
            return QC_STEP_NOT_ASKED;
        qc_value *o = qc_value_new(a, QC_VOBJECT);
        qc_value_begin_members(a, o, 1);
        *qc_value_push_member(o) = (qc_member){ "typename", 8, 0,
                                                string_value(type) };
        *args = o;
    }
    if (!f->schema)
        return QC_STEP_SEND;
    /* Only what the QEMU lacks counts: its feature policy is no reason
     * not to ask. */
    qc_validate_opts vo = { .allow_deprecated = true, .allow_unstable = true };
    first_problem fp = { NULL };
    qc_validate_command(a, f->schema, qc_probe_command(a, s->execute, *args,
                                                       NULL),
                        &vo, on_problem, &fp);
    if (!fp.why)
        return QC_STEP_SEND;
    *why = fp.why;
    return QC_STEP_LACKING;
}
