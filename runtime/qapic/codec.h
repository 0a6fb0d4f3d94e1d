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
 * borrow it.
 *
 * Shared JSON: the json-c values held by ANY slots, by the members of
 * _extra and by alternates' _raw are references (json_object_get()), not
 * copies.  A decoded value shares them with its input tree, a copy with
 * its source, an encoded tree with the value it came from; everything
 * else (strings, objects, lists, lists' _raw, each _extra object itself)
 * is owned by one value alone.  So treat those json-c values as immutable,
 * and since json-c's reference counts are not atomic (unless json-c was
 * built with threading support), values that share them must not be
 * freed, copied, encoded or decoded from concurrently in several threads.
 * (Decoding only reads its input tree, but an error message that quotes a
 * number serializes it, and json-c caches that text in the object.)
 *
 * JSON null is NULL in json-c: where a value may be null (the null type,
 * an ANY slot, an alternate's null branch), a NULL result of
 * qapic_encode() is success when *ERR stays NULL; pass ERR to tell.
 *
 * No global state; functions are safe to call from several threads on
 * values that share nothing.  No input makes these functions abort.
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
 * zeroed.  An enum slot is an int: an unknown value decodes (leniently)
 * to QAPIC_ENUM_UNKNOWN without its string, so decode top-level enums
 * into a box to keep it. */
int qapic_decode_slot(const qapic_type *t, struct json_object *json,
                      unsigned flags, const char *root, void *slot,
                      qapic_error **err);

/* Decodes TEXT (LEN bytes of JSON; strict RFC 8259) and then as above.
 * Syntax errors are DECODE errors naming the byte offset
 * ("return: invalid JSON at byte 17: unexpected character"). */
void *qapic_decode_text(const qapic_type *t, const char *text, size_t len,
                        unsigned flags, const char *root, qapic_error **err);

/* Parses LEN bytes of TEXT as one strict RFC 8259 JSON value (nothing but
 * whitespace around it, nesting up to 1024) into *OUT (a new reference;
 * NULL for null).  Unlike json-c's tokener it refuses NaN, Infinity,
 * control characters and invalid UTF-8 in strings, '\u' escapes of lone
 * surrogates (json-c makes them U+FFFD; QEMU refuses them), and member
 * names with an escaped NUL; integer literals beyond the int64/uint64 range become
 * doubles (json-c would clamp them), as in QEMU.  The integer checks of
 * qapic_decode are only exact on trees parsed so.  0, or -1 with a DECODE
 * error ("invalid JSON at byte 17: ..."). */
int qapic_json_parse(const char *text, size_t len, struct json_object **out,
                     qapic_error **err);

/* Encodes the value in BOX (of type T) as a new json-c tree (the caller
 * owns the reference).  Refuses, with an ENCODE error naming the path,
 * what the schema forbids: a mandatory pointer left NULL (string, object,
 * alternate), an enum value out of range or unknown without its received
 * string, a union tag out of range, an alternate whose type selects no
 * branch and that holds no _raw (but QAPIC_JSON_NULL encodes null), a
 * list with n > 0 and no items, a non-finite number, a string that is not
 * UTF-8, an _extra member that is also set as a known member. */
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
