/*
 * Shared by the libFuzzer harness and the replay driver: validate a buffer, then touch
 * every view the API can hand out, checking that each lies inside the buffer. Any broken
 * invariant calls abort(), which sanitizers and libFuzzer report as a crash.
 */
#ifndef DRVDEC_EXERCISE_H
#define DRVDEC_EXERCISE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drvdec.h"

static inline void exercise_inside(const drv_file *f, const uint8_t *p, size_t n) {
    if (n == 0) {
        return;
    }
    if (p < f->base || n > f->len || (size_t)(p - f->base) > f->len - n) {
        abort();
    }
}

static inline uint64_t exercise_string(const drv_file *f, uint32_t ref, int absent_ok) {
    drv_view v;
    int got = drv_string(f, ref, &v);
    if (got < 0 || (got == 0 && !absent_ok)) {
        abort();
    }
    if (got == 0) {
        return 0;
    }
    exercise_inside(f, v.ptr, v.len);
    uint64_t sum = v.len;
    for (size_t i = 0; i < v.len; i++) {
        sum += v.ptr[i];
    }
    return sum;
}

static inline uint64_t exercise_list(const drv_file *f, const drv_list *l, unsigned width) {
    uint64_t sum = 0;
    exercise_inside(f, l->ptr, (size_t)l->count * 4 * width);
    for (uint32_t i = 0; i < l->count * width; i++) {
        sum += exercise_string(f, drv_list_get(l, i), 0);
    }
    return sum;
}

/* Returns the status of drv_open; on success every rule, step and string has been read. */
static inline int exercise(const uint8_t *data, size_t size, drv_error *err) {
    drv_file f;
    int rc = drv_open(&f, data, size, err);
    if (rc != DRV_OK) {
        if (err->code != rc || err->offset > size || memchr(err->message, 0, sizeof err->message) == NULL ||
            err->message[0] == '\0') {
            abort();
        }
        return rc;
    }
    uint64_t sum = 0;
    for (uint32_t i = 0; i < f.string_count; i++) {
        sum += exercise_string(&f, i, 0);
    }
    sum += exercise_list(&f, &f.sources, 1);
    uint64_t off[3], len[3];
    int n = drv_digest_ranges(&f, off, len);
    for (int i = 0; i < n; i++) {
        if (off[i] > size || len[i] > size - off[i]) {
            abort();
        }
    }
    for (uint32_t i = 0; f.version == 2 && i < f.section_count; i++) {
        drv_section s;
        if (drv_section_at(&f, i, &s) != DRV_OK || s.offset > size || s.length > size - s.offset) {
            abort();
        }
    }
    for (uint32_t i = 0; i < f.scope_count; i++) {
        drv_scope sc;
        if (drv_scope_at(&f, i, &sc) != 1 || sc.activation > DRV_ACTIVATION_MANUAL) {
            abort();
        }
        sum += exercise_string(&f, sc.name, 0) + exercise_string(&f, sc.description, 1) +
               exercise_list(&f, &sc.globs, 1);
    }
    drv_rule_iter it;
    drv_rule r;
    uint32_t count = 0;
    int got;
    drv_rules_begin(&f, &it);
    while ((got = drv_rule_next(&it, &r)) == 1) {
        count++;
        if (r.kind < DRV_KIND_PERSONA || r.kind > DRV_KIND_RAW || r.offset >= size ||
            (r.scope != DRV_ABSENT && r.scope >= f.scope_count)) {
            abort();
        }
        sum += exercise_string(&f, r.source_file, 1);
        for (int k = 0; k < 4; k++) {
            sum += exercise_string(&f, r.str[k], 1);
        }
        for (int k = 0; k < 4; k++) {
            sum += exercise_list(&f, &r.list[k], k == 3 && r.kind == DRV_KIND_CONTEXT ? 2 : 1);
        }
        drv_step_iter si;
        drv_step s;
        uint32_t steps = 0;
        int step_got;
        drv_steps_begin(&f, &r, &si);
        while ((step_got = drv_step_next(&si, &s)) == 1) {
            steps++;
            sum += exercise_string(&f, s.name, 0) + exercise_string(&f, s.description, 0) +
                   exercise_string(&f, s.condition, 1) + exercise_list(&f, &s.actions, 1);
        }
        if (step_got < 0 || steps != (r.kind == DRV_KIND_WORKFLOW ? r.step_count : 0)) {
            abort();
        }
    }
    if (got < 0 || count != f.rule_count) {
        abort();
    }
    if (f.version == 1 && f.string_count > 0) {
        /* the indexed lookup must agree with the scanning one */
        uint32_t *index = malloc(sizeof(uint32_t) * f.string_count);
        if (index != NULL && drv_v1_index_strings(&f, index, f.string_count) == DRV_OK) {
            drv_file g = f;
            g.v1_index = index;
            for (uint32_t i = 0; i < f.string_count; i++) {
                drv_view a, b;
                drv_string(&f, i, &a);
                drv_string(&g, i, &b);
                if (a.ptr != b.ptr || a.len != b.len) {
                    abort();
                }
            }
        }
        free(index);
    }
    volatile uint64_t sink = sum;
    (void)sink;
    return DRV_OK;
}

/*
 * Walk a file that was validated and then changed (`f` is stale): results may be -1, but
 * nothing may be read outside the buffer (ASan checks that).
 */
static inline uint64_t exercise_changed(const drv_file *f) {
    uint64_t sum = 0;
    drv_view v;
    for (uint32_t i = 0; i < f->string_count; i++) {
        if (drv_string(f, i, &v) == 1) {
            exercise_inside(f, v.ptr, v.len);
            sum += v.len ? v.ptr[v.len - 1] : 0;
        }
    }
    drv_rule_iter it;
    drv_rule r;
    drv_rules_begin(f, &it);
    while (drv_rule_next(&it, &r) == 1) {
        for (int k = 0; k < 4; k++) {
            if (drv_string(f, r.str[k], &v) == 1) {
                sum += v.len;
            }
            exercise_inside(f, r.list[k].ptr, (size_t)r.list[k].count * 4 * (k == 3 && r.kind == DRV_KIND_CONTEXT ? 2 : 1));
            for (uint32_t i = 0; i < r.list[k].count; i++) {
                sum += drv_list_get(&r.list[k], i);
            }
        }
        drv_step_iter si;
        drv_step s;
        drv_steps_begin(f, &r, &si);
        while (drv_step_next(&si, &s) == 1) {
            exercise_inside(f, s.actions.ptr, (size_t)s.actions.count * 4);
            for (uint32_t i = 0; i < s.actions.count; i++) {
                sum += drv_list_get(&s.actions, i);
            }
            if (drv_string(f, s.name, &v) == 1) {
                sum += v.len;
            }
        }
    }
    return sum;
}

#endif /* DRVDEC_EXERCISE_H */
