/* Doc comment parser and checks (QEMU 10.x rules).
 *
 * The parser walks the raw lines of one '##' block the way QEMU's
 * QAPISchemaParser.get_doc does: one line of look-ahead, a current line
 * index, and errors that abort the whole block.  Aborting is done with
 * longjmp back to qc_doc_parse: everything lives in the arena.
 *
 * Text normalisation follows QEMU's QAPIDoc: each line is stripped of "# "
 * and trailing white space, appended with a '\n' to the section being
 * written (always the last one started), and at the end every section is
 * stripped of leading and trailing newlines (spaces are kept).  The
 * sections are written one after the other into one arena block sized
 * for the doc block's text, so each one's text is where it was written.
 * Only what is printed needs the text: the checks only need to know
 * whether a section has some, so a block is first read without writing
 * any, and read again when its text is wanted (qc_doc_dump). */
#include "schema/doc.h"

#include <setjmp.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/scan.h"
#include "base/utf8.h"

/* ---- Python-compatible white space on UTF-8 text ---------------------- */

/* Length in bytes of the white-space character (as Python's str.isspace
 * sees it) starting at S, or 0. */
static size_t space_at(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0)
        return 0;
    if (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r')
        || (u[0] >= 0x1c && u[0] <= 0x1f))
        return 1;
    if (n >= 2 && u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0))
        return 2;
    if (n >= 3) {
        if (u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80)       /* U+1680 */
            return 3;
        if (u[0] == 0xE2 && u[1] == 0x80
            && (u[2] <= 0x8A || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF))
            return 3;                              /* U+2000-200A, 2028/9, 202F */
        if (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)       /* U+205F */
            return 3;
        if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)       /* U+3000 */
            return 3;
    }
    return 0;
}

/* Length of the white-space character that ends at S + N, or 0. */
static size_t space_before(const char *s, size_t n)
{
    for (size_t k = 1; k <= 3 && k <= n; k++)
        if (space_at(s + n - k, k) == k)
            return k;
    return 0;
}

/* N less the white space at the end of S[0..N). */
static size_t strip_end_slow(const char *s, size_t n)
{
    size_t k;
    while (n && ((unsigned char)s[n - 1] >= 0x80 || !(s[n - 1] > ' '))
           && (k = space_before(s, n)) != 0)
        n -= k;
    return n;
}

static inline size_t strip_end(const char *s, size_t n)
{
    /* A line usually ends in a letter or a dot: look no further. */
    if (n && (unsigned char)s[n - 1] > ' ' && (unsigned char)s[n - 1] < 0x80)
        return n;
    return strip_end_slow(s, n);
}

/* Number of leading white-space characters (QEMU's indent). */
static unsigned leading_space_slow(const char *s, size_t n)
{
    /* Sixteen at a time: S is a line of a source, readable 16 bytes on. */
    size_t i = 0, k, r;
    while ((r = qc_run16(s + i, ' ')) == 16 && i + 16 < n)
        i += 16;
    i += r;
    if (i > n)
        i = n;
    unsigned count = (unsigned)i;
    while ((k = space_at(s + i, n - i)) != 0) {
        i += k;
        count++;
    }
    return count;
}

static inline unsigned leading_space(const char *s, size_t n)
{
    /* Usually fewer than sixteen spaces, then a letter. */
    size_t i = qc_run16(s, ' ');
    if (i < n && i < 16 && (unsigned char)s[i] > ' '
        && (unsigned char)s[i] < 0x80)
        return (unsigned)i;
    return leading_space_slow(s, n);
}

/* Whether the character ending at S + N is a word character of Python's
 * regular expressions (letters, digits, '_'; Unicode-aware).  Outside
 * ASCII, punctuation and symbol blocks that doc text plausibly holds
 * (Latin-1 signs, general punctuation such as dashes and quotes, arrows,
 * mathematical operators, box drawing) are not word characters; anything
 * else is taken for a letter. */
static bool is_word_char_before(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0)
        return false;
    unsigned char c = u[n - 1];
    if (c < 0x80)
        return c == '_' || (c >= '0' && c <= '9')
            || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    size_t k = n - 1;
    while (k > 0 && qc_utf8_is_cont(u[k]) && n - k < 4)
        k--;
    uint32_t cp;
    if (qc_utf8_decode(u + k, u + n, &cp) != n - k)
        return true;
    if (cp >= 0xA0 && cp <= 0xBF)   /* ª ² ³ µ ¹ º ¼ ½ ¾ are alphanumeric */
        return cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5
            || cp == 0xB9 || cp == 0xBA || cp == 0xBC || cp == 0xBD
            || cp == 0xBE;
    if (cp == 0xD7 || cp == 0xF7
        || (cp >= 0x2000 && cp <= 0x206F)
        || (cp >= 0x2190 && cp <= 0x22FF)
        || (cp >= 0x2500 && cp <= 0x257F))
        return false;
    return true;
}

