/* Unit tests for src/base/hashmap.c: small maps (a power of two of
 * slots) and big ones (sized to the entries), growth and reset. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>

#include "base/hashmap.h"

/* N keys "kI" in arena A (the map keeps pointers to them). */
static char **make_keys(qc_arena *a, size_t n)
{
    char **k = qc_arena_alloc(a, n * sizeof *k);
    for (size_t i = 0; i < n; i++)
        k[i] = qc_arena_printf(a, "k%zu", i);
    return k;
}

/* Puts N keys into a map made for HINT entries, then finds each one
 * (by another copy of its text too) and misses keys never put. */
static void fill_and_find(size_t hint, size_t n)
{
    qc_arena *a = qc_arena_new();
    char **k = make_keys(a, n);
    qc_hashmap *m = qc_hashmap_new_sized(a, hint);
    for (size_t i = 0; i < n; i++)
        ck_assert_ptr_eq(qc_hashmap_put_new(m, k[i], (void *)(uintptr_t)(i + 1)),
                         (void *)(uintptr_t)(i + 1));
    size_t bad = 0;
    char other[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(other, sizeof other, "k%zu", i);
        bad += qc_hashmap_get(m, other) != (void *)(uintptr_t)(i + 1);
        bad += qc_hashmap_put_new(m, k[i], NULL) != (void *)(uintptr_t)(i + 1);
        snprintf(other, sizeof other, "x%zu", i);
        bad += qc_hashmap_get(m, other) != NULL;
    }
    ck_assert_uint_eq(bad, 0);
    qc_arena_free(a);
}

START_TEST(small_map_grows)
{
    fill_and_find(0, 3000);
}
END_TEST

START_TEST(big_map_sized_and_grown)
{
    fill_and_find(5000, 5000);      /* as sized */
    fill_and_find(5000, 40000);     /* grown three times */
    fill_and_find(100000, 10);
}
END_TEST

START_TEST(put_replaces_and_reset_empties)
{
    qc_arena *a = qc_arena_new();
    char **k = make_keys(a, 20000);
    qc_hashmap *m = qc_hashmap_new(a);
    for (int round = 0; round < 3; round++) {
        size_t n = round == 1 ? 20000 : 50;
        for (size_t i = 0; i < n; i++)
            qc_hashmap_put(m, k[i], k[i]);
        for (size_t i = 0; i < n; i++)
            qc_hashmap_put(m, k[i], (void *)(uintptr_t)(i + round + 1));
        size_t bad = 0;
        for (size_t i = 0; i < 20000; i++)
            bad += qc_hashmap_get(m, k[i])
                   != (i < n ? (void *)(uintptr_t)(i + round + 1) : NULL);
        ck_assert_uint_eq(bad, 0);
        qc_hashmap_reset(m, round == 0 ? 20000 : 10);
        ck_assert_ptr_null(qc_hashmap_get(m, k[0]));
    }
    qc_arena_free(a);
}
END_TEST

/* A map grown big and released gives its table back (once: ASan and
 * valgrind see it); the arena is freed after. */
START_TEST(grown_map_released)
{
    qc_arena *a = qc_arena_new();
    char **k = make_keys(a, 30000);
    qc_hashmap *m = qc_hashmap_new(a);
    for (size_t i = 0; i < 30000; i++)
        qc_hashmap_put(m, k[i], k[i]);
    ck_assert_ptr_eq(qc_hashmap_get(m, "k29999"), k[29999]);
    qc_hashmap_release(m);
    qc_hashmap *small = qc_hashmap_new(a);
    qc_hashmap_put(small, k[0], k[0]);
    qc_hashmap_release(small);
    qc_arena_free(a);
}
END_TEST

Suite *qc_suite_hashmap(void)
{
    Suite *s = suite_create("hashmap");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, small_map_grows);
    tcase_add_test(tc, big_map_sized_and_grown);
    tcase_add_test(tc, put_replaces_and_reset_empties);
    tcase_add_test(tc, grown_map_released);
    suite_add_tcase(s, tc);
    return s;
}
