/* Unit tests for src/schema/names.c, the schema's table of names: entries
 * found by another copy of their name, names present kept, growth from a
 * small table and past a big one, names of equal hash, and removals
 * followed by the reuse of their entities' indexes, as the builder does
 * when it drops a definition (checked against a general map). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/hashmap.h"
#include "schema/names.h"
#include "schema/schema.h"

/* An entity list as the builder keeps it. */
typedef struct {
    qc_arena *a;
    qc_names *t;
    qc_entity **ents;
    size_t n, cap;
} list;

static void list_init(list *l, size_t hint, size_t cap)
{
    l->a = qc_arena_new();
    l->t = qc_names_new(l->a, hint);
    l->cap = cap;
    l->ents = qc_arena_alloc(l->a, cap * sizeof *l->ents);
    l->n = 0;
}

/* Appends an entity named NAME and enters it: the entity the table
 * holds under NAME after. */
static qc_entity *add(list *l, const char *name)
{
    ck_assert_uint_lt(l->n, l->cap);
    qc_entity *e = qc_arena_alloc(l->a, sizeof *e);
    e->name = qc_arena_strdup(l->a, name);
    e->index = (uint32_t)l->n;
    l->ents[l->n++] = e;
    return qc_names_put_new(l->t, l->ents, e);
}

static qc_entity *get(const list *l, const char *name)
{
    return qc_names_get(l->t, l->ents, name);
}

/* N names "kI" entered into a table made for HINT, each found by another
 * copy of its name, entered only once, and names never entered missed. */
static void fill_and_find(size_t hint, size_t n)
{
    list l;
    list_init(&l, hint, 2 * n);
    char name[32];
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(name, sizeof name, "k%zu", i);
        bad += add(&l, name) != l.ents[i];
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(name, sizeof name, "k%zu", i);
        bad += get(&l, name) != l.ents[i];
        bad += add(&l, name) != l.ents[i];     /* present: kept */
        snprintf(name, sizeof name, "x%zu", i);
        bad += get(&l, name) != NULL;
    }
    ck_assert_uint_eq(bad, 0);
    qc_arena_free(l.a);
}

START_TEST(found_and_grown)
{
    fill_and_find(0, 3000);         /* from the smallest table */
    fill_and_find(5000, 5000);      /* as sized */
    fill_and_find(5000, 40000);     /* grown three times, in blocks */
    fill_and_find(100000, 10);
}
END_TEST

START_TEST(null_table_and_name)
{
    ck_assert_ptr_null(qc_names_get(NULL, NULL, "x"));
    list l;
    list_init(&l, 4, 4);
    add(&l, "x");
    ck_assert_ptr_null(get(&l, NULL));
    ck_assert_ptr_eq(get(&l, "x"), l.ents[0]);
    qc_arena_free(l.a);
}
END_TEST

/* FNV-1a gives these two names the same hash: they are told apart by
 * the names of their entities. */
START_TEST(equal_hashes)
{
    ck_assert_uint_eq(qc_hash_str("k32728"), qc_hash_str("k261234"));
    list l;
    list_init(&l, 0, 4);
    ck_assert_ptr_eq(add(&l, "k32728"), l.ents[0]);
    ck_assert_ptr_null(get(&l, "k261234"));
    ck_assert_ptr_eq(add(&l, "k261234"), l.ents[1]);
    ck_assert_ptr_eq(get(&l, "k32728"), l.ents[0]);
    ck_assert_ptr_eq(get(&l, "k261234"), l.ents[1]);
    ck_assert(qc_names_remove(l.t, l.ents, l.ents[0]));
    ck_assert_ptr_null(get(&l, "k32728"));
    ck_assert_ptr_eq(get(&l, "k261234"), l.ents[1]);
    qc_arena_free(l.a);
}
END_TEST

/* Removes, as drop_definition does, every name of the entities from
 * MARK on that names them, then truncates the list; REF follows. */
static void drop_from(list *l, qc_hashmap *ref, size_t mark)
{
    for (size_t i = mark; i < l->n; i++) {
        qc_entity *e = l->ents[i];
        bool named = qc_hashmap_get(ref, e->name) == e;
        ck_assert_int_eq(qc_names_remove(l->t, l->ents, e), named);
        if (named)
            qc_hashmap_put(ref, e->name, NULL);
    }
    l->n = mark;
}

/* Rounds of definitions, some of names already taken, and of drops of
 * the last few, in a small table that grows: after each, every name of
 * the pool is what the general map says (removed names absent). */
START_TEST(drops_reuse_indexes)
{
    enum { POOL = 700, ROUNDS = 3000 };
    list l;
    list_init(&l, 0, POOL * 4);
    qc_hashmap *ref = qc_hashmap_new(l.a);
    char (*pool)[16] = qc_arena_alloc(l.a, POOL * sizeof *pool);
    for (size_t i = 0; i < POOL; i++)
        snprintf(pool[i], sizeof pool[i], "n%zu", i);
    uint32_t rnd = 12345;
    size_t bad = 0;
    for (int round = 0; round < ROUNDS; round++) {
        rnd = rnd * 1103515245u + 12345u;
        size_t mark = l.n, k = 1 + (rnd >> 16) % 4;
        for (size_t j = 0; j < k && l.n < l.cap; j++) {
            rnd = rnd * 1103515245u + 12345u;
            const char *name = pool[(rnd >> 8) % POOL];
            qc_entity *had = qc_hashmap_get(ref, name);
            qc_entity *now = add(&l, name);
            bad += now != (had ? had : l.ents[l.n - 1]);
            if (!had)
                qc_hashmap_put(ref, now->name, now);
        }
        if ((rnd >> 4) % 3 == 0)         /* the definition failed */
            drop_from(&l, ref, mark);
        if ((rnd >> 20) % 16 == 0)       /* a bigger loss */
            drop_from(&l, ref, l.n / 2);
        for (size_t i = 0; i < POOL; i++)
            bad += get(&l, pool[i]) != qc_hashmap_get(ref, pool[i]);
    }
    ck_assert_uint_eq(bad, 0);
    drop_from(&l, ref, 0);
    for (size_t i = 0; i < POOL; i++)
        bad += get(&l, pool[i]) != NULL;
    ck_assert_uint_eq(bad, 0);
    qc_arena_free(l.a);
}
END_TEST

/* A removal of a name that names another entity, or none, changes
 * nothing. */
START_TEST(remove_only_own_name)
{
    list l;
    list_init(&l, 0, 4);
    add(&l, "a");
    ck_assert_ptr_eq(add(&l, "a"), l.ents[0]);     /* a duplicate */
    ck_assert(!qc_names_remove(l.t, l.ents, l.ents[1]));
    ck_assert_ptr_eq(get(&l, "a"), l.ents[0]);
    ck_assert(qc_names_remove(l.t, l.ents, l.ents[0]));
    ck_assert(!qc_names_remove(l.t, l.ents, l.ents[0]));
    ck_assert_ptr_null(get(&l, "a"));
    qc_arena_free(l.a);
}
END_TEST

Suite *qc_suite_names(void)
{
    Suite *s = suite_create("names");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, found_and_grown);
    tcase_add_test(tc, null_table_and_name);
    tcase_add_test(tc, equal_hashes);
    tcase_add_test(tc, drops_reuse_indexes);
    tcase_add_test(tc, remove_only_own_name);
    suite_add_tcase(s, tc);
    return s;
}
