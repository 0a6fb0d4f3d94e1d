/* Schema loader: include and pragma directives, doc blocks paired with
 * definitions.  It walks each file's items in order and reports problems
 * at the moment QEMU's one-pass parser would meet them, so that the first
 * error is QEMU's first error. */
#include "schema/loader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "base/path.h"
#include "base/utf8.h"
#include "syntax/parse.h"

struct loader {
    qc_arena *a;
    qc_diag *d;
    const qc_options *opts;
    qc_schema_ast *ast;
    /* Modules are named by their paths relative to the root schema's
     * directory (ROOT_ABS, absolute), which tell files apart as well as
     * absolute paths do, and are shorter.  CWD: the working directory,
     * asked once. */
    const char *root_abs, *cwd;
    qc_hashmap *files;          /* module name -> qc_module read so far */
    unsigned depth;             /* files being read: the root is 1 */
};

static qc_loc at(const qc_value *v)
{
    return qc_value_loc(v);
}


/* A definition doc not followed by its definition is an error wherever
 * something else comes next. */
static bool reject_pending_doc(struct loader *L, const qc_doc *doc)
{
    if (doc && doc->symbol) {
        qc_error(L->d, doc->loc, "qapi-doc-orphan",
                 "doc comment for '%s' must be followed directly by the "
                 "definition of '%s'", doc->symbol, doc->symbol);
        return false;
    }
    return true;
}

static bool string_list(const qc_value *v, qc_arena *a, qc_name_list *out)
{
    if (v->kind != QC_VARRAY)
        return false;
    for (size_t i = 0; i < qc_arr_len(v); i++)
        if (qc_arr_at(v, i)->kind != QC_VSTRING)
            return false;
    out->names.n = 0;   /* a later setting replaces an earlier one */
    for (size_t i = 0; i < qc_arr_len(v); i++)
        qc_ptrvec_push(a, &out->names, (void *)qc_arr_at(v, i)->u.str.s);
    return true;
}

static bool pragma_directive(struct loader *L, const qc_value *v)
{
    if (qc_obj_len(v) != 1) {
        qc_error(L->d, at(v), "qapi-pragma-invalid",
                 "a 'pragma' directive must have no key besides 'pragma'");
        return false;
    }
    const qc_value *p = &v->u.obj.members[0].value;
    if (p->kind != QC_VOBJECT) {
        qc_error(L->d, at(v), "qapi-pragma-invalid",
                 "the value of 'pragma' must be an object");
        return false;
    }
    qc_pragma *pr = &L->ast->pragma;
    for (size_t i = 0; i < qc_obj_len(p); i++) {
        const char *name = p->u.obj.members[i].key;
        const qc_value *val = &p->u.obj.members[i].value;
        qc_name_list *list = NULL;
        if (!strcmp(name, "doc-required")) {
            if (val->kind != QC_VBOOL) {
                qc_error(L->d, at(v), "qapi-pragma-type",
                         "pragma 'doc-required' takes true or false");
                return false;
            }
            pr->doc_required = val->u.b;
            continue;
        }
        if (!strcmp(name, "command-name-exceptions"))
            list = &pr->command_name_exceptions;
        else if (!strcmp(name, "command-returns-exceptions"))
            list = &pr->command_returns_exceptions;
        else if (!strcmp(name, "member-name-exceptions"))
            list = &pr->member_name_exceptions;
        else if (!strcmp(name, "documentation-exceptions"))
            list = &pr->documentation_exceptions;
        if (!list) {
            qc_error(L->d, at(v), "qapi-pragma-unknown",
                     "there is no pragma '%s'", name);
            return false;
        }
        if (!string_list(val, L->a, list)) {
            qc_error(L->d, at(v), "qapi-pragma-type",
                     "pragma '%s' takes a list of strings", name);
            return false;
        }
    }
    return true;
}

static bool load_file(struct loader *L, const char *path, const char *name,
                      const qc_source *parent, const qc_value *incl,
                      bool *io_error);

/* Appends the expression V (with DOC) to the list. */
static void new_expr(struct loader *L, const qc_value *v, qc_doc *doc)
{
    qc_schema_ast *ast = L->ast;
    if (ast->n_exprs == ast->cap_exprs_)
        ast->exprs = qc_arena_grow_array(L->a, ast->exprs, &ast->cap_exprs_,
                                         sizeof *ast->exprs);
    qc_expr *x = &ast->exprs[ast->n_exprs++];
    memset(x, 0, sizeof *x);
    x->value = *v;
    x->doc = doc;
}

