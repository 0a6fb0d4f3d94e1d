/* The QMP messages of a log: a capability dump, a stream of JSON objects,
 * or a test's log in which messages stand between other lines of text
 * (QEMU's iotests echo the commands they send, often in QEMU's own JSON
 * dialect, with single-quoted strings, which QEMU's parser accepts).
 *
 * A message is an object whose '{' is the first character of a line but
 * for blanks, or follows an arrow that ends a log line's prefix ("-> " and
 * "<- " in QEMU's documentation, "--> ", "<-- ", ">>> ", "<<< " in the logs
 * of its Python QMP library and test harness); it may span lines.  Text that holds no such message is
 * skipped, and so is a message that does not parse. */
#ifndef QC_QMPLOG_H
#define QC_QMPLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"
#include "syntax/value.h"

typedef struct qc_qmplog {
    qc_value *msgs;         /* the messages in order */
    size_t n;
    /* The text the messages are located in: SRC itself when it is a
     * plain JSON stream, else a copy with the same path, lines and
     * columns. */
    const qc_source *src;
    size_t skipped;         /* message-like parts that did not parse */
    /* A message nested deeper than the parser's limit (QC_MAX_DEPTH):
     * reading stopped there, at offset TOO_DEEP_AT of SRC. */
    bool too_deep;
    uint32_t too_deep_at;
    bool plain;             /* SRC was a plain JSON stream */
} qc_qmplog;

/* Reads the messages of SRC into *OUT.  Never fails: a text without
 * messages has none. */
void qc_qmplog_read(qc_arena *a, const qc_source *src, qc_qmplog *out);

/* Parses SRC as a stream of JSON values in QEMU's dialect (which also
 * takes single-quoted strings), reporting syntax errors to D (located by
 * line and column of SRC's text).  The values, or NULL with *N = 0. */
qc_value *qc_qmp_parse(qc_arena *a, const qc_source *src, qc_diag *d,
                        size_t *n);

/* True when MSG is a command: an object with "execute" or "exec-oob". */
bool qc_qmplog_is_command(const qc_value *msg);

#endif
