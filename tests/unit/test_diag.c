/* Unit tests for src/base/diag.c: output formats, error limit, ordering. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/source.h"
#include "base/visible.h"
#include "helpers.h"

/* Line 2 starts at offset 4; "xyz" is at offset 6, column 3. */
static const char text[] = "abc\n  xyz\nline3\n";
#define OFF_XYZ 6
#define OFF_LINE3 10

static qc_source *src;

/* The run's arena and sink, and a source "f.json" holding TEXT. */
static void setup(void)
{
    qc_test_setup();
    src = qc_source_from_mem(qc_test_arena, "f.json", text, sizeof text - 1,
                             true);
}

START_TEST(gcc_format)
{
    qc_error(qc_test_diag, qc_loc_make(src, OFF_XYZ), "test-code", "bad %s", "thing");
    char *out = qc_test_flushed(qc_test_diag);
    ck_assert_str_eq(out, "f.json:2:3: error: bad thing\n");
    free(out);
}
END_TEST

START_TEST(gcc_warning)
{
    qc_warning(qc_test_diag, qc_loc_make(src, 0), "test-code", "careful");
    char *out = qc_test_flushed(qc_test_diag);
    ck_assert_str_eq(out, "f.json:1:1: warning: careful\n");
    ck_assert_uint_eq(qc_diag_error_count(qc_test_diag), 0);
    free(out);
}
END_TEST

START_TEST(qemu_format_without_column)
{
    qc_diag_set_format(qc_test_diag, QC_DIAG_QEMU);
    qc_error(qc_test_diag, qc_loc_make(src, OFF_XYZ), "test-code", "bad thing");
    char *out = qc_test_flushed(qc_test_diag);
    ck_assert_str_eq(out, "f.json:2: bad thing\n");
    free(out);
}
END_TEST

START_TEST(qemu_format_with_column)
{
    qc_diag_set_format(qc_test_diag, QC_DIAG_QEMU);
    qc_diagnostic *dg = qc_error(qc_test_diag, qc_loc_make(src, OFF_XYZ), "test-code",
                                 "bad thing");
    qc_diag_show_column(dg);
    char *out = qc_test_flushed(qc_test_diag);
    ck_assert_str_eq(out, "f.json:2:3: bad thing\n");
    free(out);
}
END_TEST

START_TEST(json_format)
{
    qc_diag_set_format(qc_test_diag, QC_DIAG_JSON);
    qc_error(qc_test_diag, qc_loc_make(src, OFF_XYZ), "test-code", "say \"hi\"");
    char *out = qc_test_flushed(qc_test_diag);
    /* Exactly one line. */
    char *nl = strchr(out, '\n');
    ck_assert_ptr_nonnull(nl);
    ck_assert_str_eq(nl, "\n");
    ck_assert_int_eq(out[0], '{');
    ck_assert_ptr_nonnull(strstr(out, "\"file\": \"f.json\""));
    ck_assert_ptr_nonnull(strstr(out, "\"line\": 2"));
    ck_assert_ptr_nonnull(strstr(out, "\"column\": 3"));
    ck_assert_ptr_nonnull(strstr(out, "\"severity\": \"error\""));
    ck_assert_ptr_nonnull(strstr(out, "\"code\": \"test-code\""));
    ck_assert_ptr_nonnull(strstr(out, "\"message\": \"say \\\"hi\\\"\""));
    free(out);
}
END_TEST

START_TEST(parse_format_names)
{
    qc_diag_format f;
    ck_assert(qc_diag_parse_format("gcc", &f) && f == QC_DIAG_GCC);
    ck_assert(qc_diag_parse_format("qemu", &f) && f == QC_DIAG_QEMU);
    ck_assert(qc_diag_parse_format("json", &f) && f == QC_DIAG_JSON);
    ck_assert(!qc_diag_parse_format("xml", &f));
}
END_TEST

