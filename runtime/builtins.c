/* The builtin types and their lists, shared by all bindings. */
#include <stdint.h>

#include "internal/runtime.h"

#define SCALAR(cname, qname, kind_, ctype)                                  \
    const qapic_type qapic_type_##cname = {                                 \
        .name = qname, .kind = QAPIC_KIND_##kind_,                          \
        .size = sizeof(ctype),                                              \
    };                                                                      \
    const qapic_type qapic_type_##cname##List = {                           \
        .name = qname "List", .kind = QAPIC_KIND_LIST,                      \
        .size = sizeof(qapic_list),                                         \
        .u.list.element = &qapic_type_##cname,                              \
    };

SCALAR(str, "str", STR, char *)
SCALAR(number, "number", NUMBER, double)
SCALAR(int, "int", INT, int64_t)
SCALAR(int8, "int8", INT8, int8_t)
SCALAR(int16, "int16", INT16, int16_t)
SCALAR(int32, "int32", INT32, int32_t)
SCALAR(int64, "int64", INT64, int64_t)
SCALAR(uint8, "uint8", UINT8, uint8_t)
SCALAR(uint16, "uint16", UINT16, uint16_t)
SCALAR(uint32, "uint32", UINT32, uint32_t)
SCALAR(uint64, "uint64", UINT64, uint64_t)
SCALAR(size, "size", SIZE, uint64_t)
SCALAR(bool, "bool", BOOL, bool)
SCALAR(any, "any", ANY, struct json_object *)
SCALAR(null, "null", NULL, bool)
