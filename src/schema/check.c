/* QEMU's QAPISchema.check, entity by entity: names resolved, bases and
 * branches checked, member lists completed, clashes found by C name.  The
 * checks run in QEMU's order, so the first error is the one QEMU reports;
 * see builder.h for what happens after one. */
#include "schema/builder.h"

#include <string.h>

#include "schema/naming.h"

static const char *describe_member(qc_builder *b, const qc_smember *m,
                                   const char *defn_name)
{
    const char *role = m->role == QC_ROLE_VALUE ? "value"
        : m->role == QC_ROLE_BRANCH ? "branch" : "member";
    const char *meta = "type";
    const char *in = m->defined_in ? m->defined_in : "";
    if (strncmp(in, "q_obj_", 6) == 0) {
        in += 6;
        size_t n = strlen(in);
        if (n >= 4 && strcmp(in + n - 4, "-arg") == 0) {
            role = "parameter";
            meta = "command";
            in = qc_arena_strndup(b->a, in, n - 4);
        } else if (n >= 5 && strcmp(in + n - 5, "-base") == 0) {
            role = qc_arena_printf(b->a, "base %s", role);
            in = qc_arena_strndup(b->a, in, n - 5);
        }
    }
    if (!defn_name || strcmp(in, defn_name) != 0)
        return qc_arena_printf(b->a, "%s '%s' of %s '%s'", role, m->name,
                               meta, in);
    return qc_arena_printf(b->a, "%s '%s'", role, m->name);
}

static const char *describe_feature(qc_builder *b, const qc_feature *f,
                                    const char *owner, const char *defn_name)
{
    if (!defn_name || strcmp(owner, defn_name) != 0)
        return qc_arena_printf(b->a, "feature '%s' of type '%s'", f->name,
                               owner);
    return qc_arena_printf(b->a, "feature '%s'", f->name);
}

static bool is_rejected(const qc_builder *b, const char *name)
{
    return b->rejected_unnamed
        || (b->rejected && qc_hashmap_get(b->rejected, name));
}

/* Type NAME, or NULL.  A reference to a type that failed its checks, to
 * a name defined more than once, or to a definition that was rejected,
 * fails without a diagnostic: what it would say is a consequence of the
 * earlier error.  *REPORT says whether the caller should report an
 * unknown type. */
static qc_entity *lookup_ref(qc_builder *b, const char *name, bool *report)
{
    *report = false;
    if (b->contested && qc_hashmap_get(b->contested, name))
        return NULL;
    qc_entity *t = qc_schema_lookup_type(b->s, name);
    if (t && t->state_ == QC_ST_FAILED)
        return NULL;
    if (!t)
        *report = !is_rejected(b, name);
    return t;
}

static qc_entity *resolve_type(qc_builder *b, const char *name, const qc_entity *ctx,
                               const char *what)
{
    bool report;
    qc_entity *t = lookup_ref(b, name, &report);
    if (report)
        QC_SB_ERR(b, ctx, "qapi-unknown-type", "%s refers to unknown type '%s'",
            what, name);
    return t;
}

static bool check_feature_clash(qc_builder *b, const qc_entity *ctx,
                                qc_feature **fs, size_t n, const char *owner)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(qc_c_name(b->a, fs[i]->name, true),
                       qc_c_name(b->a, fs[j]->name, true)) == 0) {
                QC_SB_ERR(b, ctx, "qapi-feature-clash", "%s clashes with %s",
                    describe_feature(b, fs[i], owner,
                                     qc_entity_defn_name(ctx)),
                    describe_feature(b, fs[j], owner,
                                     qc_entity_defn_name(ctx)));
                return false;
            }
    return true;
}

static bool check_definition(qc_builder *b, qc_entity *e)
{
    if (!check_feature_clash(b, e, qc_entity_features(e), qc_entity_nfeatures(e), e->name))
        return false;
    if (qc_entity_is_type(e))
        for (size_t i = 0; i < qc_entity_nfeatures(e); i++)
            if (qc_entity_features(e)[i]->special) {
                QC_SB_ERR(b, e, "qapi-special-feature-on-type",
                    "feature '%s' cannot be used on types",
                    qc_entity_features(e)[i]->name);
                return false;
            }
    return true;
}

