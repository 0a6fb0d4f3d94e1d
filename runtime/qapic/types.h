/* Descriptors of generated QAPI bindings, and the C layout they describe.
 *
 * `qapic gen c` writes C types for a schema plus constant tables of the
 * descriptors below; every algorithm (decode, encode, free, copy, equal,
 * checks against a connected QEMU) lives once in libqapic-runtime and is
 * driven by these tables (protobuf-c's design).  This header is the
 * contract between the generator (gen/) and the runtime; doc/bindings.md
 * explains it with examples.
 *
 * C storage of a value ("slot") by kind:
 *   STR              char *            (owned, NUL-terminated UTF-8)
 *   NUMBER           double (a JSON integer beyond 2^53 gets rounded)
 *   INT, INT64       int64_t           INT8 int8_t, INT16 int16_t, INT32 int32_t
 *   UINT8..UINT64    uint8_t..uint64_t SIZE uint64_t
 *   BOOL             bool
 *   ANY              struct json_object *  (one owned reference; NULL is
 *                                           JSON null, as in json-c)
 *   NULL             bool              (placeholder, always true)
 *   ENUM             the generated C enum (int-sized; generated code
 *                    asserts sizeof == sizeof(int)); QAPIC_ENUM_UNKNOWN (-1)
 *                    for a value the bindings do not know
 *   STRUCT, UNION,
 *   ALTERNATE        pointer to the object (T *), owned
 *   LIST             the list struct by value (qapic_list layout below)
 *
 * Objects (STRUCT and UNION; QEMU's flat member list, base members first,
 * inline):
 *     struct NAME_Foo {
 *         bool has_opt;             one presence flag per optional member,
 *         T opt;                    placed right before it
 *         T mandatory;
 *         ...                       union: the tag is one of the members,
 *         union { NAME_Br1 br1; ... } u;   branch objects embedded by value
 *         struct json_object *_extra;      private: see "Unknown input"
 *     };
 *
 * Alternates:
 *     struct NAME_Alt {
 *         qapic_json_type type;     which branch (its JSON type), or
 *                                   QAPIC_JSON_NONE for an unknown shape
 *         union { T1 b1; T2 b2; } u;   branch slots (pointers for objects)
 *         struct json_object *_raw;   private: unknown shape, as received
 *     };
 *
 * Lists (every list type, including builtin ones, has this layout):
 *     struct NAME_FooList { T *items; size_t n; char **_raw; };
 *   items[i] is a slot of the element type (a pointer for objects).
 *   _raw is NULL unless the element type is an enum and some element was
 *   an unknown value: then _raw[i] is the received string (NULL for known
 *   elements).
 *
 * Unknown input (lenient decoding keeps everything it does not know, so
 * that re-encoding gives back the JSON it came from):
 *   - members an object's type does not declare go to its _extra (a JSON
 *     object, NULL when there were none) and are encoded again after the
 *     known members;
 *   - an enum member whose value is unknown is stored as
 *     QAPIC_ENUM_UNKNOWN and its received member goes to the enclosing
 *     object's _extra (encoding takes it from there);
 *   - a union whose tag value is unknown: tag QAPIC_ENUM_UNKNOWN, u unused,
 *     every member outside the base in _extra;
 *   - an alternate whose JSON type selects no branch: type
 *     QAPIC_JSON_NONE and the value in _raw (a null, which json-c holds as
 *     NULL: type QAPIC_JSON_NULL and _raw NULL); one whose JSON type selects an
 *     enum branch but with an unknown value: that branch, the enum slot
 *     QAPIC_ENUM_UNKNOWN, and the received string in _raw.  A value that
 *     selects a branch but does not fit it (an object missing a mandatory
 *     member, 1.5 for an int branch) is an error, as in QEMU;
 *   - in a union whose branch is itself a union, all levels are one JSON
 *     object: what none of them knows goes to the outermost _extra (the
 *     _extra of embedded branch objects stays NULL when decoding; encoding
 *     emits every level's _extra).
 *   Strict decoding (for tests) makes each of these an error instead.
 *   Names starting with '_' cannot be produced from QAPI names by c_name,
 *   so the private fields never clash with members.
 *
 * Every descriptor is a compile-time constant; nothing here is mutable.
 */
