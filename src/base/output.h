/* Output, the one way every command writes its results: to standard
 * output, or to a named file.  Failures and refusals are reported to the
 * sink (codes "io-error", "io-read-only", "io-hard-links", "io-owner",
 * "io-xattr");
 * the callers only decide the exit status.
 *
 * What a named PATH gets:
 * - a regular file (new or existing) is replaced atomically: the text goes
 *   to a temporary file in the same directory, is synced, and renamed over
 *   PATH; then the directory is synced.  A reader never sees half a file
 *   and a failed write leaves the old file as it was.  The new file keeps
 *   the old one's owner, group, permission bits and extended attributes,
 *   its ACL included (a new file gets 0666 less the umask, and the
 *   directory's default ACL);
 * - a symbolic link is followed: the file it leads to is written (as
 *   above, or created if it does not exist yet) and the link stays;
 * - anything else (a FIFO, a terminal, /dev/null, /dev/full, any device)
 *   is opened and written in place, never replaced;
 * - PATH naming our own standard output or error (/dev/stdout, /dev/fd/1,
 *   or the file stdout is redirected to) is written through that
 *   descriptor.
 * Refused, with the file left alone:
 * - a regular file with other hard links: an atomic replacement would
 *   split it from its other names, and writing in place is not atomic;
 * - a read-only file (no write permission bit, or not writable by the
 *   caller: root included) unless QC_OUTPUT_FORCE is given;
 * - a file whose owner or group the caller cannot give the replacement
 *   (another user's file, for anyone but root);
 * - a file with an extended attribute the caller cannot give the
 *   replacement (a security.* label, say), or without an ACL when the
 *   replacement cannot be kept from its directory's default ACL, unless
 *   QC_OUTPUT_FORCE is given (the replacement then goes without).
 *
 * The write-if-changed variant is for generated files: when a file already
 * holds exactly the new text it is left alone, modification time included,
 * so that make rebuilds nothing. */
#ifndef QC_OUTPUT_H
#define QC_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

/* Flags of qc_output_write. */
enum {
    QC_OUTPUT_FORCE = 1u << 0,   /* rewrite a read-only file all the same,
                                    or one whose extended attributes
                                    cannot all be kept */
};

/* Writes DATA[0..LEN) to PATH, or to standard output when PATH is NULL or
 * "-".  FLAGS: QC_OUTPUT_*.  Returns false after reporting the failure or
 * refusal to D. */
bool qc_output_write(qc_diag *d, const char *path, const char *data,
                     size_t len, unsigned flags);

/* Text handed out a piece at a time: a producer calls WRITE(WCTX, DATA,
 * LEN) for each piece, in order, and returns false as soon as a call
 * does (the write failed: errno says why) or when it cannot go on. */
typedef bool qc_output_piece_fn(void *wctx, const char *data, size_t len);
typedef bool qc_output_producer(void *ctx, qc_output_piece_fn *write,
                                void *wctx);

/* qc_output_write of the text PRODUCE hands out (called once), for a text
 * too large to hold whole. */
bool qc_output_write_pieces(qc_diag *d, const char *path,
                            qc_output_producer *produce, void *ctx,
                            unsigned flags);

/* The same, except that a regular file PATH already holding exactly DATA
 * is not touched.  *CHANGED (may be NULL) tells whether PATH was written.
 * Standard output and other non-regular files are always written. */
bool qc_output_write_if_changed(qc_diag *d, const char *path,
                                const char *data, size_t len, unsigned flags,
                                bool *changed);

/* False after reporting when qc_output_write would refuse PATH now (a
 * read-only or hard-linked file, a directory, a loop of links...), so that
 * a long computation need not start; nothing is written. */
bool qc_output_may_write(qc_diag *d, const char *path, unsigned flags);

/* Writes DATA to PATH only when nothing is at PATH yet (not even a
 * dangling link): staged next to it and then linked into place, so that a
 * file made meanwhile is never replaced either (a file the user owns once
 * written, such as a test skeleton); the directory is synced.  *EXISTED
 * tells that PATH was there: nothing written, no error. */
bool qc_output_write_new(qc_diag *d, const char *path, const char *data,
                         size_t len, bool *existed);

/* A set of files written all or nothing, each only when its content
 * changed (generated code), each path treated as qc_output_write treats
 * it.  qc_output_set_add() compares PATH with DATA and, when they differ,
 * decides where PATH goes and refuses it then (false after reporting: a
 * read-only or hard-linked file, a directory...); a regular file's new text
 * is staged in a temporary file next to it.  qc_output_set_commit() writes
 * the non-regular files (FIFOs, devices, standard output) straight, then
 * renames the staged files into place and syncs their directories
 * (*NCHANGED, may be NULL: how many were written); after a failed add it
 * removes the staged files and changes nothing.  Commit and abort free
 * the set.  qc_output_set_flags() gives the set QC_OUTPUT_* flags (before
 * the first add). */
typedef struct qc_output_set qc_output_set;
qc_output_set *qc_output_set_new(void);
void qc_output_set_flags(qc_output_set *s, unsigned flags);
bool qc_output_set_add(qc_output_set *s, qc_diag *d, const char *path,
                       const char *data, size_t len);
bool qc_output_set_commit(qc_output_set *s, qc_diag *d, size_t *nchanged);
void qc_output_set_abort(qc_output_set *s);

#endif