static const char *member_c_name(qc_builder *b, qc_smember *m)
{
    if (!m->c_name_)
        m->c_name_ = qc_c_name_hashed(b->a, m->name, true, &m->c_hash_);
    return m->c_name_;
}

/* The members the clash checks have seen, by C name (QEMU's "seen"
 * dicts, insertion ordered).  The checks nest -- an object's check first
 * checks its base and its branches' types -- and a branch's members are
 * seen on top of its union's, then forgotten: so every set lives on one
 * stack (builder.h), a set being the entries from where it starts to the
 * top.  One index (linear probing) finds them; entries leave it in the
 * reverse order they came, so clearing their slot is all it takes. */
typedef struct seen_ent {
    const char *cname;
    uint32_t hash;
    uint32_t slot;
    qc_smember *m;
} seen_ent;

struct qc_seen {
    seen_ent *e;
    size_t n, cap;
    uint32_t *slots;            /* index of the entry + 1; 0: empty */
    size_t mask;
};

/* A set: where its entries start on the stack. */
typedef size_t seen;

static seen seen_start(qc_builder *b)
{
    if (!b->seen)
        b->seen = qc_arena_alloc(b->a, sizeof *b->seen);
    return b->seen->n;
}

/* Forgets the entries from MARK up. */
static void seen_drop(qc_builder *b, size_t mark)
{
    struct qc_seen *t = b->seen;
    while (t->n > mark) {
        t->n--;
        t->slots[t->e[t->n].slot] = 0;
    }
}

static size_t seen_count(const qc_builder *b, seen s)
{
    return b->seen->n - s;
}

static qc_smember *seen_find(const qc_builder *b, seen s, const char *cn,
                             uint32_t h)
{
    const struct qc_seen *t = b->seen;
    if (!t->slots)
        return NULL;
    for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
        uint32_t k = t->slots[i];
        if (!k)
            return NULL;
        const seen_ent *en = &t->e[k - 1];
        if (k - 1 >= s && en->hash == h && !strcmp(en->cname, cn))
            return en->m;
    }
}

static void seen_place(struct qc_seen *t, size_t k)
{
    size_t i = t->e[k].hash & t->mask;
    while (t->slots[i])
        i = (i + 1) & t->mask;
    t->slots[i] = (uint32_t)k + 1;
    t->e[k].slot = (uint32_t)i;
}

static void seen_add(qc_builder *b, const char *cn, uint32_t h,
                     qc_smember *m)
{
    struct qc_seen *t = b->seen;
    if (t->n == t->cap) {
        /* Grown tables stay in the arena: the stack is never deep. */
        t->cap = t->cap ? 2 * t->cap : 64;
        seen_ent *e = qc_arena_alloc_uninit(b->a, t->cap * sizeof *e);
        if (t->n)
            memcpy(e, t->e, t->n * sizeof *e);
        t->e = e;
        t->mask = 2 * t->cap - 1;
        t->slots = qc_arena_alloc(b->a, 2 * t->cap * sizeof *t->slots);
        for (size_t k = 0; k < t->n; k++)
            seen_place(t, k);
    }
    t->e[t->n] = (seen_ent){ cn, h, 0, m };
    seen_place(t, t->n++);
}

static bool member_clash(qc_builder *b, const qc_entity *ctx, qc_smember *m,
                         seen s)
{
    const char *cn = member_c_name(b, m);
    qc_smember *prev = seen_find(b, s, cn, m->c_hash_);
    if (prev) {
        QC_SB_ERR(b, ctx, "qapi-member-clash", "%s clashes with %s",
            describe_member(b, m, qc_entity_defn_name(ctx)),
            describe_member(b, prev, qc_entity_defn_name(ctx)));
        return false;
    }
    seen_add(b, cn, m->c_hash_, m);
    return true;
}

