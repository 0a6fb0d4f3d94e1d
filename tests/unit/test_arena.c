/* Unit tests for src/base/arena.c. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"

/* What arena objects hold. */
_Static_assert(QC_ARENA_ALIGN % _Alignof(void *) == 0
               && QC_ARENA_ALIGN % _Alignof(uint64_t) == 0
               && QC_ARENA_ALIGN % _Alignof(double) == 0,
               "arena objects are aligned for pointers and 64-bit numbers");

START_TEST(alloc_is_zeroed_and_aligned)
{
    qc_arena *a = qc_arena_new();
    /* Enough rounds to fill several chunks, with odd sizes. */
    for (size_t i = 1; i < 2000; i++) {
        size_t size = (i * 37) % 1500 + 1;
        unsigned char *p = qc_arena_alloc(a, size);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % QC_ARENA_ALIGN, 0);
        size_t j = 0;
        while (j < size && p[j] == 0)   /* one assertion per block: */
            j++;                        /* Check's cost a call each */
        ck_assert_msg(j == size, "byte %zu of block %zu not zero", j, i);
        memset(p, 0xa5, size);
    }
    qc_arena_free(a);
}
END_TEST

START_TEST(large_block)
{
    qc_arena *a = qc_arena_new();
    char *small = qc_arena_alloc(a, 16);
    char *big = qc_arena_alloc(a, 1 << 20);
    char *after = qc_arena_alloc(a, 16);
    ck_assert_ptr_nonnull(big);
    memset(big, 'x', 1 << 20);
    ck_assert_int_eq(small[0], 0);
    ck_assert_int_eq(after[0], 0);
    qc_arena_free(a);
}
END_TEST

START_TEST(free_null)
{
    qc_arena_free(NULL);
}
END_TEST

START_TEST(strdup_copies)
{
    qc_arena *a = qc_arena_new();
    char src[] = "hello, world";
    char *s = qc_arena_strdup(a, src);
    ck_assert_ptr_ne(s, src);
    src[0] = 'J';
    ck_assert_str_eq(s, "hello, world");
    ck_assert_str_eq(qc_arena_strdup(a, ""), "");
    ck_assert_str_eq(qc_arena_strndup(a, "abcdef", 3), "abc");
    qc_arena_free(a);
}
END_TEST

START_TEST(printf_formats)
{
    qc_arena *a = qc_arena_new();
    ck_assert_str_eq(qc_arena_printf(a, "%s-%d-%c", "ab", 42, 'z'), "ab-42-z");
    ck_assert_str_eq(qc_arena_printf(a, "%s", ""), "");
    /* Longer than any small internal buffer. */
    char *long_s = qc_arena_printf(a, "%5000s|", "end");
    ck_assert_uint_eq(strlen(long_s), 5001);
    ck_assert_str_eq(long_s + 4997, "end|");
    qc_arena_free(a);
}
END_TEST

START_TEST(ptrvec_grows)
{
    qc_arena *a = qc_arena_new();
    qc_ptrvec v = { 0 };
    static int items[1000];
    for (size_t i = 0; i < 1000; i++)
        qc_ptrvec_push(a, &v, &items[i]);
    ck_assert_uint_eq(v.n, 1000);
    ck_assert_uint_ge(v.cap, 1000);
    for (size_t i = 0; i < 1000; i++)
        ck_assert_ptr_eq(v.items[i], &items[i]);
    qc_arena_free(a);
}
END_TEST

/* Past QC_ARENA_GROW_BLOCK the items move into a block of their own,
 * grown in place: all of them stay, in order, and the arena's other
 * memory is untouched (ASan and valgrind see the blocks). */
START_TEST(ptrvec_grows_big)
{
    qc_arena *a = qc_arena_new();
    qc_ptrvec v = { 0 }, w = { 0 };
    size_t n = 8 * QC_ARENA_GROW_BLOCK / sizeof(void *) + 3;
    char *mark = qc_arena_alloc(a, 16);
    memset(mark, 'm', 16);
    for (size_t i = 0; i < n; i++) {
        qc_ptrvec_push(a, &v, (void *)(uintptr_t)(i + 1));
        if (i % 3 == 0)
            qc_ptrvec_push(a, &w, (void *)(uintptr_t)i);
    }
    ck_assert_uint_eq(v.n, n);
    ck_assert_uint_ge(v.cap * sizeof(void *), QC_ARENA_GROW_BLOCK);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += v.items[i] != (void *)(uintptr_t)(i + 1);
    for (size_t i = 0; i < w.n; i++)
        bad += w.items[i] != (void *)(uintptr_t)(3 * i);
    ck_assert_uint_eq(bad, 0);
    ck_assert_uint_eq(w.n, (n + 2) / 3);
    for (int i = 0; i < 16; i++)
        ck_assert_int_eq(mark[i], 'm');
    qc_arena_free(a);
}
END_TEST

/* qc_arena_grow keeps the first OLD bytes, small or big, and a big
 * array of a dropped arena is freed with it. */
START_TEST(grow_keeps_contents)
{
    qc_arena *a = qc_arena_new();
    size_t size = 24;
    unsigned char *p = qc_arena_grow(a, NULL, 0, size);
    for (size_t i = 0; i < size; i++)
        p[i] = (unsigned char)i;
    while (size < 4 * QC_ARENA_GROW_BLOCK) {
        p = qc_arena_grow(a, p, size, 2 * size);
        for (size_t i = size; i < 2 * size; i++)
            p[i] = (unsigned char)i;
        size *= 2;
    }
    size_t bad = 0;
    for (size_t i = 0; i < size; i++)
        bad += p[i] != (unsigned char)i;
    ck_assert_uint_eq(bad, 0);
    qc_arena_free(a);
}
END_TEST

/* A small array given back is the next one that fits in it; a big one's
 * block is freed at once (ASan and valgrind see it freed once). */
START_TEST(released_arrays)
{
    qc_arena *a = qc_arena_new();
    char *p = qc_arena_grow(a, NULL, 0, 48);
    memset(p, 'x', 48);
    qc_arena_release(a, p, 48);
    char *q = qc_arena_grow(a, NULL, 0, 32);
    ck_assert_ptr_eq(q, p);
    char *r = qc_arena_grow(a, NULL, 0, 32);    /* taken: a new one */
    ck_assert_ptr_ne(r, p);
    qc_arena_release(a, q, 32);
    char *big = qc_arena_grow(a, NULL, 0, 64);  /* too big for it */
    ck_assert_ptr_ne(big, q);
    big = qc_arena_grow(a, big, 64, 4 * QC_ARENA_GROW_BLOCK);
    memset(big, 'y', 4 * QC_ARENA_GROW_BLOCK);
    qc_arena_release(a, big, 4 * QC_ARENA_GROW_BLOCK);
    char *other = qc_arena_grow(a, NULL, 0, 2 * QC_ARENA_GROW_BLOCK);
    memset(other, 'z', 2 * QC_ARENA_GROW_BLOCK);
    qc_arena_free(a);
}
END_TEST

Suite *qc_suite_arena(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, alloc_is_zeroed_and_aligned);
    tcase_add_test(tc, large_block);
    tcase_add_test(tc, free_null);
    tcase_add_test(tc, strdup_copies);
    tcase_add_test(tc, printf_formats);
    tcase_add_test(tc, ptrvec_grows);
    tcase_add_test(tc, ptrvec_grows_big);
    tcase_add_test(tc, grow_keeps_contents);
    tcase_add_test(tc, released_arrays);
    suite_add_tcase(s, tc);
    return s;
}
