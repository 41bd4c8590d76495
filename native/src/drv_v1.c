/* Version 1: the upstream `driven` format/ layout (byte-packed, tagged section stream).
 *
 * Upstream semantics are kept (index 0 = absent in optional fields, categories 11..254
 * read as Other = 255), but every length and index is bounds-checked: where upstream
 * panics or reserves count-sized memory, this returns an error. */
#include "drv_internal.h"

enum { V1_HEADER = 16, V1_TAG_STRINGS = 1, V1_TAG_PERSONA = 2, V1_TAG_STANDARDS = 3,
       V1_TAG_CONTEXT = 4, V1_TAG_WORKFLOW = 5, V1_ENTRY = 10 };

/* A bounds-checked cursor over the file used during validation. */
typedef struct cursor {
    const uint8_t *base;
    size_t len;
    size_t pos;
    uint32_t strings;
    drv_error *err;
} cursor;

static int need(cursor *c, size_t n, const char *what) {
    if (n > c->len - c->pos) {
        return drv_fail(c->err, DRV_E_TRUNCATED, c->pos, "file ends inside %s (%zu bytes needed, %zu left)",
                        what, n, c->len - c->pos);
    }
    return DRV_OK;
}

/* Read a string reference; `optional` means 0 stands for "absent" (upstream rule). */
static int ref(cursor *c, int optional, const char *what) {
    int rc = need(c, 4, what);
    if (rc != DRV_OK) {
        return rc;
    }
    uint32_t v = drv_ld32(c->base + c->pos);
    if (!(optional && v == 0) && v >= c->strings) {
        return drv_fail(c->err, DRV_E_BAD_REF, c->pos, "%s refers to string %u, but the table has %u strings",
                        what, v, c->strings);
    }
    c->pos += 4;
    return DRV_OK;
}

/* A u16 count followed by `count` string refs (`width` refs per item). */
static int ref_list(cursor *c, unsigned width, const char *what) {
    int rc = need(c, 2, what);
    if (rc != DRV_OK) {
        return rc;
    }
    uint32_t n = (uint32_t)drv_ld16(c->base + c->pos) * width;
    c->pos += 2;
    /* items are checked one by one, so a bad reference before the end is reported as such */
    for (uint32_t i = 0; i < n; i++) {
        if ((rc = ref(c, 0, what)) != DRV_OK) {
            return rc;
        }
    }
    return DRV_OK;
}

static int check_strings(cursor *c, drv_file *f) {
    if (c->len <= V1_HEADER) {
        return drv_fail(c->err, DRV_E_TRUNCATED, V1_HEADER, "missing string table: the file ends after the header");
    }
    if (c->base[V1_HEADER] != V1_TAG_STRINGS) {
        return drv_fail(c->err, DRV_E_BAD_V1_SECTION, V1_HEADER,
                        "expected the string table (tag 0x01) first, found tag 0x%02x", c->base[V1_HEADER]);
    }
    c->pos = V1_HEADER + 1;
    int rc = need(c, 4, "the string table count");
    if (rc != DRV_OK) {
        return rc;
    }
    uint32_t count = drv_ld32(c->base + c->pos);
    c->pos += 4;
    /* Each string takes at least its 2-byte length: a larger count cannot fit. */
    if (count > (c->len - c->pos) / 2) {
        return drv_fail(c->err, DRV_E_TRUNCATED, V1_HEADER + 1,
                        "string table claims %u strings, but only %zu bytes follow (at most %zu strings)",
                        count, c->len - c->pos, (c->len - c->pos) / 2);
    }
    f->str_data = c->base + c->pos;
    for (uint32_t i = 0; i < count; i++) {
        if ((rc = need(c, 2, "a string length")) != DRV_OK) {
            return rc;
        }
        size_t n = drv_ld16(c->base + c->pos);
        c->pos += 2;
        if (n > c->len - c->pos) {
            return drv_fail(c->err, DRV_E_TRUNCATED, c->pos - 2, "string %u is %zu bytes long but only %zu bytes remain",
                            i, n, c->len - c->pos);
        }
        size_t bad = drv_utf8_check(c->base + c->pos, n);
        if (bad != n) {
            return drv_fail(c->err, DRV_E_BAD_UTF8, c->pos + bad, "string %u is not valid UTF-8", i);
        }
        c->pos += n;
    }
    f->string_count = count;
    f->str_data_len = (size_t)(c->base + c->pos - f->str_data);
    c->strings = count;
    return DRV_OK;
}

static int add_rules(drv_file *f, uint64_t n, cursor *c, size_t at) {
    if (n > UINT32_MAX - f->rule_count) {
        return drv_fail(c->err, DRV_E_TRUNCATED, at, "too many rules in one file");
    }
    f->rule_count += (uint32_t)n;
    return DRV_OK;
}

