/* Test support of libqapic-runtime for the suites `qapic gen tests` writes.
 *
 * The generated suites are tables plus a little Check glue; the logic is
 * here, once.  The tables are an *oracle*: the schema as the test
 * generator sees it, with the C layout taken from the bindings' header by
 * the compiler (offsetof, sizeof, the enum constants), independent of the
 * descriptor tables of the bindings (types.h), which are what is tested.
 * So a fault in the generated descriptors (two enum strings swapped, a
 * member dropped, a presence flag lost) shows as a disagreement with the
 * oracle, and a fault in the codec as a value that does not come back.
 *
 * From the oracle the sample builder makes values valid by construction,
 * each twice: as a C value laid out as the header says (written at the
 * oracle's offsets, never through the descriptors) and as the JSON the
 * schema prescribes for it.  The checks then run them through the codec:
 * encode the C value and compare with the JSON; decode the JSON, leniently
 * and strictly, and compare with the C value (an equality walked over the
 * oracle); copy; free.  Mutations of the JSON (a missing mandatory member,
 * a wrong JSON type, an integer out of range, an unknown member or enum
 * value) must fail to decode with an error naming the JSON path, and
 * every failed decode must give back what it allocated (checked by heap
 * accounting where the C library offers it, and by ASan or valgrind).
 *
 * Functions that check something return true when it holds, or false
 * with a message in *MSG naming the type, command or record, the sample
 * and what differed.  They never abort; Check's assertions stay in the
 * generated glue.  No global state.
 *
 * Live mode: qapic_tg_live_start() runs a QEMU (the binary named by
 * $QAPIC_TEST_QEMU, see QAPIC_TG_QEMU_ENV) privately: `-M none -nodefaults
 * -display none -accel tcg`, its QMP socket in a fresh directory of its
 * own, in a process group of its own with PR_SET_PDEATHSIG (it dies with
 * the test program), always reaped and its directory removed by
 * qapic_tg_live_stop().
 */
#ifndef QAPIC_TESTGEN_H
#define QAPIC_TESTGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qapic/client.h"
#include "qapic/codec.h"
#include "qapic/error.h"
#include "qapic/oneof.h"
#include "qapic/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the oracle ----------------------------------------------------------- */

/* No type (an index into qapic_tg_schema.types). */
#define QAPIC_TG_NONE UINT32_MAX

/* Flags of an oracle member. */
#define QAPIC_TG_OPTIONAL   0x1u    /* optional in the schema */
#define QAPIC_TG_FLAGGED    0x2u    /* mandatory with a presence flag: a
                                       conditional member of bindings made
                                       for every build (may be absent) */

typedef struct qapic_tg_member {
    const char *name;           /* JSON name */
    uint32_t type;              /* index of its type */
    uint32_t offset;            /* offsetof the field in the header */
    uint32_t has_offset;        /* offsetof has_NAME, or QAPIC_NO_OFFSET */
    unsigned flags;             /* QAPIC_TG_* */
} qapic_tg_member;

/* An alternate's branch. */
typedef struct qapic_tg_alt {
    const char *name;
    qapic_json_type json_type;  /* what selects it */
    uint32_t type;
    uint32_t offset;            /* offsetof(T, u.NAME) */
} qapic_tg_alt;

typedef struct qapic_tg_type {
    const char *name;           /* QAPI name, e.g. "MigrationInfoList" */
    qapic_kind kind;
    const qapic_type *desc;     /* the bindings' descriptor, under test */
    uint32_t size;              /* sizeof the box (types.h), by the header */
    /* STRUCT, UNION: the flat member list, base members first. */
    const qapic_tg_member *members;
    size_t nmembers;
    uint32_t extra_offset;      /* offsetof(T, _extra) */
    size_t tag;                 /* UNION: index of the tag member */
    uint32_t variant_offset;    /* UNION: offsetof(T, u) */
    const uint32_t *branches;   /* UNION: per value of the tag enum, the
                                   branch type or QAPIC_TG_NONE */
    /* ALTERNATE */
    const qapic_tg_alt *alts;
    size_t nalts;
    uint32_t type_offset;       /* offsetof(T, type) */
    uint32_t raw_offset;        /* offsetof(T, _raw) */
    /* ENUM: the JSON strings and the C constants, in order. */
    const char *const *values;
    const int *consts;
    size_t nvalues;
    /* LIST */
    uint32_t element;
} qapic_tg_type;

/* Calls a command's typed stub (generated: one small function per
 * command, so that every stub is called through its exact type).  ARGS is
 * a box of the argument type or NULL; *RET gets the returned box (NULL
 * without a return type). */
typedef int qapic_tg_call_fn(qapic_client *c, const void *args, void **ret,
                             qapic_error **err);
/* The same through its _opts stub with per-call options OPTS. */
typedef int qapic_tg_call_opts_fn(qapic_client *c, const void *args,
                                  const qapic_call_opts *opts, void **ret,
                                  qapic_error **err);
