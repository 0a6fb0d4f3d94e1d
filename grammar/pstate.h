/* Parser state and the actions the grammar calls (implemented in
 * src/syntax/parse.c). */
#ifndef QC_PSTATE_H
#define QC_PSTATE_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/hashmap.h"
#include "lexstate.h"
#include "syntax/parse.h"
#include "syntax/value.h"

struct qc_tok;
/* An object being read: where its members start in mems, and a bit for
 * each of its keys so far (a hash of the key's length and its first and
 * last characters): a key whose bit is not set is no repeated one. */
struct qc_open_object {
    size_t base;
    uint64_t keybits;
};
struct qc_keyset {
    size_t base;
    qc_hashmap *keys;
};
union QC_YYSTYPE;

/* What the parser expected when it met a syntax error. */
enum {
    QC_EXP_VALUE = 1 << 0,
    QC_EXP_RBRACE = 1 << 1,
    QC_EXP_RBRACKET = 1 << 2,
    QC_EXP_COLON = 1 << 3,
    QC_EXP_COMMA = 1 << 4,
    QC_EXP_STRING = 1 << 5,
    QC_EXP_DOC = 1 << 6,
    QC_EXP_EOF = 1 << 7,
};

struct qc_pstate {
    qc_arena *arena;
    const qc_source *src;
    uint32_t src_id;            /* src's number, for the values' locations */
    qc_dialect dialect;
    void *scanner;
    struct qc_lexstate ls;
    /* The items read so far, in an array of qc_arena_grow: a large one
     * grows in place, never copied (a stream of small values has as
     * many items as values, 16 bytes each); with room for one more. */
    qc_item *items;
    size_t nitems, capitems;
    /* The members and elements read so far of the objects and arrays
     * being read, innermost last (malloc).  A list's semantic value is
     * where its entries start; its object or array takes them off the
     * top when it ends.  Entry 0 is never one: the last bytes of the
     * entry before a list take its count when the list keeps the stack
     * as its own (a large list of the outermost level, which is then
     * not copied). */
    qc_member *mems;
    size_t nmems, capmems;
    qc_value *elems;
    size_t nelems, capelems;
    /* The keys of the large objects being read (schema dialect), for the
     * duplicate-key check: innermost last, each known by its base. */
    struct qc_keyset *keysets;
    size_t nkeysets, capkeysets;
    /* The objects being read, innermost last (malloc): pushed when their
     * '{' is read. */
    struct qc_open_object *objs;
    size_t nobjs, capobjs;
    unsigned depth;
    unsigned tokens_since_item; /* tokens lexed since the last item ended */
    bool last_item_is_value;
    /* Whether keys are checked (the schema dialect), whether the last
     * token read was a ':' after which a key is checked, and the last
     * string read: the key before that ':'. */
    bool key_checks;
    bool after_colon;
    const char *key_s;
    uint32_t key_len;
    qc_docblock *doc;           /* doc block cut short, being read */
    /* A problem found while reading, reported at the token read (QEMU
     * reports a duplicate key at the token after the ':'). */
    const char *pending_code, *pending_msg;
    qc_syntax_error *error;
};

/* The scanner (grammar/lexer.l). */
int qc_scan_token(union QC_YYSTYPE *lval, void *scanner);

/* The token T cannot be handed to the parser: it is a lexical error, or
 * an action found a problem it must be reported at, or it nests too deep.
 * Records the error; returns QC_YYerror. */
int qc_ps_token_problem(struct qc_pstate *ps, int t);

/* Objects with more keys than this have them hashed. */
#define KEYSET_MIN 16

/* Searches the keys of the object whose members start at BASE for S (N
 * bytes); sets pending_msg when it is there. */
void qc_ps_key_search(struct qc_pstate *ps, size_t base, const char *s,
                      uint32_t n);

/* Checks the key before the ':' just read against the earlier keys of
 * its object; sets pending_msg when it repeats one.  The ':' was read
 * after the key, so the object's earlier members are all in mems (each
 * was reduced when the ',' after it was read).  Inline: it runs for
 * every member, and its bit tells most keys apart. */
