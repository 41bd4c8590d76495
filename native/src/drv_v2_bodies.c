/* Version 2 section bodies (docs/drv-format.md §4, §5 checks 18–22) and iteration.
 *
 * After drv2_check_bodies succeeds every reference in the file has been checked, so
 * the iterators below decode without further tests. */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "drv_v2.h"

static const char *const SECTION_NAMES[4] = {"STRINGS", "RULES", "STEPS", "LISTS"};

/* Check 18 for one section: length >= 8, reserved word 0, exact length. */
static int check_size(const drv_file *f, int which, uint64_t off, uint64_t len, uint64_t item, uint32_t *count,
                      drv_error *err) {
    const char *name = SECTION_NAMES[which];
    if (len < 8) {
        return drv_fail(err, DRV_E_BAD_SECTION_SIZE, off, "%s section is %llu bytes, shorter than its 8-byte prelude",
                        name, (unsigned long long)len);
    }
    *count = drv_ld32(f->base + off);
    if (which != 1 && drv_ld32(f->base + off + 4) != 0) {
        return drv_fail(err, DRV_E_NONZERO_RESERVED, off + 4, "%s section's reserved word is not zero", name);
    }
    uint64_t want = 8 + (uint64_t)*count * item; /* count < 2^32, item <= 40: no overflow */
    if (len != want) {
        return drv_fail(err, DRV_E_BAD_SECTION_SIZE, off, "%s section is %llu bytes; %u entries need exactly %llu",
                        name, (unsigned long long)len, (unsigned)*count, (unsigned long long)want);
    }
    return DRV_OK;
}

static int check_strings_size(drv_file *f, drv_error *err) {
    uint64_t off = f->strings_off, len = f->strings_len;
    if (len < 8) {
        return drv_fail(err, DRV_E_BAD_SECTION_SIZE, off, "STRINGS section is %llu bytes, shorter than its 8-byte prelude",
                        (unsigned long long)len);
    }
    uint32_t count = drv_ld32(f->base + off);
    if (count > DRV2_MAX_STRINGS) {
        return drv_fail(err, DRV_E_BAD_SECTION_SIZE, off, "STRINGS count 0x%08x is the ABSENT value", (unsigned)count);
    }
    if (drv_ld32(f->base + off + 4) != 0) {
        return drv_fail(err, DRV_E_NONZERO_RESERVED, off + 4, "STRINGS section's reserved word is not zero");
    }
    uint64_t index_len = 4 * ((uint64_t)count + 1);
    if (len - 8 < index_len) {
        return drv_fail(err, DRV_E_BAD_SECTION_SIZE, off, "STRINGS section is %llu bytes, too short for %u offsets",
                        (unsigned long long)len, (unsigned)count + 1);
    }
    uint32_t data_len = drv_ld32(f->base + off + 8 + 4 * (uint64_t)count);
    if (len != 8 + index_len + data_len) {
        return drv_fail(err, DRV_E_BAD_SECTION_SIZE, off,
                        "STRINGS section is %llu bytes; %u strings of %u data bytes need exactly %llu",
                        (unsigned long long)len, (unsigned)count, (unsigned)data_len,
                        (unsigned long long)(8 + index_len + data_len));
    }
    f->string_count = count;
    f->str_offsets = f->base + off + 8;
    f->str_data = f->base + off + 8 + index_len;
    f->str_data_len = data_len;
    return DRV_OK;
}

/* The first string (in index order) that is not valid UTF-8 on its own. */
static int find_bad_string(const drv_file *f, drv_error *err) {
    for (uint32_t i = 0; i < f->string_count; i++) {
        uint32_t a = drv_ld32(f->str_offsets + 4 * (size_t)i);
        uint32_t b = drv_ld32(f->str_offsets + 4 * (size_t)i + 4);
        size_t bad = drv_utf8_check(f->str_data + a, b - a);
        if (bad != (size_t)(b - a)) {
            return drv_fail(err, DRV_E_BAD_UTF8, (uint64_t)(f->str_data - f->base) + a, "string %u is not valid UTF-8",
                            (unsigned)i);
        }
    }
    return DRV_OK;
}

