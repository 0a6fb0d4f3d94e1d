/* Glue between the generated scanner/parser and the rest of qapic: builds
 * the value tree, tracks doc blocks, and turns the first lexical or syntax
 * error into a qc_syntax_error. */
#include "syntax/parse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "pstate.h"
#define YYSTYPE QC_YYSTYPE
#include "lexer.h"
#include "syntax/interned.h"

int qc_yyparse(struct qc_pstate *ps);
void qc_yy_restore_text(void *scanner);
void qc_yy_init_classes(void);

static void set_error(struct qc_pstate *ps, uint32_t off, const char *code,
                      const char *msg, bool lexical)
{
    if (ps->error)
        return;
    qc_syntax_error *e = qc_arena_alloc(ps->arena, sizeof *e);
    e->loc = qc_loc_make(ps->src, off);
    e->code = code;
    e->message = msg;
    e->after_item = ps->nitems;
    /* QEMU reads the token after an expression before it processes the
     * expression, so a lexical error there comes first. */
    if (lexical && ps->tokens_since_item == 0 && ps->last_item_is_value
        && ps->nitems > 0)
        e->after_item = ps->nitems - 1;
    /* Likewise QEMU reads the token after a doc block before its closing
     * checks. */
    if (lexical && ps->tokens_since_item == 0 && !ps->last_item_is_value
        && ps->nitems > 0)
        e->before_doc_end = true;
    e->partial_doc = ps->doc;
    ps->error = e;
}

int qc_ps_token_problem(struct qc_pstate *ps, int t)
{
    if (t == QC_LEX_ERROR)
        set_error(ps, ps->ls.err_off, ps->ls.err_code, ps->ls.err_msg, true);
    else if (ps->pending_msg)
        set_error(ps, ps->ls.tok_off, ps->pending_code, ps->pending_msg, false);
    else
        set_error(ps, ps->ls.tok_off, "syntax-too-deep",
                  qc_arena_printf(ps->arena, "nesting is deeper than %d levels",
                                  QC_MAX_DEPTH),
                  false);
    return QC_YYerror;
}

static const char *expected_text(const struct qc_pstate *ps, unsigned exp)
{
    bool schema = ps->dialect == QC_DIALECT_SCHEMA;
    if (exp & QC_EXP_DOC)
        return "doc comment block is not closed: expected a '#' line or the closing '##'";
    if (exp & QC_EXP_VALUE) {
        if (exp & QC_EXP_RBRACKET)
            return schema ? "expected a value ('{', '[', string or boolean) or ']'"
                          : "expected a JSON value or ']'";
        return schema ? "expected a value ('{', '[', string or boolean)"
                      : "expected a JSON value";
    }
    if (exp & QC_EXP_STRING)
        return exp & QC_EXP_RBRACE ? "expected a member name (a string) or '}'"
                                   : "expected a member name (a string) after ','";
    if (exp & QC_EXP_COLON)
        return "expected ':' after the member name";
    if (exp & QC_EXP_COMMA)
        return exp & QC_EXP_RBRACE ? "expected ',' or '}' after the member"
                                   : "expected ',' or ']' after the element";
    if (exp & QC_EXP_EOF)
        return "unexpected data after the JSON value";
    return "syntax error";
}

void qc_ps_syntax_error(struct qc_pstate *ps, unsigned expected, bool at_eof)
{
    const char *msg = expected_text(ps, expected);
    if (at_eof)
        msg = qc_arena_printf(ps->arena, "%s, but the file ends here", msg);
    set_error(ps, ps->ls.tok_off, "syntax-unexpected", msg, false);
}

void qc_ps_internal_error(struct qc_pstate *ps, const char *msg)
{
    /* Only "memory exhausted" can get here: the depth limit keeps the
     * parser stack far below bison's own limit. */
    set_error(ps, ps->ls.tok_off, "syntax-internal", msg, false);
}

/* Makes room for one more item and the terminating one. */
static void room_for_item(struct qc_pstate *ps)
{
    if (ps->nitems + 1 >= ps->capitems)
        ps->items = qc_arena_grow_array(ps->arena, ps->items, &ps->capitems,
                                        sizeof *ps->items);
}