static inline void qc_ps_key_read(struct qc_pstate *ps)
{
    if (!ps->nobjs)
        return;
    struct qc_open_object *o = &ps->objs[ps->nobjs - 1];
    const char *s = ps->key_s;
    uint32_t n = ps->key_len;
    uint64_t bit = (uint64_t)1 << ((n * 7 + (unsigned char)s[0]
                                    + (n ? (unsigned char)s[n - 1] * 3 : 0))
                                   & 63);
    bool maybe = o->keybits & bit;
    o->keybits |= bit;
    /* A large object's keys are hashed all the same (keyset_for). */
    if (!maybe && ps->nmems - o->base < KEYSET_MIN)
        return;
    qc_ps_key_search(ps, o->base, s, n);
}
/* Pushes the start of a new object's members. */
void qc_ps_push_object(struct qc_pstate *ps);

/* The next token for the parser (inline: it runs for every token). */
static inline int qc_ps_lex(struct qc_pstate *ps, union QC_YYSTYPE *lval)
{
    int t = qc_scan_token(lval, ps->scanner);
    if (ps->after_colon) {
        ps->after_colon = false;
        if (t != QC_LEX_ERROR) {
            qc_ps_key_read(ps);
            if (ps->pending_msg)
                return qc_ps_token_problem(ps, t);
        }
    }
    switch (t) {
    case STRING:
        ps->key_s = lval->tok.s;
        ps->key_len = lval->tok.len;
        break;
    case COLON:
        ps->after_colon = ps->key_checks;
        break;
    case LBRACE:
        if (++ps->depth > QC_MAX_DEPTH)
            return qc_ps_token_problem(ps, t);
        qc_ps_push_object(ps);
        break;
    case LBRACKET:
        if (++ps->depth > QC_MAX_DEPTH)
            return qc_ps_token_problem(ps, t);
        break;
    case RBRACE:
        if (ps->depth) {
            ps->depth--;
            ps->nobjs -= ps->nobjs != 0;
        }
        break;
    case RBRACKET:
        ps->depth -= ps->depth != 0;
        break;
    case QC_LEX_ERROR:
        return qc_ps_token_problem(ps, t);
    default:
        break;
    }
    ps->tokens_since_item++;
    return t;
}
void qc_ps_syntax_error(struct qc_pstate *ps, unsigned expected, bool at_eof);
void qc_ps_internal_error(struct qc_pstate *ps, const char *msg);

void qc_ps_add_value(struct qc_pstate *ps, const qc_value *v);
void qc_ps_doc(struct qc_pstate *ps, const struct qc_tok *t, bool complete);

/* A new value: every field set.  This and the commonest actions below
 * are inline, in the parser: they run for every string and member.
 * Their callers have the whole struct qc_tok (parser.h). */
static inline qc_value qc_ps_new_value(struct qc_pstate *ps, qc_vkind kind,
                                       uint32_t off)
{
    return (qc_value){ .kind = kind, .src_id = ps->src_id, .off = off };
}

/* A JSON string holding a NUL byte (\u0000) has its length in front of
 * it (json_string in the scanner puts it there); schema strings have
 * none. */
static inline qc_value qc_ps_string(struct qc_pstate *ps,
                                    const struct qc_tok *t)
{
    qc_value v = qc_ps_new_value(ps, QC_VSTRING, t->off);
    v.u.str.s = t->s;
    v.len_before = ps->dialect != QC_DIALECT_SCHEMA && strlen(t->s) != t->len;
    return v;
}

qc_value qc_ps_bool(struct qc_pstate *ps, const struct qc_tok *t, bool b);
qc_value qc_ps_null(struct qc_pstate *ps, const struct qc_tok *t);
qc_value qc_ps_number(struct qc_pstate *ps, const struct qc_tok *t);

/* An empty list (the base of no entries). */
#define QC_PS_NONE ((size_t)-1)

qc_value qc_ps_object(struct qc_pstate *ps, const struct qc_tok *t,
                      size_t base);
static inline size_t qc_ps_member(struct qc_pstate *ps,
                                  const struct qc_tok *key, const qc_value *v)
{
    if (ps->nmems >= ps->capmems)
        ps->mems = qc_grow(ps->mems, &ps->capmems, sizeof *ps->mems);
    qc_member *m = &ps->mems[ps->nmems];
    m->key = key->s;
    m->key_len = key->len;
    m->key_off = key->off;
    m->value = *v;
    return ps->nmems++;
}
qc_value qc_ps_array(struct qc_pstate *ps, const struct qc_tok *t,
                     size_t base);
static inline size_t qc_ps_element(struct qc_pstate *ps, const qc_value *v)
{
    if (ps->nelems >= ps->capelems)
        ps->elems = qc_grow(ps->elems, &ps->capelems, sizeof *ps->elems);
    ps->elems[ps->nelems] = *v;
    return ps->nelems++;
}

#endif