/* Nonzero when some offsets[i] < offsets[i - 1], 1 <= i <= count. With SSE2 (x86, so a
 * little-endian host) four entries per step, by unaligned loads: any base address. */
static uint32_t offsets_decrease(const uint8_t *offsets, uint32_t count) {
    uint32_t decreasing = 0;
    size_t i = 1;
#if defined(__SSE2__)
    const __m128i bias = _mm_set1_epi32((int)0x80000000u); /* unsigned order via signed compare */
    __m128i any = _mm_setzero_si128();
    for (; i + 3 <= (size_t)count; i += 4) { /* entries i..i+3 against i-1..i+2 */
        __m128i cur = _mm_loadu_si128((const __m128i *)(const void *)(offsets + 4 * i));
        __m128i prev = _mm_loadu_si128((const __m128i *)(const void *)(offsets + 4 * i - 4));
        any = _mm_or_si128(any, _mm_cmpgt_epi32(_mm_xor_si128(prev, bias), _mm_xor_si128(cur, bias)));
    }
    decreasing = (uint32_t)_mm_movemask_epi8(any);
#endif
    for (; i <= (size_t)count; i++) {
        decreasing |= drv_ld32(offsets + 4 * i) < drv_ld32(offsets + 4 * i - 4);
    }
    return decreasing;
}

/* Checks 19–20. Offsets first (no data access), then the data in one UTF-8 pass; only when
 * the data holds non-ASCII bytes must each string boundary fall on a code point start,
 * which then makes every string valid on its own. */
static int check_strings_body(const drv_file *f, drv_error *err) {
    uint64_t at = (uint64_t)(f->str_offsets - f->base);
    if (drv_ld32(f->str_offsets) != 0) {
        return drv_fail(err, DRV_E_BAD_STRING_OFFSETS, at, "the first string offset is not 0");
    }
    /* one branch-free pass; the failing entry is searched only when one exists */
    uint32_t decreasing = offsets_decrease(f->str_offsets, f->string_count);
    uint32_t prev = 0;
    for (uint32_t i = 1; decreasing && i <= f->string_count; i++) {
        uint32_t cur = drv_ld32(f->str_offsets + 4 * (size_t)i);
        if (cur < prev) {
            return drv_fail(err, DRV_E_BAD_STRING_OFFSETS, at + 4 * (uint64_t)i,
                            "string offset %u (%u) is smaller than the one before (%u)", (unsigned)i, (unsigned)cur,
                            (unsigned)prev);
        }
        prev = cur;
    }
    int ascii = 0;
    if (drv_utf8_check_ascii(f->str_data, f->str_data_len, &ascii) != f->str_data_len) {
        return find_bad_string(f, err);
    }
    if (ascii) {
        return DRV_OK;
    }
    for (uint32_t i = 1; i < f->string_count; i++) {
        uint32_t cur = drv_ld32(f->str_offsets + 4 * (size_t)i);
        if (cur < f->str_data_len && !drv_utf8_boundary(f->str_data[cur])) {
            return find_bad_string(f, err);
        }
    }
    return DRV_OK;
}

/* A string ref field: in range, or ABSENT when optional. */
static int bad_ref(const drv_file *f, uint64_t at, const char *what, drv_error *err);

static inline int check_ref(const drv_file *f, uint64_t at, int optional, const char *what, drv_error *err) {
    uint32_t v = drv_ld32(f->base + at);
    if (__builtin_expect(v < f->string_count || (optional && v == DRV_ABSENT), 1)) {
        return DRV_OK;
    }
    return bad_ref(f, at, what, err);
}

static int bad_ref(const drv_file *f, uint64_t at, const char *what, drv_error *err) {
    uint32_t v = drv_ld32(f->base + at);
    if (v == DRV_ABSENT) {
        return drv_fail(err, DRV_E_BAD_REF, at, "%s is required but ABSENT", what);
    }
    return drv_fail(err, DRV_E_BAD_REF, at, "%s refers to string %u, but the table has %u strings", what, (unsigned)v,
                    (unsigned)f->string_count);
}

