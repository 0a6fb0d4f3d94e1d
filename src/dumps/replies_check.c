/* The checks of capability dumps but their layout (replies_format.c):
 * duplicate keys, the conversation (alternation, keys, ids), the embedded
 * schema and the commands against it. */
#include "dumps/replies_int.h"

#include <string.h>

#include "dumps/ischema.h"
#include "dumps/soundness.h"
#include "dumps/version.h"
#include "syntax/parse.h"

/* -- duplicate keys, anywhere in an entry -- */

size_t qc_replies_dup_keys(qc_rcheck *c, size_t entry, const qc_value *v,
                           unsigned depth)
{
    size_t found = 0;
    if (!v || depth > QC_MAX_DEPTH)
        return 0;
    if (v->kind == QC_VARRAY) {
        for (size_t i = 0; i < qc_arr_len(v); i++)
            found += qc_replies_dup_keys(c, entry, qc_arr_at(v, i), depth + 1);
    } else if (v->kind == QC_VOBJECT) {
        const qc_member *m = v->u.obj.members;
        size_t n = qc_obj_len(v);
        for (size_t i = 1; i < n; i++) {
            for (size_t j = 0; j < i; j++) {
                if (m[i].key_len != m[j].key_len
                    || memcmp(m[i].key, m[j].key, m[i].key_len))
                    continue;
                found++;
                if (c->d) {
                    qc_diagnostic *dg = QC_RREPORT(c, qc_member_loc(v, &m[i]),
                        "replies-duplicate-key",
                        "%s: key '%s' appears twice in this object",
                        qc_rcheck_label(c, entry), m[i].key);
                    qc_diag_note(dg, qc_member_loc(v, &m[j]), NULL, NULL,
                                 "its first appearance");
                }
                break;
            }
        }
        for (size_t i = 0; i < n; i++)
            found += qc_replies_dup_keys(c, entry, &m[i].value, depth + 1);
    }
    return found;
}

/* -- the conversation -- */

static bool key_in(const char *key, const char *const *keys)
{
    for (; *keys; keys++)
        if (!strcmp(key, *keys))
            return true;
    return false;
}

/* N of "libvirt-N", or -1. */
static long id_number(const char *id)
{
    if (!id || strncmp(id, "libvirt-", 8))
        return -1;
    const char *p = id + 8;
    if (*p < '1' || *p > '9')
        return -1;
    long n = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || n > 100000000)
            return -1;
        n = n * 10 + (*p - '0');
    }
    return n;
}

static void check_command(qc_rcheck *c, size_t i)
{
    const qc_rentry *e = &c->r->e[i];
    const qc_value *v = e->v;
    static const char *const keys[] = { "execute", "arguments", "id", NULL };
    int last_rank = -1;

    for (size_t k = 0; k < qc_obj_len(v); k++) {
        const qc_member *m = &v->u.obj.members[k];
        int rank = -1;
        for (int j = 0; keys[j]; j++)
            if (!strcmp(m->key, keys[j]))
                rank = j;
        if (rank < 0) {
            QC_RREPORT(c, qc_member_loc(v, m), "replies-command-key",
                   "%s: unexpected key '%s' in a command (allowed: 'execute', 'arguments', 'id')",
                   qc_rcheck_label(c, i), m->key);
            continue;
        }
        if (rank < last_rank)
            QC_RREPORT(c, qc_member_loc(v, m), "replies-key-order",
                   "%s: key '%s' out of order: libvirt sends 'execute', 'arguments', 'id' in this order and its tests compare commands verbatim",
                   qc_rcheck_label(c, i), m->key);
        last_rank = rank;
    }
    const qc_value *x = qc_obj_get(v, "execute");
    if (!qc_is_string(x))
        QC_RREPORT(c, qc_value_loc(x), "replies-command-key",
               "%s: 'execute' must be a string, not %s", qc_rcheck_label(c, i),
               qc_value_type_name(x));
    const qc_value *args = qc_obj_get(v, "arguments");
    if (args && !qc_is_object(args))
        QC_RREPORT(c, qc_value_loc(args), "replies-command-key",
               "%s: 'arguments' must be an object, not %s", qc_rcheck_label(c, i),
               qc_value_type_name(args));
}