START_TEST(max_errors_drops)
{
    qc_diag_set_max_errors(qc_test_diag, 2);
    ck_assert_ptr_nonnull(qc_error(qc_test_diag, qc_loc_make(src, 0), "c", "one"));
    ck_assert(!qc_diag_limit_reached(qc_test_diag));
    ck_assert_ptr_nonnull(qc_error(qc_test_diag, qc_loc_make(src, 1), "c", "two"));
    ck_assert(qc_diag_limit_reached(qc_test_diag));
    ck_assert_ptr_null(qc_error(qc_test_diag, qc_loc_make(src, 2), "c", "three"));
    /* The decorating functions accept the NULL handle. */
    qc_diag_show_column(NULL);
    qc_diag_in_definition(NULL, "struct", "Foo");
    qc_diag_note(NULL, qc_loc_make(src, 0), NULL, NULL, "ignored");
    ck_assert_uint_eq(qc_diag_error_count(qc_test_diag), 2);
    ck_assert_ptr_nonnull(qc_diag_get(qc_test_diag, 1));
    ck_assert_ptr_null(qc_diag_get(qc_test_diag, 2));
}
END_TEST

START_TEST(first_error_first_then_sorted)
{
    qc_error(qc_test_diag, qc_loc_make(src, OFF_LINE3), "c", "first reported");
    qc_warning(qc_test_diag, qc_loc_make(src, OFF_XYZ), "c", "a warning");
    qc_error(qc_test_diag, qc_loc_make(src, 0), "c", "earliest in file");
    ck_assert_uint_eq(qc_diag_count(qc_test_diag), 3);
    char *out = qc_test_flushed(qc_test_diag);
    ck_assert_str_eq(out,
                     "f.json:3:1: error: first reported\n"
                     "f.json:1:1: error: earliest in file\n"
                     "f.json:2:3: warning: a warning\n");
    free(out);
    /* The buffer is empty after a flush; the count stays. */
    ck_assert_ptr_null(qc_diag_get(qc_test_diag, 0));
    ck_assert_uint_eq(qc_diag_count(qc_test_diag), 0);
    ck_assert_uint_eq(qc_diag_error_count(qc_test_diag), 2);
}
END_TEST

START_TEST(accessors)
{
    qc_error(qc_test_diag, qc_loc_make(src, OFF_XYZ), "my-code", "msg %d", 7);
    const qc_diagnostic *dg = qc_diag_get(qc_test_diag, 0);
    ck_assert_ptr_nonnull(dg);
    ck_assert_str_eq(qc_diagnostic_message(dg), "msg 7");
    ck_assert_str_eq(qc_diagnostic_code(dg), "my-code");
    ck_assert_str_eq(qc_diagnostic_path(dg), "f.json");
    ck_assert_uint_eq(qc_diagnostic_line(dg), 2);
    ck_assert_uint_eq(qc_diagnostic_column(dg), 3);
    char *s = qc_diagnostic_format(qc_test_diag, dg);
    ck_assert_str_eq(s, "f.json:2:3: error: msg 7\n");
    free(s);
}
END_TEST

START_TEST(no_location)
{
    qc_error(qc_test_diag, qc_loc_make(NULL, 0), "c", "bad option");
    const qc_diagnostic *dg = qc_diag_get(qc_test_diag, 0);
    ck_assert_ptr_null(qc_diagnostic_path(dg));
    char *out = qc_test_flushed(qc_test_diag);
    ck_assert_ptr_nonnull(strstr(out, "bad option\n"));
    free(out);
}
END_TEST

/* Locations are resolved when reported: the source may go first. */
START_TEST(source_freed_before_flush)
{
    qc_arena *a2 = qc_arena_new();
    qc_source *s2 = qc_source_from_mem(a2, "gone.json", "x\ny\n", 4, true);
    qc_error(qc_test_diag, qc_loc_make(s2, 2), "c", "late");
    qc_arena_free(a2);
    char *out = qc_test_flushed(qc_test_diag);
    ck_assert_str_eq(out, "gone.json:2:1: error: late\n");
    free(out);
}
END_TEST

/* Many diagnostics (pages of them), reported out of order in two files:
 * the first error first, then by file in order of first mention, offset
 * and report order, each with its own message (texts equal to a recent
 * one are shared, different ones never). */
#define MANY 3000

struct want { unsigned file, off, seq; };

