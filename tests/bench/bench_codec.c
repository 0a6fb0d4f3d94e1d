/* Micro-benchmark of the runtime codec: typed decoding of a
 * query-qmp-schema reply against json-c's own parse of the same text
 * (issue 10: decoding may add at most 30% to the parse time).  Not a test:
 * `make bench` runs it.
 *
 * Usage: bench_codec FILE [ITERATIONS]
 *   FILE is a capability dump (.replies: a stream of JSON values), a reply
 *   {"return": [...]}, or the return value itself.  The query-qmp-schema
 *   return found there is serialized compactly, and each iteration times
 *   separately: json-c's parse of that text; qapic_decode of the tree as
 *   [SchemaInfo]; qapic_free; json_object_put; and qapic_decode_text of
 *   the text (strict parse + decode).  Medians and minimums are printed.
 *
 * The SchemaInfo bindings below are written by hand exactly as `qapic gen
 * c --prefix b` lays them out (runtime/qapic/types.h), after QEMU's
 * qapi/introspect.json. */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "qapic/codec.h"
#include "../unit/descriptor_macros.h"

/* ---- bindings of introspect.json ---------------------------------------- */

typedef enum b_SchemaMetaType {
    B_SCHEMA_META_TYPE_BUILTIN, B_SCHEMA_META_TYPE_ENUM,
    B_SCHEMA_META_TYPE_ARRAY, B_SCHEMA_META_TYPE_OBJECT,
    B_SCHEMA_META_TYPE_ALTERNATE, B_SCHEMA_META_TYPE_COMMAND,
    B_SCHEMA_META_TYPE_EVENT, B_SCHEMA_META_TYPE__MAX,
    B_SCHEMA_META_TYPE__UNKNOWN = QAPIC_ENUM_UNKNOWN,
} b_SchemaMetaType;

typedef enum b_JSONType {
    B_JSON_TYPE_STRING, B_JSON_TYPE_NUMBER, B_JSON_TYPE_INT,
    B_JSON_TYPE_BOOLEAN, B_JSON_TYPE_NULL, B_JSON_TYPE_OBJECT,
    B_JSON_TYPE_ARRAY, B_JSON_TYPE_VALUE, B_JSON_TYPE__MAX,
    B_JSON_TYPE__UNKNOWN = QAPIC_ENUM_UNKNOWN,
} b_JSONType;

#define LIST(T) struct { T **items; size_t n; char **_raw; }

typedef struct b_SchemaInfoBuiltin {
    b_JSONType json_type;
    struct json_object *_extra;
} b_SchemaInfoBuiltin;

typedef struct b_SchemaInfoEnumMember {
    char *name;
    bool has_features;
    qapic_strList features;
    struct json_object *_extra;
} b_SchemaInfoEnumMember;

typedef struct b_SchemaInfoEnum {
    LIST(b_SchemaInfoEnumMember) members;
    qapic_strList values;
    struct json_object *_extra;
} b_SchemaInfoEnum;

typedef struct b_SchemaInfoArray {
    char *element_type;
    struct json_object *_extra;
} b_SchemaInfoArray;

typedef struct b_SchemaInfoObjectMember {
    char *name;
    char *type;
    bool has_q_default;
    struct json_object *q_default;
    bool has_features;
    qapic_strList features;
    struct json_object *_extra;
} b_SchemaInfoObjectMember;

typedef struct b_SchemaInfoObjectVariant {
    char *q_case;
    char *type;
    struct json_object *_extra;
} b_SchemaInfoObjectVariant;

typedef struct b_SchemaInfoObject {
    LIST(b_SchemaInfoObjectMember) members;
    bool has_tag;
    char *tag;
    bool has_variants;
    LIST(b_SchemaInfoObjectVariant) variants;
    struct json_object *_extra;
} b_SchemaInfoObject;

typedef struct b_SchemaInfoAlternateMember {
    char *type;
    struct json_object *_extra;
} b_SchemaInfoAlternateMember;

typedef struct b_SchemaInfoAlternate {
    LIST(b_SchemaInfoAlternateMember) members;
    struct json_object *_extra;
} b_SchemaInfoAlternate;

typedef struct b_SchemaInfoCommand {
    char *arg_type;
    char *ret_type;
    bool has_allow_oob;
    bool allow_oob;
    struct json_object *_extra;
} b_SchemaInfoCommand;

typedef struct b_SchemaInfoEvent {
    char *arg_type;
    struct json_object *_extra;
} b_SchemaInfoEvent;

