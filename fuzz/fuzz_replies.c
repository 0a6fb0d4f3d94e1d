/* libFuzzer target: the fast reader of capability dumps against the
 * grammar (src/dumps/replies.h).
 *
 * The fast path may decline any text; where it accepts one, it claims
 * that the text is exactly the canonical rendering of its entries.  So,
 * for every input:
 *   - the full and the skimming reads (QC_REPLIES_SCHEMA, ENTRIES) agree
 *     on that verdict, and the source text is as it was after each read;
 *   - when the fast path accepted: the grammar reads the text without a
 *     syntax error into the same entries (offsets, kinds, roles, pairs,
 *     names, ids) with the same trees, locations included (the skimming
 *     reads' skimmed "return" values aside, which stand as null);
 *     rendering the entries canonically gives back the text byte for
 *     byte; the checks of the dump report the same problems on both
 *     reads (the fast one skips the layout and duplicate-key checks,
 *     which must then find nothing), and so do the checks without
 *     --check-returns on the QC_REPLIES_SCHEMA read; rewriting gives the
 *     same text from both, and "already fixed" (on every read) means
 *     exactly that the rewrite would not change the text.
 * Any difference aborts, which libFuzzer reports as a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/source.h"
#include "dumps/replies.h"
#include "syntax/json.h"
#include "syntax/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void differ(const char *what, size_t entry)
{
    fprintf(stderr, "fuzz_replies: the fast and the slow reader differ: %s "
            "(entry %zu)\n", what, entry + 1);
    abort();
}

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* Equality of two trees, locations and number spellings included.  With
 * SKIMMED, the "return" member of the top-level object A is null in B. */
static bool same_tree(const qc_value *a, const qc_value *b, bool skimmed)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || qc_value_loc(a).off != qc_value_loc(b).off)
        return false;
    switch (a->kind) {
    case QC_VNULL:
        return true;
    case QC_VBOOL:
        return a->u.b == b->u.b;
    case QC_VSTRING:
        return qc_str_len(a) == qc_str_len(b)
            && !memcmp(a->u.str.s, b->u.str.s, qc_str_len(a));
    case QC_VINT:
    case QC_VUINT:
    case QC_VNUMBER:
        return qc_num_len(a) == qc_num_len(b)
            && !memcmp(a->u.num.text, b->u.num.text, qc_num_len(a))
            && (a->kind == QC_VNUMBER
                || (qc_num_i(a) == qc_num_i(b) && qc_num_u(a) == qc_num_u(b)));
    case QC_VARRAY:
        if (qc_arr_len(a) != qc_arr_len(b))
            return false;
        for (size_t i = 0; i < qc_arr_len(a); i++)
            if (!same_tree(qc_arr_at(a, i), qc_arr_at(b, i), false))
                return false;
        return true;
    case QC_VOBJECT:
        if (qc_obj_len(a) != qc_obj_len(b))
            return false;
        for (size_t i = 0; i < qc_obj_len(a); i++) {
            const qc_member *ma = &a->u.obj.members[i];
            const qc_member *mb = &b->u.obj.members[i];
            if (ma->key_len != mb->key_len
                || memcmp(ma->key, mb->key, ma->key_len)
                || ma->key_off != mb->key_off)
                return false;
            if (skimmed && !strcmp(ma->key, "return")) {
                if (mb->value.kind != QC_VNULL)
                    return false;
                continue;
            }
            if (!same_tree(&ma->value, &mb->value, false))
                return false;
        }
        return true;
    }
    return false;
}

static void compare_entries(const qc_replies *f, const qc_replies *s,
                            bool skim)
{
    if (f->n != s->n)
        differ("number of entries", f->n < s->n ? f->n : s->n);
    for (size_t i = 0; i < f->n; i++) {
        const qc_rentry *a = &f->e[i], *b = &s->e[i];
        if (a->start != b->start || a->end != b->end)
            differ("offsets", i);
        if (a->kind != b->kind || a->role != b->role || a->pair != b->pair)
            differ("kind, role or pair", i);
        if (!same_str(a->execute, b->execute) || !same_str(a->id, b->id))
            differ("command name or id", i);
        if (b->skimmed || (a->skimmed && !skim))
            differ("skimmed flag", i);
        if (!same_tree(b->v, a->v, a->skimmed))
            differ("trees", i);
    }
}

/* The dump's canonical text: every entry rendered, one empty line between
 * them, one final newline. */
static void render(qc_buf *b, const qc_replies *r)
{
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            qc_buf_append(b, "\n\n", 2);
        qc_json_write(b, r->e[i].v, 2, 0);
    }
    qc_buf_putc(b, '\n');
}