/* ---- the parser state ---------------------------------------------------- */

typedef struct {
    qc_arena *a;
    qc_diag *d;
    const qc_docblock *blk;
    const qc_options *opts;
    jmp_buf fail;
    qc_doc *doc;
    qc_doc_section *last;       /* the section being written */
    bool write;                 /* write the sections' text */
    char *text;                 /* LAST's text so far: TEXT to OUT */
    char *out;
    bool wrote;                 /* LAST has had lines or newlines, */
    bool has_text;              /* other than empty ones */
    qc_doc_section *empty;      /* the first tagged section without text */
    qc_docline line;            /* the current line */
    const uint32_t *bounds;     /* BLK's, and its source's text */
    const char *src_text;
    bool at_end;                /* the current line is the closing "##" */
    const char *s;              /* the current line's text after "# " */
    size_t n;
    const char *colon;          /* its first ':' when it starts with '@' */
    bool literal;               /* 10.2: inside a "::" literal block */
    unsigned literal_indent;
    bool no_end_checks;         /* skip the "section needs text" check */
} parser;

static const char *kind_title(qc_doc_kind k)
{
    switch (k) {
    case QC_DOC_PLAIN:   return "Plain";
    case QC_DOC_MEMBER:  return "Member";
    case QC_DOC_FEATURE: return "Feature";
    case QC_DOC_RETURNS: return "Returns";
    case QC_DOC_ERRORS:  return "Errors";
    case QC_DOC_SINCE:   return "Since";
    case QC_DOC_TODO:    return "Todo";
    }
    return "?";
}

static qc_loc cur_loc(const parser *p)
{
    return p->line.loc;
}

static void __attribute__((noreturn)) bail(parser *p)
{
    longjmp(p->fail, 1);
}

/* An error with line and column at OFF (QEMU's QAPIParseError). */
static void __attribute__((noreturn, format(printf, 4, 5)))
fail_at(parser *p, qc_loc loc, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qc_diagnostic *dg = qc_diag_vreport(p->d, QC_SEV_ERROR, loc, code, fmt, ap);
    va_end(ap);
    qc_diag_show_column(dg);
    bail(p);
}

/* An error at the current line, line only (QEMU's QAPISemError). */
static void __attribute__((noreturn, format(printf, 4, 5)))
fail_line(parser *p, qc_loc loc, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qc_diag_vreport(p->d, QC_SEV_ERROR, loc, code, fmt, ap);
    va_end(ap);
    bail(p);
}

/* ---- sections -------------------------------------------------------------- */

/* LAST's text is complete: stripped of newlines at both ends (QEMU's
 * QAPIDoc.end), it is where it was written. */
static void seal_last(parser *p)
{
    qc_doc_section *sec = p->last;
    if (!sec)
        return;
    if (sec->kind != QC_DOC_PLAIN && !p->has_text && !p->empty)
        p->empty = sec;
    p->wrote = p->has_text = false;
    if (!p->write)
        return;
    char *t = p->text, *e = p->out;
    while (e > t && e[-1] == '\n')
        e--;
    while (t < e && *t == '\n')
        t++;
    *e = '\0';
    sec->text = t;
    p->text = p->out = e + 1;
}

static qc_doc_section *start_section(parser *p, qc_doc_kind kind,
                                     const char *name, qc_loc loc)
{
    qc_doc_section *sec = qc_arena_alloc_uninit(p->a, sizeof *sec);
    *sec = (qc_doc_section){ .kind = kind, .name = name, .loc = loc };
    seal_last(p);
    p->last = sec;
    return sec;
}

static void append_line(parser *p, const char *s, size_t n)
{
    p->wrote = true;
    p->has_text |= n != 0;
    if (!p->write)
        return;
    memcpy(p->out, s, n);
    p->out[n] = '\n';
    p->out += n + 1;
}

/* A plain paragraph continues the last section when that is plain (with a
 * blank line between), else starts a new untagged section. */
static void ensure_untagged(parser *p)
{
    if (p->last->kind == QC_DOC_PLAIN) {
        if (!p->wrote)
            p->last->loc = cur_loc(p);
        p->wrote = true;
        if (p->write)
            *p->out++ = '\n';
        return;
    }
    qc_doc_section *sec = start_section(p, QC_DOC_PLAIN, NULL, cur_loc(p));
    qc_ptrvec_push(p->a, &p->doc->sections, sec);
}

