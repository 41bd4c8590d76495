/*
 * libFuzzer harness for the .drv decoder. Each input is decoded from an 8-aligned copy
 * and again from a copy at an odd address: the results must agree (the decoder never
 * depends on alignment), and every view handed out must stay inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drvdec_exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t *aligned = malloc(size + 16);
    if (aligned == NULL) {
        return 0;
    }
    memcpy(aligned, data, size);
    drv_error e1, e2;
    int r1 = exercise(aligned, size, &e1);
    memmove(aligned + 3, aligned, size);
    int r2 = exercise(aligned + 3, size, &e2);
    if (r1 != r2 || (r1 != DRV_OK && (e1.offset != e2.offset || strcmp(e1.message, e2.message) != 0))) {
        abort();
    }
    if (r2 == DRV_OK && size > 0) {
        /* change the validated buffer under a stale drv_file: never an out-of-bounds read */
        drv_file f;
        uint8_t *base = aligned + 3;
        drv_open(&f, base, size, NULL);
        uint32_t h = 2166136261u;
        for (size_t i = 0; i < size; i++) {
            h = (h ^ data[i]) * 16777619u;
        }
        for (int k = 0; k < 8; k++) {
            h = h * 1103515245u + 12345u;
            base[h % size] ^= (uint8_t)(h >> 24 | 1u);
            volatile uint64_t sink = exercise_changed(&f);
            (void)sink;
        }
    }
    free(aligned);
    return 0;
}
