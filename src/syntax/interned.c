/* The strings kept once; see interned.h. */
#include "syntax/interned.h"

/* Keys of schema definitions, pragmas and conditions; built-in types and
 * the special features; keys of QMP messages, greetings and
 * query-qmp-schema's entries, and the JSON types these name. */
const char qc_interned_words[][QC_INTERNED_LEN]
    __attribute__((aligned(16))) = {
    "struct", "union", "alternate", "enum", "command", "event", "include",
    "pragma", "data", "base", "discriminator", "returns", "if", "features",
    "boxed", "gen", "success-response", "allow-oob", "allow-preconfig",
    "coroutine", "prefix", "type", "name", "all", "any", "not",
    "doc-required", "command-name-exceptions", "command-returns-exceptions",
    "documentation-exceptions", "member-name-exceptions",
    "str", "int", "int8", "int16", "int32", "int64", "uint8", "uint16",
    "uint32", "uint64", "number", "size", "bool", "null", "QType",
    "deprecated", "unstable",
    "execute", "exec-oob", "arguments", "return", "error", "class", "desc",
    "id", "QMP", "version", "capabilities", "oob", "timestamp", "seconds",
    "microseconds", "qemu", "major", "minor", "micro", "package",
    "meta-type", "arg-type", "ret-type", "members", "tag", "variants",
    "default", "case", "element-type", "values", "json-type", "string",
    "boolean", "object", "array", "value", "builtin",
};

unsigned char qc_interned_first[32 * QC_INTERNED_LEN];
unsigned char qc_interned_next[256];

void qc_interned_init(void)
{
    if (qc_interned_first[('s' & 31) * QC_INTERNED_LEN + 6])
        return;
    size_t n = sizeof qc_interned_words / sizeof *qc_interned_words;
    _Static_assert(sizeof qc_interned_words / sizeof *qc_interned_words
                   < 255, "numbers are bytes");
    for (size_t k = n; k-- > 0;) {      /* each chain in the list's order */
        const char *w = qc_interned_words[k];
        unsigned char *first = &qc_interned_first[(w[0] & 31)
                                                  * QC_INTERNED_LEN
                                                  + strlen(w)];
        qc_interned_next[k + 1] = *first;
        *first = (unsigned char)(k + 1);
    }
}
