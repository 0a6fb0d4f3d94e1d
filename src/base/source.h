/* Source files and locations.  A location is a byte offset into a loaded
 * source; line and column are computed only when a diagnostic needs them. */
#ifndef QC_SOURCE_H
#define QC_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

typedef struct qc_source {
    const char *path;            /* as opened, e.g. "dir/sub.json" */
    char *text;                  /* followed by QC_SOURCE_PAD NUL bytes (flex
                                    needs two; fast readers load 16 bytes at
                                    a time) */
    size_t len;
    const struct qc_source *parent; /* includer, or NULL */
    uint32_t parent_off;         /* offset of the include directive in parent */
    uint32_t id;                 /* its number in locations (qc_loc) */
    uint64_t serial;             /* never another source's in the process,
                                    as its id and address may be once it is
                                    freed: what tells sources apart after */
    qc_arena *arena;             /* owner; also holds the line index */
    /* Private to source.c: the line index, made by the first question
     * about lines (most sources are never asked), and the sources of the
     * same arena (a schema may have a hundred thousand: 72 bytes each). */
    struct qc_source_lines *lines_;
    const struct qc_source *older_;
} qc_source;

#define QC_SOURCE_PAD 16

/* A location: 8 bytes, for there is one in every value, member and
 * entity.  A source is named by its number: every source of the process
 * has one, from its creation until its arena is freed (then the number
 * may name a later source). */
typedef struct qc_loc {
    uint32_t src_id;             /* 0: no location (e.g. a command-line problem) */
    uint32_t off;
} qc_loc;

/* The highest number a source gets (values keep it in 27 bits): as
 * many live sources would take far more memory than there is. */
#define QC_SOURCE_MAX_ID ((1u << 27) - 1)

/* The live sources by number (private: qc_loc_src). */
extern const qc_source **qc_source_table_;

/* The source of L, or NULL for no location. */
static inline const qc_source *qc_loc_src(qc_loc l)
{
    return l.src_id ? qc_source_table_[l.src_id] : NULL;
}

/* The size limit of every input read through qc_source_read: files
 * larger are refused before they are read, streams (pipes, devices,
 * standard input) once they go past it.  The ceiling keeps every offset
 * in 32 bits and flex's buffer counts (ints) far from overflowing. */
#define QC_SOURCE_MAX_DEFAULT ((uint64_t)256 << 20)     /* 256 MiB */
#define QC_SOURCE_MAX_CEILING ((uint64_t)1 << 30)       /* 1 GiB */

/* Sets the limit (at most QC_SOURCE_MAX_CEILING) for the rest of the run;
 * the command line's --max-input-size. */
void qc_source_set_max_size(uint64_t max);
uint64_t qc_source_max_size(void);

struct qc_diag;

/* Reads PATH into a new source.  Returns NULL and sets *err to errno on
 * failure (a directory gives EISDIR), or, for an input beyond the size
 * limit, to 0 after reporting "input-too-large" to D located in PATH:
 * at 1:1 when its size was known before reading, at the first byte past
 * the limit otherwise (PARENT and PARENT_OFF: the includer, or NULL, for
 * the diagnostic's include chain).  Without D the limit gives EFBIG.
 * When ENSURE_NEWLINE is set, a '\n' is appended to text that is empty
 * or does not end in one, as QEMU does. */
qc_source *qc_source_read(qc_arena *a, struct qc_diag *d, const char *path,
                          bool ensure_newline, const qc_source *parent,
                          uint32_t parent_off, int *err);

/* qc_source_read with PATH, a string that lives as long as A, kept as
 * the source's path instead of a copy (a schema reads many files). */
qc_source *qc_source_read_kept(qc_arena *a, struct qc_diag *d,
                               const char *path, bool ensure_newline,
                               const qc_source *parent, uint32_t parent_off,
                               int *err);

/* The name of standard input in locations. */
#define QC_SOURCE_STDIN "<stdin>"

/* qc_source_read of standard input, from where it is (not reopened by
 * name: a socket works, a file read in part is read on), named
 * QC_SOURCE_STDIN.  A closed standard input gives EBADF (the command line
 * holds descriptor 0 with a file open for writing only). */
qc_source *qc_source_read_stdin(qc_arena *a, struct qc_diag *d,
                                bool ensure_newline, int *err);

/* qc_source_read without a diagnostic sink: the limit gives EFBIG. */
qc_source *qc_source_load(qc_arena *a, const char *path, bool ensure_newline,
                          int *err);

/* Wraps an in-memory buffer (copied) as a source named PATH. */
qc_source *qc_source_from_mem(qc_arena *a, const char *path,
                              const char *data, size_t len,
                              bool ensure_newline);

/* 1-based line of OFF. */
unsigned qc_source_line(const qc_source *src, uint32_t off);

/* 1-based column of OFF, counted in characters from the start of its line
 * with QEMU's rule for tabs: col = (col + 7) % 8 + 1. */
unsigned qc_source_column(const qc_source *src, uint32_t off);

/* Offset of the start of 1-based LINE (clamped to the text). */
uint32_t qc_source_line_offset(const qc_source *src, unsigned line);

static inline qc_loc qc_loc_make(const qc_source *src, uint32_t off)
{
    qc_loc l = { src ? src->id : 0, off };
    return l;
}

/* Whether A and B are in the same source (or both nowhere). */
static inline bool qc_loc_same_src(qc_loc a, qc_loc b)
{
    return a.src_id == b.src_id;
}

#endif