static bool include_directive(struct loader *L, const qc_source *src,
                              const qc_value *v, bool *io_error)
{
    if (qc_obj_len(v) != 1) {
        qc_error(L->d, at(v), "qapi-include-invalid",
                 "an 'include' directive must have no key besides 'include'");
        return false;
    }
    const qc_value *name = &v->u.obj.members[0].value;
    if (name->kind != QC_VSTRING) {
        qc_error(L->d, at(v), "qapi-include-invalid",
                 "the value of 'include' must be a file name (a string)");
        return false;
    }
    const char *joined = qc_path_join_dir(L->a, src->path, name->u.str.s);
    const char *mod_name = qc_path_rel_from(L->a, joined, L->root_abs, L->cwd);
    qc_module *f = qc_hashmap_get(L->files, mod_name);
    if (f && f->reading_) {
        qc_error(L->d, at(v), "qapi-include-loop",
                 "including '%s' here closes an inclusion loop",
                 name->u.str.s);
        return false;
    }
    size_t slot = L->ast->n_exprs;
    new_expr(L, v, NULL);
    if (f) {                       /* already read: recorded, not re-read */
        L->ast->exprs[slot].include_ = f->index + 1;
        return true;
    }
    if (L->depth >= QC_MAX_INCLUDE_DEPTH) {
        qc_error(L->d, at(v), "qapi-include-too-deep",
                 "including '%s' here nests includes deeper than %d files",
                 name->u.str.s, QC_MAX_INCLUDE_DEPTH);
        if (io_error)
            *io_error = true;
        return false;
    }
    if (!load_file(L, joined, mod_name, src, v, io_error))
        return false;
    f = qc_hashmap_get(L->files, mod_name);
    L->ast->exprs[slot].include_ = f->index + 1;
    return true;
}

/* Reads PATH (a string of the arena, kept as the source's path;
 * included by INCL in PARENT, or the root) as the module NAME: NULL after
 * reporting that it cannot be read or is not UTF-8. */
static qc_module *read_module(struct loader *L, const char *path,
                              const char *name, const qc_source *parent,
                              const qc_value *incl, bool *io_error)
{
    int err = 0;
    qc_source *src = qc_source_read_kept(L->a, L->d, path, true, parent,
                                         incl ? qc_value_loc(incl).off : 0,
                                         &err);
    if (!src && !err) {            /* too large: reported */
        if (io_error)
            *io_error = true;
        return NULL;
    }
    if (!src) {
        if (parent && incl) {
            qc_error(L->d, at(incl), "qapi-include-unreadable",
                     "cannot read included file '%s': %s", path, strerror(err));
        } else {
            qc_error(L->d, (qc_loc){ 0 }, "io-error",
                     "cannot read schema '%s': %s", path, strerror(err));
            if (io_error)
                *io_error = true;
        }
        return NULL;
    }
    src->parent = parent;
    src->parent_off = incl ? qc_value_loc(incl).off : 0;

    /* QEMU decodes the whole file as UTF-8 before it parses any of it,
     * and gives up on the schema when that fails. */
    size_t bad = qc_utf8_invalid_at(src->text, src->len);
    if (bad < src->len) {
        qc_error(L->d, qc_loc_make(src, (uint32_t)bad), "qapi-invalid-utf8",
                 "the file is not valid UTF-8 (bad byte 0x%02X); QEMU "
                 "cannot read it", (unsigned char)src->text[bad]);
        return NULL;
    }

    qc_module *mod = qc_arena_alloc(L->a, sizeof *mod);
    mod->name = name;
    mod->src = src;
    mod->index = (uint32_t)L->ast->modules.n;
    qc_hashmap_put(L->files, name, mod);
    qc_ptrvec_push(L->a, &L->ast->modules, mod);
    return mod;
}

/* A top-level expression V of SRC, after doc block *CUR_DOC (or none):
 * a directive or a definition. */
static bool top_level(struct loader *L, const qc_source *src,
                      const qc_value *v, qc_doc **cur_doc, bool *io_error)
{
    if (v->kind != QC_VOBJECT) {
        qc_error(L->d, at(v), "qapi-top-level",
                 "a top-level expression must be an object "
                 "(a definition or a directive)");
        return false;
    }
    qc_doc *doc = *cur_doc;
    *cur_doc = NULL;
    if (qc_obj_member(v, "include"))
        return reject_pending_doc(L, doc)
            && include_directive(L, src, v, io_error);
    if (qc_obj_member(v, "pragma"))
        return reject_pending_doc(L, doc) && pragma_directive(L, v);
    if (doc && !doc->symbol) {
        qc_error(L->d, doc->loc, "qapi-doc-no-symbol",
                 "the doc comment before a definition must start "
                 "with '@NAME:'");
        return false;
    }
    new_expr(L, v, doc);
    return true;
}

/* The doc block of item I of R, in QEMU's order; sets *CUR_DOC. */
static bool doc_block(struct loader *L, const qc_parse_result *r, size_t i,
                      qc_doc **cur_doc)
{
    const qc_item *it = &r->items[i];
    if (!reject_pending_doc(L, *cur_doc))
        return false;
    if (r->error && r->error->before_doc_end && r->error->after_item == i + 1) {
        /* The bad token right after the block comes before the block's
         * closing checks. */
        if (qc_doc_parse_lines(L->a, L->d, qc_item_doc(it), L->opts))
            qc_parse_report(L->d, r->error);
        return false;
    }
    *cur_doc = qc_doc_parse(L->a, L->d, qc_item_doc(it), L->opts);
    if (!*cur_doc)
        return false;
    qc_ptrvec_push(L->a, &L->ast->docs, *cur_doc);
    return true;
}