static void check_reply(qc_rcheck *c, size_t i)
{
    const qc_rentry *e = &c->r->e[i];
    const qc_value *v = e->v;
    static const char *const keys[] = { "return", "error", "id", NULL };

    for (size_t k = 0; k < qc_obj_len(v); k++) {
        const qc_member *m = &v->u.obj.members[k];
        if (!key_in(m->key, keys))
            QC_RREPORT(c, qc_member_loc(v, m), "replies-reply-key",
                   "%s: unexpected key '%s' in a reply (allowed: 'return' or 'error', and 'id')",
                   qc_rcheck_label(c, i), m->key);
    }
    const qc_member *ret = qc_obj_member(v, "return");
    const qc_member *err = qc_obj_member(v, "error");
    if (ret && err)
        QC_RREPORT(c, qc_member_loc(v, err), "replies-reply-key",
               "%s: a reply holds either 'return' or 'error', not both",
               qc_rcheck_label(c, i));
    if (err) {
        const qc_value *ev = &err->value;
        if (!qc_is_object(ev)) {
            QC_RREPORT(c, qc_value_loc(ev), "replies-reply-key",
                   "%s: 'error' must be an object {\"class\": ..., \"desc\": ...}, not %s",
                   qc_rcheck_label(c, i), qc_value_type_name(ev));
        } else {
            static const char *const ekeys[] = { "class", "desc", NULL };
            for (size_t k = 0; k < qc_obj_len(ev); k++) {
                const qc_member *m = &ev->u.obj.members[k];
                if (!key_in(m->key, ekeys))
                    QC_RREPORT(c, qc_member_loc(ev, m), "replies-reply-key",
                           "%s: unexpected key '%s' in 'error' (allowed: 'class', 'desc')",
                           qc_rcheck_label(c, i), m->key);
                else if (!qc_is_string(&m->value))
                    QC_RREPORT(c, qc_value_loc(&m->value), "replies-reply-key",
                           "%s: error '%s' must be a string, not %s",
                           qc_rcheck_label(c, i), m->key, qc_value_type_name(&m->value));
            }
            for (int k = 0; ekeys[k]; k++)
                if (!qc_obj_member(ev, ekeys[k]))
                    QC_RREPORT(c, qc_value_loc(ev), "replies-reply-key",
                           "%s: 'error' has no '%s'", qc_rcheck_label(c, i), ekeys[k]);
        }
    }
}

/* The keys of entry I, by kind. */
static void check_entry_keys(qc_rcheck *c, size_t i)
{
    const qc_rentry *e = &c->r->e[i];
    const qc_value *v = e->v;
    if (e->kind == QC_RENTRY_OTHER) {
        if (!qc_is_object(v))
            QC_RREPORT(c, qc_value_loc(v), "replies-not-object",
                       "%s: every entry must be a JSON object, this one is %s %s",
                       qc_rcheck_label(c, i), v->kind == QC_VARRAY || v->kind == QC_VOBJECT ? "an" : "a",
                       qc_value_type_name(v));
        else
            QC_RREPORT(c, qc_value_loc(v), "replies-entry-kind",
                       "%s: neither a command (no 'execute' key) nor a reply (no 'return' or 'error' key)",
                       qc_rcheck_label(c, i));
    } else if (e->kind == QC_RENTRY_COMMAND) {
        check_command(c, i);
    } else if (e->kind == QC_RENTRY_REPLY) {
        check_reply(c, i);
    }
}

/* A reply's id must be its command's. */
static void check_reply_id(qc_rcheck *c, size_t i)
{
    const qc_rentry *e = &c->r->e[i], *cmd = &c->r->e[e->pair];
    const qc_value *v = e->v;
    if (e->kind == QC_RENTRY_BROKEN || !qc_is_object(v))
        return;
    const qc_value *idv = qc_obj_get(v, "id");
    if (!idv)
        QC_RREPORT(c, qc_value_loc(v), "replies-id",
                   "%s: the reply has no 'id'%s%s%s", qc_rcheck_label(c, i),
                   cmd->id ? "; its command's is '" : "",
                   cmd->id ? cmd->id : "", cmd->id ? "'" : "");
    else if (!e->id)
        QC_RREPORT(c, qc_value_loc(idv), "replies-id",
                   "%s: 'id' must be a string, not %s", qc_rcheck_label(c, i),
                   qc_value_type_name(idv));
    else if (cmd->id && strcmp(e->id, cmd->id))
        QC_RREPORT(c, qc_value_loc(idv), "replies-id-mismatch",
                   "%s: reply id '%s' differs from its command's id '%s' (entry %ld)",
                   qc_rcheck_label(c, i), e->id, cmd->id, (long)e->pair + 1);
}

