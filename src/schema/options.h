/* Language options shared by the front end and its users. */
#ifndef QC_OPTIONS_H
#define QC_OPTIONS_H

#include <stdbool.h>

/* Which QEMU release's rules apply where releases differ (doc comments). */
typedef enum {
    QC_STD_QEMU_10_0,
    QC_STD_QEMU_10_2,
} qc_std;

typedef struct qc_options {
    qc_std std;                 /* default QC_STD_QEMU_10_2 */
    bool no_doc_checks;         /* read doc blocks as plain comments */
} qc_options;

#define QC_OPTIONS_DEFAULT { QC_STD_QEMU_10_2, false }

#endif
