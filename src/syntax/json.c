/* The canonical JSON writer; see json.h. */
#include "syntax/json.h"

static void newline(qc_buf *b, int indent, int level)
{
    qc_buf_putc(b, '\n');
    qc_buf_indent(b, (size_t)(indent * level));
}

void qc_json_write(qc_buf *b, const qc_value *v, int indent, int level)
{
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
        qc_json_write_string(b, v->u.str.s, v->u.str.len);
        break;
    case QC_VINT:
    case QC_VUINT:
    case QC_VNUMBER:
        qc_buf_puts(b, v->u.num.text);
        break;
    case QC_VARRAY:
        if (!v->u.arr.n) {
            qc_buf_append(b, "[]", 2);
            break;
        }
        qc_buf_putc(b, '[');
        for (size_t i = 0; i < v->u.arr.n; i++) {
            if (i)
                qc_buf_append(b, indent ? "," : ", ", indent ? 1 : 2);
            if (indent)
                newline(b, indent, level + 1);
            qc_json_write(b, v->u.arr.items[i], indent, level + 1);
        }
        if (indent)
            newline(b, indent, level);
        qc_buf_putc(b, ']');
        break;
    case QC_VOBJECT:
        if (!v->u.obj.n) {
            qc_buf_append(b, "{}", 2);
            break;
        }
        qc_buf_putc(b, '{');
        for (size_t i = 0; i < v->u.obj.n; i++) {
            const qc_member *m = &v->u.obj.members[i];
            if (i)
                qc_buf_append(b, indent ? "," : ", ", indent ? 1 : 2);
            if (indent)
                newline(b, indent, level + 1);
            qc_json_write_string(b, m->key, m->key_len);
            qc_buf_append(b, ": ", 2);
            qc_json_write(b, m->value, indent, level + 1);
        }
        if (indent)
            newline(b, indent, level);
        qc_buf_putc(b, '}');
        break;
    }
}