/* libvirt's numbering: "libvirt-N", N from 1 at each qmp_capabilities. */
struct numbering {
    long counter;               /* id number due for the next command */
    bool last_wrong;
    long last_n;
};

static void check_command_id(qc_rcheck *c, size_t i, struct numbering *nb)
{
    const qc_rentry *e = &c->r->e[i];
    const qc_value *v = e->v;
    if (e->execute && !strcmp(e->execute, "qmp_capabilities"))
        nb->counter = 1;
    if (e->kind == QC_RENTRY_BROKEN || !qc_is_object(v)) {
        nb->counter++;
        return;
    }
    const qc_value *idv = qc_obj_get(v, "id");
    long num = id_number(e->id);
    if (!idv) {
        QC_RREPORT(c, qc_value_loc(v), "replies-id",
                   "%s: the command has no 'id'; expected 'libvirt-%ld'",
                   qc_rcheck_label(c, i), nb->counter);
    } else if (num < 0) {
        QC_RREPORT(c, qc_value_loc(idv), "replies-id",
                   "%s: id must be a string 'libvirt-N' (N from 1), expected 'libvirt-%ld'",
                   qc_rcheck_label(c, i), nb->counter);
    } else if (num != nb->counter) {
        /* After one wrong id, a run that goes on from it by one is taken
         * as the file's numbering, so that a missing pair is reported
         * once, not at every command after it. */
        if (!(nb->last_wrong && num == nb->last_n + 1)) {
            QC_RREPORT(c, qc_value_loc(idv), "replies-id",
                       "%s: id is 'libvirt-%ld', expected 'libvirt-%ld' (ids count from 1 at each qmp_capabilities, one per command)",
                       qc_rcheck_label(c, i), num, nb->counter);
            nb->last_wrong = true;
            nb->last_n = num;
            nb->counter++;
            return;
        }
        nb->counter = num;
    }
    nb->last_wrong = false;
    nb->last_n = num;
    nb->counter++;
}

static void check_conversation(qc_rcheck *c)
{
    qc_replies *r = c->r;
    bool first = true;
    struct numbering nb = { 1, false, -1 };

    if (!r->n) {
        if (!r->syntax_errors)
            QC_RREPORT(c, qc_rcheck_at(c, 0), "replies-empty",
                       "the file holds no entries; a capability dump is a QMP conversation beginning with qmp_capabilities");
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        const qc_rentry *e = &r->e[i];
        check_entry_keys(c, i);
        if (e->role == QC_RROLE_ORPHAN) {
            QC_RREPORT(c, qc_rcheck_at(c, e->start), "replies-missing-command",
                       "%s: a reply where a command is due: its command is missing (or the entries are out of order)",
                       qc_rcheck_label(c, i));
            continue;
        }
        if (e->role == QC_RROLE_REPLY) {
            check_reply_id(c, i);
            continue;
        }
        /* A command, or whatever stands in its place. */
        if (e->pair < 0)
            QC_RREPORT(c, qc_rcheck_at(c, e->start), "replies-missing-reply",
                       "%s: the command has no reply (the next entry %s)",
                       qc_rcheck_label(c, i), i + 1 < r->n ? "is another command"
                                                           : "does not exist");
        if (first && e->kind == QC_RENTRY_COMMAND
            && (!e->execute || strcmp(e->execute, "qmp_capabilities")))
            QC_RREPORT(c, qc_rcheck_at(c, e->start), "replies-no-capabilities",
                       "%s: the conversation must begin with 'qmp_capabilities'",
                       qc_rcheck_label(c, i));
        first = false;
        check_command_id(c, i, &nb);
    }
}

/* -- the embedded schema, and the commands against it -- */

struct vctx {
    qc_rcheck *c;
    size_t entry;
    const qc_value *fallback;
    bool skip_duplicates;
};

static void on_problem(void *ctx, const char *path, const qc_value *at,
                       const char *code, const char *message)
{
    struct vctx *v = ctx;
    if (v->skip_duplicates && !strcmp(code, "qmp-duplicate-member"))
        return;   /* reported by the duplicate-key check already */
    const qc_value *where = at ? at : v->fallback;
    QC_RREPORT(v->c, qc_value_loc(where), code, "%s: %s%s%s", qc_rcheck_label(v->c, v->entry),
           path && *path ? path : "", path && *path ? ": " : "", message);
}

/* The validator's view of the dump's schema S, reduced to the commands
 * the dump executes (building the whole view would cost more than the
 * validation).  With CHECK_RETURNS, a reply whose command's entry is not
 * a command, yet names a ret-type, may need any type: the whole view. */
