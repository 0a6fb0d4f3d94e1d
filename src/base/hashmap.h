/* A small string-keyed hash map (open addressing, FNV-1a) whose storage
 * comes from an arena.  Keys are not copied: they must outlive the map. */
#ifndef QC_HASHMAP_H
#define QC_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

/* The hash of the string S the maps use (FNV-1a): callers that look a
 * name up many times compute it once and use the _hashed calls. */
/* The same hash of the N bytes at S (which may hold NULs). */
static inline uint32_t qc_hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static inline uint32_t qc_hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

typedef struct qc_hashmap qc_hashmap;

qc_hashmap *qc_hashmap_new(qc_arena *a);
/* For about N entries (grows anyway). */
qc_hashmap *qc_hashmap_new_sized(qc_arena *a, size_t n);
/* Value stored under KEY, or NULL. */
void *qc_hashmap_get(const qc_hashmap *m, const char *key);
void *qc_hashmap_get_hashed(const qc_hashmap *m, const char *key,
                            uint32_t hash);
/* Stores VALUE under KEY, replacing any previous value. */
void qc_hashmap_put(qc_hashmap *m, const char *key, void *value);
/* Stores VALUE only if KEY is absent; returns the value now stored (so
 * VALUE itself exactly when KEY was new, if values are distinct). */
void *qc_hashmap_put_new(qc_hashmap *m, const char *key, void *value);
void *qc_hashmap_put_new_hashed(qc_hashmap *m, const char *key,
                                uint32_t hash, void *value);
/* Empties M, with room for about N entries: a map reused for many small
 * sets costs no new storage. */
void qc_hashmap_reset(qc_hashmap *m, size_t n);
/* Done with M (it is not used again): a big table it grew is given back
 * now rather than with the arena. */
void qc_hashmap_release(qc_hashmap *m);

#endif
