#define _GNU_SOURCE  /* memmem */
/* libFuzzer target: the runtime's strict JSON parser (qapic_json_parse,
 * runtime/json_parse.c on json-c) against the tool's own (the grammar's
 * QC_DIALECT_JSON): two readers of RFC 8259 written apart, so each is the
 * other's oracle.  For every input they must agree on the verdict, and
 * when both accept, on the value: the same strings byte for byte, the
 * same numbers (integers exactly, others as doubles), arrays and objects
 * alike.  Left out, where the two differ by design: nesting near their
 * limits (1000 and 1024 levels), and member names with an escaped NUL
 * (the runtime refuses them, the tool cuts them) or given twice (json-c
 * keeps one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"
#include "qapic/codec.h"
#include "syntax/parse.h"
#include "syntax/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void differ(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_jsonparse: the two parsers differ: %s%s%s\n", what,
            detail ? ": " : "", detail ? detail : "");
    abort();
}

/* The text of number V as a string (valid until the next call). */
static const char *num_text(const qc_value *v)
{
    static char *text;
    size_t n = qc_num_len(v);
    text = realloc(text, n + 1);
    if (!text)
        abort();
    memcpy(text, v->u.num.text, n);
    text[n] = '\0';
    return text;
}

/* Nesting depth, outside strings: a bound is enough. */
static size_t depth_of(const char *s, size_t n)
{
    size_t d = 0, max = 0;
    bool str = false;
    for (size_t i = 0; i < n; i++) {
        if (str) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                str = false;
        } else if (s[i] == '"') {
            str = true;
        } else if (s[i] == '[' || s[i] == '{') {
            if (++d > max)
                max = d;
        } else if ((s[i] == ']' || s[i] == '}') && d) {
            d--;
        }
    }
    return max;
}

/* Whether V has an object with a key given twice. */
static bool has_dup_keys(const qc_value *v)
{
    if (qc_is_array(v)) {
        for (size_t i = 0; i < qc_arr_len(v); i++)
            if (has_dup_keys(qc_arr_at(v, i)))
                return true;
    } else if (qc_is_object(v)) {
        for (size_t i = 0; i < qc_obj_len(v); i++) {
            const qc_member *m = &v->u.obj.members[i];
            for (size_t k = 0; k < i; k++)
                if (!strcmp(v->u.obj.members[k].key, m->key))
                    return true;
            if (has_dup_keys(&m->value))
                return true;
        }
    }
    return false;
}

static void same(const qc_value *v, struct json_object *j)
{
    json_type jt = json_object_get_type(j);
    switch (v->kind) {
    case QC_VNULL:
        if (j)
            differ("null", NULL);
        return;
    case QC_VBOOL:
        if (jt != json_type_boolean || !json_object_get_boolean(j) != !v->u.b)
            differ("a boolean", NULL);
        return;
    case QC_VSTRING:
        if (jt != json_type_string
            || (size_t)json_object_get_string_len(j) != qc_str_len(v)
            || memcmp(json_object_get_string(j), v->u.str.s, qc_str_len(v)))
            differ("a string", v->u.str.s);
        return;
    case QC_VINT:
        if (jt != json_type_int || json_object_get_int64(j) != qc_num_i(v))
            differ("an integer", num_text(v));
        return;
    case QC_VUINT:
        if (jt != json_type_int || json_object_get_uint64(j) != qc_num_u(v)
            || json_object_get_int64(j) != INT64_MAX)
            differ("an integer beyond INT64_MAX", num_text(v));
        return;
    case QC_VNUMBER:
        if (jt != json_type_double
            || json_object_get_double(j) != strtod(num_text(v), NULL))
            differ("a number", num_text(v));
        return;
    case QC_VARRAY:
        if (jt != json_type_array || json_object_array_length(j) != qc_arr_len(v))
            differ("an array", NULL);
        for (size_t i = 0; i < qc_arr_len(v); i++)
            same(qc_arr_at(v, i), json_object_array_get_idx(j, i));
        return;
    case QC_VOBJECT:
        if (jt != json_type_object
            || (size_t)json_object_object_length(j) != qc_obj_len(v))
            differ("an object", NULL);
        for (size_t i = 0; i < qc_obj_len(v); i++) {
            struct json_object *m = NULL;
            if (!json_object_object_get_ex(j, v->u.obj.members[i].key, &m))
                differ("a member", v->u.obj.members[i].key);
            same(&v->u.obj.members[i].value, m);
        }
        return;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    if (depth_of(text, size) >= 990)
        return 0;
    struct json_object *j = NULL;
    qapic_error *e = NULL;
    bool rt_ok = qapic_json_parse(text, size, &j, &e) == 0;
    if (!rt_ok && (!e || !e->message))
        differ("the runtime fails without an error", NULL);
    qapic_error_free(e);

    qc_arena *a = qc_arena_new();
    qc_source *src = qc_source_from_mem(a, "fuzz.json", text, size, false);
    qc_parse_result r;
    qc_parse(a, src, QC_DIALECT_JSON, &r);
    bool qc_ok = !r.error && r.nitems == 1 && qc_item_value(&r.items[0]);
    bool nul_key = memmem(text, size, "\\u0000", 6) != NULL;
    if (qc_ok && has_dup_keys(&r.items[0].value))
        nul_key = true;    /* as unusable for the comparison */
    if (!nul_key && rt_ok != qc_ok)
        differ(rt_ok ? "only the runtime accepts the text"
                     : "only the tool accepts the text",
               r.error ? r.error->message : NULL);
    if (!nul_key && rt_ok && qc_ok)
        same(&r.items[0].value, j);
    json_object_put(j);
    qc_arena_free(a);
    return 0;
}