typedef struct b_SchemaInfo {
    char *name;
    b_SchemaMetaType meta_type;
    bool has_features;
    qapic_strList features;
    union {
        b_SchemaInfoBuiltin builtin;
        b_SchemaInfoEnum q_enum;
        b_SchemaInfoArray array;
        b_SchemaInfoObject object;
        b_SchemaInfoAlternate alternate;
        b_SchemaInfoCommand command;
        b_SchemaInfoEvent event;
    } u;
    struct json_object *_extra;
} b_SchemaInfo;

#define STRUCT(T, members_)                                                 \
    static const qapic_type b_TYPE_##T = {                                  \
        .name = #T, .kind = QAPIC_KIND_STRUCT, .size = sizeof(b_##T),       \
        .u.object = { .members = members_,                                  \
                      .n = sizeof members_ / sizeof members_[0],            \
                      .extra_offset = offsetof(b_##T, _extra) },            \
    };
#define LIST_TYPE(T)                                                        \
    static const qapic_type b_TYPE_##T##List = {                            \
        .name = #T "List", .kind = QAPIC_KIND_LIST,                         \
        .size = sizeof(qapic_list), .u.list.element = &b_TYPE_##T,          \
    };

static const qapic_enum_value b_SchemaMetaType_values[] = {
    { .name = "builtin" }, { .name = "enum" }, { .name = "array" },
    { .name = "object" }, { .name = "alternate" }, { .name = "command" },
    { .name = "event" },
};
static const qapic_type b_TYPE_SchemaMetaType = {
    .name = "SchemaMetaType", .kind = QAPIC_KIND_ENUM,
    .size = sizeof(qapic_enum_box),
    .u.enumeration = { b_SchemaMetaType_values, 7 },
};
static const qapic_enum_value b_JSONType_values[] = {
    { .name = "string" }, { .name = "number" }, { .name = "int" },
    { .name = "boolean" }, { .name = "null" }, { .name = "object" },
    { .name = "array" }, { .name = "value" },
};
static const qapic_type b_TYPE_JSONType = {
    .name = "JSONType", .kind = QAPIC_KIND_ENUM,
    .size = sizeof(qapic_enum_box), .u.enumeration = { b_JSONType_values, 8 },
};

static const qapic_member b_SchemaInfoBuiltin_members[] = {
    D_MEMBER(b_SchemaInfoBuiltin, "json-type", json_type, b_TYPE_JSONType),
};
STRUCT(SchemaInfoBuiltin, b_SchemaInfoBuiltin_members)

static const qapic_member b_SchemaInfoEnumMember_members[] = {
    D_MEMBER(b_SchemaInfoEnumMember, "name", name, qapic_type_str),
    D_OPTIONAL(b_SchemaInfoEnumMember, "features", features, qapic_type_strList),
};
STRUCT(SchemaInfoEnumMember, b_SchemaInfoEnumMember_members)
LIST_TYPE(SchemaInfoEnumMember)

static const qapic_member b_SchemaInfoEnum_members[] = {
    D_MEMBER(b_SchemaInfoEnum, "members", members, b_TYPE_SchemaInfoEnumMemberList),
    D_MEMBER(b_SchemaInfoEnum, "values", values, qapic_type_strList),
};
STRUCT(SchemaInfoEnum, b_SchemaInfoEnum_members)

static const qapic_member b_SchemaInfoArray_members[] = {
    D_MEMBER(b_SchemaInfoArray, "element-type", element_type, qapic_type_str),
};
STRUCT(SchemaInfoArray, b_SchemaInfoArray_members)

static const qapic_member b_SchemaInfoObjectMember_members[] = {
    D_MEMBER(b_SchemaInfoObjectMember, "name", name, qapic_type_str),
    D_MEMBER(b_SchemaInfoObjectMember, "type", type, qapic_type_str),
    D_OPTIONAL(b_SchemaInfoObjectMember, "default", q_default, qapic_type_any),
    D_OPTIONAL(b_SchemaInfoObjectMember, "features", features, qapic_type_strList),
};
STRUCT(SchemaInfoObjectMember, b_SchemaInfoObjectMember_members)
LIST_TYPE(SchemaInfoObjectMember)

static const qapic_member b_SchemaInfoObjectVariant_members[] = {
    D_MEMBER(b_SchemaInfoObjectVariant, "case", q_case, qapic_type_str),
    D_MEMBER(b_SchemaInfoObjectVariant, "type", type, qapic_type_str),
};
STRUCT(SchemaInfoObjectVariant, b_SchemaInfoObjectVariant_members)
LIST_TYPE(SchemaInfoObjectVariant)

