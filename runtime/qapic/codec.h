/* The generic codec: decode, encode, free, copy and compare a value of any
 * type described by a qapic_type (types.h), on json-c.
 *
 * A "box" is heap memory of t->size bytes holding one value of type T: the
 * object itself for STRUCT, UNION and ALTERNATE (a NAME_Foo *), the list
 * struct for LIST, a qapic_enum_box for ENUM (the value, and the received
 * string when it is unknown), the slot for scalars (an int64_t *, a
 * char **, ...).  Boxes come from malloc and are freed with qapic_free().
 * Slots are the storage of a value inside another (types.h): their sizes
 * follow from the kind alone.

 * Ownership: every pointer inside a value is owned by that value (strings,
 * objects, list arrays, json_object references); qapic_free() releases all
 * of it.  Functions that take a value as input (encode, copy, equal) only
 * borrow it.  No function keeps a pointer to its input JSON: decoded values
 * share no memory with the json_object tree (json-c references in ANY slots
 * and _extra are taken with json_object_get()).
 *
 * No global state; every function is safe to call from several threads on
 * different values.  No input makes these functions abort.
 */
#ifndef QAPIC_CODEC_H
#define QAPIC_CODEC_H

#include <stdbool.h>
#include <stddef.h>

#include "qapic/error.h"
#include "qapic/types.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;

/* Decoding flags. */
#define QAPIC_DECODE_STRICT   0x1u  /* unknown members, enum values, union
                                       tags and alternate shapes are errors
                                       (for tests; clients decode leniently) */

/* Decodes JSON (a json-c tree, borrowed) as a value of type T into a new
 * box.  ROOT names the value in error paths ("return", "data",
 * "arguments"; NULL: "value").  On failure returns NULL with a DECODE
 * error whose path locates the problem, e.g.
 *   return[3].members[0].type: expected string, got number
 * and frees everything it had built. */
void *qapic_decode(const qapic_type *t, struct json_object *json,
                   unsigned flags, const char *root, qapic_error **err);

/* The same into an existing slot (SLOT points at t's slot storage: a T **
 * for objects, the list struct, the scalar).  On failure the slot is left
 * zeroed. */
int qapic_decode_slot(const qapic_type *t, struct json_object *json,
                      unsigned flags, const char *root, void *slot,
                      qapic_error **err);

/* Decodes TEXT (LEN bytes of JSON; strict RFC 8259) and then as above.
 * Syntax errors are DECODE errors naming the byte offset. */
void *qapic_decode_text(const qapic_type *t, const char *text, size_t len,
                        unsigned flags, const char *root, qapic_error **err);

/* Encodes the value in BOX (of type T) as a new json-c tree (the caller
 * owns the reference).  Refuses, with an ENCODE error naming the path,
 * what the schema forbids: a mandatory pointer left NULL (string, object,
 * alternate), an enum value out of range or unknown without its received
 * string, a union tag out of range, an alternate whose type selects no
 * branch and that holds no _raw, a list with n > 0 and no items. */
struct json_object *qapic_encode(const qapic_type *t, const void *box,
                                 const char *root, qapic_error **err);
/* The same from a slot. */
struct json_object *qapic_encode_slot(const qapic_type *t, const void *slot,
                                      const char *root, qapic_error **err);
/* Encodes and serializes (compact, no spaces).  The caller frees the
 * string with free(). */
char *qapic_encode_text(const qapic_type *t, const void *box,
                        qapic_error **err);

/* Frees a box and everything in it.  NULL is fine. */
void qapic_free(const qapic_type *t, void *box);
/* Frees what a slot owns and zeroes it (the slot's memory stays). */
void qapic_free_slot(const qapic_type *t, void *slot);

/* A deep copy of a box (NULL on out-of-memory, with a NOMEM error). */
void *qapic_copy(const qapic_type *t, const void *box, qapic_error **err);

/* Deep equality of two boxes: every member, presence flag, branch, the
 * kept unknown input (_extra, _raw) included.  Numbers compare by value
 * (1 equals 1.0). */
bool qapic_equal(const qapic_type *t, const void *a, const void *b);

/* Equality of two JSON values with numbers compared by value and object
 * members in any order: what "the same JSON" means for round trips. */
bool qapic_json_equal(struct json_object *a, struct json_object *b);

/* A new zeroed box of type T (calloc), or NULL. */
void *qapic_new(const qapic_type *t);

#ifdef __cplusplus
}
#endif

#endif
