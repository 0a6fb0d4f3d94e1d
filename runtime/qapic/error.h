/* Errors of libqapic-runtime.
 *
 * Every fallible runtime function takes a `qapic_error **err` as its last
 * parameter: on failure it returns -1 or NULL and, when ERR is non-NULL,
 * stores a new error there (the caller frees it with qapic_error_free);
 * *ERR must be NULL on entry.  ERR may be NULL to ignore the details.
 *
 * The kinds are kept apart, as a client needs to act on them differently:
 * QEMU said no (QMP), the connection failed (TRANSPORT), the data did not
 * fit the schema (DECODE, ENCODE), the connected QEMU lacks what the call
 * needs (UNSUPPORTED), a feature policy refused it (POLICY).
 */
#ifndef QAPIC_ERROR_H
#define QAPIC_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;

typedef enum qapic_error_kind {
    QAPIC_ERROR_DECODE = 1,     /* received JSON does not fit its type */
    QAPIC_ERROR_ENCODE,         /* a value the schema forbids */
    QAPIC_ERROR_QMP,            /* QEMU answered with an error */
    QAPIC_ERROR_TRANSPORT,      /* connect, read, write, disconnect, size */
    QAPIC_ERROR_TIMEOUT,        /* no answer in time */
    QAPIC_ERROR_PROTOCOL,       /* the peer broke QMP (garbage, bad greeting) */
    QAPIC_ERROR_UNSUPPORTED,    /* the connected QEMU lacks the command or
                                   a member the call sends */
    QAPIC_ERROR_POLICY,         /* deprecated/unstable use refused */
    QAPIC_ERROR_INVALID,        /* a bad argument to a runtime function */
    QAPIC_ERROR_NOMEM,          /* out of memory */
} qapic_error_kind;

typedef struct qapic_error {
    qapic_error_kind kind;
    /* The whole message, ready to print: for DECODE and ENCODE it starts
     * with the JSON path ("return[3].members[0].type: expected string, got
     * number"), for QMP it is "CLASS: desc". */
    char *message;
    /* DECODE, ENCODE: the JSON path of the offending value ("return",
     * "arguments.channels[0].addr"), or NULL. */
    char *path;
    /* QMP: the error class (an open set of strings, e.g. "GenericError",
     * "CommandNotFound") and description as QEMU sent them. */
    char *qmp_class;
    char *qmp_desc;
    /* QMP and TIMEOUT: the id, the command sent and the raw reply (each
     * an owned reference, or NULL). */
    struct json_object *id;
    struct json_object *request;
    struct json_object *reply;
    /* TRANSPORT: the errno (0 if none), and what was being done
     * ("connect to /run/qmp.sock", "read", "write"). */
    int errnum;
    char *op;
} qapic_error;

/* Frees E and everything it holds; NULL is fine. */
void qapic_error_free(qapic_error *e);

/* The name of a kind, e.g. "decode", "qmp". */
const char *qapic_error_kind_name(qapic_error_kind k);

/* Creates an error of KIND with a printf-style message; path and the
 * other fields stay NULL/0.  Stores it in *ERR when ERR is non-NULL (and
 * *ERR is NULL); returns -1 for convenience. */
int qapic_error_set(struct qapic_error **err, qapic_error_kind kind,
                    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#ifdef __cplusplus
}
#endif

#endif