static int check_section(cursor *c, drv_file *f) {
    size_t at = c->pos;
    uint8_t tag = c->base[c->pos++];
    int rc = DRV_OK;
    switch (tag) {
    case V1_TAG_PERSONA:
        if ((rc = ref(c, 0, "the persona name")) || (rc = ref(c, 0, "the persona role")) ||
            (rc = ref(c, 1, "the persona identity")) || (rc = ref(c, 1, "the persona style")) ||
            (rc = ref_list(c, 1, "the persona traits")) || (rc = ref_list(c, 1, "the persona principles"))) {
            return rc;
        }
        return add_rules(f, 1, c, at);
    case V1_TAG_STANDARDS: {
        if ((rc = need(c, 4, "the standards count")) != DRV_OK) {
            return rc;
        }
        uint32_t k = drv_ld32(c->base + c->pos);
        c->pos += 4;
        if (k > (c->len - c->pos) / V1_ENTRY) {
            return drv_fail(c->err, DRV_E_TRUNCATED, c->pos - 4,
                            "standards section claims %u rules of 10 bytes, but only %zu bytes remain",
                            k, c->len - c->pos);
        }
        for (uint32_t i = 0; i < k; i++) {
            c->pos += 2; /* category, priority: every byte value is accepted */
            if ((rc = ref(c, 0, "a standard's description")) || (rc = ref(c, 1, "a standard's pattern"))) {
                return rc;
            }
        }
        return add_rules(f, k, c, at);
    }
    case V1_TAG_CONTEXT:
        if ((rc = ref_list(c, 1, "the context includes")) || (rc = ref_list(c, 1, "the context excludes")) ||
            (rc = ref_list(c, 1, "the context focus")) || (rc = ref_list(c, 2, "the context dependencies"))) {
            return rc;
        }
        return add_rules(f, 1, c, at);
    case V1_TAG_WORKFLOW: {
        if ((rc = ref(c, 0, "the workflow name")) || (rc = need(c, 2, "the workflow step count"))) {
            return rc;
        }
        uint32_t steps = drv_ld16(c->base + c->pos);
        c->pos += 2;
        for (uint32_t i = 0; i < steps; i++) {
            if ((rc = ref(c, 0, "a workflow step name")) || (rc = ref(c, 0, "a workflow step description")) ||
                (rc = ref(c, 1, "a workflow step condition")) || (rc = ref_list(c, 1, "a workflow step's actions"))) {
                return rc;
            }
        }
        return add_rules(f, 1, c, at);
    }
    case V1_TAG_STRINGS:
        return drv_fail(c->err, DRV_E_BAD_V1_SECTION, at, "a second string table (tag 0x01) after the first one");
    default:
        return drv_fail(c->err, DRV_E_BAD_V1_SECTION, at, "unknown section tag 0x%02x", tag);
    }
}

int drv_open_v1(drv_file *f, drv_error *err) {
    if (f->len < V1_HEADER) {
        return drv_fail(err, DRV_E_TRUNCATED, f->len, "file is %zu bytes, too short for the 16-byte version 1 header",
                        f->len);
    }
    f->version = 1;
    f->flags = drv_ld16(f->base + 6);
    f->section_count = drv_ld32(f->base + 8);
    f->v1_checksum = drv_ld32(f->base + 12);
    cursor c = {f->base, f->len, 0, 0, err};
    int rc = check_strings(&c, f);
    if (rc != DRV_OK) {
        return rc;
    }
    f->v1_sections_off = c.pos;
    f->v1_sections = 1;
    while (c.pos < c.len) {
        if ((rc = check_section(&c, f)) != DRV_OK) {
            return rc;
        }
        if (f->v1_sections < UINT32_MAX) {
            f->v1_sections++;
        }
    }
    return DRV_OK;
}

int drv_string_v1(const drv_file *f, uint32_t ref, drv_view *out) {
    size_t end = (size_t)(f->str_data - f->base) + f->str_data_len;
    size_t pos;
    if (f->v1_index != NULL) {
        pos = f->v1_index[ref];
    } else {
        pos = (size_t)(f->str_data - f->base);
        for (uint32_t i = 0; i < ref; i++) {
            if (pos + 2 > end) {
                return -1;
            }
            pos += 2 + (size_t)drv_ld16(f->base + pos);
        }
    }
    /* re-checked: the buffer may have changed after drv_open */
    if (pos + 2 > end || drv_ld16(f->base + pos) > end - pos - 2) {
        return -1;
    }
    out->len = drv_ld16(f->base + pos);
    out->ptr = f->base + pos + 2;
    return 1;
}

