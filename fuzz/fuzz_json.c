/* libFuzzer target: strict JSON, as a stream of values (capability dumps,
 * QMP logs). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_one(data, size, QC_DIALECT_STREAM, 0);
}