static void add_item(struct qc_pstate *ps, const qc_value *v, qc_docblock *doc)
{
    room_for_item(ps);
    qc_item *it = &ps->items[ps->nitems++];
    if (v) {
        it->value = *v;
    } else {
        memset(&it->value, 0, sizeof it->value);
        it->value.kind = QC_VDOCBLOCK_;
        it->value.u.doc_ = doc;
    }
    ps->tokens_since_item = 0;
    ps->last_item_is_value = v != NULL;
}

void qc_ps_add_value(struct qc_pstate *ps, const qc_value *v)
{
    add_item(ps, v, NULL);
}

void qc_ps_doc(struct qc_pstate *ps, const struct qc_tok *t, bool complete)
{
    qc_docblock *d = qc_arena_alloc_uninit(ps->arena, sizeof *d);
    d->src = ps->src;
    d->start = t->off;
    d->end = t->off + t->len;
    /* The scanner's count and list of line ends are reused for the next
     * block: this runs before the parser asks for another token (the rule
     * reduces without a look-ahead). */
    d->n = ps->ls.doc_lines;
    uint32_t *bounds = qc_arena_alloc_uninit(ps->arena,
                                             2 * d->n * sizeof *bounds);
    memcpy(bounds, ps->ls.doc_bounds, 2 * d->n * sizeof *bounds);
    d->bounds = bounds;
    d->complete = complete;
    if (complete)
        add_item(ps, NULL, d);
    else
        ps->doc = d;
}

const char *qc_doc_gap_end_slow(const char *p, const char *end)
{
    const unsigned char *u = (const unsigned char *)p;
    const unsigned char *e = (const unsigned char *)end;
    while (u < e) {
        unsigned char c = *u;
        if (c == ' ' || c == '\n' || (c >= '\t' && c <= '\r')
            || (c >= 0x1c && c <= 0x1f)) {
            u++;
            continue;
        }
        /* The rare multi-byte spaces the scanner skips too (UNISPACE). */
        size_t k = 0;
        if (c == 0xC2 && e - u >= 2 && (u[1] == 0x85 || u[1] == 0xA0))
            k = 2;
        else if (e - u >= 3
                 && ((c == 0xE1 && u[1] == 0x9A && u[2] == 0x80)
                     || (c == 0xE2 && u[1] == 0x80
                         && (u[2] <= 0x8A || u[2] == 0xA8 || u[2] == 0xA9
                             || u[2] == 0xAF))
                     || (c == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)
                     || (c == 0xE3 && u[1] == 0x80 && u[2] == 0x80)))
            k = 3;
        if (!k)
            break;
        u += k;
    }
    return (const char *)u;
}

qc_value qc_ps_bool(struct qc_pstate *ps, const struct qc_tok *t, bool b)
{
    qc_value v = qc_ps_new_value(ps, QC_VBOOL, t->off);
    v.u.b = b;
    return v;
}

qc_value qc_ps_null(struct qc_pstate *ps, const struct qc_tok *t)
{
    return qc_ps_new_value(ps, QC_VNULL, t->off);
}

qc_value qc_ps_number(struct qc_pstate *ps, const struct qc_tok *t)
{
    qc_value v = qc_ps_new_value(ps, QC_VNUMBER, t->off);
    /* Read before the next token, as the doc block's lines above. */
    qc_value_set_number(&v, t->s, t->len, ps->ls.integer);
    return v;
}

/* The value of the key set (below) for the key of member I of its
 * object: not the key, which may be a string of the program's that an
 * earlier key is too (syntax/interned.h). */
static inline void *key_tag(size_t i)
{
    return (void *)(uintptr_t)(i + 1);
}

/* The key set of the object whose members start at BASE, made when it
 * first has KEYSET_MIN of them; NULL for keys holding a NUL byte. */
