/* Unit tests for src/base/arena.c. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"

START_TEST(alloc_is_zeroed_and_aligned)
{
    qc_arena *a = qc_arena_new();
    /* Enough rounds to fill several chunks, with odd sizes. */
    for (size_t i = 1; i < 2000; i++) {
        size_t size = (i * 37) % 1500 + 1;
        unsigned char *p = qc_arena_alloc(a, size);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % _Alignof(max_align_t), 0);
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
    suite_add_tcase(s, tc);
    return s;
}
