/* Version 2 framing: header, section table, placement, padding (docs/drv-format.md
 * §5 checks 1–17). Section bodies are checked in drv_v2_bodies.c (checks 18–22). */
#include "drv_v2.h"

static int check_header(drv_file *f, drv_error *err, uint64_t *table_off) {
    const uint8_t *b = f->base;
    f->version = 2;
    if (f->len < DRV2_HEADER_SIZE) {
        return drv_fail(err, DRV_E_TRUNCATED, f->len, "file is %zu bytes, too short for the 64-byte version 2 header",
                        f->len);
    }
    uint16_t header_size = drv_ld16(b + 6);
    if (header_size != DRV2_HEADER_SIZE) {
        return drv_fail(err, DRV_E_BAD_HEADER, 6, "header size is %u, expected 64", (unsigned)header_size);
    }
    f->flags = drv_ld32(b + 8);
    if ((f->flags & DRV2_HEADER_MUST_UNDERSTAND & ~DRV2_HEADER_KNOWN_FLAGS) != 0) {
        return drv_fail(err, DRV_E_UNKNOWN_FLAG, 8,
                        "header flags 0x%08x set a must-understand bit this reader does not know", (unsigned)f->flags);
    }
    f->section_count = drv_ld32(b + 12);
    uint64_t file_length = drv_ld64(b + 16);
    if (file_length != (uint64_t)f->len || file_length % 8 != 0) {
        return drv_fail(err, DRV_E_BAD_LENGTH, 16,
                        "header says the file is %llu bytes; it is %zu bytes (and must be a multiple of 8)",
                        (unsigned long long)file_length, f->len);
    }
    *table_off = drv_ld64(b + 24);
    uint64_t table_len = (uint64_t)f->section_count * DRV2_SECTION_ENTRY; /* < 2^37: no overflow */
    if (*table_off % 8 != 0 || *table_off < DRV2_HEADER_SIZE || !drv_in_bounds(*table_off, table_len, f->len)) {
        return drv_fail(err, DRV_E_BAD_TABLE, 24,
                        "the section table (%u entries at offset %llu) must be 8-aligned, start after the "
                        "64-byte header and end within the %zu-byte file",
                        (unsigned)f->section_count, (unsigned long long)*table_off, f->len);
    }
    return DRV_OK;
}

int drv_section_at(const drv_file *f, uint32_t i, drv_section *out) {
    if (f->version != 2 || i >= f->section_count) {
        return DRV_E_ARGUMENT;
    }
    const uint8_t *p = f->base + drv_ld64(f->base + 24) + (size_t)i * DRV2_SECTION_ENTRY;
    out->type = drv_ld32(p);
    out->flags = drv_ld32(p + 4);
    out->offset = drv_ld64(p + 8);
    out->length = drv_ld64(p + 16);
    return DRV_OK;
}

/* Remember where a known section is; reject repeats of a known type (check 12). */
static int place(uint64_t *off, uint64_t *len, int *seen, const drv_section *s, uint64_t entry, drv_error *err) {
    if (*seen) {
        return drv_fail(err, DRV_E_DUPLICATE_SECTION, entry, "section type 0x%04x appears more than once",
                        (unsigned)s->type);
    }
    *seen = 1;
    *off = s->offset;
    *len = s->length;
    return DRV_OK;
}