/* The same for the command's asynchronous stub. */
typedef uint64_t qapic_tg_call_async_fn(qapic_client *c, const void *args,
                                        qapic_call_fn done, void *opaque,
                                        qapic_error **err);
/* Registers the generated typed handler of an event, which calls
 * qapic_tg_event_seen() with OPAQUE. */
typedef uint64_t qapic_tg_on_fn(qapic_client *c, void *opaque,
                                qapic_error **err);

/* Flags of an oracle command. */
#define QAPIC_TG_LIVE_QUERY         0x1u    /* run in live mode (see
                                               doc: a query- command that
                                               needs no argument) */
#define QAPIC_TG_NO_SUCCESS_RESPONSE 0x2u   /* gets no reply */

typedef struct qapic_tg_command {
    const char *name;
    const qapic_command *desc;
    uint32_t args;              /* argument type, or QAPIC_TG_NONE */
    uint32_t ret;               /* return type, or QAPIC_TG_NONE */
    unsigned flags;
    qapic_tg_call_fn *call;
    qapic_tg_call_async_fn *call_async;
    qapic_tg_call_opts_fn *call_opts;
} qapic_tg_command;

typedef struct qapic_tg_event {
    const char *name;
    const qapic_event *desc;
    uint32_t data;              /* data type, or QAPIC_TG_NONE */
    qapic_tg_on_fn *on;
} qapic_tg_event;

/* The whole oracle of one set of bindings. */
typedef struct qapic_tg_schema {
    const char *prefix;
    const qapic_schema *bindings;
    const qapic_tg_type *types;
    size_t ntypes;
    const qapic_tg_command *commands;   /* sorted by name */
    size_t ncommands;
    const qapic_tg_event *events;       /* sorted by name */
    size_t nevents;
} qapic_tg_schema;

/* ---- rules and recordings (tables of the rule and replay suites) ------ */

/* A one-of constraint of a rule file, for command COMMAND. */
typedef struct qapic_tg_oneof {
    const char *rule;           /* the rule's id */
    uint32_t command;           /* index into the commands */
    qapic_oneof groups;
} qapic_tg_oneof;

/* An argument a rule needs from version VERSION on (its min-version). */
typedef struct qapic_tg_minversion {
    const char *rule;
    uint32_t command;
    const char *path;           /* a member path (rules/README.md) */
    const char *version;
} qapic_tg_minversion;

/* One command recorded in a capability dump, with its reply. */
typedef struct qapic_tg_record {
    uint32_t command;           /* index into the commands */
    const char *request;        /* the command as JSON text, without id */
    const char *reply;          /* {"return": ...} or {"error": ...} */
    uint32_t line;              /* where the command is in the dump */
} qapic_tg_record;

/* A capability dump: its records, and its query-qmp-schema return (JSON
 * text, or NULL), served as the schema of the replayed QEMU. */
typedef struct qapic_tg_dump {
    const char *name;
    const char *schema;
    const qapic_tg_record *records;
    size_t nrecords;
} qapic_tg_dump;

/* ---- results ---------------------------------------------------------- */

typedef struct qapic_tg_msg {
    char text[4096];
} qapic_tg_msg;

/* ---- types: samples, round trips, negatives ------------------------------ */

/* Checks the descriptor of type I against the oracle (name, kind, size,
 * members, offsets, presence flags, branches, enum strings and
 * constants), then every sample of it: encode, decode leniently and
 * strictly, copy, free, with no heap left over. */
bool qapic_tg_check_type(const qapic_tg_schema *s, size_t i,
                         qapic_tg_msg *msg);
/* The mutations of type I's samples, each of which must fail to decode
 * (strictly, or in both modes) with an error naming its JSON path, and
 * free what it built; the unknown ones must decode leniently and encode
 * back to the same JSON. */
bool qapic_tg_check_negatives(const qapic_tg_schema *s, size_t i,
                              qapic_tg_msg *msg);
/* The number of samples type I has (for reports). */
size_t qapic_tg_nsamples(const qapic_tg_schema *s, size_t i);

/* The oracle index of the type, command or event NAME, or QAPIC_TG_NONE. */
uint32_t qapic_tg_type_index(const qapic_tg_schema *s, const char *name);
uint32_t qapic_tg_command_index(const qapic_tg_schema *s, const char *name);

/* ---- an environment for the suites that talk QMP ----------------------- */

typedef struct qapic_tg_env qapic_tg_env;

/* What the peer-based suites share: the schema as a query-qmp-schema
 * reply built from the oracle (so that typed calls are checked against
 * it), and the parsed schemas of DUMPS (NDUMPS may be 0).  Build it once,
 * in Check's unchecked fixture, so that forked tests share it.  NULL only
 * when out of memory. */
qapic_tg_env *qapic_tg_env_new(const qapic_tg_schema *s,
                               const qapic_tg_dump *dumps, size_t ndumps);
void qapic_tg_env_free(qapic_tg_env *e);
/* The query-qmp-schema return value the oracle describes (borrowed). */
struct json_object *qapic_tg_env_introspection(const qapic_tg_env *e);

