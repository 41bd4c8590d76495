/* Entry points shared by both versions: dispatch on the version field, errors,
 * UTF-8 validation and list access. */
#include <stdio.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "drv_internal.h"

int drv_fail(drv_error *err, int code, uint64_t offset, const char *fmt, ...) {
    if (err != NULL) {
        va_list ap;
        err->code = code;
        err->offset = offset;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

static const char *const STATUS_NAMES[] = {
    "OK",
    "TRUNCATED",
    "BAD_MAGIC",
    "BAD_VERSION",
    "BAD_HEADER",
    "UNKNOWN_FLAG",
    "BAD_LENGTH",
    "BAD_TABLE",
    "MISALIGNED",
    "OUT_OF_BOUNDS",
    "DUPLICATE_SECTION",
    "UNKNOWN_REQUIRED_SECTION",
    "OVERLAP",
    "NONZERO_PADDING",
    "MISSING_SECTION",
    "BAD_SECTION_SIZE",
    "NONZERO_RESERVED",
    "BAD_STRING_OFFSETS",
    "BAD_UTF8",
    "BAD_REF",
    "BAD_LIST",
    "BAD_KIND",
    "BAD_CATEGORY",
    "BAD_STEPS",
    "BAD_V1_SECTION",
    "DIGEST_MISMATCH",
    "ARGUMENT",
};

const char *drv_status_name(int code) {
    if (code < 0 || (size_t)code >= sizeof STATUS_NAMES / sizeof STATUS_NAMES[0]) {
        return "UNKNOWN";
    }
    return STATUS_NAMES[code];
}

int drv_open(drv_file *file, const void *buf, size_t len, drv_error *err) {
    if (err != NULL) {
        err->code = DRV_OK;
        err->offset = 0;
        err->message[0] = '\0';
    }
    if (file == NULL || (buf == NULL && len != 0)) {
        return drv_fail(err, DRV_E_ARGUMENT, 0, "no buffer given");
    }
    memset(file, 0, sizeof *file);
    file->base = (const uint8_t *)buf;
    file->len = len;
    if (len < 8) {
        return drv_fail(err, DRV_E_TRUNCATED, len, "file is %zu bytes, too short for a .drv header", len);
    }
    if (memcmp(buf, "DRV\0", 4) != 0) {
        return drv_fail(err, DRV_E_BAD_MAGIC, 0, "not a .drv file: the first bytes are not \"DRV\\0\"");
    }
    uint16_t version = drv_ld16(file->base + 4);
    if (version == 1) {
        return drv_open_v1(file, err);
    }
    if (version == 2) {
        return drv_open_v2(file, err);
    }
    return drv_fail(err, DRV_E_BAD_VERSION, 4, "unsupported format version %u (this reader knows 1 and 2)",
                    (unsigned)version);
}

int drv_string(const drv_file *file, uint32_t ref, drv_view *out) {
    if (ref == DRV_ABSENT) {
        out->ptr = NULL;
        out->len = 0;
        return 0;
    }
    if (ref >= file->string_count) {
        return -1;
    }
    if (file->version == 1) {
        return drv_string_v1(file, ref, out);
    }
    uint32_t start = drv_ld32(file->str_offsets + (size_t)ref * 4);
    uint32_t end = drv_ld32(file->str_offsets + (size_t)ref * 4 + 4);
    if (start > end || end > file->str_data_len) {
        return -1; /* the buffer changed after drv_open */
    }
    out->ptr = file->str_data + start;
    out->len = (size_t)(end - start);
    return 1;
}

uint32_t drv_list_get(const drv_list *list, uint32_t i) {
    return drv_ld32(list->ptr + (size_t)i * 4);
}

void drv_rules_begin(const drv_file *file, drv_rule_iter *it) {
    memset(it, 0, sizeof *it);
    it->file = file;
    it->pos = (size_t)file->v1_sections_off;
}

int drv_rule_next(drv_rule_iter *it, drv_rule *out) {
    if (it->next_index >= it->file->rule_count) {
        return 0;
    }
    int got = it->file->version == 1 ? drv_rule_next_v1(it, out) : drv_rule_next_v2(it, out);
    if (got > 0) {
        out->index = it->next_index++;
    } else {
        it->next_index = it->file->rule_count; /* a changed buffer ends the iteration */
        got = -1;
    }
    return got;
}

void drv_steps_begin(const drv_file *file, const drv_rule *rule, drv_step_iter *it) {
    it->file = file;
    it->pos = rule->steps;
    it->remaining = rule->kind == DRV_KIND_WORKFLOW ? rule->step_count : 0;
}

int drv_step_next(drv_step_iter *it, drv_step *out) {
    if (it->remaining == 0) {
        return 0;
    }
    it->remaining--;
    int got = it->file->version == 1 ? drv_step_next_v1(it, out) : drv_step_next_v2(it, out);
    if (got < 0) {
        it->remaining = 0;
    }
    return got;
}

/*
 * UTF-8 validation (RFC 3629: no overlongs, no surrogates, max U+10FFFF), with a fast
 * path that skips 32 ASCII bytes at a time.
 */
size_t drv_utf8_check_ascii(const uint8_t *p, size_t n, int *ascii) {
    size_t i = 0;
    int only_ascii = 1;
#if defined(__SSE2__)
    /* 64 bytes per step while they are all ASCII (unaligned loads: any base address) */
    while (n - i >= 64) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 32));
        __m128i d = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 48));
        if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))) != 0) {
            break;
        }
        i += 64;
    }
#endif
    while (i < n) {
        if (n - i >= 32) {
            uint64_t a, b, c, d;
            memcpy(&a, p + i, 8);
            memcpy(&b, p + i + 8, 8);
            memcpy(&c, p + i + 16, 8);
            memcpy(&d, p + i + 24, 8);
            if (((a | b | c | d) & 0x8080808080808080ull) == 0) {
                i += 32;
                continue;
            }
        }
        uint8_t c0 = p[i];
        if (c0 < 0x80) {
            i++;
            continue;
        }
        only_ascii = 0;
        size_t need;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c0 >= 0xC2 && c0 <= 0xDF) {
            need = 1;
        } else if (c0 == 0xE0) {
            need = 2; lo = 0xA0;
        } else if ((c0 >= 0xE1 && c0 <= 0xEC) || c0 == 0xEE || c0 == 0xEF) {
            need = 2;
        } else if (c0 == 0xED) {
            need = 2; hi = 0x9F;
        } else if (c0 == 0xF0) {
            need = 3; lo = 0x90;
        } else if (c0 >= 0xF1 && c0 <= 0xF3) {
            need = 3;
        } else if (c0 == 0xF4) {
            need = 3; hi = 0x8F;
        } else {
            break;
        }
        if (n - i - 1 < need || p[i + 1] < lo || p[i + 1] > hi) {
            break;
        }
        size_t k = 2;
        while (k <= need && (p[i + k] & 0xC0u) == 0x80u) {
            k++;
        }
        if (k <= need) {
            break;
        }
        i += need + 1;
    }
    *ascii = only_ascii;
    return i;
}

size_t drv_utf8_check(const uint8_t *p, size_t n) {
    int ascii;
    return drv_utf8_check_ascii(p, n, &ascii);
}