/* The section of V named NAME, or NULL; *HINT gets the place after it. */
static qc_doc_section *find_named_anywhere(const qc_ptrvec *v,
                                           const char *name, size_t *hint)
{
    for (size_t i = 0; i < v->n; i++) {
        qc_doc_section *sec = v->items[i];
        if (sec->name[0] == name[0] && !strcmp(sec->name, name)) {
            *hint = i + 1;
            return sec;
        }
    }
    return NULL;
}

/* The same, looking first where the last search ended (*HINT): members
 * are connected mostly in the order they are documented.  Inline: it is
 * right most of the time. */
static inline qc_doc_section *find_named_from(const qc_ptrvec *v,
                                              const char *name, size_t *hint)
{
    if (*hint < v->n) {
        qc_doc_section *sec = v->items[*hint];
        if (sec->name[0] == name[0] && !strcmp(sec->name, name)) {
            ++*hint;
            return sec;
        }
    }
    return find_named_anywhere(v, name, hint);
}

static qc_doc_section *find_named(const qc_ptrvec *v, const char *name)
{
    size_t hint;
    return find_named_anywhere(v, name, &hint);
}

static void new_description(parser *p, qc_doc_kind kind, const char *name)
{
    qc_ptrvec *v = kind == QC_DOC_MEMBER ? &p->doc->args : &p->doc->features;
    if (!*name)
        fail_line(p, cur_loc(p), "qapi-doc-bad-param-name",
                  "'@:' names nothing: a parameter name is required");
    if (find_named(v, name))
        fail_line(p, cur_loc(p), "qapi-doc-duplicate-param",
                  "'%s' is described more than once", name);
    qc_ptrvec_push(p->a, v, start_section(p, kind, name, cur_loc(p)));
}

static void new_tagged(parser *p, qc_doc_kind kind)
{
    qc_doc_section **slot = kind == QC_DOC_RETURNS ? &p->doc->returns
        : kind == QC_DOC_ERRORS ? &p->doc->errors
        : kind == QC_DOC_SINCE ? &p->doc->since : NULL;
    if (slot && *slot)
        fail_line(p, cur_loc(p), "qapi-doc-duplicate-section",
                  "second '%s' section in one doc comment", kind_title(kind));
    qc_doc_section *sec = start_section(p, kind, NULL, cur_loc(p));
    if (slot)
        *slot = sec;
    qc_ptrvec_push(p->a, &p->doc->sections, sec);
}

/* QEMU's QAPIDoc.end: tagged sections need text. */
static void finish_sections(parser *p)
{
    seal_last(p);
    if (p->empty && !p->no_end_checks)
        fail_line(p, p->empty->loc, "qapi-doc-empty-section",
                  "the '%s:' section has no text", kind_title(p->empty->kind));
}

/* ---- lines ------------------------------------------------------------------ */

/* Whether the '.', '!' or '?' at S[I], which one space and a capital, a
 * digit or '(' follow, is no sentence end after all. */
static bool sentence_exempt(const char *s, size_t i)
{
    char c = s[i];
    /* "e.g. X" is no sentence end ... */
    if (c == '.' && i >= 3 && !memcmp(s + i - 3, "e.g.", 4)
        && !is_word_char_before(s, i - 3))
        return true;
    /* ... nor is a list number at the start of the line. */
    if (c == '.' && i >= 1 && s[i - 1] >= '0' && s[i - 1] <= '9') {
        size_t k = 0;
        while (k < i - 1 && s[k] == ' ')
            k++;
        if (k == i - 1)
            return true;
    }
    return false;
}

/* The sentence end at S[I] of the current line has one space after it. */
static void __attribute__((noreturn)) sentence_space(parser *p, const char *s,
                                                     size_t i)
{
    /* QEMU counts the column from the start of the physical line as if
     * it began with "# ": walk that many characters. */
    const qc_source *src = qc_loc_src(cur_loc(p));
    size_t want = 2 + qc_utf8_count(s, i) + 1;
    uint32_t off = cur_loc(p).off, start = off;
    if (src) {
        start = qc_source_line_offset(src, qc_source_line(src, off));
        off = start;
        for (; want && off < src->len; want--)
            off = (uint32_t)qc_utf8_next(src->text, off, src->len);
    }
    fail_at(p, qc_loc_make(src, off), "qapi-doc-sentence-space",
            "only one space after the end of a sentence; use two "
            "(report a bug if this is not the end of a sentence)");
}

