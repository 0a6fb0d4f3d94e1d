/* A small string-keyed hash map (open addressing, FNV-1a) whose storage
 * comes from an arena.  Keys are not copied: they must outlive the map. */
#ifndef QC_HASHMAP_H
#define QC_HASHMAP_H

#include <stddef.h>

#include "base/arena.h"

typedef struct qc_hashmap qc_hashmap;

qc_hashmap *qc_hashmap_new(qc_arena *a);
/* For about N entries (grows anyway). */
qc_hashmap *qc_hashmap_new_sized(qc_arena *a, size_t n);
/* Value stored under KEY, or NULL. */
void *qc_hashmap_get(const qc_hashmap *m, const char *key);
/* Stores VALUE under KEY, replacing any previous value. */
void qc_hashmap_put(qc_hashmap *m, const char *key, void *value);
/* Stores VALUE only if KEY is absent; returns the value now stored (so
 * VALUE itself exactly when KEY was new, if values are distinct). */
void *qc_hashmap_put_new(qc_hashmap *m, const char *key, void *value);
/* Empties M, with room for about N entries: a map reused for many small
 * sets costs no new storage. */
void qc_hashmap_reset(qc_hashmap *m, size_t n);

#endif
