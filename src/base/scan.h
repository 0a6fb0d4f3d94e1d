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

/* The first byte at or after P that is QUOTE, a backslash, a control
 * character, DEL or not ASCII (the text must have one). */
static inline const char *qc_skip_plain(const char *p, char quote)
{
#if defined(__SSE2__)
    const __m128i q = _mm_set1_epi8(quote), bslash = _mm_set1_epi8('\\');
    const __m128i del = _mm_set1_epi8(0x7f), space = _mm_set1_epi8(0x20);
    for (;;) {
        __m128i x = _mm_loadu_si128((const __m128i *)p);
        /* signed: bytes that are not ASCII are below ' ' too */
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, bslash)),
            _mm_or_si128(_mm_cmpeq_epi8(x, del), _mm_cmplt_epi8(x, space)));
        int bits = _mm_movemask_epi8(m);
        if (bits)
            return p + __builtin_ctz((unsigned)bits);
        p += 16;
    }
#else
    for (;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == (unsigned char)quote || c == '\\' || c < 0x20 || c >= 0x7f)
            return p;
    }
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
    const __m128i q = _mm_set1_epi8(quote), bslash = _mm_set1_epi8('\\');
    const __m128i del = _mm_set1_epi8(0x7f), space = _mm_set1_epi8(0x20);
    for (; room >= 16; room -= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)p);
        _mm_storeu_si128((__m128i *)out, x);
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, bslash)),
            _mm_or_si128(_mm_cmpeq_epi8(x, del), _mm_cmplt_epi8(x, space)));
        int bits = _mm_movemask_epi8(m);
        if (bits)
            return p + __builtin_ctz((unsigned)bits);
        p += 16;
        out += 16;
    }
    return NULL;
#else
    for (; room > 16; room--, p++) {
        unsigned char c = (unsigned char)*p;
        if (c == (unsigned char)quote || c == '\\' || c < 0x20 || c >= 0x7f)
            return p;
        *out++ = *p;
    }
    return NULL;
#endif
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