/* The problems the checks report, as text, one a line. */
static void problems(qc_arena *a, qc_replies *r, bool returns, qc_buf *out)
{
    qc_diag *d = qc_diag_new();
    qc_replies_opts o = { .check_returns = returns };
    size_t n = qc_replies_check(a, r, &o, d);
    for (size_t i = 0;; i++) {
        const qc_diagnostic *dg = qc_diag_get(d, i);
        if (!dg)
            break;
        qc_buf_printf(out, "%u:%u: %s [%s]\n", qc_diagnostic_line(dg),
                      qc_diagnostic_column(dg), qc_diagnostic_message(dg),
                      qc_diagnostic_code(dg));
    }
    qc_buf_printf(out, "%zu problems\n", n);
    qc_diag_free(d);
}

static bool same_buf(const qc_buf *a, const qc_buf *b)
{
    return a->len == b->len && (!a->len || !memcmp(a->data, b->data, a->len));
}

/* Whether the checks (with RETURNS: of the returns too) report the same
 * problems on R and S. */
static bool same_problems(qc_arena *a, qc_replies *r, qc_replies *s,
                          bool returns)
{
    qc_buf b = QC_BUF_INIT, c = QC_BUF_INIT;
    problems(a, r, returns, &b);
    problems(a, s, returns, &c);
    bool same = same_buf(&b, &c);
    qc_buf_free(&b);
    qc_buf_free(&c);
    return same;
}

/* Rewrites R (which it changes: ids), into OUT; false when refused. */
static bool rewrite(qc_arena *a, qc_replies *r, qc_buf *out)
{
    qc_diag *d = qc_diag_new();
    bool ok = qc_replies_render_fixed(a, r, out, d);
    qc_diag_free(d);
    return ok;
}

static void check_canonical(qc_arena *a, qc_source *src, qc_replies *fast,
                            qc_replies *skim, qc_replies *ents)
{
    qc_diag *d = qc_diag_new();
    qc_replies *slow = qc_replies_read_slow(a, src, d);
    if (slow->syntax_errors || qc_diag_error_count(d))
        differ("the slow reader finds syntax errors", 0);
    qc_diag_free(d);
    compare_entries(fast, slow, false);
    compare_entries(skim, slow, true);
    compare_entries(ents, slow, true);

    qc_buf b = QC_BUF_INIT, c = QC_BUF_INIT;
    render(&b, slow);
    if (b.len != src->len || memcmp(b.data, src->text, b.len))
        differ("the text accepted is not canonical", 0);
    qc_buf_reset(&b);

    if (!same_problems(a, fast, slow, true))
        differ("the checks report different problems", 0);
    if (!same_problems(a, skim, slow, false))
        differ("the checks of the skimming read report different problems", 0);

    bool fixed = qc_replies_is_fixed(fast);
    if (qc_replies_is_fixed(skim) != fixed || qc_replies_is_fixed(ents) != fixed
        || qc_replies_is_fixed(slow))
        differ("'already fixed'", 0);
    bool ok_fast = rewrite(a, fast, &b), ok_slow = rewrite(a, slow, &c);
    if (ok_fast != ok_slow || (ok_fast && !same_buf(&b, &c)))
        differ("the rewrites", 0);
    bool unchanged = ok_fast && b.len == src->len
                     && !memcmp(b.data, src->text, b.len);
    if (fixed != unchanged)
        differ("'already fixed' against the rewrite", 0);
    qc_buf_free(&b);
    qc_buf_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > UINT32_MAX / 2)
        return 0;
    qc_arena *a = qc_arena_new();
    qc_source *src = qc_source_from_mem(a, "fuzz.replies", (const char *)data,
                                        size, false);
    qc_diag *d = qc_diag_new();
    qc_replies *full = qc_replies_read(a, src, QC_REPLIES_FULL, d);
    if (src->len != size || memcmp(src->text, data, size))
        differ("the text was not restored after the full read", 0);
    qc_replies *skim = qc_replies_read(a, src, QC_REPLIES_SCHEMA, d);
    qc_replies *ents = qc_replies_read(a, src, QC_REPLIES_ENTRIES, d);
    if (src->len != size || memcmp(src->text, data, size))
        differ("the text was not restored after a skimming read", 0);
    if (full->canonical != skim->canonical || full->canonical != ents->canonical)
        differ("the full and the skimming reads disagree", 0);
    if (full->canonical)
        check_canonical(a, src, full, skim, ents);
    else if (qc_replies_is_fixed(full))
        differ("'already fixed' on a text the fast path declined", 0);
    qc_diag_free(d);
    qc_arena_free(a);
    return 0;
}