static bool check_member(qc_builder *b, const qc_entity *ctx, qc_smember *m)
{
    /* the description is built only when needed: this runs per member */
    bool report;
    m->type = lookup_ref(b, m->type_name, &report);
    if (!m->type) {
        if (report)
            QC_SB_ERR(b, ctx, "qapi-unknown-type", "%s refers to unknown type '%s'",
                describe_member(b, m, qc_entity_defn_name(ctx)), m->type_name);
        return false;
    }
    return check_feature_clash(b, ctx, m->features, m->nfeatures, m->name);
}

static bool check_object(qc_builder *b, qc_entity *e);

/* False after reporting, once, that the clash checks have gone through
 * more than QC_MAX_MEMBER_CHECKS members with N more of CTX. */
static bool within_budget(qc_builder *b, const qc_entity *ctx, size_t n)
{
    b->member_checks += n;
    if (b->member_checks <= QC_MAX_MEMBER_CHECKS)
        return true;
    if (!b->over_limit)
        QC_SB_ERR(b, ctx, "schema-too-large",
                  "the schema's objects hold more than %d members in all, "
                  "counting the members of a base at every object based on "
                  "it and those of a branch at every union using it",
                  QC_MAX_MEMBER_CHECKS);
    b->over_limit = true;
    return false;
}

/* O's members join S; each branch's join it for its own check only. */
static bool object_check_clash(qc_builder *b, const qc_entity *ctx,
                               qc_entity *o, seen s)
{
    if (!within_budget(b, ctx, o->nmembers))
        return false;
    for (size_t i = 0; i < o->nmembers; i++)
        if (!member_clash(b, ctx, o->members[i], s))
            return false;
    if (o->variants)
        for (size_t i = 0; i < o->variants->n; i++) {
            size_t mark = b->seen->n;
            qc_entity *t = o->variants->variants[i]->type;
            bool ok = !t || t->kind != QC_ENT_OBJECT
                || object_check_clash(b, ctx, t, s);
            seen_drop(b, mark);
            if (!ok)
                return false;
        }
    return true;
}

/* Branches mostly come in the order of their values: the search starts
 * where the last one ended (*HINT). */
static bool enum_has_value(const qc_entity *en, const char *name,
                           size_t *hint)
{
    for (size_t k = 0; k < en->nvalues; k++) {
        size_t i = *hint + k;       /* *HINT <= nvalues */
        if (i >= en->nvalues)
            i -= en->nvalues;
        if (strcmp(en->values[i]->name, name) == 0) {
            *hint = i + 1;
            return true;
        }
    }
    return false;
}

/* The discriminator of union E: a member of its base, an enum, neither
 * optional nor conditional.  NULL after reporting. */
static qc_smember *check_discriminator(qc_builder *b, qc_entity *e, seen s)
{
    const char *tag = e->variants->tag_name ? e->variants->tag_name : "";
    const char *cn = qc_c_name(b->a, tag, true);
    qc_smember *tm = seen_find(b, s, cn, qc_hash_str(cn));
    const char *base = "'base'";
    if (!tm || strcmp(tm->name, tag) != 0) {
        QC_SB_ERR(b, e, "qapi-bad-discriminator",
                  "discriminator '%s' is not a member of %s", tag, base);
        return NULL;
    }
    e->variants->tag_member = tm;
    qc_entity *bt = qc_schema_lookup_type(b->s, tm->defined_in);
    if (bt && !qc_entity_is_implicit(bt))
        base = qc_arena_printf(b->a, "base type '%s'", tm->defined_in);
    const char *why = NULL;
    if (!tm->type || tm->type->kind != QC_ENT_ENUM)
        why = "must be an enum";
    else if (tm->optional)
        why = "cannot be optional";
    else if (tm->cond)
        why = "cannot be conditional";
    if (why) {
        QC_SB_ERR(b, e, "qapi-bad-discriminator",
                  "discriminator member '%s' of %s %s", tag, base, why);
        return NULL;
    }
    return tm;
}

/* Enum values without a branch get one of type q_empty, after the others
 * in enum order, defined where the discriminator is. */