static int cmp_want(const void *pa, const void *pb)
{
    const struct want *a = pa, *b = pb;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    if (a->off != b->off)
        return a->off < b->off ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

START_TEST(many_out_of_order)
{
    qc_buf t = QC_BUF_INIT;
    for (unsigned i = 0; i < MANY; i++)
        qc_buf_puts(&t, "x\n");
    qc_source *f[2] = {
        qc_source_from_mem(qc_test_arena, "b.json", t.data, t.len, true),
        qc_source_from_mem(qc_test_arena, "a.json", t.data, t.len, true),
    };
    static struct want w[MANY];
    for (unsigned i = 0; i < MANY; i++) {
        unsigned line = (i * 7919u) % (MANY / 2);   /* each line twice */
        w[i] = (struct want){ (i / 3) % 2, 2 * line, i };
        if (i % 5 == 0)
            qc_error(qc_test_diag, qc_loc_make(f[w[i].file], w[i].off), "c",
                     "same");
        else
            qc_warning(qc_test_diag, qc_loc_make(f[w[i].file], w[i].off),
                       "c", "m%u", i);
    }
    for (unsigned i = 0; i < MANY; i++) {
        const qc_diagnostic *dg = qc_diag_get(qc_test_diag, i);
        char m[16];
        snprintf(m, sizeof m, "m%u", i);
        ck_assert_str_eq(qc_diagnostic_message(dg), i % 5 ? m : "same");
        ck_assert_uint_eq(qc_diagnostic_line(dg), w[i].off / 2 + 1);
        ck_assert_str_eq(qc_diagnostic_path(dg),
                         w[i].file ? "a.json" : "b.json");
    }
    qsort(w + 1, MANY - 1, sizeof *w, cmp_want);    /* 0: the first error */
    qc_buf want = QC_BUF_INIT;
    for (unsigned k = 0; k < MANY; k++) {
        qc_buf_printf(&want, "%s:%u:1: ", w[k].file ? "a.json" : "b.json",
                      w[k].off / 2 + 1);
        if (w[k].seq % 5)
            qc_buf_printf(&want, "warning: m%u\n", w[k].seq);
        else
            qc_buf_puts(&want, "error: same\n");
    }
    char *out = qc_test_flushed(qc_test_diag);
    ck_assert_str_eq(out, want.data);
    free(out);
    qc_buf_free(&want);
    qc_buf_free(&t);
}
END_TEST

/* A handle stays good while others are reported after it. */
START_TEST(handle_decorated_later)
{
    qc_diagnostic *first = qc_error(qc_test_diag, qc_loc_make(src, OFF_XYZ),
                                    "c", "first");
    for (unsigned i = 0; i < 1000; i++)
        qc_warning(qc_test_diag, qc_loc_make(src, OFF_LINE3), "c", "w%u", i);
    qc_diag_in_definition(first, "struct", "Foo");
    qc_diag_note(first, qc_loc_make(src, 0), NULL, NULL, "see %s", "here");
    qc_diag_note(first, qc_loc_make(NULL, 0), NULL, NULL, "and this");
    qc_diag_show_column(first);
    ck_assert_str_eq(qc_diagnostic_message(first), "first");
    char *s = qc_diagnostic_format(qc_test_diag, first);
    ck_assert_str_eq(s, "f.json: In struct 'Foo':\n"
                        "f.json:2:3: error: first\n"
                        "f.json:1:1: note: see here\n"
                        "qapic: note: and this\n");
    free(s);
    qc_diag_set_format(qc_test_diag, QC_DIAG_QEMU);
    s = qc_diagnostic_format(qc_test_diag, first);
    ck_assert_str_eq(s, "f.json: In struct 'Foo':\n"
                        "f.json:2:3: first\n"
                        "f.json:1: see here\n"
                        "qapic: and this\n");
    free(s);
}
END_TEST

/* Schema text is read with Python's universal newlines, as QEMU does:
 * CR LF and a lone CR become LF; JSON sources keep their bytes. */
START_TEST(schema_newlines)
{
    qc_arena *a2 = qc_arena_new();
    qc_source *s = qc_source_from_mem(a2, "w.json", "a\r\nb\rc\r\n", 8, true);
    ck_assert_uint_eq(s->len, 6);
    ck_assert_str_eq(s->text, "a\nb\nc\n");
    ck_assert_uint_eq(qc_source_line(s, 4), 3);
    s = qc_source_from_mem(a2, "e.json", "x\r", 2, true);
    ck_assert_str_eq(s->text, "x\n");
    s = qc_source_from_mem(a2, "d.replies", "{}\r\n", 4, false);
    ck_assert_uint_eq(s->len, 4);
    ck_assert_str_eq(s->text, "{}\r\n");
    qc_arena_free(a2);
}
END_TEST

/* Columns asked in any order, forward, backward, across lines, with tabs
 * and multi-byte characters, equal those counted from the line's start
 * (the last two answers are counted on from for the next on their line),
 * also for two places moving on in turn, as a diagnostic and its note. */
START_TEST(columns_in_any_order)
{
    static const char text[] = "ab\t\xc3\xa9xyz\tq\n\t1234567890abcdefgh\xe2\x82\xacz\n";
    qc_arena *a2 = qc_arena_new();
    qc_source *s = qc_source_from_mem(a2, "c.json", text, sizeof text - 1,
                                      false);
    unsigned want[sizeof text];
    for (uint32_t off = 0; off < sizeof text - 1; off++) {
        uint32_t start = qc_source_line_offset(s, qc_source_line(s, off));
        unsigned col = 1;
        for (uint32_t i = start; i < off; i++) {
            unsigned char c = (unsigned char)text[i];
            if ((c & 0xc0) == 0x80)
                continue;
            col = c == '\t' ? (col + 7) % 8 + 1 : col + 1;
        }
        want[off] = col;
    }
    static const uint32_t order[] = { 5, 6, 7, 12, 3, 0, 14, 30, 16, 31,
                                      29, 28, 1, 33, 2, 34, 13, 4 };
    for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
        uint32_t off = order[k];
        ck_assert_uint_lt(off, sizeof text - 1);
        ck_assert_msg(qc_source_column(s, off) == want[off],
                      "offset %u: column %u, want %u", off,
                      qc_source_column(s, off), want[off]);
    }
    for (uint32_t off = sizeof text - 2; off-- > 0;)
        ck_assert_uint_eq(qc_source_column(s, off), want[off]);
    for (uint32_t off = 0; off < sizeof text - 1; off++)
        ck_assert_uint_eq(qc_source_column(s, off), want[off]);
    for (uint32_t off = 14; off < sizeof text - 1; off++) {
        ck_assert_uint_eq(qc_source_column(s, off), want[off]);
        ck_assert_uint_eq(qc_source_column(s, off - 13), want[off - 13]);
        ck_assert_uint_eq(qc_source_column(s, 1), want[1]);
    }
    qc_arena_free(a2);
}
END_TEST

