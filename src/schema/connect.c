/* Doc comments connected to the entities they describe (QEMU's
 * connect_doc): every member, value, branch and feature must be
 * documented, and documented ones must exist (checked at the end). */
#include "schema/builder.h"

#include <string.h>

/* Docs not to check at the end: their definition failed, or connecting
 * them stopped halfway. */
void qc_sb_skip_doc(qc_builder *b, qc_doc *doc)
{
    if (doc)
        qc_ptrvec_push(b->a, &b->skip_docs, doc);
}

bool qc_sb_doc_skipped(const qc_builder *b, const qc_doc *doc)
{
    for (size_t i = 0; i < b->skip_docs.n; i++)
        if (b->skip_docs.items[i] == doc)
            return true;
    return false;
}

/* The entity whose doc is connected: the context of the diagnostics,
 * found once for all of its members. */
struct where {
    qc_loc loc;
    const char *meta, *name;
};

static bool connect_features(qc_builder *b, qc_doc *doc, const struct where *w,
                             qc_feature **fs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!qc_doc_connect_feature(doc, b->d, fs[i]->name, w->loc, w->meta,
                                    w->name))
            return false;
    return true;
}

static bool doc_describes(const qc_doc *doc, const char *member)
{
    for (size_t i = 0; i < doc->args.n; i++) {
        const qc_doc_section *sec = doc->args.items[i];
        if (strcmp(sec->name, member) == 0)
            return true;
    }
    return false;
}

/* EXEMPT: the doc's definition is in the documentation-exceptions. */
static bool connect_member(qc_builder *b, qc_doc *doc, const struct where *w,
                           const qc_smember *m, bool exempt)
{
    const char *role = m->role == QC_ROLE_VALUE ? "value"
        : m->role == QC_ROLE_BRANCH ? "branch" : "member";
    if (!exempt && b->rejected_unnamed && !doc_describes(doc, m->name)) {
        /* the rejected expression may have been the pragma exempting it:
         * neither complain nor check this doc later */
        qc_sb_skip_doc(b, doc);
        return connect_features(b, doc, w, m->features, m->nfeatures);
    }
    if (!qc_doc_connect_member(b->a, doc, b->d, m->name, role, exempt,
                               m->loc, w->meta, w->name))
        return false;
    return connect_features(b, doc, w, m->features, m->nfeatures);
}

static bool connect_members(qc_builder *b, qc_doc *doc, const struct where *w,
                            qc_smember **ms, size_t n)
{
    bool exempt = doc->symbol
        && qc_pragma_lists(&b->s->ast->pragma.documentation_exceptions,
                           doc->symbol);
    for (size_t i = 0; i < n; i++)
        if (!connect_member(b, doc, w, ms[i], exempt))
            return false;
    return true;
}

bool qc_sb_connect_doc(qc_builder *b, qc_entity *e, qc_doc *doc)
{
    if (!doc)
        doc = qc_entity_doc(e);
    if (!doc || b->o->no_doc_checks)
        return true;
    struct where w = { qc_entity_loc(e), qc_entity_defn_meta(e),
                       qc_entity_defn_name(e) };
    if (!connect_features(b, doc, &w, qc_entity_features(e),
                          qc_entity_nfeatures(e)))
        return false;
    switch (e->kind) {
    case QC_ENT_ENUM:
        if (!connect_members(b, doc, &w, e->values, e->nvalues))
            return false;
        break;
    case QC_ENT_OBJECT:
        if (e->base && qc_entity_is_implicit(e->base)
            && !qc_sb_connect_doc(b, e->base, doc))
            return false;
        if (!connect_members(b, doc, &w, e->local_members,
                             e->nlocal_members))
            return false;
        break;
    case QC_ENT_ALTERNATE:
        if (!connect_members(b, doc, &w, e->variants->variants,
                             e->variants->n))
            return false;
        break;
    case QC_ENT_COMMAND:
    case QC_ENT_EVENT:
        if (e->arg_type && qc_entity_is_implicit(e->arg_type)
            && !qc_sb_connect_doc(b, e->arg_type, doc))
            return false;
        break;
    default:
        break;
    }
    return true;
}