/* 10.2: a sentence end ('.', '!' or '?', one space, then a capital, a
 * digit or '(') that is not exempt.  Sixteen places at a time where the
 * compiler offers SSE2: a line is read past its end, as far as the text
 * of a source may be (the bytes there are not looked at). */
static inline void check_sentence_space(parser *p)
{
    const char *s = p->s;
    size_t n = p->n;
    if (n < 3)
        return;
    size_t lim = n - 2;         /* a mark at I needs S[I + 2] */
#if defined(__SSE2__)
    const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!');
    const __m128i ask = _mm_set1_epi8('?'), sp = _mm_set1_epi8(' ');
    for (size_t base = 0; base < lim; base += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(s + base));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, dot),
                                              _mm_cmpeq_epi8(x, bang)),
                                 _mm_cmpeq_epi8(x, ask));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (lim - base < 16)
            bits &= (1u << (lim - base)) - 1;
        if (!bits)
            continue;
        __m128i y = _mm_loadu_si128((const __m128i *)(s + base + 1));
        __m128i z = _mm_loadu_si128((const __m128i *)(s + base + 2));
        __m128i up = _mm_sub_epi8(z, _mm_set1_epi8('A'));
        __m128i dg = _mm_sub_epi8(z, _mm_set1_epi8('0'));
        __m128i st = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(up, _mm_set1_epi8(25)), up),
                         _mm_cmpeq_epi8(_mm_min_epu8(dg, _mm_set1_epi8(9)), dg)),
            _mm_cmpeq_epi8(z, _mm_set1_epi8('(')));
        bits &= (unsigned)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpeq_epi8(y, sp), st));
        for (; bits; bits &= bits - 1) {
            size_t i = base + (size_t)__builtin_ctz(bits);
            if (!sentence_exempt(s, i))
                sentence_space(p, s, i);
        }
    }
#else
    for (size_t i = 0; i < lim; i++) {
        char c = s[i], nx = s[i + 2];
        if ((c == '.' || c == '!' || c == '?') && s[i + 1] == ' '
            && ((nx >= 'A' && nx <= 'Z') || (nx >= '0' && nx <= '9')
                || nx == '(')
            && !sentence_exempt(s, i))
            sentence_space(p, s, i);
    }
#endif
}

/* 10.2: a line longer than 70 characters, unless it is a URL. */
static __attribute__((noinline)) void check_long_line(parser *p)
{
    const char *s = p->s;
    size_t n = p->n;

    if (qc_utf8_count(s, n) + 2 > 70) {
        size_t k = 0;
        while (k < n && s[k] == ' ')
            k++;
        bool url = false;
        const char *schemes[] = { "http://", "https://", "ftp://" };
        for (size_t j = 0; j < 3 && !url; j++) {
            size_t sl = strlen(schemes[j]);
            if (n - k >= sl && !memcmp(s + k, schemes[j], sl)
                && !memchr(s + k + sl, ' ', n - k - sl))
                url = true;
        }
        if (!url)
            fail_at(p, cur_loc(p), "qapi-doc-long-line",
                    "doc comment line is longer than 70 characters");
    }
}

/* 10.2: line length and sentence spacing (QEMU's doc line format check). */
static inline void check_line_format(parser *p)
{
    if (p->n + 2 > 70)
        check_long_line(p);
    check_sentence_space(p);
}

/* The closing "##" line, or junk after "##". */
static __attribute__((noinline)) void end_line(parser *p)
{
    if (p->line.len != 2)
        fail_at(p, p->line.loc, "qapi-doc-junk-end",
                "the closing '##' of a doc comment must be alone on "
                "its line");
    p->at_end = true;
    p->literal = false;
    p->s = NULL;
    p->n = 0;
    p->colon = NULL;
}

/* 10.2: a line that may start, go on or end a literal block, and the
 * format of the others. */
static __attribute__((noinline)) void literal_line(parser *p)
{
    const char *t = p->s;
    size_t n = p->n;
    /* A line that is just "::" or ".. qmp-example::" starts a literal
     * block, which lasts until the indentation decreases. */
    size_t j = 0;
    bool colons = n >= 2 && t[n - 1] == ':' && t[n - 2] == ':';
    if (colons && n > 2 && t[0] == '.' && t[1] == '.' && t[2] == ' ') {
        j = 2;
        while (j < n && t[j] == ' ')
            j++;
        if (n - j >= 11 && !memcmp(t + j, "qmp-example", 11))
            j += 11;
        else
            j = 0;
    }
    while (colons && j < n && t[j] == ' ')
        j++;
    if (colons && n - j == 2 && t[j] == ':' && t[j + 1] == ':') {
        p->literal = true;
        p->literal_indent = 0;
    } else if (p->literal && n) {
        unsigned ind = leading_space(t, n);
        if (p->literal_indent == 0)
            p->literal_indent = ind;
        else if (ind < p->literal_indent)
            p->literal = false;
    }
    if (!p->literal)
        check_line_format(p);
}

