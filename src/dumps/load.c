/* Telling and loading schema sources; see load.h. */
#include "dumps/load.h"

#include <string.h>

#include "base/path.h"
#include "schema/introspect.h"
#include "schema/schema.h"
#include "syntax/parse.h"

/* Index of the "execute": COMMAND object at or after FROM, or N. */
static size_t find_execute(const qc_value *vals, size_t n, size_t from,
                           const char *command)
{
    for (size_t i = from; i < n; i++) {
        const char *ex = qc_obj_get_str(&vals[i], "execute");
        if (ex && !strcmp(ex, command))
            return i;
    }
    return n;
}

/* The "return" value of the first successful reply to COMMAND, or NULL.
 * The reply is the value right after the command (dumps alternate
 * strictly); an error reply does not end the search, a later attempt may
 * have succeeded. */
static const qc_value *find_return(const qc_value *vals, size_t n,
                                   const char *command)
{
    for (size_t i = find_execute(vals, n, 0, command); i < n;
         i = find_execute(vals, n, i + 1, command)) {
        if (i + 1 < n) {
            const qc_value *r = qc_obj_get(&vals[i + 1], "return");
            if (r)
                return r;
        }
    }
    return NULL;
}

qc_ischema *qc_ischema_from_json(qc_arena *a, qc_diag *d,
                                 const qc_source *src, const qc_value *vals,
                                 size_t n)
{
    if (n == 1 && qc_is_array(&vals[0]))
        return qc_ischema_new(a, &vals[0]);
    const qc_value *ret = find_return(vals, n, "query-qmp-schema");
    if (!ret && n == 1 && qc_is_array(qc_obj_get(&vals[0], "return")))
        ret = qc_obj_get(&vals[0], "return");
    if (!ret) {
        size_t i = find_execute(vals, n, 0, "query-qmp-schema");
        if (i < n)
            qc_error(d, qc_value_loc(&vals[i]), "ischema-no-schema-reply",
                     "the query-qmp-schema command in this dump has no "
                     "successful reply");
        else
            qc_error(d, qc_loc_make(src, 0), "ischema-no-schema-reply",
                     "this capability dump holds no query-qmp-schema "
                     "command");
        return NULL;
    }
    if (!qc_is_array(ret)) {
        qc_error(d, qc_value_loc(ret), "ischema-not-array",
                 "the query-qmp-schema reply returns %s, not an array",
                 qc_value_type_name(ret));
        return NULL;
    }
    return qc_ischema_new(a, ret);
}

bool qc_text_is_json(const char *text, size_t len)
{
    size_t k = 0;
    while (k < len && text[k] && strchr(" \t\r\n", text[k]))
        k++;
    if (k < len && text[k] == '[')
        return true;
    if (k >= len || text[k] != '{')
        return false;
    /* A source schema quotes with ' only. */
    for (k++; k < len && text[k] && strchr(" \t\r\n", text[k]); k++)
        ;
    return k < len && text[k] == '"';
}

bool qc_ischema_load(qc_arena *a, qc_diag *d, const qc_options *opts,
                     const char *path, qc_ischema_source *out)
{
    return qc_ischema_load_build(a, d, opts, path, NULL, out);
}

/* Reads PATH; NULL after reporting, with OUT->io_error set. */
static qc_source *read_source(qc_arena *a, qc_diag *d, const char *path,
                              qc_ischema_source *out)
{
    int err = 0;
    qc_source *src = qc_source_read(a, d, path, false, NULL, 0, &err);
    if (!src)
        out->io_error = true;
    if (!src && err) {
        qc_error(d, qc_loc_make(NULL, 0), "io-error",
                 "cannot read '%s': %s", path, strerror(err));
    }
    return src;
}

static bool is_json_source(const char *path, const qc_source *src)
{
    return qc_path_has_suffix(path, ".replies")
        || qc_text_is_json(src->text, src->len);
}

/* The JSON source SRC into OUT (origin, version, schema). */
static bool load_json(qc_arena *a, qc_diag *d, const qc_source *src,
                      qc_ischema_source *out)
{
    out->origin = QC_ORIGIN_JSON;
    size_t n = 0;
    qc_value *vals = qc_parse_json(a, src, true, d, &n);
    if (!vals)
        return false;
    if (n == 1 && (qc_is_array(&vals[0])
                   || (qc_obj_get(&vals[0], "return")
                       && !qc_obj_get(&vals[0], "execute"))))
        out->origin = QC_ORIGIN_INTROSPECTION;
    qc_version_of_reply(find_return(vals, n, "query-version"), &out->version);
    out->schema = qc_ischema_from_json(a, d, src, vals, n);
    return out->schema != NULL;
}

bool qc_ischema_load_build(qc_arena *a, qc_diag *d, const qc_options *opts,
                           const char *path, const qc_build *build,
                           qc_ischema_source *out)
{
    memset(out, 0, sizeof *out);
    qc_source *src = read_source(a, d, path, out);
    if (!src)
        return false;
    if (is_json_source(path, src))
        return load_json(a, d, src, out);

    out->origin = QC_ORIGIN_SCHEMA;
    qc_introspect_opts io = QC_INTROSPECT_OPTS_DEFAULT;
    io.all_conditions_true = build == NULL;
    if (build) {
        io.symbols = build->symbols;
        io.nsymbols = build->nsymbols;
    }
    io.unmask = true;
    const qc_value *arr = qc_introspect_file(a, d, opts, path, &io,
                                             &out->io_error);
    if (arr)
        out->schema = qc_ischema_new(a, arr);
    return out->schema != NULL;
}

qc_vschema *qc_vschema_from_json(qc_arena *a, qc_diag *d, const qc_source *src,
                                 const qc_value *vals, size_t n)
{
    qc_ischema *s = qc_ischema_from_json(a, d, src, vals, n);
    if (!s)
        return NULL;
    qc_version v = { 0 };
    qc_version_of_reply(find_return(vals, n, "query-version"), &v);
    return qc_vschema_from_ischema(a, s, &v);
}

qc_vschema *qc_vschema_load(qc_arena *a, qc_diag *d, const qc_options *opts,
                            const char *path, const qc_build *build,
                            qc_ischema_origin *origin, qc_version *version,
                            bool *io_error)
{
    qc_ischema_source out;
    qc_vschema *view = NULL;
    memset(&out, 0, sizeof out);
    qc_source *src = read_source(a, d, path, &out);
    if (!src) {
        ;
    } else if (is_json_source(path, src)) {
        if (load_json(a, d, src, &out))
            view = qc_vschema_from_ischema(a, out.schema, &out.version);
    } else {
        out.origin = QC_ORIGIN_SCHEMA;
        qc_schema *s = qc_schema_build(a, d, opts, path, &out.io_error);
        if (s)
            view = qc_vschema_from_model(a, s, build ? build->symbols : NULL,
                                         build ? build->nsymbols : 0);
    }
    if (origin)
        *origin = out.origin;
    if (version)
        *version = out.version;
    if (io_error)
        *io_error = out.io_error;
    return view;
}
