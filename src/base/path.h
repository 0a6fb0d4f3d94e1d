/* Lexical path helpers with Python's os.path semantics, which QEMU's
 * generator uses to name files and modules (no symlink resolution). */
#ifndef QC_PATH_H
#define QC_PATH_H

#include <stdbool.h>

#include "base/arena.h"

/* os.path.join(os.path.dirname(BASE_FILE), REL) */
char *qc_path_join_dir(qc_arena *a, const char *base_file, const char *rel);
/* os.path.abspath(PATH): absolute and normalised, lexically. */
char *qc_path_abs(qc_arena *a, const char *path);
/* os.path.relpath(PATH, START) */
char *qc_path_rel(qc_arena *a, const char *path, const char *start);
/* The working directory (qc_path_abs's, without a system call each). */
char *qc_path_cwd(qc_arena *a);
/* qc_path_rel(PATH, START) for START_ABS = qc_path_abs(START), a
 * relative PATH taken from CWD (qc_path_cwd): for many paths against one
 * start.  When the answer is the end of PATH, it is that end, not a
 * copy (so it lives as long as PATH). */
const char *qc_path_rel_from(qc_arena *a, const char *path,
                             const char *start_abs, const char *cwd);
/* os.path.dirname(PATH) */
char *qc_path_dirname(qc_arena *a, const char *path);
/* True when PATH ends in SUFFIX (".replies", ".yaml"). */
bool qc_path_has_suffix(const char *path, const char *suffix);

#endif