static const qapic_member b_SchemaInfoObject_members[] = {
    D_MEMBER(b_SchemaInfoObject, "members", members, b_TYPE_SchemaInfoObjectMemberList),
    D_OPTIONAL(b_SchemaInfoObject, "tag", tag, qapic_type_str),
    D_OPTIONAL(b_SchemaInfoObject, "variants", variants,
             b_TYPE_SchemaInfoObjectVariantList),
};
STRUCT(SchemaInfoObject, b_SchemaInfoObject_members)

static const qapic_member b_SchemaInfoAlternateMember_members[] = {
    D_MEMBER(b_SchemaInfoAlternateMember, "type", type, qapic_type_str),
};
STRUCT(SchemaInfoAlternateMember, b_SchemaInfoAlternateMember_members)
LIST_TYPE(SchemaInfoAlternateMember)

static const qapic_member b_SchemaInfoAlternate_members[] = {
    D_MEMBER(b_SchemaInfoAlternate, "members", members,
           b_TYPE_SchemaInfoAlternateMemberList),
};
STRUCT(SchemaInfoAlternate, b_SchemaInfoAlternate_members)

static const qapic_member b_SchemaInfoCommand_members[] = {
    D_MEMBER(b_SchemaInfoCommand, "arg-type", arg_type, qapic_type_str),
    D_MEMBER(b_SchemaInfoCommand, "ret-type", ret_type, qapic_type_str),
    D_OPTIONAL(b_SchemaInfoCommand, "allow-oob", allow_oob, qapic_type_bool),
};
STRUCT(SchemaInfoCommand, b_SchemaInfoCommand_members)

static const qapic_member b_SchemaInfoEvent_members[] = {
    D_MEMBER(b_SchemaInfoEvent, "arg-type", arg_type, qapic_type_str),
};
STRUCT(SchemaInfoEvent, b_SchemaInfoEvent_members)

static const qapic_member b_SchemaInfo_members[] = {
    D_MEMBER(b_SchemaInfo, "name", name, qapic_type_str),
    D_MEMBER(b_SchemaInfo, "meta-type", meta_type, b_TYPE_SchemaMetaType),
    D_OPTIONAL(b_SchemaInfo, "features", features, qapic_type_strList),
};
static const qapic_branch b_SchemaInfo_branches[] = {
    [B_SCHEMA_META_TYPE_BUILTIN] = { &b_TYPE_SchemaInfoBuiltin, NULL },
    [B_SCHEMA_META_TYPE_ENUM] = { &b_TYPE_SchemaInfoEnum, NULL },
    [B_SCHEMA_META_TYPE_ARRAY] = { &b_TYPE_SchemaInfoArray, NULL },
    [B_SCHEMA_META_TYPE_OBJECT] = { &b_TYPE_SchemaInfoObject, NULL },
    [B_SCHEMA_META_TYPE_ALTERNATE] = { &b_TYPE_SchemaInfoAlternate, NULL },
    [B_SCHEMA_META_TYPE_COMMAND] = { &b_TYPE_SchemaInfoCommand, NULL },
    [B_SCHEMA_META_TYPE_EVENT] = { &b_TYPE_SchemaInfoEvent, NULL },
};
static const qapic_type b_TYPE_SchemaInfo = {
    .name = "SchemaInfo", .kind = QAPIC_KIND_UNION, .size = sizeof(b_SchemaInfo),
    .u.object = { .members = b_SchemaInfo_members, .n = 3,
                  .extra_offset = offsetof(b_SchemaInfo, _extra),
                  .tag_index = 1, .variant_offset = offsetof(b_SchemaInfo, u),
                  .branches = b_SchemaInfo_branches },
};
LIST_TYPE(SchemaInfo)

/* ---- input -------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (!f)
        return NULL;
    do {
        if (n == cap && !(buf = realloc(buf, cap = cap * 2 + 65536)))
            break;
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got);
    fclose(f);
    *len = n;
    return buf;
}

static bool is_schema(struct json_object *j)
{
    return json_object_is_type(j, json_type_array) &&
           json_object_object_get_ex(json_object_array_get_idx(j, 0),
                                     "meta-type", NULL);
}

/* The first query-qmp-schema return in the stream of JSON values TEXT. */
static struct json_object *find_schema(const char *text, size_t len)
{
    struct json_tokener *tok = json_tokener_new();
    size_t off = 0;