static void add_empty_branches(qc_builder *b, qc_entity *e, const qc_smember *tm)
{
    qc_variants *vs = e->variants;
    const qc_entity *en = tm->type;
    qc_hashmap *cases = qc_hashmap_new_sized(b->a, vs->n);
    for (size_t i = 0; i < vs->n; i++)
        qc_hashmap_put(cases, vs->variants[i]->name, vs->variants[i]);
    size_t extra = 0;
    for (size_t i = 0; i < en->nvalues; i++)
        if (!qc_hashmap_get(cases, en->values[i]->name))
            extra++;
    if (!extra)
        return;
    qc_smember **nv = qc_arena_alloc(b->a, (vs->n + extra) * sizeof(*nv));
    memcpy(nv, vs->variants, vs->n * sizeof(*nv));
    for (size_t i = 0; i < en->nvalues; i++) {
        qc_smember *ev = en->values[i];
        if (qc_hashmap_get(cases, ev->name))
            continue;
        qc_smember *v = qc_sb_new_member(b, QC_ROLE_BRANCH, ev->name, NULL);
        v->loc = qc_entity_loc(e);
        v->type_name = "q_empty";
        v->cond = ev->cond;
        v->defined_in = tm->defined_in;
        nv[vs->n++] = v;
    }
    vs->variants = nv;
}

static bool check_branches(qc_builder *b, qc_entity *e, seen s)
{
    qc_variants *vs = e->variants;
    qc_smember *tm = check_discriminator(b, e, s);
    if (!tm)
        return false;
    add_empty_branches(b, e, tm);
    if (!vs->n) {
        QC_SB_ERR(b, e, "qapi-union-empty", "union has no branches");
        return false;
    }
    size_t hint = 0;
    for (size_t i = 0; i < vs->n; i++) {
        qc_smember *v = vs->variants[i];
        if (!check_member(b, e, v))
            return false;
        if (!seen_count(b, s))
            continue;
        if (!enum_has_value(tm->type, v->name, &hint)) {
            QC_SB_ERR(b, e, "qapi-bad-branch", "branch '%s' is not a value of %s",
                      v->name, qc_entity_describe(b->a, tm->type));
            return false;
        }
        if (v->type->kind != QC_ENT_OBJECT) {
            QC_SB_ERR(b, e, "qapi-bad-branch-type", "%s cannot use %s",
                      describe_member(b, v, qc_entity_defn_name(e)),
                      qc_entity_describe(b->a, v->type));
            return false;
        }
        if (!check_object(b, v->type))
            return false;
    }
    return true;
}

static bool check_object_body(qc_builder *b, qc_entity *e);

static bool check_object(qc_builder *b, qc_entity *e)
{
    if (e->state_ == QC_ST_DONE)
        return true;
    if (e->state_ == QC_ST_FAILED)
        return false;   /* reported when it failed */
    if (e->state_ == QC_ST_CHECKING) {
        /* the outermost call marks it failed */
        QC_SB_ERR(b, e, "qapi-object-contains-itself", "object %s contains itself",
            e->name);
        return false;
    }
    if (b->object_depth >= QC_MAX_OBJECT_DEPTH) {
        if (!b->over_limit)
            QC_SB_ERR(b, e, "schema-too-deep",
                      "checking %s nests the checks of its base and branch "
                      "types deeper than %d levels", e->name,
                      QC_MAX_OBJECT_DEPTH);
        b->over_limit = true;
        return false;
    }
    e->state_ = QC_ST_CHECKING;
    b->object_depth++;
    bool ok = check_object_body(b, e);
    b->object_depth--;
    if (!ok) {
        e->state_ = QC_ST_FAILED;
        return false;
    }
    e->state_ = QC_ST_DONE;
    return true;
}

/* E's flat member list, NULL-terminated, from the N entries of its
 * checks from S: its own list when that is the same (no base: most
 * objects), a list of none when it is empty. */
static qc_smember **flat_members(qc_builder *b, const qc_entity *e, seen s,
                                 size_t n)
{
    static qc_smember *none[1];
    if (!n)
        return none;
    if (n == e->nlocal_members) {
        size_t i = 0;
        while (i < n && b->seen->e[s + i].m == e->local_members[i])
            i++;
        if (i == n)
            return e->local_members;
    }
    qc_smember **members = qc_arena_alloc_uninit(b->a,
                                                 (n + 1) * sizeof(*members));
    for (size_t i = 0; i < n; i++)
        members[i] = b->seen->e[s + i].m;
    members[n] = NULL;
    return members;
}

