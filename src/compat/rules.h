/* Client compatibility rules: what a QMP client relies on (commands,
 * argument paths with JSON types, events, raw schema queries) and how its
 * calls must look (one-of argument groups).  Read from YAML rule files
 * (format: rules/README.md); evaluated by compat.h. */
#ifndef QC_RULES_H
#define QC_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"
#include "dumps/version.h"

/* JSON types a rule can demand of an argument or event member. */
typedef enum {
    QC_JT_ANY,          /* no demand */
    QC_JT_STRING,
    QC_JT_INTEGER,
    QC_JT_NUMBER,       /* any number, integers included */
    QC_JT_BOOLEAN,
    QC_JT_NULL,
    QC_JT_OBJECT,
    QC_JT_ARRAY,
} qc_jtype;

/* Canonical name ("boolean", "integer", ...). */
const char *qc_jtype_name(qc_jtype t);
/* Accepts the canonical names and the aliases str, int, bool, value. */
bool qc_jtype_parse(const char *s, qc_jtype *t);

/* A member path such as "channels/addr/+socket/host": components are
 * member names, "+case" (a union branch) or, last only, "^value" (an enum
 * value). */
typedef struct qc_rule_path {
    const char *text;          /* as written */
    const char **comps;
    size_t ncomps;
    qc_jtype type;             /* QC_JT_ANY when the rule gives none */
    qc_loc loc;
} qc_rule_path;

typedef struct qc_rule_group {
    qc_rule_path *paths;
    size_t n;
    qc_loc loc;
} qc_rule_group;

typedef enum {
    QC_RULE_NONE,              /* only queries */
    QC_RULE_COMMAND,
    QC_RULE_EVENT,
} qc_rule_kind;

typedef struct qc_rule {
    const char *id;
    const char *description;   /* or NULL */
    const char *client;        /* the file's client, or NULL */
    qc_loc loc;                /* the rule's "id" value */
    qc_rule_kind kind;
    const char *name;          /* command or event name (kind != NONE) */
    qc_loc name_loc;
    qc_rule_path *paths;       /* arguments (command) or members (event) */
    size_t npaths;
    qc_rule_group *oneof;      /* command only */
    size_t noneof;
    const char **queries;      /* all must hold */
    qc_loc *query_locs;
    size_t nqueries;
    qc_version min, max;       /* .set false: unbounded */
    bool allow_deprecated, allow_unstable;
} qc_rule;

typedef struct qc_ruleset {
    qc_ptrvec rules;           /* qc_rule *, in file order */
} qc_ruleset;

void qc_ruleset_init(qc_ruleset *rs);
static inline size_t qc_ruleset_size(const qc_ruleset *rs)
{
    return rs->rules.n;
}
static inline const qc_rule *qc_ruleset_get(const qc_ruleset *rs, size_t i)
{
    return rs->rules.items[i];
}

/* Limits of a rule file (documented in the manual page), each a located
 * error "rules-too-large" or "rules-too-deep": its size in bytes (checked
 * before reading when the file's size is known), the nesting of lists and
 * mappings, the number of YAML nodes it stands for (every alias counted
 * at the size of what it repeats), and the number of anchors. */
#define QC_RULES_MAX_SIZE (16ul << 20)
#define QC_RULES_MAX_DEPTH 32ul
#define QC_RULES_MAX_NODES 500000ul
#define QC_RULES_MAX_ANCHORS 1000ul

/* Reads the rule file PATH and appends its rules to RS.  Every problem is
 * reported to D with its location; returns false if there was any (RS then
 * holds the rules that were sound).  An unreadable file is not reported:
 * *ERR (may be NULL) is set to its errno, 0 otherwise.  Rule ids must be
 * unique within a file. */
bool qc_rules_load(qc_arena *a, qc_diag *d, const char *path,
                   qc_ruleset *rs, int *err);

/* The same for an in-memory text named NAME in diagnostics. */
bool qc_rules_load_mem(qc_arena *a, qc_diag *d, const char *name,
                       const char *text, size_t len, qc_ruleset *rs);

/* True if version V lies inside the rule's range (always, when V is
 * unknown). */
bool qc_rule_in_range(const qc_rule *r, const qc_version *v);

#endif
