/* UTF-8 decoding and encoding; see utf8.h. */
#include "base/utf8.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

size_t qc_utf8_decode(const unsigned char *p, const unsigned char *end,
                      uint32_t *cp)
{
    unsigned char c = p[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        if (cp)
            *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) { n = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; v = c & 0x07; min = 0x10000; }
    else return 0;
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (!qc_utf8_is_cont(p[i]))
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    if (cp)
        *cp = v;
    return n;
}

size_t qc_utf8_invalid_at(const char *text, size_t len)
{
    const unsigned char *u = (const unsigned char *)text, *end = u + len;
    size_t i = 0;
    while (i < len) {
        /* Most text is ASCII: 32 bytes at a time while no byte has its
         * high bit set. */
#if defined(__SSE2__)
        while (len - i >= 32) {
            __m128i a = _mm_loadu_si128((const __m128i *)(u + i));
            __m128i b = _mm_loadu_si128((const __m128i *)(u + i + 16));
            if (_mm_movemask_epi8(_mm_or_si128(a, b)))
                break;
            i += 32;
        }
#else
        while (len - i >= 32) {
            uint64_t w[4];
            memcpy(w, u + i, sizeof w);
            if ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ull)
                break;
            i += 32;
        }
#endif
        if (i >= len)
            break;
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = qc_utf8_decode(u + i, end, NULL);
        if (!n)
            return i;
        i += n;
    }
    return len;
}

size_t qc_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t qc_utf8_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (!qc_utf8_is_cont((unsigned char)s[i]))
            c++;
    return c;
}
