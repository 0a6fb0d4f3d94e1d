/* C identifiers for schema names; see cnames.h. */
#include "gen/cnames.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hashmap.h"
#include "schema/naming.h"
#include "schema/schema.h"

/* What QEMU's c_name leaves unprotected but a C++ or C23 compiler, or the
 * generated structs themselves, would trip over.  Sorted (strcmp). */
static const char *const more_reserved[] = {
    "_BitInt", "_Decimal128", "_Decimal32", "_Decimal64",
    "__bool_true_false_are_defined", "alignas", "alignof", "char16_t",
    "char32_t", "char8_t", "co_await", "co_return", "co_yield", "complex",
    "concept", "consteval", "constexpr", "constinit", "decltype", "export",
    "imaginary", "int16_t", "int32_t", "int64_t", "int8_t", "noexcept",
    "noreturn", "nullptr", "ptrdiff_t", "requires", "size_t",
    "static_assert", "thread_local", "typeof_unqual", "uint16_t",
    "uint32_t", "uint64_t", "uint8_t", "uintptr_t",
};

static int cmp_str(const void *k, const void *elem)
{
    return strcmp(k, *(const char *const *)elem);
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* Object-like macros of the headers the generated ones include
 * (<stddef.h>, <stdint.h>): NULL, INT8_MAX, UINT64_C, SIZE_MAX...  Only
 * member-name-exceptions allow such upper-case members. */
static bool is_std_macro(const char *c)
{
    static const char *const stems[] = { "INT", "UINT", "PTRDIFF_",
                                         "SIG_ATOMIC_", "SIZE_", "WCHAR_",
                                         "WINT_" };
    static const char *const suffixes[] = { "_MIN", "_MAX", "_WIDTH", "_C" };
    if (!strcmp(c, "NULL"))
        return true;
    bool stem = false, suffix = false;
    for (size_t i = 0; i < sizeof stems / sizeof *stems; i++)
        stem = stem || starts(c, stems[i]);
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++)
        suffix = suffix || ends(c, suffixes[i]);
    return stem && suffix;
}

const char *qc_gen_member_name(qc_arena *a, const char *name)
{
    const char *c = qc_c_name(a, name, true);
    if (bsearch(c, more_reserved, sizeof more_reserved / sizeof *more_reserved,
                sizeof *more_reserved, cmp_str)
        || (c[0] >= 'A' && c[0] <= 'Z' && is_std_macro(c)))
        return qc_gen_cat(a, "q_", c, NULL);
    return c;
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_alnum(char c)
{
    return is_upper(c) || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

const char *qc_gen_camel_to_upper(qc_arena *a, const char *name)
{
    size_t n = strlen(name);
    if (!n)
        return "";
    /* Each character adds at most one '_'. */
    char *ret = qc_arena_alloc(a, 2 * n + 1);
    size_t len = 0;
    ret[len++] = name[0];
    bool upc = is_upper(name[0]);
    for (size_t i = 1; i < n; i++) {
        char ch = name[i];
        if (is_upper(ch) != upc) {
            if (upc) {
                /* An upper-case run ends: '_' before its last letter,
                 * unless one is there or the run starts the name. */
                if (len > 2 && is_alnum(ret[len - 2])) {
                    ret[len] = ret[len - 1];
                    ret[len - 1] = '_';
                    len++;
                }
            } else if (is_alnum(ret[len - 1])) {
                ret[len++] = '_';
            }
        }
        ret[len++] = ch;
        upc = is_upper(ch);
    }
    ret[len] = '\0';
    const char *c = qc_c_name(a, qc_gen_upper(a, ret), true);
    while (*c == '_')
        c++;
    return c;
}

const char *qc_gen_enum_const(qc_arena *a, const char *type,
                              const char *value, const char *prefix)
{
    /* QEMU takes an explicit prefix verbatim. */
    return qc_gen_cat(a, prefix ? prefix : qc_gen_camel_to_upper(a, type), "_",
                      qc_gen_upper(a, qc_c_name(a, value, false)), NULL);
}

const char *qc_gen_upper(qc_arena *a, const char *s)
{
    char *u = qc_arena_strdup(a, s);
    for (char *p = u; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return u;
}

bool qc_gen_is_identifier(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++)
        if (!is_alnum(*s) && *s != '_')
            return false;
    return true;
}

const char *qc_gen_cat(qc_arena *a, const char *first, ...)
{
    va_list ap;
    size_t n = 0;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        n += strlen(s);
    va_end(ap);
    char *r = qc_arena_alloc_uninit(a, n + 1), *p = r;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *)) {
        size_t k = strlen(s);
        memcpy(p, s, k);
        p += k;
    }
    va_end(ap);
    *p = '\0';
    return r;
}

static void cond_cgen(qc_buf *b, const qc_cond *c, bool parens)
{
    switch (c->kind) {
    case QC_COND_NAME:
        qc_buf_puts(b, "defined(");
        qc_buf_puts(b, c->name);
        qc_buf_putc(b, ')');
        return;
    case QC_COND_NOT:
        qc_buf_putc(b, '!');
        cond_cgen(b, c->args[0], true);
        return;
    default:
        if (parens)
            qc_buf_putc(b, '(');
        for (size_t i = 0; i < c->nargs; i++) {
            if (i)
                qc_buf_puts(b, c->kind == QC_COND_ALL ? " && " : " || ");
            cond_cgen(b, c->args[i], true);
        }
        if (parens)
            qc_buf_putc(b, ')');
    }
}

void qc_gen_cond_c(qc_buf *b, const qc_cond *c)
{
    if (c)
        cond_cgen(b, c, false);
}

struct qc_idents {
    qc_hashmap *map;
};

qc_idents *qc_idents_new(qc_arena *a)
{
    qc_idents *r = qc_arena_alloc(a, sizeof *r);
    r->map = qc_hashmap_new_sized(a, 8192);
    return r;
}

const void *qc_idents_claim(qc_idents *r, const char *ident,
                            const void *owner)
{
    const void *prev = qc_hashmap_put_new(r->map, ident, (void *)owner);
    return prev == owner ? NULL : prev;
}