static qc_hashmap *keyset_for(struct qc_pstate *ps, size_t base)
{
    if (ps->nkeysets && ps->keysets[ps->nkeysets - 1].base == base)
        return ps->keysets[ps->nkeysets - 1].keys;
    size_t n = ps->nmems - base;
    qc_hashmap *keys = qc_hashmap_new_sized(ps->arena, 4 * n);
    for (size_t i = base; i < ps->nmems; i++) {
        const qc_member *m = &ps->mems[i];
        if (strlen(m->key) != m->key_len)
            return NULL;
        qc_hashmap_put(keys, m->key, key_tag(i - base));
    }
    if (ps->nkeysets == ps->capkeysets)
        ps->keysets = qc_grow(ps->keysets, &ps->capkeysets,
                              sizeof *ps->keysets);
    ps->keysets[ps->nkeysets++] = (struct qc_keyset){ base, keys };
    return keys;
}

/* Whether the key S (LEN bytes) repeats a key of the object whose
 * members start at BASE: searched while it is small, hashed once it is
 * large. */
static bool repeated_key(struct qc_pstate *ps, size_t base, const char *s,
                         size_t len)
{
    qc_hashmap *keys = ps->nmems - base >= KEYSET_MIN
                       && strlen(s) == len ? keyset_for(ps, base) : NULL;
    if (keys) {
        void *tag = key_tag(ps->nmems - base);
        return qc_hashmap_put_new(keys, s, tag) != tag;
    }
    for (size_t i = base; i < ps->nmems; i++) {
        const qc_member *m = &ps->mems[i];
        if (m->key_len == len && !memcmp(m->key, s, len))
            return true;
    }
    return false;
}

void qc_ps_key_search(struct qc_pstate *ps, size_t base, const char *s,
                      uint32_t n)
{
    if (!repeated_key(ps, base, s, n))
        return;
    ps->pending_code = "qapi-duplicate-key";
    ps->pending_msg = qc_arena_printf(ps->arena,
        "key '%s' appears twice in this object", s);
}

void qc_ps_push_object(struct qc_pstate *ps)
{
    if (ps->nobjs == ps->capobjs)
        ps->objs = qc_grow(ps->objs, &ps->capobjs, sizeof *ps->objs);
    ps->objs[ps->nobjs++] = (struct qc_open_object){ ps->nmems, 0 };
}

/* Objects and arrays without entries share these (never written): a
 * count of 0 and no entry after it. */
static const size_t no_entries[1];

/* Lists of this many bytes and more that start at the bottom of their
 * stack take the stack's memory as theirs instead of a copy: the copy
 * of one list as large as the input would double the memory it takes. */
#define KEEP_STACK_MIN ((size_t)64 << 10)

/* The entries of a list, from BASE to the top *TOP of *STACK (of *CAP
 * entries of SIZE bytes), taken off the stack, with their count in the
 * bytes before them.  A large list at the bottom keeps the stack's
 * memory (given to the arena), and the stack starts anew. */
static void *take_entries(struct qc_pstate *ps, void **stack, size_t *top,
                          size_t *cap, size_t base, size_t size)
{
    if (base == QC_PS_NONE)
        return (void *)(no_entries + 1);
    size_t n = *top - base;
    size_t bytes = n * size;
    char *first = (char *)*stack + base * size;
    if (base == 1 && bytes >= KEEP_STACK_MIN) {
        char *mem = qc_xrealloc(*stack, (1 + n) * size);
        qc_arena_on_free(ps->arena, free, mem);
        *stack = NULL;
        *cap = 0;
        *top = 1;
        first = mem + size;
        memcpy(first - sizeof n, &n, sizeof n);
        return first;
    }
    size_t *block = qc_arena_alloc_uninit(ps->arena, sizeof n + bytes);
    block[0] = n;
    memcpy(block + 1, first, bytes);
    *top = base;
    return block + 1;
}

qc_value qc_ps_object(struct qc_pstate *ps, const struct qc_tok *t,
                      size_t base)
{
    qc_value v = qc_ps_new_value(ps, QC_VOBJECT, t->off);
    if (ps->nkeysets && ps->keysets[ps->nkeysets - 1].base == base)
        ps->nkeysets--;
    void *stack = ps->mems;
    v.u.obj.members = take_entries(ps, &stack, &ps->nmems, &ps->capmems,
                                   base, sizeof(qc_member));
    ps->mems = stack;
    return v;
}