#ifndef QAPIC_TYPES_H
#define QAPIC_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;

/* ---- conditions: a definition's 'if', kept as data ------------------------ */

typedef enum qapic_cond_kind {
    QAPIC_COND_NAME,        /* defined(name) */
    QAPIC_COND_ALL,         /* all of args */
    QAPIC_COND_ANY,         /* any of args */
    QAPIC_COND_NOT,         /* !args[0] */
} qapic_cond_kind;

typedef struct qapic_cond {
    qapic_cond_kind kind;
    const char *name;                       /* QAPIC_COND_NAME */
    const struct qapic_cond *const *args;   /* the others */
    size_t nargs;
    /* The C preprocessor form, e.g. "defined(CONFIG_KVM) &&
     * !defined(TARGET_S390X)" (QEMU's cgen_ifcond), for messages and docs. */
    const char *text;
} qapic_cond;

/* ---- features --------------------------------------------------------- */

/* The special features, as bits in the flags fields below.  A bit is set
 * when the feature is present, whatever its condition. */
#define QAPIC_FEATURE_DEPRECATED   0x1u
#define QAPIC_FEATURE_UNSTABLE     0x2u

typedef struct qapic_feature {
    const char *name;
    const qapic_cond *cond;     /* NULL: unconditional */
} qapic_feature;

/* ---- type descriptors ------------------------------------------------------- */

typedef enum qapic_kind {
    QAPIC_KIND_STR,
    QAPIC_KIND_NUMBER,
    QAPIC_KIND_INT,
    QAPIC_KIND_INT8,
    QAPIC_KIND_INT16,
    QAPIC_KIND_INT32,
    QAPIC_KIND_INT64,
    QAPIC_KIND_UINT8,
    QAPIC_KIND_UINT16,
    QAPIC_KIND_UINT32,
    QAPIC_KIND_UINT64,
    QAPIC_KIND_SIZE,
    QAPIC_KIND_BOOL,
    QAPIC_KIND_ANY,
    QAPIC_KIND_NULL,
    QAPIC_KIND_ENUM,
    QAPIC_KIND_STRUCT,
    QAPIC_KIND_UNION,
    QAPIC_KIND_ALTERNATE,
    QAPIC_KIND_LIST,
} qapic_kind;

/* The JSON type that selects an alternate's branch (QEMU's QType). */
typedef enum qapic_json_type {
    QAPIC_JSON_NONE = 0,        /* unset, or a shape no branch takes */
    QAPIC_JSON_NULL,
    QAPIC_JSON_BOOL,
    QAPIC_JSON_NUMBER,          /* int or double */
    QAPIC_JSON_STRING,
    QAPIC_JSON_OBJECT,
    QAPIC_JSON_ARRAY,
} qapic_json_type;

/* The value of an enum slot that holds a value the bindings do not know. */
#define QAPIC_ENUM_UNKNOWN (-1)

/* Marks an absent offset (a mandatory member has no presence flag). */
#define QAPIC_NO_OFFSET UINT32_MAX

typedef struct qapic_type qapic_type;

/* Flags of a member (qapic_member.flags); the feature bits above also. */
#define QAPIC_MEMBER_OPTIONAL      0x100u

typedef struct qapic_member {
    const char *name;           /* JSON name */
    const qapic_type *type;
    uint32_t offset;            /* of the slot in the object */
    uint32_t has_offset;        /* of the bool presence flag, or
                                   QAPIC_NO_OFFSET when mandatory.  A
                                   mandatory member with an 'if' has one
                                   too in bindings made for every build
                                   (its absence is then no error) */
    uint32_t flags;             /* QAPIC_MEMBER_*, QAPIC_FEATURE_* */
    const qapic_cond *cond;
    const qapic_feature *features;
    size_t nfeatures;
    const char *doc;            /* the member's description, or NULL */
} qapic_member;