    while (off < len) {
        struct json_object *v, *ret;
        json_tokener_reset(tok);
        v = json_tokener_parse_ex(tok, text + off, (int)(len - off));
        if (!v && json_tokener_get_error(tok) != json_tokener_success)
            break;
        off += json_tokener_get_parse_end(tok);
        if (is_schema(v) ||
            (json_object_object_get_ex(v, "return", &ret) && is_schema(ret))) {
            struct json_object *s = is_schema(v) ? v : json_object_get(ret);
            if (s != v)
                json_object_put(v);
            json_tokener_free(tok);
            return s;
        }
        json_object_put(v);
        while (off < len && strchr(" \t\r\n", text[off]))
            off++;
    }
    json_tokener_free(tok);
    return NULL;
}

/* ---- timing ------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double minimum(const double *v, size_t n)
{
    double m = v[0];
    for (size_t i = 1; i < n; i++)
        if (v[i] < m)
            m = v[i];
    return m;
}

enum { PARSE, DECODE, FREE, PUT, DECODE_TEXT, NPHASES };

static struct json_object *parse(const char *text, size_t len)
{
    struct json_tokener *tok = json_tokener_new();
    struct json_object *j = json_tokener_parse_ex(tok, text, (int)len);
    json_tokener_free(tok);
    return j;
}

int main(int argc, char **argv)
{
    static const char *const names[NPHASES] = {
        "json-c parse", "qapic_decode", "qapic_free", "json_object_put",
        "qapic_decode_text",
    };
    size_t flen, len, iters = argc > 2 ? strtoul(argv[2], NULL, 10) : 200;
    char *file, *text;
    struct json_object *schema, *out;
    qapic_error *err = NULL;
    double *t[NPHASES];
    void *v;

    if (argc < 2 || !iters) {
        fprintf(stderr, "usage: bench_codec FILE [ITERATIONS]\n");
        return 2;
    }
    if (!(file = read_file(argv[1], &flen))) {
        perror(argv[1]);
        return 2;
    }
    if (!(schema = find_schema(file, flen))) {
        fprintf(stderr, "bench_codec: no query-qmp-schema return in %s\n", argv[1]);
        return 2;
    }
    text = strdup(json_object_to_json_string_ext(schema, JSON_C_TO_STRING_PLAIN));
    len = strlen(text);
    free(file);

    /* Correctness first: strict decode, lossless re-encode. */
    v = qapic_decode(&b_TYPE_SchemaInfoList, schema, QAPIC_DECODE_STRICT, "return", &err);
    if (!v) {
        fprintf(stderr, "bench_codec: %s\n", err->message);
        return 1;
    }
    out = qapic_encode(&b_TYPE_SchemaInfoList, v, "return", &err);
    if (!out || !qapic_json_equal(schema, out)) {
        fprintf(stderr, "bench_codec: re-encoding differs\n");
        return 1;
    }
    printf("%zu SchemaInfo objects, %zu bytes of JSON; strict decode and "
           "re-encode: ok\n", ((qapic_list *)v)->n, len);
    json_object_put(out);
    qapic_free(&b_TYPE_SchemaInfoList, v);
    json_object_put(schema);

    for (int p = 0; p < NPHASES; p++)
        t[p] = calloc(iters, sizeof(double));
    for (size_t i = 0; i < iters; i++) {
        double t0 = now(), t1, t2, t3, t4;
        struct json_object *j = parse(text, len);
        t1 = now();
        v = qapic_decode(&b_TYPE_SchemaInfoList, j, 0, "return", NULL);
        t2 = now();
        qapic_free(&b_TYPE_SchemaInfoList, v);
        t3 = now();
        json_object_put(j);
        t4 = now();
        v = qapic_decode_text(&b_TYPE_SchemaInfoList, text, len, 0, "return", NULL);
        t[DECODE_TEXT][i] = now() - t4;
        qapic_free(&b_TYPE_SchemaInfoList, v);
        t[PARSE][i] = t1 - t0;
        t[DECODE][i] = t2 - t1;
        t[FREE][i] = t3 - t2;
        t[PUT][i] = t4 - t3;
    }
    double med[NPHASES], min[NPHASES];
    for (int p = 0; p < NPHASES; p++) {
        min[p] = minimum(t[p], iters);
        med[p] = median(t[p], iters);
        printf("%-18s median %8.3f ms   min %8.3f ms\n", names[p], med[p] * 1e3,
               min[p] * 1e3);
        free(t[p]);
    }
    printf("decode adds %.1f%% to the parse (medians; %.1f%% by minimums); "
           "target <= 30%%\n", 100 * med[DECODE] / med[PARSE],
           100 * min[DECODE] / min[PARSE]);
    printf("decode_text (strict parse + decode) is %.2fx the json-c parse\n",
           med[DECODE_TEXT] / med[PARSE]);
    free(text);
    return 0;
}