/* ---- commands, events, replay, rules ------------------------------------ */

/* Command I's stubs against the test peer: the blocking one, the _opts
 * one with strict decoding and the asynchronous one (driven through
 * qapic_client_process()).  Each request must be the sample arguments'
 * JSON exactly; the sample return decodes typed, and the _opts stub must
 * refuse a return with a member the schema lacks (where the return is an
 * object or a list of them). */
bool qapic_tg_check_command(const qapic_tg_env *e, size_t i,
                            qapic_tg_msg *msg);
/* Event I sent by the test peer with sample data: decoded and delivered
 * to its typed handler once, with data equal to the sample. */
bool qapic_tg_check_event(const qapic_tg_env *e, size_t i,
                          qapic_tg_msg *msg);
/* What the generated event handlers call. */
void qapic_tg_event_seen(const qapic_event_msg *ev, const void *data,
                         void *opaque);

/* Record K (counted over all the environment's dumps, in order)
 * re-issued through its typed stub: the arguments decoded from the
 * recording, the request sent equal to the recorded one, the recorded
 * reply (served by the peer) decoded typed and strictly, and encoding back
 * to the recorded return (or the recorded error). */
bool qapic_tg_check_record(const qapic_tg_env *e, size_t k,
                           qapic_tg_msg *msg);

/* A one-of constraint against the client-side check (qapic_oneof_check):
 * arguments with two groups and with none refused, with each single group
 * accepted. */
bool qapic_tg_check_oneof(const qapic_tg_env *e, const qapic_tg_oneof *r,
                          qapic_tg_msg *msg);
/* An argument with a min-version: the stub refuses a call using it
 * against the oracle's schema without it (nothing is sent), and sends the
 * same call against the whole schema. */
bool qapic_tg_check_minversion(const qapic_tg_env *e,
                               const qapic_tg_minversion *r,
                               qapic_tg_msg *msg);

/* ---- live mode ------------------------------------------------------------- */

/* The environment variable naming the QEMU binary of live mode, and the
 * one giving extra arguments (split at spaces). */
#define QAPIC_TG_QEMU_ENV       "QAPIC_TEST_QEMU"
#define QAPIC_TG_QEMU_ARGS_ENV  "QAPIC_TEST_QEMU_ARGS"

typedef struct qapic_tg_live qapic_tg_live;

/* Starts a QEMU privately with EXTRA arguments (NULL-ended, or NULL) and
 * fetches its schema.  Returns NULL with *MSG when live mode is off
 * ($QAPIC_TEST_QEMU unset: MSG says so) or the QEMU did not come up. */
qapic_tg_live *qapic_tg_live_start(const qapic_tg_env *e,
                                   const char *const *extra,
                                   qapic_tg_msg *msg);
/* Ends the QEMU (quit, then SIGKILL to its group), reaps it, removes its
 * directory, frees L.  NULL is fine. */
void qapic_tg_live_stop(qapic_tg_live *l);
/* Whether live mode is on (the variable is set and names an executable);
 * else *MSG says why not. */
bool qapic_tg_live_enabled(qapic_tg_msg *msg);

/* The number of commands flagged QAPIC_TG_LIVE_QUERY. */
size_t qapic_tg_nlive_queries(const qapic_tg_schema *s);
/* The K-th live query against the live QEMU: its reply decodes strictly
 * through the _opts stub (a member the schema lacks fails), then through
 * the plain stub.  A command this QEMU lacks, or one it answers with an
 * error, passes with a note in *MSG. */
bool qapic_tg_check_live_query(qapic_tg_live *l, size_t k, qapic_tg_msg *msg);
/* A one-of constraint against the live QEMU, which must refuse two groups
 * and none, answer each single group otherwise than it refused those, and
 * agree with the client-side check.  On success *MSG notes what QEMU
 * answered each call. */
bool qapic_tg_check_live_oneof(qapic_tg_live *l, const qapic_tg_oneof *r,
                               qapic_tg_msg *msg);

/* ---- skeletons: user-written tests on sample calls ------------------------ */

typedef struct qapic_tg_user {
    qapic_client *client;       /* connected to a scripted peer */
    void *args;                 /* sample arguments (a box), or NULL */
    const qapic_tg_command *command;
    struct qapic_testpeer *peer;
    void *priv;
} qapic_tg_user;

/* Scripts a test peer to expect COMMAND with REQUEST and answer REPLY
 * (JSON texts; NULL: the sample arguments and a sample return) and
 * connects a client to it, checked against the environment's schema;
 * U->args gets the sample arguments.  False with *MSG on failure. */
bool qapic_tg_user_begin(qapic_tg_user *u, const qapic_tg_env *e,
                         const char *command, const char *request,
                         const char *reply, qapic_tg_msg *msg);
/* Checks that the peer's script ran as written, frees everything. */
bool qapic_tg_user_end(qapic_tg_user *u, qapic_tg_msg *msg);

#ifdef __cplusplus
}
#endif

#endif