typedef struct qapic_enum_value {
    const char *name;           /* the JSON string */
    uint32_t flags;             /* QAPIC_FEATURE_* */
    const qapic_cond *cond;
    const qapic_feature *features;
    size_t nfeatures;
} qapic_enum_value;

/* A union branch: members of TYPE (an object type) are stored in the
 * union's object at variant_offset.  TYPE is NULL for a tag value without
 * a branch (QEMU's implicit empty object). */
typedef struct qapic_branch {
    const qapic_type *type;
    const qapic_cond *cond;
} qapic_branch;

typedef struct qapic_alt_branch {
    const char *name;           /* the branch's name in the schema */
    const qapic_type *type;     /* a scalar, enum, object or null type */
    qapic_json_type json_type;  /* what selects it */
    uint32_t offset;            /* of its slot in the alternate object */
    const qapic_cond *cond;
} qapic_alt_branch;

struct qapic_type {
    const char *name;           /* QAPI name: "MigrationInfo", "int",
                                   "MigrationInfoList" (QEMU's array name) */
    qapic_kind kind;
    /* Size of the value box (codec.h): sizeof(struct NAME_Foo) for STRUCT,
     * UNION and ALTERNATE, sizeof(qapic_list) for LIST,
     * sizeof(qapic_enum_box) for ENUM, the slot's size for scalars. */
    uint32_t size;
    uint32_t flags;             /* QAPIC_FEATURE_* */
    const qapic_cond *cond;     /* NULL: unconditional */
    const qapic_feature *features;
    size_t nfeatures;
    const char *doc;            /* the definition's doc text, or NULL */
    union {
        struct {                /* ENUM */
            const qapic_enum_value *values;
            size_t n;
        } enumeration;
        struct {                /* STRUCT and UNION */
            const qapic_member *members;  /* flat: base members first */
            size_t n;
            uint32_t extra_offset;        /* of _extra */
            /* UNION only (0 / NULL otherwise): */
            size_t tag_index;             /* the tag among members */
            uint32_t variant_offset;      /* of u */
            const qapic_branch *branches; /* indexed by tag value; as many
                                             as the tag enum has values */
        } object;
        struct {                /* ALTERNATE */
            const qapic_alt_branch *branches;
            size_t n;
            uint32_t type_offset;         /* of the qapic_json_type tag */
            uint32_t raw_offset;          /* of _raw */
        } alternate;
        struct {                /* LIST */
            const qapic_type *element;
        } list;
    } u;
};

/* Generic list layout: every generated list struct has it. */
typedef struct qapic_list {
    void *items;
    size_t n;
    char **_raw;
} qapic_list;

/* A top-level enum value (codec.h's box for ENUM types). */
typedef struct qapic_enum_box {
    int value;                  /* or QAPIC_ENUM_UNKNOWN */
    char *raw;                  /* the received string when unknown, or NULL */
} qapic_enum_box;

/* ---- commands and events ------------------------------------------------ */

/* Flags of a command (qapic_command.flags); the feature bits also. */
#define QAPIC_COMMAND_BOXED            0x100u
#define QAPIC_COMMAND_ALLOW_OOB        0x200u
#define QAPIC_COMMAND_ALLOW_PRECONFIG  0x400u
#define QAPIC_COMMAND_NO_SUCCESS_RESPONSE 0x800u   /* 'success-response': false */
#define QAPIC_COMMAND_COROUTINE        0x1000u
#define QAPIC_COMMAND_GEN_FALSE        0x2000u     /* 'gen': false: arguments
                                                      not fully described */

typedef struct qapic_command {
    const char *name;           /* "migrate" */
    const qapic_type *arg_type; /* an object type (its box is the argument
                                   struct), or NULL for none */
    const qapic_type *ret_type; /* NULL when the schema declares no
                                   'returns' (the reply is {}) */
    uint32_t flags;             /* QAPIC_COMMAND_*, QAPIC_FEATURE_* */
    const qapic_cond *cond;
    const qapic_feature *features;
    size_t nfeatures;
    const char *doc;
} qapic_command;