/* 10.2: literal blocks, and the format of other lines. */
static __attribute__((noinline)) void format_line(parser *p)
{
    size_t n = p->n;
    if (p->literal || (n >= 2 && p->s[n - 1] == ':' && p->s[n - 2] == ':'))
        literal_line(p);
    else
        check_line_format(p);
}

/* QEMU's get_doc_line: loads the next line into p->s/p->n, or sets
 * p->at_end at the closing "##".  Bails out silently when a block cut
 * short by a syntax error runs out of lines.  Runs for every line: what
 * is rare is out of line. */
static inline __attribute__((always_inline)) void next_line(parser *p)
{
    /* qc_docblock_next, with what does not change from line to line
     * (the source, its text, the bounds) left where it is. */
    size_t i = p->line.index + 1;
    if (i >= p->blk->n)
        bail(p);                /* partial block: the caller reports */
    uint32_t from = p->bounds[2 * i], to = p->bounds[2 * i + 1];
    const char *t = p->src_text + from;
    size_t n = to - from;
    p->line.text = t;
    p->line.len = n;
    p->line.loc.off = from;
    p->line.index = i;

    p->at_end = false;
    if (n >= 2 && t[1] == '#') {        /* t[0] is the '#' */
        end_line(p);
        return;
    }
    if (n == 1) {
        p->s = t + 1;
        p->n = 0;
        p->colon = NULL;
        return;
    }
    if (t[1] != ' ')
        fail_at(p, p->line.loc, "qapi-doc-missing-space",
                "doc comment text must be separated from '#' by a space");
    p->s = t + 2;
    p->n = strip_end(t + 2, n - 2);
    /* Whether it is "@NAME:" is asked more than once of many lines. */
    p->colon = p->n && p->s[0] == '@' ? memchr(p->s, ':', p->n) : NULL;
    if (p->opts->std != QC_STD_QEMU_10_0)
        format_line(p);
}

static bool blank(const parser *p)
{
    return !p->at_end && p->n == 0;
}

/* Matches "@NAME: " at the start of the current line (NAME: anything but
 * ':').  Sets *NAME and *TEXT_OFF (where the text after it starts). */
static inline __attribute__((always_inline)) bool
at_name_colon(parser *p, const char **name, size_t *text_off)
{
    const char *colon = p->colon;
    if (!colon)
        return false;
    size_t k = (size_t)(colon - p->s) + 1;
    if (name)
        *name = qc_arena_strndup(p->a, p->s + 1, k - 2);
    while (k < p->n && p->s[k] == ' ')
        k++;
    if (text_off)
        *text_off = k;
    return true;
}

/* Continuation lines of a description or tagged section: blank lines, then
 * lines indented at least as much as the first indented one.  Leaves the
 * first line that does not belong as the current line. */
static void take_indented(parser *p)
{
    next_line(p);
    while (blank(p)) {
        append_line(p, "", 0);
        next_line(p);
    }
    if (p->at_end)
        return;
    unsigned indent = leading_space(p->s, p->n);
    if (!indent)
        return;
    append_line(p, p->s, p->n);
    bool after_first = false;
    for (;;) {
        next_line(p);
        if (p->at_end || at_name_colon(p, NULL, NULL))
            return;
        if (p->n && leading_space(p->s, p->n) < indent) {
            /* QEMU's flag is set after the first continuation line, so
             * only the line right after it must not de-indent. */
            if (after_first)
                return;
            fail_at(p, cur_loc(p), "qapi-doc-bad-indent",
                    "this line is indented less than the text above it "
                    "(at least %u spaces expected)", indent);
        }
        append_line(p, p->s, p->n);
        after_first = true;
    }
}

/* A plain paragraph: up to the next blank line. */
static void take_paragraph(parser *p)
{
    for (;;) {
        next_line(p);
        if (p->at_end || p->n == 0)
            return;
        append_line(p, p->s, p->n);
    }
}

/* "Returns:" etc. at the start of the current line: returns the tag's
 * length (the ':' follows it) and sets *WORD, or returns 0. */
