/*
 * Replay driver, built with AddressSanitizer and UndefinedBehaviorSanitizer by the tests:
 *
 *   drvdec_replay FILE...               decode each file at every base offset 0..7
 *   drvdec_replay --truncate FILE...    also every prefix of each file
 *   drvdec_replay --bitflip FILE...     also every single-bit flip of each file
 *
 * Prints one line per file (per variant with -v): "ok rules=N" or "error NAME at OFFSET: message".
 * Exits 0 when every variant decoded or failed cleanly, 1 on a usage/IO problem; a
 * sanitizer report or a broken invariant aborts the process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drvdec_exercise.h"

static int verbose = 0;

/* Decode `data` copied at every base offset 0..7 (each copy an exact-size heap block, so
 * ASan sees any read past the end); the outcome must not depend on the offset. */
static int run(const char *label, const uint8_t *data, size_t size, int print) {
    drv_error first = {0, 0, {0}};
    int first_rc = 0;
    for (size_t shift = 0; shift < 8; shift++) {
        uint8_t *block = malloc(size + shift > 0 ? size + shift : 1);
        if (block == NULL) {
            return -1;
        }
        uint8_t *base = block + shift;
        memcpy(base, data, size);
        drv_error e;
        int rc = exercise(base, size, &e);
        if (rc == DRV_OK && shift == 1 && size > 0) {
            /* change every byte in turn under a stale drv_file: no read may leave the buffer */
            drv_file f;
            drv_open(&f, base, size, NULL);
            for (size_t i = 0; i < size; i++) {
                uint8_t old = base[i];
                base[i] = (uint8_t)(old ^ 0xFF);
                volatile uint64_t sink = exercise_changed(&f);
                (void)sink;
                base[i] = old;
            }
        }
        free(block);
        if (shift == 0) {
            first = e;
            first_rc = rc;
        } else if (rc != first_rc || (rc != DRV_OK && (e.offset != first.offset || strcmp(e.message, first.message)))) {
            fprintf(stderr, "%s: result depends on the buffer's alignment (shift %zu)\n", label, shift);
            abort();
        }
    }
    if (print) {
        if (first_rc == DRV_OK) {
            drv_file f;
            drv_open(&f, data, size, NULL);
            printf("%s: ok version=%u rules=%u\n", label, (unsigned)f.version, (unsigned)f.rule_count);
        } else {
            printf("%s: error %s at %llu: %s\n", label, drv_status_name(first_rc), (unsigned long long)first.offset,
                   first.message);
        }
    }
    return first_rc;
}

static uint8_t *slurp(const char *path, size_t *size) {
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf != NULL) {
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (len < cap) {
            break;
        }
        uint8_t *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    fclose(fp);
    *size = len;
    return buf;
}

int main(int argc, char **argv) {
    int truncate = 0, bitflip = 0, files = 0;
    unsigned long variants = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--truncate") == 0) {
            truncate = 1;
            continue;
        }
        if (strcmp(argv[i], "--bitflip") == 0) {
            bitflip = 1;
            continue;
        }
        if (strcmp(argv[i], "-v") == 0) {
            verbose = 1;
            continue;
        }
        size_t size = 0;
        uint8_t *data = slurp(argv[i], &size);
        if (data == NULL) {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            return 1;
        }
        files++;
        if (run(argv[i], data, size, 1) < 0) {
            return 1;
        }
        variants++;
        char label[64];
        for (size_t n = 0; truncate && n < size; n++, variants++) {
            snprintf(label, sizeof label, "prefix %zu", n);
            run(label, data, n, verbose);
        }
        for (size_t bit = 0; bitflip && bit < size * 8; bit++, variants++) {
            data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            snprintf(label, sizeof label, "bit %zu", bit);
            run(label, data, size, verbose);
            data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
        free(data);
    }
    if (files == 0) {
        fprintf(stderr, "usage: drvdec_replay [--truncate] [--bitflip] [-v] FILE...\n");
        return 1;
    }
    printf("replayed %lu variants of %d files\n", variants, files);
    return 0;
}
