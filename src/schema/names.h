/* The schema's table of names: entity by name, in 8 bytes a slot.
 *
 * A slot holds a name's hash and its entity's index in the entity list
 * (qc_entity.index), not the name: the name is the entity's, compared
 * through the list, which every call is given (it moves while the
 * builder grows it).  A schema of a million definitions has a table of
 * about 11 MB, where a general map of (key, value, hash) slots took 40.
 *
 * The builder drops the entities of a definition that failed and
 * truncates the list, so their indexes are reused: their names are
 * removed from the table first (qc_names_remove), and a name removed is
 * absent, as a name mapped to no entity was. */
#ifndef QC_NAMES_H
#define QC_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

typedef struct qc_entity qc_entity;
typedef struct qc_names qc_names;

/* A table for about N names (it grows past them). */
qc_names *qc_names_new(qc_arena *a, size_t n);
/* The entity named NAME, or NULL (also for a NULL table or name). */
qc_entity *qc_names_get(const qc_names *t, qc_entity *const *ents,
                        const char *name);
/* Enters E (ENTS[E->index] is E) under its name unless the name is in
 * the table: returns the entity now there, E exactly when it was new. */
qc_entity *qc_names_put_new(qc_names *t, qc_entity *const *ents,
                            qc_entity *e);
/* Removes E's name if it names E; true when it did. */
bool qc_names_remove(qc_names *t, qc_entity *const *ents,
                     const qc_entity *e);

#endif
