/* c_name() and the name rules; see naming.h. */
#include "schema/naming.h"

#include <stdlib.h>
#include <string.h>

static const char *const c_reserved[] = {
    /* C89 */
    "auto", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "float", "for", "goto", "if", "int",
    "long", "register", "return", "short", "signed", "sizeof", "static",
    "struct", "switch", "typedef", "union", "unsigned", "void", "volatile",
    "while",
    /* C99, C11 */
    "inline", "restrict", "_Bool", "_Complex", "_Imaginary", "_Alignas",
    "_Alignof", "_Atomic", "_Generic", "_Noreturn", "_Static_assert",
    "_Thread_local",
    /* GCC */
    "asm", "typeof",
    /* C++ */
    "bool", "catch", "class", "const_cast", "delete", "dynamic_cast",
    "explicit", "false", "friend", "mutable", "namespace", "new", "operator",
    "private", "protected", "public", "reinterpret_cast", "static_cast",
    "template", "this", "throw", "true", "try", "typeid", "typename", "using",
    "virtual", "wchar_t", "and", "and_eq", "bitand", "bitor", "compl", "not",
    "not_eq", "or", "or_eq", "xor", "xor_eq",
    /* namespace pollution */
    "unix", "errno", "mips", "sparc", "i386", "linux",
};

static int cmp_cstr(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* c_name() runs for every member; keep the keyword test cheap. */
static bool is_reserved(const char *name)
{
    enum { N = sizeof(c_reserved) / sizeof(*c_reserved) };
    static const char *sorted[N];
    static bool ready;
    size_t n = strlen(name);
    if (n < 2 || n > 16)
        return false;
    if (!ready) {
        memcpy(sorted, c_reserved, sizeof(sorted));
        qsort(sorted, N, sizeof(*sorted), cmp_cstr);
        ready = true;
    }
    return bsearch(&name, sorted, N, sizeof(*sorted), cmp_cstr) != NULL;
}

static bool is_alnum_(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
        || (ch >= '0' && ch <= '9') || ch == '_';
}

const char *qc_c_name(qc_arena *a, const char *name, bool protect)
{
    size_t n = strlen(name);
    char *s = qc_arena_alloc(a, n + 3);
    s[0] = 'q';
    s[1] = '_';
    char *p = s + 2;
    for (size_t i = 0; i < n; i++)
        p[i] = is_alnum_(name[i]) ? name[i] : '_';
    if (protect) {
        if (p[0] >= '0' && p[0] <= '9')
            return s;
        if (is_reserved(p))
            return s;
    }
    return p;
}

static bool lower_alpha(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* [a-z][a-z0-9_-]*$, case-insensitively */
static bool stem_ok(const char *s)
{
    if (!lower_alpha(*s))
        return false;
    for (s++; *s; s++)
        if (!is_alnum_(*s) && *s != '-')
            return false;
    return true;
}

const char *qc_name_stem(const char *name)
{
    const char *p = name;
    if (p[0] == '_' && p[1] == '_') {
        /* downstream prefix __RFQDN_ */
        const char *q = p + 2;
        while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')
               || (*q >= '0' && *q <= '9') || *q == '.' || *q == '-')
            q++;
        if (q == p + 2 || *q != '_')
            return NULL;
        p = q + 1;
    }
    const char *stem = NULL;
    if ((p[0] == 'x' || p[0] == 'X') && p[1] == '-' && stem_ok(p + 2))
        stem = p + 2;
    else if (stem_ok(p))
        stem = p;
    if (!stem)
        return NULL;
    /* c_name(name, False) must not start with 'q_' */
    if (name[0] == 'q' && name[1] && !(is_alnum_(name[1]) && name[1] != '_'))
        return NULL;
    return stem;
}
