/* Scanning text for the bytes that end a run -- of plain string
 * characters, of a line -- sixteen bytes at a time where the compiler
 * offers SSE2: strings and comment lines are most of what the schema
 * scanner and the dump reader read.  Texts must be readable 15 bytes past
 * where a scan may stop (qc_source pads its text with NULs). */
#ifndef QC_SCAN_H
#define QC_SCAN_H

#include <stddef.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Whether C ends a run of plain string characters: QUOTE, a backslash,
 * a control character, DEL or not ASCII. */
static inline int qc_plain_end(unsigned char c, char quote)
{
    return c == (unsigned char)quote || c == '\\' || c < 0x20 || c >= 0x7f;
}

#if defined(__SSE2__)
/* A bit for each of the sixteen bytes X for which qc_plain_end holds. */
static inline unsigned qc_plain_ends16(__m128i x, char quote)
{
    /* signed: bytes that are not ASCII are below ' ' too */
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(quote)),
                     _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)),
                     _mm_cmplt_epi8(x, _mm_set1_epi8(0x20))));
    return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* The first byte at or after P that ends a plain run (the text must
 * have one). */
static inline const char *qc_skip_plain(const char *p, char quote)
{
#if defined(__SSE2__)
    for (;; p += 16) {
        unsigned bits = qc_plain_ends16(_mm_loadu_si128((const __m128i *)p),
                                        quote);
        if (bits)
            return p + __builtin_ctz(bits);
    }
#else
    while (!qc_plain_end((unsigned char)*p, quote))
        p++;
    return p;
#endif
}

/* The same, copying the bytes it passes over to OUT as it goes, sixteen
 * at a time: OUT must have ROOM bytes, and the scan gives up (NULL) when
 * the run needs more than ROOM - 16 of them.  Bytes of OUT past the run
 * may be overwritten. */
static inline const char *qc_skip_plain_copy(const char *p, char quote,
                                             char *out, size_t room)
{
#if defined(__SSE2__)
    for (; room >= 16; room -= 16, p += 16, out += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)p);
        _mm_storeu_si128((__m128i *)out, x);
        unsigned bits = qc_plain_ends16(x, quote);
        if (bits)
            return p + __builtin_ctz(bits);
    }
#else
    for (; room > 16; room--, p++, out++) {
        if (qc_plain_end((unsigned char)*p, quote))
            return p;
        *out = *p;
    }
#endif
    return NULL;
}

/* The first newline at or after P, or END (lines are short: no call, as
 * memchr would be). */
static inline const char *qc_line_end(const char *p, const char *end)
{
#if defined(__SSE2__)
    const __m128i nl = _mm_set1_epi8('\n');
    for (; p < end; p += 16) {
        int bits = _mm_movemask_epi8(
            _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), nl));
        if (bits) {
            const char *q = p + __builtin_ctz((unsigned)bits);
            return q < end ? q : end;
        }
    }
    return end;
#else
    while (p < end && *p != '\n')
        p++;
    return p;
#endif
}

/* A bit for each newline of the sixteen bytes at P (bit 0: P[0]). */
static inline unsigned qc_newlines16(const char *p)
{
#if defined(__SSE2__)
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
        _mm_loadu_si128((const __m128i *)p), _mm_set1_epi8('\n')));
#else
    unsigned bits = 0;
    for (unsigned i = 0; i < 16; i++)
        bits |= (unsigned)(p[i] == '\n') << i;
    return bits;
#endif
}

/* How many bytes at P are C, counted up to 16 (16: sixteen or more): the
 * indentation of a line, say.  P must be readable 16 bytes on. */
static inline unsigned qc_run16(const char *p, char c)
{
#if defined(__SSE2__)
    unsigned bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
        _mm_loadu_si128((const __m128i *)p), _mm_set1_epi8(c)));
    return (unsigned)__builtin_ctz(~bits);  /* bit 16 is clear */
#else
    unsigned n = 0;
    while (n < 16 && p[n] == c)
        n++;
    return n;
#endif
}

#endif
