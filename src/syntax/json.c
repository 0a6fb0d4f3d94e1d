/* The canonical JSON writer; see json.h. */
#include "syntax/json.h"

static void newline(qc_buf *b, int indent, int level)
{
    qc_buf_putc(b, '\n');
    qc_buf_indent(b, (size_t)(indent * level));
}

struct writer {
    qc_buf *b;
    int indent;
    qc_json_sink *sink;
    void *ctx;
};

static void write_value(const struct writer *w, const qc_value *v, int level);

/* After an element or member: a piece for the sink when there is one. */
static void entry_done(const struct writer *w)
{
    if (w->sink && w->b->len >= QC_JSON_PIECE)
        w->sink(w->ctx, w->b, false);
}

void qc_json_write(qc_buf *b, const qc_value *v, int indent, int level)
{
    struct writer w = { b, indent, NULL, NULL };
    write_value(&w, v, level);
}

void qc_json_write_pieces(qc_buf *b, const qc_value *v, int indent,
                          qc_json_sink *sink, void *ctx)
{
    struct writer w = { b, indent, sink, ctx };
    write_value(&w, v, 0);
    sink(ctx, b, true);
}

static void write_value(const struct writer *w, const qc_value *v, int level)
{
    qc_buf *b = w->b;
    int indent = w->indent;
    switch (v->kind) {
    case QC_VNULL:
        qc_buf_append(b, "null", 4);
        break;
    case QC_VBOOL:
        if (v->u.b)
            qc_buf_append(b, "true", 4);
        else
            qc_buf_append(b, "false", 5);
        break;
    case QC_VSTRING:
        qc_json_write_string(b, v->u.str.s, qc_str_len(v));
        break;
    case QC_VINT:
    case QC_VUINT:
    case QC_VNUMBER:
        qc_buf_append(b, v->u.num.text, qc_num_len(v));
        break;
    case QC_VARRAY:
        if (!qc_arr_len(v)) {
            qc_buf_append(b, "[]", 2);
            break;
        }
        qc_buf_putc(b, '[');
        for (size_t i = 0; i < qc_arr_len(v); i++) {
            if (i)
                qc_buf_append(b, indent ? "," : ", ", indent ? 1 : 2);
            if (indent)
                newline(b, indent, level + 1);
            write_value(w, qc_arr_at(v, i), level + 1);
            entry_done(w);
        }
        if (indent)
            newline(b, indent, level);
        qc_buf_putc(b, ']');
        break;
    case QC_VOBJECT:
        if (!qc_obj_len(v)) {
            qc_buf_append(b, "{}", 2);
            break;
        }
        qc_buf_putc(b, '{');
        for (size_t i = 0; i < qc_obj_len(v); i++) {
            const qc_member *m = &v->u.obj.members[i];
            if (i)
                qc_buf_append(b, indent ? "," : ", ", indent ? 1 : 2);
            if (indent)
                newline(b, indent, level + 1);
            qc_json_write_string(b, m->key, m->key_len);
            qc_buf_append(b, ": ", 2);
            write_value(w, &m->value, level + 1);
            entry_done(w);
        }
        if (indent)
            newline(b, indent, level);
        qc_buf_putc(b, '}');
        break;
    }
}
