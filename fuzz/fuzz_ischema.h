/* A small introspected schema of our own for the fuzz targets that ask
 * questions of one (query paths, compatibility rules): every meta-type,
 * optional members, features on entries, members and enum values, a
 * union with a branch, an alternate, an array and builtins. */
#ifndef QC_FUZZ_ISCHEMA_H
#define QC_FUZZ_ISCHEMA_H

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"
#include "dumps/ischema.h"
#include "syntax/parse.h"

static const char fuzz_ischema_json[] =
    "[{\"name\": \"migrate\", \"meta-type\": \"command\", \"arg-type\": \"1\", \"ret-type\": \"0\","
    "  \"features\": [\"deprecated\"]},"
    " {\"name\": \"query-x\", \"meta-type\": \"command\", \"arg-type\": \"0\", \"ret-type\": \"5\"},"
    " {\"name\": \"blockdev-add\", \"meta-type\": \"command\", \"arg-type\": \"3\", \"ret-type\": \"0\"},"
    " {\"name\": \"SHUTDOWN\", \"meta-type\": \"event\", \"arg-type\": \"1\"},"
    " {\"name\": \"0\", \"meta-type\": \"object\", \"members\": []},"
    " {\"name\": \"1\", \"meta-type\": \"object\", \"members\": ["
    "   {\"name\": \"uri\", \"type\": \"str\"},"
    "   {\"name\": \"channels\", \"type\": \"[2]\", \"default\": null},"
    "   {\"name\": \"mode\", \"type\": \"4\", \"features\": [\"unstable\"]},"
    "   {\"name\": \"alt\", \"type\": \"6\"}]},"
    " {\"name\": \"2\", \"meta-type\": \"object\", \"members\": [{\"name\": \"port\", \"type\": \"int\"}]},"
    " {\"name\": \"[2]\", \"meta-type\": \"array\", \"element-type\": \"2\"},"
    " {\"name\": \"3\", \"meta-type\": \"object\", \"tag\": \"driver\","
    "   \"members\": [{\"name\": \"driver\", \"type\": \"4\"}],"
    "   \"variants\": [{\"case\": \"nvme\", \"type\": \"2\"}, {\"case\": \"file\", \"type\": \"0\"}]},"
    " {\"name\": \"4\", \"meta-type\": \"enum\", \"values\": [\"nvme\", \"file\"],"
    "   \"members\": [{\"name\": \"nvme\", \"features\": [\"deprecated\"]}, {\"name\": \"file\"}]},"
    " {\"name\": \"5\", \"meta-type\": \"array\", \"element-type\": \"6\"},"
    " {\"name\": \"6\", \"meta-type\": \"alternate\", \"members\": [{\"type\": \"str\"}, {\"type\": \"2\"}]},"
    " {\"name\": \"str\", \"meta-type\": \"builtin\", \"json-type\": \"string\"},"
    " {\"name\": \"int\", \"meta-type\": \"builtin\", \"json-type\": \"int\"}]";

/* The schema above (aborts if it does not parse), made once and kept for
 * every input: questions never change it. */
static const qc_ischema *fuzz_ischema(void)
{
    static qc_ischema *s;
    if (s)
        return s;
    qc_arena *a = qc_arena_new();
    qc_diag *d = qc_diag_new();
    qc_source *src = qc_source_from_mem(a, "fuzz-schema.json", fuzz_ischema_json,
                                        sizeof fuzz_ischema_json - 1, false);
    size_t n = 0;
    qc_value *v = qc_parse_json(a, src, false, d, &n);
    qc_diag_free(d);
    if (!v || n != 1)
        abort();
    return s = qc_ischema_new(a, &v[0]);
}

#endif