static bool object_body(qc_builder *b, qc_entity *e, seen s)
{
    if (!check_definition(b, e))
        return false;
    if (e->base_name_) {
        /* resolved in place: the name is read before it is overwritten */
        e->base = resolve_type(b, e->base_name_, e, "'base'");
        if (!e->base)
            return false;
        if (e->base->kind != QC_ENT_OBJECT || e->base->variants) {
            QC_SB_ERR(b, e, "qapi-bad-base", "'base' must be a struct type, %s isn't",
                qc_entity_describe(b->a, e->base));
            return false;
        }
        if (!check_object(b, e->base)
            || !object_check_clash(b, e, e->base, s))
            return false;
    }
    if (!within_budget(b, e, e->nlocal_members))
        return false;
    for (size_t i = 0; i < e->nlocal_members; i++)
        if (!check_member(b, e, e->local_members[i])
            || !member_clash(b, e, e->local_members[i], s))
            return false;
    size_t n = seen_count(b, s);
    qc_smember **members = flat_members(b, e, s, n);
    if (e->variants) {
        if (!check_branches(b, e, s))
            return false;
        for (size_t i = 0; i < e->variants->n; i++) {
            size_t mark = b->seen->n;
            bool ok = object_check_clash(b, e, e->variants->variants[i]->type,
                                         s);
            seen_drop(b, mark);
            if (!ok)
                return false;
        }
    }
    e->members = members;
    e->nmembers = n;
    return true;
}

/* The members of E's checks are forgotten once it is checked. */
static bool check_object_body(qc_builder *b, qc_entity *e)
{
    seen s = seen_start(b);
    bool ok = object_body(b, e, s);
    seen_drop(b, s);
    return ok;
}

static bool alternate_body(qc_builder *b, qc_entity *e, seen s)
{
    if (!check_definition(b, e))
        return false;
    qc_variants *vs = e->variants;
    vs->tag_member->type = resolve_type(b, "QType", e, "member 'type'");
    for (size_t i = 0; i < vs->n; i++)
        if (!check_member(b, e, vs->variants[i]))
            return false;
    const char *types_seen[8] = { 0 };
    static const char *const qtn[] = {
        "QTYPE_QNULL", "QTYPE_QSTRING", "QTYPE_QNUM", "QTYPE_QBOOL",
        "QTYPE_QLIST", "QTYPE_QDICT",
    };
    for (size_t i = 0; i < vs->n; i++) {
        qc_smember *v = vs->variants[i];
        if (!member_clash(b, e, v, s))
            return false;
        const char *qt = qc_entity_alternate_qtype(v->type);
        if (!qt) {
            QC_SB_ERR(b, e, "qapi-alternate-bad-type", "%s cannot use %s",
                describe_member(b, v, qc_entity_defn_name(e)),
                qc_entity_describe(b->a, v->type));
            return false;
        }
        bool conf[6] = { false };
        for (int k = 0; k < 6; k++)
            if (strcmp(qt, qtn[k]) == 0)
                conf[k] = true;
        if (strcmp(qt, "QTYPE_QSTRING") == 0) {
            if (v->type->kind == QC_ENT_ENUM) {
                for (size_t j = 0; j < v->type->nvalues; j++) {
                    const char *mn = v->type->values[j]->name;
                    if (strcmp(mn, "on") == 0 || strcmp(mn, "off") == 0)
                        conf[3] = true;
                    if (strchr("-+0123456789.", mn[0]) && mn[0])
                        conf[2] = true;
                }
            } else {
                conf[2] = conf[3] = true;
            }
        }
        for (int k = 0; k < 6; k++) {
            if (!conf[k])
                continue;
            if (types_seen[k]) {
                QC_SB_ERR(b, e, "qapi-alternate-conflict",
                    "%s is ambiguous with branch '%s'",
                    describe_member(b, v, qc_entity_defn_name(e)),
                    types_seen[k]);
                return false;
            }
        }
        for (int k = 0; k < 6; k++)
            if (conf[k])
                types_seen[k] = v->name;
    }
    return true;
}