static qc_vschema *dump_view(qc_rcheck *c, const qc_ischema *s,
                             bool check_returns)
{
    qc_replies *r = c->r;
    const char **names = qc_arena_alloc_uninit(c->a, (r->n + 1) * sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++) {
        const qc_rentry *e = &r->e[i];
        if (!e->execute)
            continue;
        if (check_returns && e->kind == QC_RENTRY_REPLY) {
            const qc_value *x = qc_ischema_lookup(s, e->execute);
            const char *meta = qc_obj_get_str(x, "meta-type");
            if (qc_obj_get(x, "ret-type") && (!meta || strcmp(meta, "command")))
                return qc_vschema_from_ischema(c->a, s, NULL);
        }
        names[n++] = e->execute;
    }
    return qc_vschema_from_ischema_only(c->a, s, NULL, names, n);
}

static void check_commands(qc_rcheck *c, const qc_replies_opts *o)
{
    qc_replies *r = c->r;
    long si = qc_replies_find(r, "query-qmp-schema");

    if (si < 0) {
        /* QEMU before 2.5 had no query-qmp-schema: nothing is amiss. */
        long vi = qc_replies_find(r, "query-version");
        const qc_value *ret = vi < 0 ? NULL : qc_obj_get(r->e[vi].v, "return");
        if (vi >= 0 && r->e[vi].skimmed) {
            /* Not built on the fast path: read that one entry again. */
            const qc_rentry *e = &r->e[vi];
            qc_source *one = qc_source_from_mem(c->a, r->src->path,
                                                r->src->text + e->start,
                                                e->end - e->start, false);
            size_t n = 0;
            qc_value *v = qc_parse_json(c->a, one, false, c->d, &n);
            ret = v && n ? qc_obj_get(&v[0], "return") : NULL;
        }
        qc_version v;
        if (qc_version_of_reply(ret, &v)
            && (v.major < 2 || (v.major == 2 && v.minor < 5))) {
            qc_warning(c->d, qc_rcheck_at(c, 0), "replies-no-schema",
                       "QEMU %u.%u predates query-qmp-schema (QEMU 2.5), so the dump's commands are not validated",
                       v.major, v.minor);
            return;
        }
        QC_RREPORT(c, qc_rcheck_at(c, 0), "replies-no-schema",
               "no successful reply to query-qmp-schema: the dump has no schema, so its commands cannot be validated");
        return;
    }
    const qc_value *schema = qc_obj_get(r->e[si].v, "return");
    size_t bad = qc_soundness_check(c->a, schema,
                                    qc_replies_label(c->a, r, (size_t)si),
                                    c->d);
    c->problems += bad;
    if (!qc_is_array(schema))
        return;
    qc_ischema *s = qc_ischema_new(c->a, schema);
    qc_vschema *view = dump_view(c, s, o->check_returns);
    qc_validate_opts ro = { .allow_deprecated = true, .allow_unstable = true };

    for (size_t i = 0; i < r->n; i++) {
        const qc_rentry *e = &r->e[i];
        if (e->kind == QC_RENTRY_COMMAND && e->execute) {
            struct vctx vc = { c, i, e->v, true };
            qc_validate_command(c->a, view, e->v, &o->validate, on_problem, &vc);
        }
        if (o->check_returns && e->kind == QC_RENTRY_REPLY && !e->skimmed
            && e->role == QC_RROLE_REPLY && e->execute) {
            const qc_value *ret = qc_obj_get(e->v, "return");
            const qc_value *cmd = qc_ischema_lookup(s, e->execute);
            const char *rt = qc_obj_get_str(cmd, "ret-type");
            if (!ret || !rt)
                continue;
            struct vctx vc = { c, i, ret, true };
            qc_validate_value(c->a, view, rt, ret, "return", &ro, on_problem, &vc);
        }
    }
}

size_t qc_replies_check(qc_arena *a, qc_replies *r, const qc_replies_opts *o,
                        qc_diag *d)
{
    qc_rcheck c = { a, r, d, 0 };

    check_conversation(&c);
    /* The fast path gives up on duplicate keys: canonical means none. */
    if (!r->canonical) {
        for (size_t i = 0; i < r->n; i++)
            qc_replies_dup_keys(&c, i, r->e[i].v, 0);
        qc_replies_check_format(&c);
    }
    check_commands(&c, o);
    return c.problems;
}