/* Flags of an event: the feature bits, and: */
#define QAPIC_EVENT_BOXED              0x100u

typedef struct qapic_event {
    const char *name;           /* "MIGRATION" */
    const qapic_type *data_type;    /* an object type, or NULL */
    uint32_t flags;
    const qapic_cond *cond;
    const qapic_feature *features;
    size_t nfeatures;
    const char *doc;
} qapic_event;

/* All of one schema's bindings.  Each array is sorted by name (strcmp),
 * so lookups are binary searches. */
typedef struct qapic_schema {
    const char *name;           /* the bindings' prefix, e.g. "qmp" */
    const qapic_type *const *types;     /* every type, builtins included */
    size_t ntypes;
    const qapic_command *const *commands;
    size_t ncommands;
    const qapic_event *const *events;
    size_t nevents;
} qapic_schema;

const qapic_type *qapic_schema_type(const qapic_schema *s, const char *name);
const qapic_command *qapic_schema_command(const qapic_schema *s,
                                          const char *name);
const qapic_event *qapic_schema_event(const qapic_schema *s,
                                      const char *name);

/* Evaluates C with DEFINED(CTX, SYM) telling whether SYM is defined;
 * NULL is true. */
bool qapic_cond_eval(const qapic_cond *c,
                     bool (*defined)(void *ctx, const char *sym), void *ctx);

/* The name of VALUE of enum type T, or NULL when out of range. */
const char *qapic_enum_name(const qapic_type *t, int value);
/* The value named NAME of enum type T, or QAPIC_ENUM_UNKNOWN. */
int qapic_enum_parse(const qapic_type *t, const char *name);

/* ---- builtin types, shared by all bindings ---------------------------- */

extern const qapic_type qapic_type_str, qapic_type_number, qapic_type_int,
    qapic_type_int8, qapic_type_int16, qapic_type_int32, qapic_type_int64,
    qapic_type_uint8, qapic_type_uint16, qapic_type_uint32,
    qapic_type_uint64, qapic_type_size, qapic_type_bool, qapic_type_any,
    qapic_type_null;
extern const qapic_type qapic_type_strList, qapic_type_numberList,
    qapic_type_intList, qapic_type_int8List, qapic_type_int16List,
    qapic_type_int32List, qapic_type_int64List, qapic_type_uint8List,
    qapic_type_uint16List, qapic_type_uint32List, qapic_type_uint64List,
    qapic_type_sizeList, qapic_type_boolList, qapic_type_anyList,
    qapic_type_nullList;

typedef struct qapic_strList { char **items; size_t n; char **_raw; } qapic_strList;
typedef struct qapic_numberList { double *items; size_t n; char **_raw; } qapic_numberList;
typedef struct qapic_intList { int64_t *items; size_t n; char **_raw; } qapic_intList;
typedef struct qapic_int8List { int8_t *items; size_t n; char **_raw; } qapic_int8List;
typedef struct qapic_int16List { int16_t *items; size_t n; char **_raw; } qapic_int16List;
typedef struct qapic_int32List { int32_t *items; size_t n; char **_raw; } qapic_int32List;
typedef struct qapic_int64List { int64_t *items; size_t n; char **_raw; } qapic_int64List;
typedef struct qapic_uint8List { uint8_t *items; size_t n; char **_raw; } qapic_uint8List;
typedef struct qapic_uint16List { uint16_t *items; size_t n; char **_raw; } qapic_uint16List;
typedef struct qapic_uint32List { uint32_t *items; size_t n; char **_raw; } qapic_uint32List;
typedef struct qapic_uint64List { uint64_t *items; size_t n; char **_raw; } qapic_uint64List;
typedef struct qapic_sizeList { uint64_t *items; size_t n; char **_raw; } qapic_sizeList;
typedef struct qapic_boolList { bool *items; size_t n; char **_raw; } qapic_boolList;
typedef struct qapic_anyList { struct json_object **items; size_t n; char **_raw; } qapic_anyList;
typedef struct qapic_nullList { bool *items; size_t n; char **_raw; } qapic_nullList;

#ifdef __cplusplus
}
#endif

#endif