static bool check_alternate(qc_builder *b, qc_entity *e)
{
    seen s = seen_start(b);
    bool ok = alternate_body(b, e, s);
    seen_drop(b, s);
    return ok;
}

static bool enum_values(qc_builder *b, qc_entity *e)
{
    seen s = seen_start(b);
    bool ok = true;
    for (size_t i = 0; ok && i < e->nvalues; i++)
        ok = member_clash(b, e, e->values[i], s);
    seen_drop(b, s);
    return ok;
}

static bool has_conditional_members(const qc_entity *o)
{
    for (size_t i = 0; i < o->nmembers; i++)
        if (o->members[i]->cond)
            return true;
    return false;
}

static bool check_command_or_event(qc_builder *b, qc_entity *e)
{
    bool command = e->kind == QC_ENT_COMMAND;
    if (!check_definition(b, e))
        return false;
    if (e->arg_name_) {
        const char *what = command ? "command's 'data'" : "event's 'data'";
        qc_entity *t = resolve_type(b, e->arg_name_, e, what);
        if (!t)
            return false;
        if (t->kind != QC_ENT_OBJECT) {
            QC_SB_ERR(b, e, "qapi-bad-data-type", "%s cannot be %s", what,
                qc_entity_describe(b->a, t));
            return false;
        }
        e->arg_type = t;
        if (t->variants && !e->boxed) {
            QC_SB_ERR(b, e, "qapi-union-data-unboxed",
                "%s can be %s only with 'boxed': true", what,
                qc_entity_describe(b->a, t));
            return false;
        }
        if (!check_object(b, t))
            return false;
        if (has_conditional_members(t) && !e->boxed) {
            QC_SB_ERR(b, e, "qapi-conditional-args-unboxed",
                "conditional %s arguments need 'boxed': true",
                qc_entity_meta(e));
            return false;
        }
    }
    if (command && e->ret_name_) {
        e->ret_type = resolve_type(b, e->ret_name_, e, "command's 'returns'");
        if (!e->ret_type)
            return false;
        if (!b->rejected_unnamed
            && !qc_pragma_lists(&b->s->ast->pragma.command_returns_exceptions,
                                e->name)) {
            qc_entity *t = e->ret_type;
            if (t->kind == QC_ENT_ARRAY)
                t = t->element_type;
            if (!t || t->kind != QC_ENT_OBJECT) {
                QC_SB_ERR(b, e, "qapi-bad-returns",
                    "command's 'returns' cannot be %s",
                    qc_entity_describe(b->a, e->ret_type));
                return false;
            }
        }
    }
    return true;
}

bool qc_sb_check_entity(qc_builder *b, qc_entity *e)
{
    switch (e->kind) {
    case QC_ENT_INCLUDE:
        return true;
    case QC_ENT_BUILTIN:
        return check_definition(b, e);
    case QC_ENT_ENUM: {
        if (!check_definition(b, e))
            return false;
        return enum_values(b, e);
    }
    case QC_ENT_ARRAY:
        if (!check_definition(b, e))
            return false;
        e->element_type = resolve_type(b, e->element_name, e,
                                       qc_entity_defn_meta(e)
                                           ? qc_entity_defn_meta(e)
                                           : "array");
        if (!e->element_type)
            return false;
        /* QEMU's generator has no arrays of arrays: it dies on an
         * assertion there, so refuse them rather than accept. */
        if (e->element_type->kind == QC_ENT_ARRAY) {
            QC_SB_ERR(b, e, "qapi-nested-array",
                "'%s' is an array type; arrays of arrays are not supported",
                e->element_name);
            return false;
        }
        qc_sb_set_extra(b, e, qc_entity_cond(e->element_type), NULL, 0);
        return true;
    case QC_ENT_OBJECT:
        return check_object(b, e);
    case QC_ENT_ALTERNATE:
        return check_alternate(b, e);
    case QC_ENT_COMMAND:
    case QC_ENT_EVENT:
        return check_command_or_event(b, e);
    }
    return true;
}
