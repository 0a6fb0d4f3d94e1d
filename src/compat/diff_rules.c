/* qapic diff: how much each change matters to a client, and how it is
 * said (diff_graph.h). */
#include "compat/diff_graph.h"

static bool is_status_feature(const char *name)
{
    return str_eq(name, "deprecated") || str_eq(name, "unstable");
}

/* The rules of "Compatibility considerations" in QEMU's QAPI
 * documentation, by direction: a client must be able to send what it sent
 * (INPUT) and to read what it receives (OUTPUT). */
static qc_diff_class base_class(const lchange *c, qc_diff_dir dir)
{
    bool in = dir == QC_DIFF_INPUT, out = dir == QC_DIFF_OUTPUT;
    bool breaks = false;
    switch (c->kind) {
    case QC_DIFF_ENTITY_ADDED:
    case QC_DIFF_VALUE_ADDED:
    case QC_DIFF_BRANCH_ADDED:
    case QC_DIFF_FEATURE_REMOVED:
        break;
    case QC_DIFF_ENTITY_REMOVED:
        breaks = true;
        break;
    case QC_DIFF_MEMBER_ADDED:
        breaks = in && (c->flags & F_MANDATORY);
        break;
    case QC_DIFF_MEMBER_REMOVED:
        breaks = in || (c->flags & F_MANDATORY);
        break;
    case QC_DIFF_MADE_OPTIONAL:
    case QC_DIFF_ALTERNATIVE_ADDED:
        breaks = out;
        break;
    case QC_DIFF_MADE_MANDATORY:
    case QC_DIFF_VALUE_REMOVED:
    case QC_DIFF_BRANCH_REMOVED:
    case QC_DIFF_ALTERNATIVE_REMOVED:
        breaks = in;
        break;
    case QC_DIFF_TYPE_CHANGED:
        if (c->flags & F_UNKNOWN)
            return QC_DIFF_NOTICE;
        breaks = in ? !(c->flags & F_WIDER) : !(c->flags & F_NARROWER);
        break;
    case QC_DIFF_FEATURE_ADDED:
        return is_status_feature(c->name) ? QC_DIFF_NOTICE : QC_DIFF_COMPATIBLE;
    case QC_DIFF_FLAG_CHANGED:
        if (c->flags & F_FLAG_GAINED)
            return QC_DIFF_COMPATIBLE;
        if (!(c->flags & F_FLAG_LOST))
            return QC_DIFF_NOTICE;
        breaks = true;
        break;
    }
    return breaks ? QC_DIFF_BREAKING : QC_DIFF_COMPATIBLE;
}

static bool is_removal(qc_diff_kind k)
{
    return k == QC_DIFF_ENTITY_REMOVED || k == QC_DIFF_MEMBER_REMOVED
        || k == QC_DIFF_VALUE_REMOVED || k == QC_DIFF_BRANCH_REMOVED;
}

/* UNSTABLE_CTX: the change lies inside something marked unstable, which
 * may change incompatibly at any time; deprecated things may go away. */
verdict qc_diff_classify(const lchange *c, qc_diff_dir dir, bool unstable_ctx)
{
    verdict v = { base_class(c, dir), NULL };
    if (v.cls == QC_DIFF_BREAKING) {
        if (is_removal(c->kind) && (c->flags & F_DEPRECATED))
            v = (verdict){ QC_DIFF_EXPECTED, "it was deprecated" };
        else if (c->flags & F_UNSTABLE)
            v = (verdict){ QC_DIFF_EXPECTED, "it was unstable" };
        else if (unstable_ctx)
            v = (verdict){ QC_DIFF_EXPECTED, "within an unstable interface" };
    } else if (dir == QC_DIFF_OUTPUT && (c->kind == QC_DIFF_VALUE_ADDED
                                         || c->kind == QC_DIFF_BRANCH_ADDED)) {
        v.note = "compatible for clients that accept values they do not know";
    } else if (c->kind == QC_DIFF_TYPE_CHANGED && (c->flags & F_UNKNOWN)) {
        v.note = "one schema does not define the type: check it";
    }
    return v;
}