/* Reports the first problem of a list ref field (the slow path of check_list). */
static int bad_list(const drv_file *f, uint64_t at, unsigned width, const char *what, drv_error *err) {
    uint32_t r = drv_ld32(f->base + at);
    const uint8_t *words = f->base + f->lists_off + 8;
    if (r >= f->word_count) {
        return drv_fail(err, DRV_E_BAD_LIST, at, "%s is list %u, but the pool has %u words", what, (unsigned)r,
                        (unsigned)f->word_count);
    }
    uint64_t n = (uint64_t)drv_ld32(words + 4 * (size_t)r) * width;
    if ((uint64_t)r + 1 + n > f->word_count) {
        return drv_fail(err, DRV_E_BAD_LIST, at, "%s (list %u, %llu words) runs past the pool's %u words", what,
                        (unsigned)r, (unsigned long long)n, (unsigned)f->word_count);
    }
    const uint8_t *item = words + 4 * ((size_t)r + 1);
    for (uint64_t i = 0; i < n; i++) {
        uint32_t v = drv_ld32(item + 4 * i);
        if (v >= f->string_count) {
            return drv_fail(err, DRV_E_BAD_LIST, (uint64_t)(item - f->base) + 4 * i,
                            "item %llu of %s refers to string %u, but the table has %u strings", (unsigned long long)i,
                            what, (unsigned)v, (unsigned)f->string_count);
        }
    }
    return DRV_OK;
}

/* A list ref field: the list fits in the pool and (width 1 or 2) every item is a string. */
static inline int check_list(const drv_file *f, uint64_t at, unsigned width, const char *what, drv_error *err) {
    uint32_t r = drv_ld32(f->base + at);
    const uint8_t *words = f->base + f->lists_off + 8;
    if (r < f->word_count) {
        uint64_t n = (uint64_t)drv_ld32(words + 4 * (size_t)r) * width;
        if ((uint64_t)r + 1 + n <= f->word_count) {
            const uint8_t *item = words + 4 * ((size_t)r + 1);
            uint32_t ok = 1;
            for (uint64_t i = 0; i < n; i++) {
                ok &= drv_ld32(item + 4 * i) < f->string_count;
            }
            if (ok) {
                return DRV_OK;
            }
        }
    }
    return bad_list(f, at, width, what, err);
}

static int check_steps(const drv_file *f, drv_error *err) {
    uint64_t rec = f->steps_off + 8;
    int rc = DRV_OK;
    for (uint32_t i = 0; i < f->step_count; i++, rec += DRV2_STEP_SIZE) {
        if ((rc = check_ref(f, rec, 0, "a step's name", err)) || (rc = check_ref(f, rec + 4, 0, "a step's description", err)) ||
            (rc = check_ref(f, rec + 8, 1, "a step's condition", err)) ||
            (rc = check_list(f, rec + 12, 1, "a step's actions", err))) {
            return rc;
        }
    }
    return DRV_OK;
}

/* Unused fields f0..f6 of each kind, which must be 0: an all-ones mask per unused field. */
#define U 0xFFFFFFFFu
static const uint32_t UNUSED_MASK[6][7] = {
    {0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, U}, {0, 0, U, U, U, U, U},
    {0, 0, 0, 0, U, U, U}, {0, 0, 0, U, U, U, U}, {0, U, U, U, U, U, U},
};
#undef U

static const char *const KIND_NAMES[6] = {"", "persona", "standard", "context", "workflow", "raw rule"};

#define FIELD(k) (rec + 12 + 4 * (uint64_t)(k))
#define TRY(expr)                \
    do {                         \
        int rc_ = (expr);        \
        if (rc_ != DRV_OK) {     \
            return rc_;          \
        }                        \
    } while (0)

