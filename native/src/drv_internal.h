/* Internal helpers shared by the decoder's translation units: byte-wise LE loads,
 * overflow-checked range tests and error reporting. Not part of the public API. */
#ifndef DRV_INTERNAL_H
#define DRV_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drvdec.h"

/* Loads never assume alignment: memcpy of a fixed small size compiles to one move. */
static inline uint16_t drv_ld16(const uint8_t *p) {
    return (uint16_t)(p[0] | ((uint16_t)p[1] << 8));
}

static inline uint32_t drv_ld32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t drv_ld64(const uint8_t *p) {
    return (uint64_t)drv_ld32(p) | ((uint64_t)drv_ld32(p + 4) << 32);
}

/* True when [off, off+n) lies inside [0, len), computed without overflow. */
static inline int drv_in_bounds(uint64_t off, uint64_t n, uint64_t len) {
    return off <= len && n <= len - off;
}

/* Fill `err` (if any) and return `code`. */
int drv_fail(drv_error *err, int code, uint64_t offset, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Offset of the first invalid UTF-8 byte in p[0..n), or n when all valid. */
size_t drv_utf8_check(const uint8_t *p, size_t n);

/* As drv_utf8_check; also sets *ascii to 1 when every byte before the result is < 0x80. */
size_t drv_utf8_check_ascii(const uint8_t *p, size_t n, int *ascii);

/* True when `b` starts a code point (is not a continuation byte 10xxxxxx). */
static inline int drv_utf8_boundary(uint8_t b) {
    return (b & 0xC0u) != 0x80u;
}

int drv_open_v1(drv_file *file, drv_error *err);
int drv_open_v2(drv_file *file, drv_error *err);
int drv_string_v1(const drv_file *file, uint32_t ref, drv_view *out);
int drv_rule_next_v1(drv_rule_iter *it, drv_rule *out);
int drv_rule_next_v2(drv_rule_iter *it, drv_rule *out);
int drv_step_next_v1(drv_step_iter *it, drv_step *out);
int drv_step_next_v2(drv_step_iter *it, drv_step *out);

#endif /* DRV_INTERNAL_H */
