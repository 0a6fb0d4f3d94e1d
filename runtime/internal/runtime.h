/* Internals shared by the files of libqapic-runtime; not installed.
 *
 * Symbols here carry the qapic_rt_ prefix: external (the runtime is
 * several files) but not part of the API. */
#ifndef QAPIC_INTERNAL_RUNTIME_H
#define QAPIC_INTERNAL_RUNTIME_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qapic/codec.h"
#include "qapic/error.h"
#include "qapic/types.h"

struct json_object;

/* The JSON path of a value being decoded or encoded, as a chain of stack
 * frames from the value up to the root: building it costs nothing unless
 * an error is reported. */
typedef struct qapic_rt_path {
    const struct qapic_rt_path *up;     /* NULL at the root */
    const char *name;       /* member name; the root's name at the root;
                               NULL for an array index */
    size_t index;
} qapic_rt_path;

#define QAPIC_RT_ROOT(root) { NULL, (root) ? (root) : "value", 0 }

/* Stores a new error of KIND whose path is P and whose message is
 * "PATH: " followed by the formatted text.  Returns -1. */
int qapic_rt_path_error(qapic_error **err, qapic_error_kind kind,
                        const qapic_rt_path *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Stores a NOMEM error.  Returns -1. */
int qapic_rt_nomem(qapic_error **err);

/* strdup, which C11 lacks: a copy of S from malloc, or NULL (also for a
 * NULL S). */
static inline char *qapic_rt_strdup(const char *s)
{
    size_t n = s ? strlen(s) + 1 : 0;
    char *d = s ? malloc(n) : NULL;

    return d ? memcpy(d, s, n) : NULL;
}

/* A string from malloc formatted as printf does, or NULL. */
char *qapic_rt_vprintf(const char *fmt, va_list ap);
char *qapic_rt_printf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Whether decoding fails without member M: a mandatory member, unless it
 * has a presence flag anyway (a conditional member of bindings generated
 * for every build, absent from the replies of builds without it). */
static inline bool qapic_rt_required(const qapic_member *m)
{
    return !(m->flags & QAPIC_MEMBER_OPTIONAL) &&
           m->has_offset == QAPIC_NO_OFFSET;
}

/* Whether K is one of the integer kinds (INT ... SIZE). */
static inline bool qapic_rt_is_integer(qapic_kind k)
{
    return k >= QAPIC_KIND_INT && k <= QAPIC_KIND_SIZE;
}

/* The storage size of a slot of kind K (types.h). */
size_t qapic_rt_slot_size(qapic_kind k);

/* "string", "number", ... for messages. */
const char *qapic_rt_json_type_name(struct json_object *j);

/* Checks LEN bytes of S: 0 when valid UTF-8 without NUL bytes, 1 when it
 * holds a NUL byte, 2 when it is not UTF-8. */
int qapic_rt_check_utf8(const char *s, size_t len);

/* The same, inline for the common case: short ASCII strings (member and
 * type names), where a call would cost more than the check. */
static inline int qapic_rt_check_string(const char *s, size_t len)
{
    size_t i = 0;

    /* Eight bytes at a time: no high bit, no zero byte. */
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, sizeof w);
        if ((w | ((w - 0x0101010101010101u) & ~w)) & 0x8080808080808080u)
            return qapic_rt_check_utf8(s + i, len - i);
    }
    for (; i < len; i++)
        if ((unsigned char)(s[i] - 1) >= 0x7f)
            return qapic_rt_check_utf8(s + i, len - i);
    return 0;
}

/* The active branch of a union object: the type of its branch and where
 * the branch's members live, or NULL when the tag is unknown, out of range
 * or selects no branch.  T is a STRUCT or UNION type; for a STRUCT the
 * answer is NULL. */
const qapic_type *qapic_rt_branch(const qapic_type *t, const void *obj,
                                  const void **branch_obj);

/* The number of values of a union's tag enum (and of its branches). */
size_t qapic_rt_nbranches(const qapic_type *t);

/* An alternate's branch for JSON type JT, or NULL. */
const qapic_alt_branch *qapic_rt_alt_branch(const qapic_type *t,
                                            qapic_json_type jt);

/* The size of a box of T (codec.h). */
size_t qapic_rt_box_size(const qapic_type *t);

/* Frees what the object OBJ of type T (STRUCT or UNION) owns, the active
 * branch included; the memory of OBJ itself stays (and is not zeroed). */
void qapic_rt_free_object(const qapic_type *t, void *obj);

/* Parses LEN bytes of TEXT as strict RFC 8259 JSON (codec.h's
 * qapic_json_parse); errors name ROOT as their path when it is non-NULL. */
int qapic_rt_json_parse(const char *text, size_t len, const char *root,
                        struct json_object **out, qapic_error **err);

/* Whether the N decimal DIGITS (no sign, no leading zeros) of an integer
 * literal, negative when NEGATIVE, are beyond int64/uint64. */
bool qapic_rt_beyond_64_bits(const char *digits, size_t n, bool negative);

/* A union nested in unions cannot be deeper than this (a schema cannot
 * nest by value without bound; the limit guards against a broken
 * descriptor). */
#define QAPIC_RT_MAX_NESTING 32

#endif