static int check_rule(const drv_file *f, uint32_t index, uint64_t rec, drv_error *err) {
    const uint8_t *p = f->base + rec;
    uint8_t kind = p[0];
    if (kind < DRV_KIND_PERSONA || kind > DRV_KIND_RAW) {
        return drv_fail(err, DRV_E_BAD_KIND, rec, "rule %u has kind %u; known kinds are 1-5", (unsigned)index,
                        (unsigned)kind);
    }
    if (p[3] != 0) {
        return drv_fail(err, DRV_E_NONZERO_RESERVED, rec + 3, "rule %u's reserved byte is not zero", (unsigned)index);
    }
    const uint32_t *mask = UNUSED_MASK[kind];
    uint32_t unused = (drv_ld32(p + 12) & mask[0]) | (drv_ld32(p + 16) & mask[1]) | (drv_ld32(p + 20) & mask[2]) |
                      (drv_ld32(p + 24) & mask[3]) | (drv_ld32(p + 28) & mask[4]) | (drv_ld32(p + 32) & mask[5]) |
                      (drv_ld32(p + 36) & mask[6]);
    if (unused != 0) {
        for (int k = 0; k < 7; k++) {
            if ((drv_ld32(p + 12 + 4 * k) & mask[k]) != 0) {
                return drv_fail(err, DRV_E_NONZERO_RESERVED, FIELD(k), "field f%d of rule %u (a %s) is unused and must be 0",
                                k, (unsigned)index, KIND_NAMES[kind]);
            }
        }
    }
    if (kind != DRV_KIND_STANDARD) {
        if (p[1] != 0 || p[2] != 0) {
            return drv_fail(err, DRV_E_NONZERO_RESERVED, rec + (p[1] != 0 ? 1 : 2),
                            "rule %u is a %s: its category and priority must be 0", (unsigned)index, KIND_NAMES[kind]);
        }
    } else if (p[1] > 10 && p[1] != 255) {
        return drv_fail(err, DRV_E_BAD_CATEGORY, rec + 1, "rule %u has category %u, which is not defined",
                        (unsigned)index, (unsigned)p[1]);
    }
    TRY(check_ref(f, rec + 4, 1, "a rule's source file", err));
    switch (kind) {
    case DRV_KIND_PERSONA:
        TRY(check_ref(f, FIELD(0), 0, "a persona's name", err));
        TRY(check_ref(f, FIELD(1), 0, "a persona's role", err));
        TRY(check_ref(f, FIELD(2), 1, "a persona's identity", err));
        TRY(check_ref(f, FIELD(3), 1, "a persona's style", err));
        TRY(check_list(f, FIELD(4), 1, "a persona's traits", err));
        return check_list(f, FIELD(5), 1, "a persona's principles", err);
    case DRV_KIND_STANDARD:
        TRY(check_ref(f, FIELD(0), 0, "a standard's description", err));
        return check_ref(f, FIELD(1), 1, "a standard's pattern", err);
    case DRV_KIND_CONTEXT:
        TRY(check_list(f, FIELD(0), 1, "a context's includes", err));
        TRY(check_list(f, FIELD(1), 1, "a context's excludes", err));
        TRY(check_list(f, FIELD(2), 1, "a context's focus", err));
        return check_list(f, FIELD(3), 2, "a context's dependencies", err);
    case DRV_KIND_WORKFLOW: {
        TRY(check_ref(f, FIELD(0), 0, "a workflow's name", err));
        uint64_t first = drv_ld32(p + 16), n = drv_ld32(p + 20);
        if (first + n > f->step_count) {
            return drv_fail(err, DRV_E_BAD_STEPS, FIELD(1), "workflow rule %u uses steps %llu..%llu, but there are %u steps",
                            (unsigned)index, (unsigned long long)first, (unsigned long long)(first + n),
                            (unsigned)f->step_count);
        }
        return DRV_OK;
    }
    default: /* RAW */
        return check_ref(f, FIELD(0), 0, "a raw rule's content", err);
    }
}

