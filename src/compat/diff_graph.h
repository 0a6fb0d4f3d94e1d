/* Internals of qapic diff shared by src/diff.c (the walk over commands and
 * events), src/diff_types.c (the pair graph: local comparison of
 * corresponding types) and src/diff_rules.c (classification and
 * messages).  Not for other users: see diff.h. */
#ifndef QC_DIFF_GRAPH_H
#define QC_DIFF_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "base/arena.h"
#include "compat/diff.h"
#include "base/hashmap.h"
#include "dumps/ischema.h"
#include "syntax/value.h"

enum {
    F_MANDATORY = 1 << 0,  /* the member added or removed is mandatory */
    F_DEPRECATED = 1 << 1, /* what was removed or changed was deprecated */
    F_UNSTABLE = 1 << 2,   /* ... or unstable */
    F_WIDER = 1 << 3,      /* the new type takes every value the old took */
    F_NARROWER = 1 << 4,   /* the old type takes every value the new takes */
    F_TYPE = 1 << 5,       /* a feature of the type, not of a member */
    F_FLAG_LOST = 1 << 6,  /* a flag such as allow-oob went from true to false */
    F_FLAG_GAINED = 1 << 7,
    F_UNKNOWN = 1 << 8,    /* a type one schema does not define */
};

/* What carries a feature. */
typedef enum { OWN_ENTITY, OWN_TYPE, OWN_MEMBER, OWN_VALUE } owner_kind;

typedef struct lchange {
    qc_diff_kind kind;
    const char *suffix;    /* path below the position ("" for itself) */
    const char *name;      /* member, value, case, branch, feature, flag */
    const char *detail;    /* type shapes, flag values; may be NULL */
    owner_kind owner;      /* features: what carries it */
    const char *owner_name;
    unsigned flags;
} lchange;

/* Where a child position stands in a query path: right after a member
 * name ("$feat" would test the member), after "+case" or "arg-type"
 * ("$feat" tests the type), or as its parent (arrays, alternates). */
typedef enum { POS_MEMBER, POS_OTHER, POS_INHERIT } pos_kind;

typedef struct pair pair;

typedef struct edge {
    const char *suffix;
    pos_kind pos;
    bool unstable;         /* through a member that was unstable */
    bool tag;              /* the tag member of a union */
    pair *to;
} edge;

struct pair {
    const qc_value *o, *n; /* type entries; NULL: not defined */
    qc_ptrvec changes;     /* lchange * */
    qc_ptrvec edges;       /* edge * */
    bool dirty;            /* a change is reachable from here */
    unsigned seen[2];      /* walk stamps: stable, unstable context */
};

typedef struct differ {
    qc_arena *a;
    const qc_ischema *os, *ns;
    qc_hashmap *pairs;     /* both addresses in hex -> pair */
    qc_ptrvec all;         /* pair *, in creation order */
    size_t computed;       /* pairs of ALL compared so far */
    unsigned stamp;
    qc_ptrvec out;         /* qc_diff_change * */
} differ;

/* A walk: one command or event in one direction. */
typedef struct walk {
    const char *entity;
    bool is_event;
    qc_diff_dir dir;
} walk;

typedef struct visit {
    pair *p;
    const char *path;
    bool after_member;     /* "$feat" here would test a member */
    bool unstable;
    unsigned depth;        /* members passed since arg-type/ret-type */
    const pair *tag_union; /* the union whose tag led here, or NULL */
} visit;

/* --- reading SchemaInfo entries ------------------------------------------- */

static inline bool str_eq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static inline const char *meta_of(const qc_value *t)
{
    return qc_obj_get_str(t, "meta-type");
}

static inline bool has_feature(const qc_value *v, const char *feat)
{
    const qc_value *fs = qc_obj_get(v, "features");
    for (size_t i = 0; qc_is_array(fs) && i < qc_arr_len(fs); i++)
        if (qc_is_string(qc_arr_at(fs, i))
            && !strcmp(qc_arr_at(fs, i)->u.str.s, feat))
            return true;
    return false;
}

/* An entity, member or enum value V (a bare string: a value of an enum
 * before QEMU 6.2) marked unstable; before 6.2 that was said by the
 * prefix "x-", which the feature replaced. */
static inline bool is_unstable(const qc_value *v)
{
    const char *name = qc_is_string(v) ? v->u.str.s : qc_obj_get_str(v, "name");
    return has_feature(v, "unstable") || (name && !strncmp(name, "x-", 2));
}

/* F_DEPRECATED and F_UNSTABLE of V. */
static inline unsigned status_flags(const qc_value *v)
{
    return (has_feature(v, "deprecated") ? F_DEPRECATED : 0)
         | (is_unstable(v) ? F_UNSTABLE : 0);
}

static inline bool is_optional(const qc_value *member)
{
    return qc_obj_get(member, "default") != NULL;
}

/* The entry a member, branch or element names in schema S. */
static inline const qc_value *type_at(const qc_ischema *s,
                                      const qc_value *v, const char *key)
{
    return qc_ischema_lookup(s, qc_obj_get_str(v, key));
}

/* A path component for NAME: names that begin with a character the query
 * syntax reads as a modifier get the ' ' escape. */
static inline const char *component(differ *dx, const char *name)
{
    if (name[0] && strchr("*+!$^ ", name[0]))
        return qc_arena_printf(dx->a, " %s", name);
    return name;
}

static inline const char *join(differ *dx, const char *path,
                               const char *suffix)
{
    if (!*suffix)
        return path;
    return qc_arena_printf(dx->a, "%s/%s", path, suffix);
}

/* --- diff_types.c ------------------------------------------------------------ */

/* The pair of types O and N (either may be NULL), created on first use;
 * its local comparison is made by qc_diff_compare_pairs. */
pair *qc_diff_pair(differ *dx, const qc_value *o, const qc_value *n);
lchange *qc_diff_add_change(differ *dx, pair *p, qc_diff_kind kind,
                            const char *suffix, const char *name,
                            unsigned flags);
/* Features of O and N, as changes of P below PREFIX ("": P itself). */
void qc_diff_features(differ *dx, pair *p, const qc_value *o,
                      const qc_value *n, const char *prefix, owner_kind owner,
                      const char *owner_name);
/* Compares every pair not compared yet, those it creates included. */
void qc_diff_compare_pairs(differ *dx);

/* --- diff_rules.c ------------------------------------------------------------ */

typedef struct verdict {
    qc_diff_class cls;
    const char *note;      /* said after the message, or NULL */
} verdict;

/* The class of change C met in direction DIR; UNSTABLE_CTX: it lies
 * inside something marked unstable. */
verdict qc_diff_classify(const lchange *c, qc_diff_dir dir, bool unstable_ctx);
/* The message of change C found at V in walk W. */
const char *qc_diff_message(differ *dx, const walk *w, const visit *v,
                            const lchange *c);

#endif
