/* libFuzzer target: the QAPI schema dialect of the parser. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_one(data, size, QC_DIALECT_SCHEMA, 1);
}