/* A long line's columns asked in a scrambled order come from marks every
 * few KiB: right across tabs and multi-byte characters that straddle
 * them, on the line and on the one after. */
START_TEST(columns_of_a_long_line_in_any_order)
{
    size_t n = 2000000;
    char *text = malloc(n + 8);
    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < n;) {
        size_t r = (i * 7919) % 13;
        if (r == 0 && i + 3 <= n) {
            memcpy(text + i, "\xe2\x82\xac", 3);
            i += 3;
        } else {
            text[i++] = r == 1 ? '\t' : 'a' + (char)r;
        }
    }
    text[n / 2] = '\n';
    text[n] = '\n';
    qc_arena *a2 = qc_arena_new();
    qc_source *s = qc_source_from_mem(a2, "long.json", text, n + 1, false);
    unsigned *want = malloc((n + 1) * sizeof *want);
    ck_assert_ptr_nonnull(want);
    unsigned col = 1;
    for (size_t i = 0; i <= n; i++) {
        want[i] = col;
        unsigned char c = (unsigned char)text[i];
        if (c == '\n')
            col = 1;
        else if ((c & 0xc0) != 0x80)
            col = c == '\t' ? (col + 7) % 8 + 1 : col + 1;
    }
    for (size_t k = 0; k < 3000; k++) {
        uint32_t off = (uint32_t)(((uint64_t)k * 2654435761u) % n);
        ck_assert_msg(qc_source_column(s, off) == want[off],
                      "offset %u: column %u, want %u", off,
                      qc_source_column(s, off), want[off]);
    }
    qc_arena_free(a2);
    free(want);
    free(text);
}
END_TEST

