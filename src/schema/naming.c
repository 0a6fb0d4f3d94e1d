/* c_name() and the name rules; see naming.h. */
#include "schema/naming.h"

#include <stdint.h>
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

/* The classes of name characters: 1 for [A-Za-z0-9_], 2 for '-', the
 * QC_NAME_* bits, and NOT_NAME for every other character but NUL (a
 * table: names are looked at character by character all the time). */
enum { NOT_NAME = 64 };
static const unsigned char name_class[256] = {
     0, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,  2, 64, 64,
    17, 17, 17, 17, 17, 17, 17, 17, 17, 17, 64, 64, 64, 64, 64, 64,
    64,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,
     9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9, 64, 64, 64, 64, 33,
    64,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,
     5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
};

static bool is_alnum_(char ch)
{
    return name_class[(unsigned char)ch] & 1;
}

/* c_name() runs for every member; keep the keyword test cheap: a word
 * whose hash is not a keyword's is none (an open-addressing table of the
 * keywords' hashes, with their index + 1). */
enum { N_RESERVED = sizeof(c_reserved) / sizeof(*c_reserved), RTAB = 256 };

static uint32_t hash_step(uint32_t h, char c)
{
    return (h ^ (unsigned char)c) * 16777619u;
}

static bool is_reserved(const char *name, size_t n, uint32_t h)
{
    static struct { uint32_t hash; unsigned char k; } tab[RTAB];
    static bool ready;
    if (n < 2 || n > 16)
        return false;
    if (!ready) {
        for (size_t k = 0; k < N_RESERVED; k++) {
            uint32_t wh = 2166136261u;
            for (const char *w = c_reserved[k]; *w; w++)
                wh = hash_step(wh, *w);
            size_t i = wh % RTAB;
            while (tab[i].k)
                i = (i + 1) % RTAB;
            tab[i].hash = wh;
            tab[i].k = (unsigned char)(k + 1);
        }
        ready = true;
    }
    for (size_t i = h % RTAB; tab[i].k; i = (i + 1) % RTAB) {
        const char *w = c_reserved[tab[i].k - 1];
        if (tab[i].hash == h && !strncmp(w, name, n) && !w[n])
            return true;
    }
    return false;
}

const char *qc_c_name_hashed(qc_arena *a, const char *name, bool protect,
                             uint32_t *hash)
{
    size_t n = 0;
    uint32_t h = 2166136261u;
    for (; is_alnum_(name[n]); n++)
        h = hash_step(h, name[n]);
    /* Usually the name is its own C name. */
    if (!name[n] && !(protect && ((name[0] >= '0' && name[0] <= '9')
                                  || is_reserved(name, n, h)))) {
        *hash = h;
        return name;
    }
    n += strlen(name + n);
    char *s = qc_arena_alloc_text(a, n + 3);
    s[0] = 'q';
    s[1] = '_';
    char *p = s + 2;
    h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        p[i] = is_alnum_(name[i]) ? name[i] : '_';
        h = hash_step(h, p[i]);
    }
    p[n] = '\0';
    *hash = h;
    if (protect
        && ((p[0] >= '0' && p[0] <= '9') || is_reserved(p, n, h))) {
        *hash = hash_step(hash_step(2166136261u, 'q'), '_');
        for (size_t i = 0; i < n; i++)
            *hash = hash_step(*hash, p[i]);
        return s;
    }
    return p;
}

const char *qc_c_name(qc_arena *a, const char *name, bool protect)
{
    uint32_t h;
    return qc_c_name_hashed(a, name, protect, &h);
}

bool qc_member_name_reserved(const char *name)
{
    if (name[0] == 'u' && !name[1])
        return true;
    /* c_name turns whatever is not a letter or digit into '_' */
    return name[0] == 'h' && name[1] == 'a' && name[2] == 's' && name[3]
        && (name[3] == '_' || !is_alnum_(name[3]));
}

/* [a-z][a-z0-9_-]*$, case-insensitively; *CLASSES gets the classes of
 * its characters. */
static bool stem_ok(const char *s, unsigned *classes)
{
    unsigned c = name_class[(unsigned char)*s], all = c;
    if (!(c & (QC_NAME_LOWER | QC_NAME_UPPER)))
        return false;
    /* Names are short and mostly good: no test per character. */
    for (s++; *s; s++)
        all |= name_class[(unsigned char)*s];
    if (all & NOT_NAME)
        return false;
    *classes = all;
    return true;
}

const char *qc_name_stem_classes(const char *name, unsigned *classes)
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
    if ((p[0] == 'x' || p[0] == 'X') && p[1] == '-'
        && stem_ok(p + 2, classes))
        stem = p + 2;
    else if (stem_ok(p, classes))
        stem = p;
    if (!stem)
        return NULL;
    /* c_name(name, False) must not start with 'q_' */
    if (name[0] == 'q' && name[1] && !(is_alnum_(name[1]) && name[1] != '_'))
        return NULL;
    return stem;
}

const char *qc_name_stem(const char *name)
{
    unsigned classes;
    return qc_name_stem_classes(name, &classes);
}