/* SCOPES (check 23, §4.6): size, then each scope record, then each rule's scope index. */
static int check_scopes(drv_file *f, drv_error *err) {
    uint64_t off = f->scopes_off, len = f->scopes_len;
    if (len < 8) {
        return drv_fail(err, DRV_E_BAD_SECTION_SIZE, off, "SCOPES section is %llu bytes, shorter than its 8-byte prelude",
                        (unsigned long long)len);
    }
    uint32_t count = drv_ld32(f->base + off);
    if (drv_ld32(f->base + off + 4) != 0) {
        return drv_fail(err, DRV_E_NONZERO_RESERVED, off + 4, "SCOPES section's reserved word is not zero");
    }
    uint64_t want = 8 + (uint64_t)count * DRV2_SCOPE_SIZE + 4 * (uint64_t)f->rule_count; /* < 2^38 */
    if (len != want) {
        return drv_fail(err, DRV_E_BAD_SECTION_SIZE, off,
                        "SCOPES section is %llu bytes; %u scopes and %u rules need exactly %llu", (unsigned long long)len,
                        (unsigned)count, (unsigned)f->rule_count, (unsigned long long)want);
    }
    uint64_t rec = off + 8;
    for (uint32_t i = 0; i < count; i++, rec += DRV2_SCOPE_SIZE) {
        const uint8_t *p = f->base + rec;
        TRY(check_ref(f, rec, 0, "a scope's name", err));
        TRY(check_ref(f, rec + 4, 1, "a scope's description", err));
        TRY(check_list(f, rec + 8, 1, "a scope's globs", err));
        if (p[12] > DRV_ACTIVATION_MANUAL) {
            return drv_fail(err, DRV_E_BAD_KIND, rec + 12, "scope %u has activation %u; known activations are 0-3",
                            (unsigned)i, (unsigned)p[12]);
        }
        for (int k = 13; k < 16; k++) {
            if (p[k] != 0) {
                return drv_fail(err, DRV_E_NONZERO_RESERVED, rec + (uint64_t)k, "scope %u's reserved byte is not zero",
                                (unsigned)i);
            }
        }
    }
    for (uint32_t i = 0; i < f->rule_count; i++, rec += 4) {
        uint32_t v = drv_ld32(f->base + rec);
        if (v >= count && v != DRV_ABSENT) {
            return drv_fail(err, DRV_E_BAD_REF, rec, "rule %u is in scope %u, but there are %u scopes", (unsigned)i,
                            (unsigned)v, (unsigned)count);
        }
    }
    f->scope_count = count;
    return DRV_OK;
}

int drv2_check_bodies(drv_file *f, drv_error *err) {
    uint32_t rules = 0, steps = 0, words = 0;
    int rc;
    if ((rc = check_strings_size(f, err)) || (rc = check_size(f, 1, f->rules_off, f->rules_len, DRV2_RULE_SIZE, &rules, err)) ||
        (rc = check_size(f, 2, f->steps_off, f->steps_len, DRV2_STEP_SIZE, &steps, err)) ||
        (rc = check_size(f, 3, f->lists_off, f->lists_len, 4, &words, err))) {
        return rc;
    }
    f->rule_count = rules;
    f->step_count = steps;
    f->word_count = words;
    if ((rc = check_strings_body(f, err)) || (rc = check_steps(f, err)) ||
        (rc = check_list(f, f->rules_off + 4, 1, "the sources list", err))) {
        return rc;
    }
    uint64_t rec = f->rules_off + 8;
    for (uint32_t i = 0; i < rules; i++, rec += DRV2_RULE_SIZE) {
        if ((rc = check_rule(f, i, rec, err)) != DRV_OK) {
            return rc;
        }
    }
    if (f->has_scopes && (rc = check_scopes(f, err)) != DRV_OK) {
        return rc;
    }
    uint32_t r = drv_ld32(f->base + f->rules_off + 4);
    f->sources.count = drv_ld32(f->base + f->lists_off + 8 + 4 * (size_t)r);
    f->sources.ptr = f->base + f->lists_off + 8 + 4 * ((size_t)r + 1);
    return DRV_OK;
}

/* ---- iteration over a validated file ----
 * Every value is re-checked where it decides what is read next, so that a buffer changed
 * after drv_open (a writable buffer, or a file rewritten under its mapping) can at worst
 * give a -1 ("changed") result, never a read outside the buffer. */