static size_t section_tag(const parser *p, const char **word)
{
    static const char *const tags[] = {
        "Returns", "Errors", "Since", "Notes", "Note", "Examples", "Example",
        "TODO",
    };
    static const unsigned char len[] = { 7, 6, 5, 5, 4, 8, 7, 4 };
    /* Every tag starts with a capital that most lines do not. */
    char c = p->n ? p->s[0] : 0;
    if (c != 'R' && c != 'E' && c != 'S' && c != 'N' && c != 'T')
        return 0;
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
        size_t l = len[i];
        if (p->n > l && tags[i][0] == c && !memcmp(p->s, tags[i], l)
            && p->s[l] == ':' && !(l + 1 < p->n && p->s[l + 1] == ':')) {
            *word = tags[i];
            return l;
        }
    }
    return 0;
}

/* Descriptions "@NAME: text" (members or features) as long as they come. */
static void take_descriptions(parser *p, qc_doc_kind kind)
{
    const char *name;
    size_t off;
    while (at_name_colon(p, &name, &off)) {
        new_description(p, kind, name);
        if (off < p->n)
            append_line(p, p->s + off, p->n - off);
        take_indented(p);
    }
}

static void parse_definition(parser *p)
{
    if (p->s[p->n - 1] != ':')
        fail_at(p, cur_loc(p), "qapi-doc-symbol-colon",
                "the '@NAME' line starting a definition doc must end "
                "with ':'");
    if (p->n == 2)
        fail_at(p, cur_loc(p), "qapi-doc-symbol-empty",
                "the definition name is missing after '@'");
    p->doc->symbol = qc_arena_strndup(p->a, p->s + 1, p->n - 2);

    bool no_more_args = false;
    next_line(p);
    while (!p->at_end) {
        while (blank(p))
            next_line(p);
        if (p->at_end)
            break;

        const char *name, *word;
        size_t tl;
        if (p->n == 9 && !memcmp(p->s, "Features:", 9)) {
            if (p->doc->features.n)
                fail_at(p, cur_loc(p), "qapi-doc-duplicate-features",
                        "second 'Features:' line in one doc comment");
            next_line(p);
            while (blank(p))
                next_line(p);
            take_descriptions(p, QC_DOC_FEATURE);
            if (!p->doc->features.n)
                fail_at(p, cur_loc(p), "qapi-doc-empty-features",
                        "'Features:' must be followed by '@FEATURE:' "
                        "descriptions");
            no_more_args = true;
        } else if (at_name_colon(p, NULL, NULL)) {
            if (no_more_args && at_name_colon(p, &name, NULL))
                fail_at(p, cur_loc(p), "qapi-doc-interleaved",
                        "'@%s:' is described after a section that must "
                        "follow all descriptions", name);
            take_descriptions(p, QC_DOC_MEMBER);
            no_more_args = true;
        } else if ((tl = section_tag(p, &word)) != 0) {
            if (!strncmp(word, "Note", 4))
                fail_at(p, cur_loc(p), "qapi-doc-note-section",
                        "'%s:' sections are not supported any more; use "
                        "an rST admonition such as '.. note::'", word);
            if (!strncmp(word, "Example", 7))
                fail_at(p, cur_loc(p), "qapi-doc-example-section",
                        "'%s:' sections are not supported any more; use "
                        "'.. qmp-example::' or other rST markup", word);
            qc_doc_kind kind = word[0] == 'R' ? QC_DOC_RETURNS
                : word[0] == 'E' ? QC_DOC_ERRORS
                : word[0] == 'S' ? QC_DOC_SINCE : QC_DOC_TODO;
            new_tagged(p, kind);
            size_t off = tl + 1;
            while (off < p->n && p->s[off] == ' ')
                off++;
            if (off < p->n)
                append_line(p, p->s + off, p->n - off);
            take_indented(p);
            no_more_args = true;
        } else if (p->opts->std == QC_STD_QEMU_10_0 && p->s[0] == '=') {
            fail_at(p, cur_loc(p), "qapi-doc-heading-markup",
                    "'=' headings are not allowed in definition docs");
        } else {
            ensure_untagged(p);
            append_line(p, p->s, p->n);
            take_paragraph(p);
        }
    }
}

