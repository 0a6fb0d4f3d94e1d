/* Internals of the runtime's test support (qapic/testgen.h), shared by
 * runtime/tg_*.c; not installed.  Symbols carry the qapic_tg__ prefix. */
#ifndef QAPIC_INTERNAL_TESTGEN_H
#define QAPIC_INTERNAL_TESTGEN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "internal/runtime.h"
#include "qapic/testgen.h"
#include "qapic/testpeer.h"

struct json_object;

/* A member, value or tag no schema has, planted where the suites need
 * something unknown. */
#define QAPIC_TG__UNKNOWN_NAME "x-qapic-unknown"

/* How much of an object a sample sets. */
typedef enum tg_policy {
    TG_FULL,        /* every member (nested objects: see tg_sample.c) */
    TG_MIN,         /* the mandatory members only */
} tg_policy;

/* Member paths (rules/README.md) a sample must contain: each entry is
 * the rest of one path, components separated by '/'. */
#define TG_MAX_PATHS 16
typedef struct tg_paths {
    const char *p[TG_MAX_PATHS];
    size_t n;
} tg_paths;

/* A top-level member of an object sample, for the mutations. */
typedef struct tg_top {
    const char *name;
    uint32_t type;
    unsigned flags;         /* QAPIC_TG_* of the member */
    bool is_tag;
} tg_top;

#define TG_MAX_TOP 512

/* One sample: a box laid out by the oracle, and its JSON. */
typedef struct tg_sample {
    void *box;
    struct json_object *json;   /* NULL is JSON null */
    char label[128];
    tg_top *top;                /* the top-level members (objects), or NULL */
    size_t ntop;
} tg_sample;

/* What one sample of a type is: its variant number (the samples of a type
 * are numbered 0..qapic_tg_nsamples()-1). */
bool qapic_tg__sample(const qapic_tg_schema *s, uint32_t t, size_t variant,
                      tg_sample *out, char *why, size_t whylen);
/* A sample of type T with POLICY whose JSON contains PATHS (member paths
 * from T: members set, union branches and enum values chosen); FULL
 * unions take their first branch unless a path says otherwise. */
bool qapic_tg__sample_with(const qapic_tg_schema *s, uint32_t t,
                           tg_policy policy, const tg_paths *paths,
                           tg_sample *out, char *why, size_t whylen);
/* Frees a sample (its box by the oracle, not by the codec). */
void qapic_tg__sample_free(const qapic_tg_schema *s, uint32_t t,
                           tg_sample *sm);

/* Frees a box of type T by the oracle. */
void qapic_tg__free_box(const qapic_tg_schema *s, uint32_t t, void *box);

/* Compares two boxes of type T by the oracle: every member, presence
 * flag, branch, alternate type, kept unknown input.  On a difference
 * writes where it is ("value.channels[0].addr.host: ...") into WHY. */
bool qapic_tg__equal(const qapic_tg_schema *s, uint32_t t, const void *a,
                     const void *b, char *why, size_t whylen);

/* The slot size of type T's kind. */
size_t qapic_tg__slot_size(const qapic_tg_schema *s, uint32_t t);

/* Writes a message into M (printf style); returns false. */
bool qapic_tg__fail(qapic_tg_msg *m, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends to M's text (printf style). */
void qapic_tg__note(qapic_tg_msg *m, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* JSON V as compact text for messages, cut at MAX bytes (static storage
 * of the calling thread: SLOT 0 or 1, for two texts in one message). */
const char *qapic_tg__quote(struct json_object *v, int slot);

/* Whether member path PATH is present in JSON V (qapic/oneof.h's rules). */
bool qapic_tg__path_present(const char *path, struct json_object *v);

/* The schema (a query-qmp-schema return value) the oracle describes; a
 * new reference. */
struct json_object *qapic_tg__introspect(const qapic_tg_schema *s);
/* Removes what the last component of PATH (from the argument type of
 * command CMD) names from SCHEMA (a query-qmp-schema value, changed in
 * place): a member, a union branch or an enum value.  False when the path
 * does not resolve. */
bool qapic_tg__schema_remove(struct json_object *schema, const char *cmd,
                             const char *path);

/* A client (default options, schema check on, SCHEMA used as the server's
 * schema when non-NULL) attached to the started peer P; NULL with *ERR. */
qapic_client *qapic_tg__client(qapic_testpeer *p, struct json_object *schema,
                               qapic_error **err);

/* The JSON text of V (compact), owned by the caller (free()). */
char *qapic_tg__text(struct json_object *v);

/* The arguments of command R->command using the groups of MASK (bit G:
 * group G): the mandatory members and those groups' paths (a box, and
 * its encoding in *ENC); checks that they are all there and that no other
 * group is. */
bool qapic_tg__oneof_args(const qapic_tg_schema *s, const qapic_tg_oneof *r,
                          unsigned mask, tg_sample *out,
                          struct json_object **enc, qapic_tg_msg *m);
/* The combinations a one-of test makes (two groups, none, each one) into
 * MASKS, and whether each is to be refused; their number (at most 20). */
size_t qapic_tg__oneof_masks(const qapic_tg_oneof *r, unsigned *masks,
                             bool *refused);
/* "[uri] and [channels]", "no group", "[uri]" for MASK. */
void qapic_tg__mask_text(const qapic_tg_oneof *r, unsigned mask, char *buf,
                         size_t size);

/* The oracle environment's parts the live suite needs. */
const qapic_tg_schema *qapic_tg__env_schema(const qapic_tg_env *e);

#endif