/* Checks 9–13, per entry in table order. */
static int check_entries(drv_file *f, uint64_t table_off, drv_error *err, int seen[6]) {
    uint64_t table_end = table_off + (uint64_t)f->section_count * DRV2_SECTION_ENTRY;
    for (uint32_t i = 0; i < f->section_count; i++) {
        drv_section s;
        uint64_t entry = table_off + (uint64_t)i * DRV2_SECTION_ENTRY;
        drv_section_at(f, i, &s);
        if (s.offset % 8 != 0) {
            return drv_fail(err, DRV_E_MISALIGNED, entry + 8, "section %u (type 0x%04x) offset %llu is not 8-aligned",
                            (unsigned)i, (unsigned)s.type, (unsigned long long)s.offset);
        }
        if (s.offset < table_end || !drv_in_bounds(s.offset, s.length, f->len)) {
            return drv_fail(err, DRV_E_OUT_OF_BOUNDS, entry + 8,
                            "section %u (type 0x%04x) at offset %llu, length %llu, is not between the table's end "
                            "(%llu) and the file's end (%zu)",
                            (unsigned)i, (unsigned)s.type, (unsigned long long)s.offset,
                            (unsigned long long)s.length, (unsigned long long)table_end, f->len);
        }
        if (s.flags & DRV2_SECTION_MUST_UNDERSTAND) {
            return drv_fail(err, DRV_E_UNKNOWN_FLAG, entry + 4,
                            "section %u flags 0x%08x set a must-understand bit this reader does not know",
                            (unsigned)i, (unsigned)s.flags);
        }
        int rc = DRV_OK;
        switch (s.type) {
        case DRV2_SEC_STRINGS: rc = place(&f->strings_off, &f->strings_len, &seen[0], &s, entry, err); break;
        case DRV2_SEC_RULES: rc = place(&f->rules_off, &f->rules_len, &seen[1], &s, entry, err); break;
        case DRV2_SEC_STEPS: rc = place(&f->steps_off, &f->steps_len, &seen[2], &s, entry, err); break;
        case DRV2_SEC_LISTS: rc = place(&f->lists_off, &f->lists_len, &seen[3], &s, entry, err); break;
        case DRV2_SEC_SIGNATURE: rc = place(&f->signature_off, &f->signature_len, &seen[4], &s, entry, err); break;
        case DRV2_SEC_SCOPES: rc = place(&f->scopes_off, &f->scopes_len, &seen[5], &s, entry, err); break;
        default:
            if (s.flags & DRV2_SECTION_REQUIRED) {
                return drv_fail(err, DRV_E_UNKNOWN_REQUIRED_SECTION, entry,
                                "section type 0x%04x is marked required but this reader does not know it",
                                (unsigned)s.type);
            }
        }
        if (rc != DRV_OK) {
            return rc;
        }
    }
    f->has_signature = seen[4];
    f->has_scopes = seen[5];
    return DRV_OK;
}

static int zero_gap(const drv_file *f, uint64_t from, uint64_t to, drv_error *err) {
    uint64_t i = from;
    if (from >= to) {
        return DRV_OK;
    }
    while (to - i >= 8) { /* 8 bytes per step; the failing byte is found below */
        uint64_t w;
        memcpy(&w, f->base + i, 8);
        if (w != 0) {
            break;
        }
        i += 8;
    }
    for (; i < to; i++) {
        if (f->base[i] != 0) {
            return drv_fail(err, DRV_E_NONZERO_PADDING, i, "padding byte at 0x%llx is 0x%02x, not zero",
                            (unsigned long long)i, f->base[i]);
        }
    }
    return DRV_OK;
}

/* True when entry (off_a, a) comes after (off_b, b) in (offset, table index) order. */
static int later(uint64_t off_a, int64_t a, uint64_t off_b, int64_t b) {
    return off_a > off_b || (off_a == off_b && a > b);
}

/* The entry following (prev_off, prev_idx) in (offset, index) order, found by one scan. */
static int64_t next_section(const drv_file *f, uint64_t prev_off, int64_t prev_idx, drv_section *out) {
    int64_t best = -1;
    for (uint32_t i = 0; i < f->section_count; i++) {
        drv_section s;
        drv_section_at(f, i, &s);
        if (prev_idx >= 0 && !later(s.offset, i, prev_off, prev_idx)) {
            continue;
        }
        if (best < 0 || later(out->offset, best, s.offset, i)) {
            best = i;
            *out = s;
        }
    }
    return best;
}

/* The step-th section in (offset, index) order, given the one before it (prev_idx -1: none yet). */
static int64_t section_in_order(const drv_file *f, int sorted, uint32_t step, uint64_t prev_off,
                                int64_t prev_idx, drv_section *out) {
    if (sorted) {
        drv_section_at(f, step, out);
        return step;
    }
    return next_section(f, prev_off, prev_idx, out);
}

static int table_sorted(const drv_file *f) {
    drv_section prev, s;
    for (uint32_t i = 1; i < f->section_count; i++) {
        drv_section_at(f, i - 1, &prev);
        drv_section_at(f, i, &s);
        if (s.offset < prev.offset) {
            return 0;
        }
    }
    return 1;
}

/*
 * Checks 14–15 without allocating: the sections are walked in (offset, index) order —
 * in table order when the table is sorted (every file we write), else by repeated scans.
 * Overlaps are reported at the later section's offset; every uncovered byte must be 0.
 */