static void parse_freeform(parser *p)
{
    bool first = true;
    ensure_untagged(p);
    while (!p->at_end) {
        const char *name;
        if (at_name_colon(p, NULL, NULL) && at_name_colon(p, &name, NULL))
            fail_at(p, cur_loc(p), "qapi-doc-freeform-symbol",
                    "'@%s:' describes a member, but this doc comment is "
                    "not for a definition", name);
        if (p->opts->std == QC_STD_QEMU_10_0 && !first && p->n
            && p->s[0] == '=')
            fail_at(p, cur_loc(p), "qapi-doc-heading-not-first",
                    "an '=' heading must be the first line of its doc "
                    "comment");
        append_line(p, p->s, p->n);
        next_line(p);
        first = false;
    }
}

/* P is set up by the caller: nothing that changes after setjmp is a
 * local of this function, so nothing is indeterminate after longjmp. */
static qc_doc *doc_parse(parser *p)
{
    qc_arena *a = p->a;
    const qc_docblock *blk = p->blk;

    if (setjmp(p->fail))
        return NULL;

    /* Every line's text goes into some section at most once, with a
     * newline, after at most one newline that starts a paragraph, and
     * every section ends in a NUL: room for the block's text, two bytes
     * per line and the body's NUL. */
    if (p->write)
        p->text = p->out = qc_arena_alloc_text(a, blk->end - blk->start
                                                 + 2 * blk->n + 2);

    p->line = qc_docblock_first(blk);
    p->bounds = blk->bounds;
    p->src_text = blk->src->text;
    const qc_docline first = p->line;
    if (first.len != 2 || memcmp(first.text, "##", 2))
        fail_at(p, first.loc, "qapi-doc-junk-start",
                "the opening '##' of a doc comment must be alone on its "
                "line");

    qc_doc *doc = qc_arena_alloc(a, sizeof *doc);
    p->doc = doc;
    doc->loc = first.loc;
    doc->blk_ = blk;
    doc->std_ = p->opts->std;
    doc->arena_ = a;
    doc->body = start_section(p, QC_DOC_PLAIN, NULL, first.loc);

    next_line(p);
    if (!p->at_end && p->n && p->s[0] == '@')
        parse_definition(p);
    else
        parse_freeform(p);
    finish_sections(p);
    return doc;
}

static qc_doc *parse_block(qc_arena *a, qc_diag *d, const qc_docblock *blk,
                           const qc_options *opts, bool end_checks,
                           bool write)
{
    if (!blk || blk->n == 0)
        return NULL;
    parser p = { .a = a, .d = d, .blk = blk, .opts = opts,
                 .no_end_checks = !end_checks, .write = write };
    return doc_parse(&p);
}

static void copy_texts(const qc_ptrvec *to, const qc_ptrvec *from)
{
    for (size_t i = 0; i < from->n; i++)
        ((qc_doc_section *)to->items[i])->text =
            ((const qc_doc_section *)from->items[i])->text;
}

/* DOC's sections get their text: its block read again, writing it (the
 * same sections come out, in the same order; the made-up ones of
 * qc_doc_connect_member have theirs and come last). */
static void write_texts(qc_doc *doc)
{
    if (!doc->body || doc->body->text)
        return;
    /* It was read without a problem, so none is reported now. */
    qc_options o = { doc->std_, false };
    qc_diag *quiet = qc_diag_new();
    qc_doc *w = parse_block(doc->arena_, quiet, doc->blk_, &o, true, true);
    qc_diag_free(quiet);
    if (!w)
        return;
    doc->body->text = w->body->text;
    copy_texts(&doc->args, &w->args);
    copy_texts(&doc->features, &w->features);
    copy_texts(&doc->sections, &w->sections);
}

qc_doc *qc_doc_parse(qc_arena *a, qc_diag *d, const qc_docblock *blk,
                     const qc_options *opts)
{
    return parse_block(a, d, blk, opts, true, false);
}

qc_doc *qc_doc_parse_lines(qc_arena *a, qc_diag *d, const qc_docblock *blk,
                           const qc_options *opts)
{
    return parse_block(a, d, blk, opts, false, false);
}

/* ---- checks made with the schema ---------------------------------------- */

bool qc_doc_check_expr(qc_doc *doc, qc_diag *d, bool is_command,
                       bool has_returns)
{
    if (!doc)
        return true;
    if (is_command) {
        if (doc->returns && !has_returns) {
            qc_error(d, doc->returns->loc, "qapi-doc-returns-no-value",
                     "'Returns' section for a command that returns nothing");
            return false;
        }
    } else {
        if (doc->returns) {
            qc_error(d, doc->returns->loc, "qapi-doc-returns-not-command",
                     "a 'Returns' section belongs only in a command's doc");
            return false;
        }
        if (doc->errors) {
            qc_error(d, doc->errors->loc, "qapi-doc-errors-not-command",
                     "an 'Errors' section belongs only in a command's doc");
            return false;
        }
    }
    return true;
}

