/* Version 2 layout constants (docs/drv-format.md §2–§4) and the record checks. */
#ifndef DRV_V2_H
#define DRV_V2_H

#include "drv_internal.h"

enum {
    DRV2_HEADER_SIZE = 64,
    DRV2_SECTION_ENTRY = 24,
    DRV2_RULE_SIZE = 40,
    DRV2_STEP_SIZE = 16,
    DRV2_SIGNATURE_SIZE = 128,
    DRV2_SEC_STRINGS = 0x0001,
    DRV2_SEC_RULES = 0x0002,
    DRV2_SEC_STEPS = 0x0003,
    DRV2_SEC_LISTS = 0x0004,
    DRV2_SEC_SCOPES = 0x0005,
    DRV2_SCOPE_SIZE = 16,
    DRV2_SEC_SIGNATURE = 0x00F0,
    DRV2_SECTION_REQUIRED = 1
};

#define DRV2_HEADER_MUST_UNDERSTAND 0x0000FFFFu
#define DRV2_HEADER_KNOWN_FLAGS 0x00000000u
#define DRV2_SECTION_MUST_UNDERSTAND 0x0000FFFEu
#define DRV2_MAX_STRINGS 0xFFFFFFFEu
/* A section table that is not sorted by offset is checked by repeated scans; beyond
 * this many entries that would be quadratic work on hostile input, so it is refused. */
#define DRV2_MAX_UNSORTED_SECTIONS 4096u

int drv2_check_bodies(drv_file *f, drv_error *err);

#endif /* DRV_V2_H */