static int check_layout(drv_file *f, uint64_t table_off, drv_error *err) {
    uint64_t table_end = table_off + (uint64_t)f->section_count * DRV2_SECTION_ENTRY;
    int sorted = table_sorted(f);
    if (!sorted && f->section_count > DRV2_MAX_UNSORTED_SECTIONS) {
        return drv_fail(err, DRV_E_BAD_TABLE, 12,
                        "%u section entries not sorted by offset; at most %u unsorted entries are accepted",
                        (unsigned)f->section_count, (unsigned)DRV2_MAX_UNSORTED_SECTIONS);
    }
    uint64_t cursor = table_end;
    uint64_t prev_off = 0;
    int64_t prev_idx = -1;
    for (uint32_t step = 0; step < f->section_count; step++) {
        drv_section s = {0, 0, 0, 0};
        int64_t idx = section_in_order(f, sorted, step, prev_off, prev_idx, &s);
        if (s.offset < cursor) {
            return drv_fail(err, DRV_E_OVERLAP, s.offset,
                            "section %lld (type 0x%04x) at offset %llu overlaps the section before it",
                            (long long)idx, (unsigned)s.type, (unsigned long long)s.offset);
        }
        uint64_t end = s.offset + s.length;
        cursor = end > cursor ? end : cursor;
        prev_off = s.offset;
        prev_idx = idx;
    }
    /* Padding: [64, table) then the gaps, in file order (a second walk, same order). */
    int rc = zero_gap(f, DRV2_HEADER_SIZE, table_off, err);
    cursor = table_end;
    prev_idx = -1;
    for (uint32_t step = 0; rc == DRV_OK && step < f->section_count; step++) {
        drv_section s = {0, 0, 0, 0};
        int64_t idx = section_in_order(f, sorted, step, prev_off, prev_idx, &s);
        rc = zero_gap(f, cursor, s.offset, err);
        cursor = s.offset + s.length;
        prev_off = s.offset;
        prev_idx = idx;
    }
    return rc == DRV_OK ? zero_gap(f, cursor, f->len, err) : rc;
}

int drv_digest_ranges(const drv_file *f, uint64_t offsets[3], uint64_t lengths[3]) {
    if (f->version == 1) {
        offsets[0] = 16;
        lengths[0] = f->len - 16;
        return 1;
    }
    offsets[0] = 0;
    lengths[0] = 32;
    offsets[1] = DRV2_HEADER_SIZE;
    if (!f->has_signature) {
        lengths[1] = f->len - DRV2_HEADER_SIZE;
        return 2;
    }
    lengths[1] = f->signature_off - DRV2_HEADER_SIZE;
    offsets[2] = f->signature_off + f->signature_len;
    lengths[2] = f->len - offsets[2];
    return 3;
}

int drv_open_v2(drv_file *f, drv_error *err) {
    uint64_t table_off = 0;
    int seen[6] = {0, 0, 0, 0, 0, 0};
    int rc;
    if ((rc = check_header(f, err, &table_off)) != DRV_OK || (rc = check_entries(f, table_off, err, seen)) != DRV_OK ||
        (rc = check_layout(f, table_off, err)) != DRV_OK) {
        return rc;
    }
    static const char *const names[4] = {"STRINGS (0x0001)", "RULES (0x0002)", "STEPS (0x0003)", "LISTS (0x0004)"};
    for (int i = 0; i < 4; i++) {
        if (!seen[i]) {
            return drv_fail(err, DRV_E_MISSING_SECTION, 12, "the file has no %s section", names[i]);
        }
    }
    if (f->has_signature && f->signature_len != DRV2_SIGNATURE_SIZE) {
        uint64_t entry = 0;
        for (uint32_t i = 0; i < f->section_count; i++) {
            drv_section s;
            drv_section_at(f, i, &s);
            if (s.type == DRV2_SEC_SIGNATURE) {
                entry = table_off + (uint64_t)i * DRV2_SECTION_ENTRY;
                break;
            }
        }
        return drv_fail(err, DRV_E_BAD_SECTION_SIZE, entry + 16, "signature section is %llu bytes, expected 128",
                        (unsigned long long)f->signature_len);
    }
    return drv2_check_bodies(f, err);
}
