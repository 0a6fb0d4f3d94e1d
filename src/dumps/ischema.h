/* An introspected QMP schema: the return value of query-qmp-schema (an
 * array of SchemaInfo objects), indexed by name.  Schema queries, the
 * validator and the compatibility rules read it; dumps/load.h makes one
 * from a capability dump, introspection JSON or a source schema. */
#ifndef QC_ISCHEMA_H
#define QC_ISCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "syntax/value.h"

typedef struct qc_ischema qc_ischema;

/* Indexes ARRAY (entries that are objects with a string "name"; others
 * are skipped -- the soundness check reports them).  ARRAY must outlive the
 * index. */
qc_ischema *qc_ischema_new(qc_arena *a, const qc_value *array);

const qc_value *qc_ischema_lookup(const qc_ischema *s, const char *name);
size_t qc_ischema_size(const qc_ischema *s);
const qc_value *qc_ischema_entry(const qc_ischema *s, size_t i);
const qc_value *qc_ischema_array(const qc_ischema *s);

/* A hash of the C string S (names compare as C strings, up to a NUL),
 * eight bytes at a time: the indexes of names (this one, the soundness
 * check's) hash every name of a schema. */
static inline uint32_t qc_name_hash(const char *s)
{
    const uint64_t mul = 0x9E3779B97F4A7C15ull;
    size_t n = strlen(s), i = 0;
    uint64_t h = n * mul, w = 0;
    for (; i + 8 < n; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * mul;
        h ^= h >> 29;
    }
    if (n >= 8) {
        memcpy(&w, s + n - 8, 8);       /* the last eight, overlapping */
    } else {
        for (w = 0; i < n; i++)
            w |= (uint64_t)(unsigned char)s[i] << (8 * i);
    }
    h = (h ^ w) * mul;
    return (uint32_t)(h ^ h >> 32);
}

/* True when V (an entry, member or enum value) lists feature FEAT. */
bool qc_ischema_has_feature(const qc_value *v, const char *feat);

#endif