int drv_v1_index_strings(const drv_file *f, uint32_t *index, size_t capacity) {
    if (f->version != 1 || capacity < f->string_count || f->len > UINT32_MAX) {
        return DRV_E_ARGUMENT;
    }
    size_t pos = (size_t)(f->str_data - f->base);
    for (uint32_t i = 0; i < f->string_count; i++) {
        index[i] = (uint32_t)pos;
        pos += 2 + (size_t)drv_ld16(f->base + pos);
    }
    return DRV_OK;
}

/* Iteration over an already validated file. The walk re-checks each length it follows,
 * so a buffer changed after drv_open gives -1 ("changed"), never a read out of bounds. */
static uint32_t opt(uint32_t v) {
    return v == 0 ? DRV_ABSENT : v;
}

static int has(const drv_file *f, size_t pos, uint64_t n) {
    return drv_in_bounds(pos, n, f->len);
}

static int take_list(const drv_file *f, size_t *pos, unsigned width, drv_list *l) {
    if (!has(f, *pos, 2)) {
        return 0;
    }
    l->count = drv_ld16(f->base + *pos);
    l->ptr = f->base + *pos + 2;
    uint64_t bytes = (uint64_t)l->count * 4 * width;
    if (!has(f, *pos + 2, bytes)) {
        return 0;
    }
    *pos += 2 + (size_t)bytes;
    return 1;
}

static void blank(drv_rule *r, uint8_t kind, size_t at) {
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->offset = at;
    r->source_file = DRV_ABSENT;
    r->scope = DRV_ABSENT;
    for (int i = 0; i < 4; i++) {
        r->str[i] = DRV_ABSENT;
    }
}

int drv_rule_next_v1(drv_rule_iter *it, drv_rule *r) {
    const drv_file *f = it->file;
    const uint8_t *b = f->base;
    if (it->pending_standards > 0) {
        size_t at = it->pos;
        if (!has(f, at, V1_ENTRY)) {
            return -1;
        }
        uint8_t category = b[at];
        blank(r, DRV_KIND_STANDARD, at);
        r->category = (category > 10 && category < 255) ? 255 : category;
        r->priority = b[at + 1];
        r->str[0] = drv_ld32(b + at + 2);
        r->str[1] = opt(drv_ld32(b + at + 6));
        it->pos += V1_ENTRY;
        it->pending_standards--;
        return 1;
    }
    while (it->pos < f->len) {
        size_t at = it->pos;
        uint8_t tag = b[it->pos++];
        switch (tag) {
        case V1_TAG_PERSONA:
            blank(r, DRV_KIND_PERSONA, at);
            if (!has(f, it->pos, 16)) {
                return -1;
            }
            r->str[0] = drv_ld32(b + it->pos);
            r->str[1] = drv_ld32(b + it->pos + 4);
            r->str[2] = opt(drv_ld32(b + it->pos + 8));
            r->str[3] = opt(drv_ld32(b + it->pos + 12));
            it->pos += 16;
            return take_list(f, &it->pos, 1, &r->list[0]) && take_list(f, &it->pos, 1, &r->list[1]) ? 1 : -1;
        case V1_TAG_STANDARDS:
            if (!has(f, it->pos, 4)) {
                return -1;
            }
            it->pending_standards = drv_ld32(b + it->pos);
            it->pos += 4;
            if (it->pending_standards > 0) {
                return drv_rule_next_v1(it, r);
            }
            break;
        case V1_TAG_CONTEXT:
            blank(r, DRV_KIND_CONTEXT, at);
            return take_list(f, &it->pos, 1, &r->list[0]) && take_list(f, &it->pos, 1, &r->list[1]) &&
                           take_list(f, &it->pos, 1, &r->list[2]) && take_list(f, &it->pos, 2, &r->list[3])
                       ? 1
                       : -1;
        case V1_TAG_WORKFLOW: {
            blank(r, DRV_KIND_WORKFLOW, at);
            if (!has(f, it->pos, 6)) {
                return -1;
            }
            r->str[0] = drv_ld32(b + it->pos);
            r->step_count = drv_ld16(b + it->pos + 4);
            it->pos += 6;
            r->steps = b + it->pos;
            for (uint32_t i = 0; i < r->step_count; i++) {
                drv_list actions;
                it->pos += 12;
                if (!take_list(f, &it->pos, 1, &actions)) {
                    return -1;
                }
            }
            return 1;
        }
        default:
            return -1; /* validated files have no other tag: the buffer changed */
        }
    }
    return -1;
}

int drv_step_next_v1(drv_step_iter *it, drv_step *s) {
    const drv_file *f = it->file;
    size_t pos = (size_t)(it->pos - f->base);
    if (!has(f, pos, 12)) {
        return -1;
    }
    s->name = drv_ld32(it->pos);
    s->description = drv_ld32(it->pos + 4);
    s->condition = opt(drv_ld32(it->pos + 8));
    pos += 12;
    if (!take_list(f, &pos, 1, &s->actions)) {
        return -1;
    }
    it->pos = f->base + pos;
    return 1;
}