/* Sources are numbered while their arena lives, also when two arenas
 * read sources in turn; freeing one arena frees the numbers of its
 * sources only, for later sources. */
START_TEST(source_numbers_by_arena)
{
    qc_arena *a1 = qc_arena_new(), *a2 = qc_arena_new();
    qc_source *s[4];
    for (int i = 0; i < 4; i++)
        s[i] = qc_source_from_mem(i % 2 ? a2 : a1, "n.json", "x", 1, true);
    qc_loc at[4];
    for (int i = 0; i < 4; i++) {
        at[i] = qc_loc_make(s[i], 0);
        ck_assert_ptr_eq(qc_loc_src(at[i]), s[i]);
    }
    qc_arena_free(a1);
    ck_assert_ptr_null(qc_loc_src(at[0]));
    ck_assert_ptr_null(qc_loc_src(at[2]));
    ck_assert_ptr_eq(qc_loc_src(at[1]), s[1]);
    ck_assert_ptr_eq(qc_loc_src(at[3]), s[3]);
    qc_arena *a3 = qc_arena_new();
    qc_source *again = qc_source_from_mem(a3, "m.json", "y", 1, true);
    ck_assert(again->id == at[0].src_id || again->id == at[2].src_id);
    ck_assert_uint_eq(qc_source_line(again, 1), 1);
    ck_assert_uint_eq(qc_source_line(s[3], 1), 1);
    qc_arena_free(a2);
    ck_assert_ptr_eq(qc_loc_src(qc_loc_make(again, 0)), again);
    qc_arena_free(a3);
}
END_TEST

/* Sources read one after another, each freed before the next (as
 * "replies check" does with its files): a later one may be made where an
 * earlier one was, under the same number, and with the same path (a file
 * given twice).  Their serials differ, and the diagnostics of each stay
 * together, in the order of the files, each file's by place. */
#define ONE_BY_ONE 12

START_TEST(sources_freed_one_after_another)
{
    qc_buf want = QC_BUF_INIT;
    uint64_t serials[ONE_BY_ONE];
    for (unsigned i = 0; i < ONE_BY_ONE; i++) {
        char path[16];
        snprintf(path, sizeof path, "f%u.json", i % (ONE_BY_ONE - 2));
        qc_arena *a = qc_arena_new();
        qc_source *s = qc_source_from_mem(a, path, text, sizeof text - 1,
                                          true);
        serials[i] = s->serial;
        for (unsigned j = 0; j < i; j++)
            ck_assert(serials[j] != s->serial);
        qc_warning(qc_test_diag, qc_loc_make(s, OFF_LINE3), "c", "late %u", i);
        qc_warning(qc_test_diag, qc_loc_make(s, OFF_XYZ), "c", "early %u", i);
        qc_buf_printf(&want, "%s:2:3: warning: early %u\n"
                             "%s:3:1: warning: late %u\n", path, i, path, i);
        qc_arena_free(a);
    }
    char *out = qc_test_flushed(qc_test_diag);
    ck_assert_str_eq(out, want.data);
    free(out);
    qc_buf_free(&want);
}
END_TEST

/* qc_source_read_kept names the source with the string given;
 * qc_source_read with a copy. */