bool qc_doc_connect_member(qc_arena *a, qc_doc *doc, qc_diag *d,
                           const char *member, const char *role, bool exempt,
                           qc_loc loc, const char *meta, const char *name)
{
    if (!doc)
        return true;
    qc_doc_section *sec = find_named_from(&doc->args, member, &doc->arg_hint_);
    if (!sec) {
        if (!exempt) {
            qc_diagnostic *dg = qc_error(d, loc, "qapi-doc-undocumented-member",
                                         "%s '%s' is not documented",
                                         role, member);
            qc_diag_in_definition(dg, meta, name);
            return false;
        }
        /* QEMU files the made-up section after the last member section;
         * when nothing but member sections follow the body, its search
         * runs off the end of the list and the generator dies. */
        if (doc->args.n && !doc->features.n && !doc->sections.n) {
            qc_diagnostic *dg = qc_error(d, loc, "qapi-doc-stub-crash",
                                         "%s '%s' is not documented, and "
                                         "nothing but member descriptions "
                                         "follows the doc text: QEMU's "
                                         "generator crashes on this",
                                         role, member);
            qc_diag_in_definition(dg, meta, name);
            return false;
        }
        sec = qc_arena_alloc(a, sizeof *sec);
        sec->kind = QC_DOC_MEMBER;
        sec->name = qc_arena_strdup(a, member);
        sec->text = "";
        sec->loc = doc->loc;
        sec->implicit = true;
        qc_ptrvec_push(a, &doc->args, sec);
    }
    sec->connected = true;
    return true;
}

bool qc_doc_connect_feature(qc_doc *doc, qc_diag *d, const char *feature,
                            qc_loc loc, const char *meta, const char *name)
{
    if (!doc)
        return true;
    qc_doc_section *sec = find_named_from(&doc->features, feature,
                                          &doc->feature_hint_);
    if (!sec) {
        qc_diagnostic *dg = qc_error(d, loc, "qapi-doc-undocumented-feature",
                                     "feature '%s' is not documented",
                                     feature);
        qc_diag_in_definition(dg, meta, name);
        return false;
    }
    sec->connected = true;
    return true;
}

/* One diagnostic naming every description that matched nothing, at the
 * first one. */
static bool check_connected(qc_diag *d, const qc_ptrvec *v, const char *what,
                            const char *code)
{
    qc_buf list = QC_BUF_INIT;
    qc_doc_section *first = NULL;
    size_t count = 0;
    for (size_t i = 0; i < v->n; i++) {
        qc_doc_section *sec = v->items[i];
        if (sec->connected)
            continue;
        if (!first)
            first = sec;
        qc_buf_printf(&list, "%s'%s'", count ? ", " : "", sec->name);
        count++;
    }
    if (first)
        qc_error(d, first->loc, code, "the doc describes %s%s %s, but there "
                 "%s no such %s%s", what, count > 1 ? "s" : "", list.data,
                 count > 1 ? "are" : "is", what, count > 1 ? "s" : "");
    qc_buf_free(&list);
    return first == NULL;
}

bool qc_doc_check(qc_doc *doc, qc_diag *d)
{
    if (!doc)
        return true;
    return check_connected(d, &doc->args, "member", "qapi-doc-unknown-member")
        && check_connected(d, &doc->features, "feature",
                           "qapi-doc-unknown-feature");
}

void qc_doc_dump(qc_buf *b, const qc_doc *doc)
{
    write_texts((qc_doc *)doc);     /* a cache: the doc is the same */
    if (doc->symbol)
        qc_buf_printf(b, "doc symbol=%s\n", doc->symbol);
    else
        qc_buf_puts(b, "doc freeform\n");
    qc_buf_printf(b, "    body=\n%s\n", doc->body ? doc->body->text : "");
    for (size_t i = 0; i < doc->args.n; i++) {
        const qc_doc_section *s = doc->args.items[i];
        qc_buf_printf(b, "    arg=%s\n%s\n", s->name, s->text);
    }
    for (size_t i = 0; i < doc->features.n; i++) {
        const qc_doc_section *s = doc->features.items[i];
        qc_buf_printf(b, "    feature=%s\n%s\n", s->name, s->text);
    }
    for (size_t i = 0; i < doc->sections.n; i++) {
        const qc_doc_section *s = doc->sections.items[i];
        qc_buf_printf(b, "    section=%s\n%s\n", kind_title(s->kind), s->text);
    }
}