qc_value qc_ps_array(struct qc_pstate *ps, const struct qc_tok *t,
                     size_t base)
{
    qc_value v = qc_ps_new_value(ps, QC_VARRAY, t->off);
    void *stack = ps->elems;
    v.u.arr.items = take_entries(ps, &stack, &ps->nelems, &ps->capelems,
                                 base, sizeof(qc_value));
    ps->elems = stack;
    return v;
}

void qc_parse(qc_arena *a, const qc_source *src, qc_dialect dialect,
              qc_parse_result *out)
{
    qc_parse_from(a, src, dialect, 0, out);
}

void qc_parse_from(qc_arena *a, const qc_source *src, qc_dialect dialect,
                   uint32_t start, qc_parse_result *out)
{
    struct qc_pstate ps;
    memset(&ps, 0, sizeof ps);
    ps.arena = a;
    ps.src = src;
    ps.src_id = src->id;
    ps.dialect = dialect;
    ps.ls.arena = a;
    ps.ls.src = src;
    ps.ls.base = src->text;
    ps.ls.dialect = dialect;
    ps.ls.str_out = a->strings;
    ps.ls.str_end = a->strings_end;
    a->strings = a->strings_end = NULL;
    /* JSON allows a key twice (the last one wins). */
    ps.key_checks = dialect == QC_DIALECT_SCHEMA;
    ps.nmems = ps.nelems = 1;   /* entry 0 is no entry (pstate.h) */
    ps.ls.start_token = dialect == QC_DIALECT_SCHEMA ? START_SCHEMA
                      : dialect == QC_DIALECT_JSON ? START_JSON : START_STREAM;
    qc_yy_init_classes();
    qc_interned_init();
    qc_yylex_init_extra(&ps.ls, &ps.scanner);
    /* The text ends in two NULs, so flex scans it in place. */
    if (start > src->len)
        start = (uint32_t)src->len;
    YY_BUFFER_STATE buf = qc_yy_scan_buffer(src->text + start,
                                            src->len - start + 2, ps.scanner);
    if (!buf) {
        set_error(&ps, 0, "syntax-internal", "cannot set up the scanner", false);
    } else {
        int rc = qc_yyparse(&ps);
        if (rc != 0 && !ps.error)
            set_error(&ps, ps.ls.tok_off, "syntax-internal",
                      "the parser gave up (out of memory?)", false);
        qc_yy_restore_text(ps.scanner);
        qc_yy_delete_buffer(buf, ps.scanner);
    }
    qc_yylex_destroy(ps.scanner);
    a->strings = ps.ls.str_out;
    a->strings_end = ps.ls.str_end;
    free(ps.mems);
    free(ps.elems);
    free(ps.keysets);
    free(ps.objs);
    free(ps.ls.doc_bounds);
    room_for_item(&ps);
    memset(&ps.items[ps.nitems], 0, sizeof *ps.items);
    out->nitems = ps.nitems;
    out->items = ps.items;
    out->cap_ = ps.capitems;
    out->error = ps.error;
}

void qc_parse_release(qc_arena *a, qc_parse_result *r)
{
    qc_arena_release(a, r->items, r->cap_ * sizeof *r->items);
    r->items = NULL;
    r->nitems = 0;
    r->cap_ = 0;
}

void qc_parse_report(qc_diag *d, const qc_syntax_error *err)
{
    qc_diagnostic *dg = qc_error(d, err->loc, err->code, "%s", err->message);
    qc_diag_show_column(dg);
}

qc_value *qc_parse_json(qc_arena *a, const qc_source *src, bool stream,
                        qc_diag *d, size_t *n)
{
    qc_parse_result r;
    qc_parse(a, src, stream ? QC_DIALECT_STREAM : QC_DIALECT_JSON, &r);
    if (r.error) {
        qc_parse_report(d, r.error);
        *n = 0;
        return NULL;
    }
    /* The JSON dialects have no doc blocks: the items are the values. */
    _Static_assert(sizeof(qc_item) == sizeof(qc_value),
                   "an item is a value");
    *n = r.nitems;
    return &r.items[0].value;
}