START_TEST(source_path_kept)
{
    qc_arena *a2 = qc_arena_new();
    const char *path = qc_arena_strdup(a2, "/dev/null");
    int err = 0;
    qc_source *s = qc_source_read_kept(a2, NULL, path, true, NULL, 0, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_eq(s->path, path);
    s = qc_source_read(a2, NULL, path, true, NULL, 0, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_ne(s->path, path);
    ck_assert_str_eq(s->path, path);
    ck_assert_str_eq(s->text, "\n");
    qc_arena_free(a2);
}
END_TEST

/* S[0..LEN) made visible. */
static void expect_visible(const char *s, size_t len, const char *want)
{
    qc_buf b = QC_BUF_INIT;
    qc_visible_append(&b, s, len);
    ck_assert_str_eq(b.data ? b.data : "", want);
    ck_assert(qc_visible_is_plain(s, len) == !strcmp(want, s));
    qc_buf_free(&b);
}

START_TEST(visible_text)
{
    expect_visible("plain text, caf\xc3\xa9 \xe2\x82\xac", 21, "plain text, caf\xc3\xa9 \xe2\x82\xac");
    expect_visible("a\tb\nc\rd", 7, "a\\tb\\nc\\rd");
    expect_visible("\x1b[31mred", 8, "\\x1b[31mred");
    expect_visible("nul\0x\x7f", 6, "nul\\x00x\\x7f");
    expect_visible("\xc2\x9b" "2J", 4, "\\u009b2J");                 /* C1 CSI */
    expect_visible("ab\xe2\x80\xae" "cd", 7, "ab\\u202ecd");          /* RLO */
    expect_visible("caf\xe9!", 5, "caf\\xe9!");                      /* not UTF-8 */
    expect_visible("\xed\xa0\x80", 3, "\\xed\\xa0\\x80");            /* surrogate */
    expect_visible("back\\slash", 10, "back\\slash");
    expect_visible("", 0, "");
}
END_TEST

START_TEST(text_formats_escape)
{
    qc_source *s = qc_source_from_mem(qc_test_arena, "f\x1b.json", "x\n", 2, false);
    qc_diagnostic *dg = qc_error(qc_test_diag, qc_loc_make(s, 0), "test-code",
                                 "unknown command '%s'", "\x1b]0;pwned\x07");
    qc_diag_in_definition(dg, "command", "a\nb");
    qc_diag_note(dg, qc_loc_make(s, 1), NULL, NULL, "see '\xc2\x9b'");
    char *out = qc_test_flushed(qc_test_diag);
    ck_assert_str_eq(out, "f\\x1b.json: In command 'a\\nb':\n"
                          "f\\x1b.json:1:1: error: unknown command '\\x1b]0;pwned\\x07'\n"
                          "f\\x1b.json:1:2: note: see '\\u009b'\n");
    free(out);
    /* The JSON format has escapes of its own, and keeps every character. */
    qc_diag_set_format(qc_test_diag, QC_DIAG_JSON);
    qc_error(qc_test_diag, qc_loc_make(s, 0), "test-code", "x\x1by\xff");
    out = qc_test_flushed(qc_test_diag);
    ck_assert_ptr_nonnull(strstr(out, "\"message\": \"x\\u001by\\ufffd\""));
    free(out);
}
END_TEST

Suite *qc_suite_diag(void)
{
    Suite *s = suite_create("qc_test_diag");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, qc_test_teardown);
    tcase_add_test(tc, gcc_format);
    tcase_add_test(tc, source_numbers_by_arena);
    tcase_add_test(tc, source_path_kept);
    tcase_add_test(tc, gcc_warning);
    tcase_add_test(tc, qemu_format_without_column);
    tcase_add_test(tc, qemu_format_with_column);
    tcase_add_test(tc, json_format);
    tcase_add_test(tc, parse_format_names);
    tcase_add_test(tc, max_errors_drops);
    tcase_add_test(tc, first_error_first_then_sorted);
    tcase_add_test(tc, accessors);
    tcase_add_test(tc, no_location);
    tcase_add_test(tc, source_freed_before_flush);
    tcase_add_test(tc, sources_freed_one_after_another);
    tcase_add_test(tc, many_out_of_order);
    tcase_add_test(tc, handle_decorated_later);
    tcase_add_test(tc, schema_newlines);
    tcase_add_test(tc, columns_in_any_order);
    tcase_add_test(tc, columns_of_a_long_line_in_any_order);
    tcase_add_test(tc, visible_text);
    tcase_add_test(tc, text_formats_escape);
    suite_add_tcase(s, tc);
    return s;
}
