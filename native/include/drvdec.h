/*
 * drvdec: a zero-copy, allocation-free validator and reader for `.drv` rule files.
 *
 * The caller owns the buffer (typically a read-only mmap). `drv_open` checks every
 * offset, length, count and string reference once, with overflow-safe arithmetic, and
 * afterwards every accessor hands back views (pointer, length) into that same buffer.
 * Nothing here allocates, copies string data or depends on the buffer's alignment:
 * multi-byte fields are always loaded byte-wise as little-endian values.
 *
 * Two layouts are understood (see docs/drv-format.md):
 *   - version 2: 64-byte header, section table, 8-aligned sections, string table with
 *     an offset index, fixed-size rule records; digest = BLAKE3-256 (checked by the caller).
 *   - version 1 (upstream `driven` format/): byte-packed, tagged section stream,
 *     length-prefixed strings, index 0 = absent in optional fields.
 *
 * Digests are not computed here: the caller hashes the ranges given by
 * `drv_digest_ranges` (version 2) or bytes 16..end (version 1).
 */
#ifndef DRVDEC_H
#define DRVDEC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A string reference that points nowhere ("absent"); never a valid index. */
#define DRV_ABSENT 0xFFFFFFFFu

/* Error codes: stable numbers; the names are those of docs/drv-format.md §5 and are
 * mirrored by drvls.drv.codes_binary. */
enum drv_status {
    DRV_OK = 0,
    DRV_E_TRUNCATED = 1,          /* the buffer ends before a structure it announces */
    DRV_E_BAD_MAGIC = 2,          /* not a .drv file */
    DRV_E_BAD_VERSION = 3,        /* a version this reader does not know */
    DRV_E_BAD_HEADER = 4,         /* header_size is not 64 */
    DRV_E_UNKNOWN_FLAG = 5,       /* a must-understand flag this reader does not know */
    DRV_E_BAD_LENGTH = 6,         /* file_length differs from the buffer, or not a multiple of 8 */
    DRV_E_BAD_TABLE = 7,          /* section table misplaced or out of bounds */
    DRV_E_MISALIGNED = 8,         /* a section offset that is not 8-aligned */
    DRV_E_OUT_OF_BOUNDS = 9,      /* a section outside [table_end, file_length) */
    DRV_E_DUPLICATE_SECTION = 10,
    DRV_E_UNKNOWN_REQUIRED_SECTION = 11,
    DRV_E_OVERLAP = 12,
    DRV_E_NONZERO_PADDING = 13,
    DRV_E_MISSING_SECTION = 14,
    DRV_E_BAD_SECTION_SIZE = 15,
    DRV_E_NONZERO_RESERVED = 16,
    DRV_E_BAD_STRING_OFFSETS = 17,
    DRV_E_BAD_UTF8 = 18,
    DRV_E_BAD_REF = 19,           /* a string reference out of range, or ABSENT where required */
    DRV_E_BAD_LIST = 20,          /* a list reference or list item out of range */
    DRV_E_BAD_KIND = 21,
    DRV_E_BAD_CATEGORY = 22,
    DRV_E_BAD_STEPS = 23,         /* a workflow's step range outside STEPS */
    DRV_E_BAD_V1_SECTION = 24,    /* v1: missing/repeated string table or unknown tag */
    DRV_E_DIGEST_MISMATCH = 25,   /* reported by callers that hash; never by drv_open */
    DRV_E_ARGUMENT = 26           /* API misuse (NULL pointers, wrong version) */
};

/* Rule kinds: values are the v2 on-disk kind bytes (drvls.drv.model.RuleKind). */
enum drv_kind {
    DRV_KIND_PERSONA = 1,
    DRV_KIND_STANDARD = 2,
    DRV_KIND_CONTEXT = 3,
    DRV_KIND_WORKFLOW = 4,
    DRV_KIND_RAW = 5
};

/* Scope activations (v2 SCOPES section, docs/drv-format.md §4.6): when an assistant applies
 * the rules of a scope. Values are the on-disk bytes (drvls.drv.model.Activation). */
enum drv_activation {
    DRV_ACTIVATION_ALWAYS = 0,    /* every request */
    DRV_ACTIVATION_FILES = 1,     /* when files matching the scope's globs are in play */
    DRV_ACTIVATION_REQUESTED = 2, /* when the agent decides from the description */
    DRV_ACTIVATION_MANUAL = 3     /* only when the user names the scope */
};

typedef struct drv_error {
    int code;             /* enum drv_status */
    uint64_t offset;      /* byte offset in the buffer where the problem is */
    char message[192];    /* plain-language description, NUL-terminated */
} drv_error;

typedef struct drv_view {
    const uint8_t *ptr;
    size_t len;
} drv_view;

/* `count` little-endian u32 values starting at `ptr` (any alignment). */
typedef struct drv_list {
    const uint8_t *ptr;
    uint32_t count;
} drv_list;

typedef struct drv_section {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t length;
} drv_section;

/*
 * A validated file. Treat the fields as read-only; they are public so that the
 * structure can live on the caller's stack (no allocation).
 */
