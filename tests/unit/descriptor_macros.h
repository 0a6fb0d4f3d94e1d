/* Shorthands for hand-written member descriptors (the test fixture and the
 * codec benchmark), written as `qapic gen c` writes them out in full. */
#ifndef TESTS_DESCRIPTOR_MACROS_H
#define TESTS_DESCRIPTOR_MACROS_H

#include <stddef.h>

#include "qapic/types.h"

#define D_MEMBER(S, name_, field, type_)                                    \
    { .name = name_, .type = &type_, .offset = offsetof(S, field),          \
      .has_offset = QAPIC_NO_OFFSET }
#define D_OPTIONAL(S, name_, field, type_)                                  \
    { .name = name_, .type = &type_, .offset = offsetof(S, field),          \
      .has_offset = offsetof(S, has_##field),                               \
      .flags = QAPIC_MEMBER_OPTIONAL }

#endif