/* --- messages ---------------------------------------------------------------- */

/* What a member is called at V: "argument" right below a command's
 * arg-type, and so on. */
static const char *member_noun(const walk *w, const visit *v)
{
    if (v->depth > 0)
        return "member";
    if (w->is_event)
        return "data member";
    return w->dir == QC_DIFF_INPUT ? "argument" : "return member";
}

static const char *owner_text(differ *dx, const walk *w, const visit *v,
                              const lchange *c)
{
    switch (c->owner) {
    case OWN_ENTITY:
        return w->is_event ? "the event" : "the command";
    case OWN_TYPE:
        return "the type";
    case OWN_MEMBER:
        return qc_arena_printf(dx->a, "%s '%s'", member_noun(w, v),
                               c->owner_name);
    case OWN_VALUE:
        return qc_arena_printf(dx->a, "enum value '%s'", c->owner_name);
    }
    return "";
}

const char *qc_diff_message(differ *dx, const walk *w, const visit *v,
                            const lchange *c)
{
    const char *what = w->is_event ? "event" : "command";
    const char *opt = c->flags & F_MANDATORY ? "mandatory" : "optional";
    switch (c->kind) {
    case QC_DIFF_ENTITY_ADDED:
        return qc_arena_printf(dx->a, "%s added", what);
    case QC_DIFF_ENTITY_REMOVED:
        return qc_arena_printf(dx->a, "%s removed", what);
    case QC_DIFF_MEMBER_ADDED:
    case QC_DIFF_MEMBER_REMOVED:
        return qc_arena_printf(dx->a, "%s %s '%s' %s", opt, member_noun(w, v),
                               c->name, c->kind == QC_DIFF_MEMBER_ADDED
                               ? "added" : "removed");
    case QC_DIFF_MADE_OPTIONAL:
    case QC_DIFF_MADE_MANDATORY:
        return qc_arena_printf(dx->a, "%s '%s' became %s", member_noun(w, v),
                               c->name, c->kind == QC_DIFF_MADE_OPTIONAL
                               ? "optional" : "mandatory");
    case QC_DIFF_TYPE_CHANGED: {
        unsigned wn = c->flags & (F_WIDER | F_NARROWER);
        return qc_arena_printf(dx->a, "%s%s", c->detail,
                               wn == F_WIDER ? " (wider)"
                               : wn == F_NARROWER ? " (narrower)" : "");
    }
    case QC_DIFF_VALUE_ADDED:
    case QC_DIFF_VALUE_REMOVED:
        return qc_arena_printf(dx->a, "enum value '%s' %s", c->name,
                               c->kind == QC_DIFF_VALUE_ADDED ? "added" : "removed");
    case QC_DIFF_BRANCH_ADDED:
    case QC_DIFF_BRANCH_REMOVED:
        return qc_arena_printf(dx->a, "union branch '%s' %s", c->name,
                               c->kind == QC_DIFF_BRANCH_ADDED ? "added" : "removed");
    case QC_DIFF_ALTERNATIVE_ADDED:
    case QC_DIFF_ALTERNATIVE_REMOVED:
        return qc_arena_printf(dx->a, "alternate branch '%s' (%s) %s", c->name,
                               c->detail, c->kind == QC_DIFF_ALTERNATIVE_ADDED
                               ? "added" : "removed");
    case QC_DIFF_FEATURE_ADDED:
    case QC_DIFF_FEATURE_REMOVED:
        return qc_arena_printf(dx->a, "feature '%s' %s %s", c->name,
                               c->kind == QC_DIFF_FEATURE_ADDED
                               ? "added to" : "removed from",
                               owner_text(dx, w, v, c));
    case QC_DIFF_FLAG_CHANGED:
        return qc_arena_printf(dx->a, "'%s' changed %s", c->name, c->detail);
    }
    return "";
}