/* The syntax error that ended R, after what came before it. */
static bool syntax_error(struct loader *L, const qc_parse_result *r,
                         const qc_doc *cur_doc)
{
    if (r->error->partial_doc && !L->opts->no_doc_checks
        && r->error->after_item == r->nitems) {
        if (!reject_pending_doc(L, cur_doc))
            return false;
        /* Problems in the lines read so far come first. */
        size_t before = qc_diag_error_count(L->d);
        qc_doc_parse(L->a, L->d, r->error->partial_doc, L->opts);
        if (qc_diag_error_count(L->d) != before)
            return false;
    }
    qc_parse_report(L->d, r->error);
    return false;
}

static bool load_parsed(struct loader *L, const qc_source *src,
                        const qc_parse_result *r, bool *io_error)
{
    qc_doc *cur_doc = NULL;
    for (size_t i = 0; i < r->nitems; i++) {
        if (r->error && r->error->after_item == i)
            break;
        if (qc_item_doc(&r->items[i])) {
            if (!L->opts->no_doc_checks && !doc_block(L, r, i, &cur_doc))
                return false;
        } else if (!top_level(L, src, &r->items[i].value, &cur_doc, io_error)) {
            return false;
        }
    }
    if (r->error)
        return syntax_error(L, r, cur_doc);
    return reject_pending_doc(L, cur_doc);
}

/* The list of items is given back once loaded: 16 bytes a definition. */
static bool load_items(struct loader *L, const qc_source *src, bool *io_error)
{
    qc_parse_result r;
    qc_parse(L->a, src, QC_DIALECT_SCHEMA, &r);
    bool ok = load_parsed(L, src, &r, io_error);
    qc_parse_release(L->a, &r);
    return ok;
}

/* Reads and loads PATH as the module NAME, included by INCL in PARENT or
 * the root.  Includes nest as deep as files do: the depth is limited
 * (QC_MAX_INCLUDE_DEPTH) before the C stack is. */
static bool load_file(struct loader *L, const char *path, const char *name,
                      const qc_source *parent, const qc_value *incl,
                      bool *io_error)
{
    qc_module *mod = read_module(L, path, name, parent, incl, io_error);
    if (!mod)
        return false;
    mod->reading_ = true;
    L->depth++;
    bool ok = load_items(L, mod->src, io_error);
    L->depth--;
    mod->reading_ = false;
    return ok;
}

/* The bit of qc_name_list.starts for NAME: from its length and its
 * first and last two bytes (names of one family often begin alike). */
static unsigned name_bit(const char *name)
{
    size_t n = strlen(name);
    unsigned h = (unsigned)n;
    if (n >= 2)
        h = ((h * 31 + (unsigned char)name[0]) * 31 + (unsigned char)name[1])
            * 31 + (unsigned char)name[n - 2];
    if (n)
        h = h * 31 + (unsigned char)name[n - 1];
    return (h * 2654435761u) >> 24;
}

/* Pragma lists are only ever searched: a set of each. */
static void index_pragma_lists(qc_arena *a, qc_pragma *p)
{
    qc_name_list *lists[] = { &p->command_name_exceptions,
                              &p->command_returns_exceptions,
                              &p->member_name_exceptions,
                              &p->documentation_exceptions };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        qc_name_list *l = lists[i];
        if (!l->names.n)
            continue;
        l->set = qc_hashmap_new_sized(a, l->names.n);
        memset(l->starts, 0, sizeof l->starts);
        for (size_t k = 0; k < l->names.n; k++) {
            unsigned bit = name_bit(l->names.items[k]);
            l->starts[bit >> 6] |= (uint64_t)1 << (bit & 63);
            qc_hashmap_put(l->set, l->names.items[k], l->names.items[k]);
        }
    }
}

bool qc_schema_load(qc_arena *a, qc_diag *d, const qc_options *opts,
                    const char *path, qc_schema_ast *out, bool *io_error)
{
    memset(out, 0, sizeof *out);
    if (io_error)
        *io_error = false;
    struct loader L = { a, d, opts, out, NULL, qc_path_cwd(a),
                        qc_hashmap_new(a), 0 };
    out->root_path = qc_arena_strdup(a, path);
    const char *root_dir = qc_path_dirname(a, path);
    L.root_abs = qc_path_abs(a, root_dir[0] ? root_dir : ".");
    const char *name = qc_path_rel_from(a, out->root_path, L.root_abs, L.cwd);
    bool ok = load_file(&L, out->root_path, name, NULL, NULL, io_error);
    qc_hashmap_release(L.files);
    index_pragma_lists(a, &out->pragma);
    return ok;
}

bool qc_pragma_lists(const qc_name_list *list, const char *name)
{
    if (!list->set)
        return false;
    unsigned bit = name_bit(name);
    return (list->starts[bit >> 6] >> (bit & 63) & 1)
        && qc_hashmap_get(list->set, name);
}
