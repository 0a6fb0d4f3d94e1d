/* The strings that schemas and QMP texts write again and again -- the
 * keys of definitions and messages, the built-in type names -- kept once,
 * in the program: the scanner hands these out instead of copies, for the
 * keys of schema objects and for every string of JSON texts ("{ 'struct':
 * 'S', 'data': {} }" would otherwise copy 12 bytes of keys for each
 * definition).  Strings are never written to once scanned, so a string
 * of the program serves as well as a copy; but two equal strings may now
 * be the same pointer, which tells nothing about where they come from. */
#ifndef QC_INTERNED_H
#define QC_INTERNED_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Longer than the longest of them (at most 32: a bit of a mask for
 * each byte). */
#define QC_INTERNED_LEN 32

/* The strings, NUL-padded (compared sixteen bytes at a time). */
extern const char qc_interned_words[][QC_INTERNED_LEN]
    __attribute__((aligned(16)));
/* By first character (its low five bits) and length, the number + 1 of
 * the first string there, and of each the next one there (0: none):
 * filled by qc_interned_init. */
extern unsigned char qc_interned_first[32 * QC_INTERNED_LEN];
extern unsigned char qc_interned_next[256];

/* Fills the tables (the first call; qc_parse makes it). */
void qc_interned_init(void);

/* Whether the N bytes at S are W (N bytes long).  No call: the scanner
 * keeps its registers. */
static inline int qc_interned_is(const char *s, size_t n, const char *w)
{
#if defined(__SSE2__)
    unsigned eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
        _mm_loadu_si128((const __m128i *)(const void *)s),
        _mm_load_si128((const __m128i *)(const void *)w)));
    if (n > 16)
        eq |= (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
            _mm_loadu_si128((const __m128i *)(const void *)(s + 16)),
            _mm_load_si128((const __m128i *)(const void *)(w + 16)))) << 16;
    unsigned want = (1u << n) - 1;
    return (eq & want) == want;
#else
    return !memcmp(s, w, n);
#endif
}

/* The program's copy of the N bytes at S, or NULL when they are none of
 * its strings.  S is in a source's text, which sixteen NUL bytes follow
 * (they are read, not compared).  Inline: the scanner asks for every
 * string; most are told apart by one load. */
static inline const char *qc_interned(const char *s, size_t n)
{
    if (n >= QC_INTERNED_LEN)
        return NULL;
    unsigned k = qc_interned_first[((unsigned char)s[0] & 31)
                                   * QC_INTERNED_LEN + n];
    for (; k; k = qc_interned_next[k])
        if (qc_interned_is(s, n, qc_interned_words[k - 1]))
            return qc_interned_words[k - 1];
    return NULL;
}

#endif