typedef struct drv_file {
    const uint8_t *base;
    size_t len;
    uint16_t version;       /* 1 or 2 (a v1 file stamped 0 reports 1) */
    uint32_t flags;         /* v2 header flags; v1: the u16 flags field */
    uint32_t section_count; /* as stored in the header */
    uint32_t rule_count;    /* number of rules an iteration yields */
    /* strings */
    uint32_t string_count;
    const uint8_t *str_offsets; /* v2: u32 offsets[count + 1]; v1: unused */
    const uint8_t *str_data;    /* v2: string data; v1: the first string's length prefix */
    size_t str_data_len;
    const uint32_t *v1_index;   /* v1: optional caller-built index (drv_v1_index_strings) */
    /* v2 sections (length 0 and offset 0 = absent) */
    uint64_t strings_off, strings_len;
    uint64_t rules_off, rules_len;
    uint64_t steps_off, steps_len;
    uint64_t lists_off, lists_len;
    uint64_t signature_off, signature_len;
    int has_signature;
    uint32_t step_count;   /* v2: STEPS records */
    uint32_t word_count;   /* v2: LISTS pool words */
    drv_list sources;      /* v2: the compiled source files (string refs); v1: empty */
    /* v2 SCOPES (optional; has_scopes 0 = every rule unscoped) */
    uint64_t scopes_off, scopes_len;
    int has_scopes;
    uint32_t scope_count;
    /* v1 */
    uint64_t v1_sections_off; /* first byte after the string table */
    uint32_t v1_checksum;     /* the stored 4-byte check value, as LE u32 */
    uint32_t v1_sections;     /* sections found, the string table included (saturates at UINT32_MAX) */
} drv_file;

typedef struct drv_rule {
    uint32_t index;     /* 0-based position in the rule list */
    uint8_t kind;       /* enum drv_kind */
    uint8_t category;   /* standard: category byte */
    uint8_t priority;   /* standard: priority, 0 = highest */
    uint32_t source_file; /* string ref or DRV_ABSENT */
    uint32_t line;        /* 1-based, 0 = unknown */
    uint64_t offset;      /* byte offset of the record */
    /* persona: name, role, identity, style; standard: description, pattern;
       workflow: name; raw: content. Unused slots hold DRV_ABSENT. */
    uint32_t str[4];
    /* persona: traits, principles; context: includes, excludes, focus,
       dependencies (count = number of (name, version) pairs, 2 u32 each). */
    drv_list list[4];
    /* workflow steps: opaque position for drv_step_iter */
    const uint8_t *steps;
    uint32_t step_count;
    uint32_t scope;       /* index for drv_scope_at, or DRV_ABSENT (unscoped) */
} drv_rule;

typedef struct drv_scope {
    uint32_t name;        /* string ref */
    uint32_t description; /* string ref or DRV_ABSENT */
    drv_list globs;       /* string refs */
    uint8_t activation;   /* enum drv_activation */
} drv_scope;

typedef struct drv_step {
    uint32_t name;
    uint32_t description;
    uint32_t condition; /* DRV_ABSENT when none */
    drv_list actions;
} drv_step;

typedef struct drv_rule_iter {
    const drv_file *file;
    uint32_t next_index;
    /* v1 cursor */
    size_t pos;
    uint32_t pending_standards;
} drv_rule_iter;

typedef struct drv_step_iter {
    const drv_file *file;
    const uint8_t *pos;
    uint32_t remaining;
} drv_step_iter;

/* Validate `buf[0..len)` completely. Returns DRV_OK, or an error code with `err` filled. */
int drv_open(drv_file *file, const void *buf, size_t len, drv_error *err);

/* Section table entry `i` (v2 only; 0 <= i < section_count). Returns DRV_OK or DRV_E_ARGUMENT. */
int drv_section_at(const drv_file *file, uint32_t i, drv_section *out);

/*
 * The byte ranges covered by the digest, as up to three (offset, length) pairs:
 * v2: [0,32) ‖ [64,S) ‖ [S+L,len); v1: [16,len). Returns the number of ranges.
 */
int drv_digest_ranges(const drv_file *file, uint64_t offsets[3], uint64_t lengths[3]);

/* String `ref`. Returns 1 and fills `out` for a string, 0 for DRV_ABSENT, -1 for a bad ref
 * (out of range, or a string table changed since drv_open). */
int drv_string(const drv_file *file, uint32_t ref, drv_view *out);

/*
 * v1 only: fill `index[0..string_count)` with the offset of each string's length
 * prefix so that drv_string is O(1); then store `index` in file->v1_index.
 * Returns DRV_OK, or DRV_E_ARGUMENT when `capacity` is too small.
 */
int drv_v1_index_strings(const drv_file *file, uint32_t *index, size_t capacity);

/*
 * Rule iteration in file order. drv_rule_next returns 1 with a rule, 0 at the end, and -1
 * (ending the iteration) if the buffer no longer matches what drv_open validated: the caller
 * changed it, or another process rewrote a mapped file. Accessors never read outside the
 * buffer even then; drv_string and drv_step_next report the same condition as -1.
 */
void drv_rules_begin(const drv_file *file, drv_rule_iter *it);
int drv_rule_next(drv_rule_iter *it, drv_rule *out);

/* Workflow steps of `rule`. drv_step_next returns 1 with a step, 0 at the end, -1 if changed. */
void drv_steps_begin(const drv_file *file, const drv_rule *rule, drv_step_iter *it);
int drv_step_next(drv_step_iter *it, drv_step *out);

/* Scope `i` (0 <= i < scope_count). Returns 1 with a scope, 0 when out of range, -1 if changed. */
int drv_scope_at(const drv_file *file, uint32_t i, drv_scope *out);

/* Item `i` of a list (caller keeps i < list->count). */
uint32_t drv_list_get(const drv_list *list, uint32_t i);

/* A short name for an error code ("truncated", "bad-magic", ...). */
const char *drv_status_name(int code);

#ifdef __cplusplus
}
#endif

#endif /* DRVDEC_H */