static drv_list list_at(const drv_file *f, uint32_t r, unsigned width, int *ok) {
    const uint8_t *words = f->base + f->lists_off + 8;
    drv_list l = {words, 0};
    if (r >= f->word_count) {
        *ok = 0;
        return l;
    }
    uint32_t n = drv_ld32(words + 4 * (size_t)r);
    if ((uint64_t)r + 1 + (uint64_t)n * width > f->word_count) {
        *ok = 0;
        return l;
    }
    l.count = n;
    l.ptr = words + 4 * ((size_t)r + 1);
    return l;
}

int drv_rule_next_v2(drv_rule_iter *it, drv_rule *r) {
    const drv_file *f = it->file;
    uint64_t rec = f->rules_off + 8 + (uint64_t)it->next_index * DRV2_RULE_SIZE;
    const uint8_t *p = f->base + rec;
    int ok = 1;
    memset(r, 0, sizeof *r);
    r->kind = p[0];
    r->category = p[1];
    r->priority = p[2];
    r->source_file = drv_ld32(p + 4);
    r->line = drv_ld32(p + 8);
    r->offset = rec;
    for (int i = 0; i < 4; i++) {
        r->str[i] = DRV_ABSENT;
    }
    r->scope = DRV_ABSENT;
    if (f->has_scopes) {
        uint64_t at = f->scopes_off + 8 + (uint64_t)f->scope_count * DRV2_SCOPE_SIZE + 4 * (uint64_t)it->next_index;
        if (at + 4 > f->scopes_off + f->scopes_len) {
            return -1;
        }
        r->scope = drv_ld32(f->base + at);
        if (r->scope >= f->scope_count && r->scope != DRV_ABSENT) {
            return -1;
        }
    }
    switch (r->kind) {
    case DRV_KIND_PERSONA:
        for (int i = 0; i < 4; i++) {
            r->str[i] = drv_ld32(p + 12 + 4 * i);
        }
        r->list[0] = list_at(f, drv_ld32(p + 28), 1, &ok);
        r->list[1] = list_at(f, drv_ld32(p + 32), 1, &ok);
        break;
    case DRV_KIND_STANDARD:
        r->str[0] = drv_ld32(p + 12);
        r->str[1] = drv_ld32(p + 16);
        break;
    case DRV_KIND_CONTEXT:
        for (int i = 0; i < 4; i++) {
            r->list[i] = list_at(f, drv_ld32(p + 12 + 4 * i), i == 3 ? 2 : 1, &ok);
        }
        break;
    case DRV_KIND_WORKFLOW: {
        uint64_t first = drv_ld32(p + 16), n = drv_ld32(p + 20);
        r->str[0] = drv_ld32(p + 12);
        if (first + n > f->step_count) {
            return -1;
        }
        r->steps = f->base + f->steps_off + 8 + (size_t)first * DRV2_STEP_SIZE;
        r->step_count = (uint32_t)n;
        break;
    }
    case DRV_KIND_RAW:
        r->str[0] = drv_ld32(p + 12);
        break;
    default:
        return -1;
    }
    return ok ? 1 : -1;
}

int drv_step_next_v2(drv_step_iter *it, drv_step *s) {
    const uint8_t *p = it->pos;
    int ok = 1;
    s->name = drv_ld32(p);
    s->description = drv_ld32(p + 4);
    s->condition = drv_ld32(p + 8);
    s->actions = list_at(it->file, drv_ld32(p + 12), 1, &ok);
    it->pos = p + DRV2_STEP_SIZE;
    return ok ? 1 : -1;
}

int drv_scope_at(const drv_file *f, uint32_t i, drv_scope *out) {
    if (f->version != 2 || !f->has_scopes || i >= f->scope_count) {
        return 0;
    }
    const uint8_t *p = f->base + f->scopes_off + 8 + (size_t)i * DRV2_SCOPE_SIZE;
    int ok = 1;
    out->name = drv_ld32(p);
    out->description = drv_ld32(p + 4);
    out->globs = list_at(f, drv_ld32(p + 8), 1, &ok);
    out->activation = p[12];
    return ok ? 1 : -1;
}
