/* Client-side checks of call constraints: "give exactly one of these groups
 * of arguments", as a client's rule file states them (`one-of` in
 * rules/README.md: `one-of: [[uri], [channels]]` for migrate).
 *
 * The schema cannot say that two optional arguments exclude each other;
 * QEMU checks it in its handler, after the call was sent.  A client that
 * knows the constraint can refuse such a call before sending it.
 * qapic_oneof_check() decides as `qapic compat --calls` does for recorded
 * calls: a group is used when any of its paths is present in the
 * arguments, and a call must use exactly one group, all of it.  Paths are
 * member names joined by '/', looked up through objects and arrays;
 * `+branch` components are passed over (telling a branch needs the
 * schema), `^value` matches a string equal to VALUE. */
#ifndef QAPIC_ONEOF_H
#define QAPIC_ONEOF_H

#include <stddef.h>

#include "qapic/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;

typedef struct qapic_oneof_group {
    const char *const *paths;   /* e.g. { "channels" } */
    size_t n;
} qapic_oneof_group;

typedef struct qapic_oneof {
    const char *command;        /* "migrate" */
    const qapic_oneof_group *groups;
    size_t n;
} qapic_oneof;

/* 0 when ARGS (the arguments as JSON, an object or NULL for none; borrowed)
 * use exactly one group of C and all of it; else -1 with an ENCODE error
 * (path "arguments") such as "arguments of 'migrate' give both uri and
 * channels; give exactly one". */
int qapic_oneof_check(const qapic_oneof *c, struct json_object *args,
                      qapic_error **err);

#ifdef __cplusplus
}
#endif

#endif
