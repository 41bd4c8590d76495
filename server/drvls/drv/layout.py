"""Byte-layout constants of `.drv` files, shared by the encoder and the decoders.

The numbers here are the contract in `docs/drv-format.md`; changing one changes the format.
"""

from __future__ import annotations

import struct
from typing import Final

MAGIC: Final = b"DRV\x00"
VERSION_1: Final = 1
VERSION_2: Final = 2

# Version 2 header: magic, version, header_size, flags, section_count, file_length,
# section_table_offset, digest.
HEADER_SIZE: Final = 64
HEADER_STRUCT: Final = struct.Struct("<4sHHIIQQ32s")
DIGEST_OFFSET: Final = 32
DIGEST_SIZE: Final = 32
HEADER_MUST_UNDERSTAND_MASK: Final = 0x0000FFFF

# Section table entry: type, flags, offset, length.
SECTION_ENTRY_STRUCT: Final = struct.Struct("<IIQQ")
SECTION_ENTRY_SIZE: Final = 24
SECTION_FLAG_REQUIRED: Final = 0x1
SECTION_MUST_UNDERSTAND_MASK: Final = 0x0000FFFE

SECTION_STRINGS: Final = 0x0001
SECTION_RULES: Final = 0x0002
SECTION_STEPS: Final = 0x0003
SECTION_LISTS: Final = 0x0004
SECTION_SCOPES: Final = 0x0005
SECTION_SIGNATURE: Final = 0x00F0
SIGNATURE_SIZE: Final = 128

ALIGNMENT: Final = 8

# Every known data section starts with two u32 words (a count and a reserved/list-ref word).
PRELUDE_STRUCT: Final = struct.Struct("<II")
PRELUDE_SIZE: Final = 8

ABSENT: Final = 0xFFFFFFFF
MAX_STRINGS: Final = 0xFFFFFFFE
MAX_U32: Final = 0xFFFFFFFF

# Rule record: kind, category, priority, reserved, source_file, source_line, f0..f6.
RULE_RECORD_STRUCT: Final = struct.Struct("<BBBBII7I")
RULE_RECORD_SIZE: Final = 40
RULE_FIELDS: Final = 7

# Scope record: name, description, globs list, activation, 3 reserved bytes.
SCOPE_RECORD_STRUCT: Final = struct.Struct("<IIIB3x")
SCOPE_RECORD_SIZE: Final = 16

# Step record: name, description, condition, actions.
STEP_RECORD_STRUCT: Final = struct.Struct("<4I")
STEP_RECORD_SIZE: Final = 16

# Version 1 (upstream): 16-byte header with a 4-byte checksum over bytes 16..end.
V1_HEADER_STRUCT: Final = struct.Struct("<4sHHI4s")
V1_HEADER_SIZE: Final = 16
V1_TAG_STRINGS: Final = 0x01
V1_TAG_PERSONA: Final = 0x02
V1_TAG_STANDARDS: Final = 0x03
V1_TAG_CONTEXT: Final = 0x04
V1_TAG_WORKFLOW: Final = 0x05
V1_MAX_STRING: Final = 0xFFFF
V1_RAW_PRIORITY: Final = 100


def align8(n: int) -> int:
    """Round `n` up to the next multiple of 8."""
    return (n + ALIGNMENT - 1) & ~(ALIGNMENT - 1)


assert HEADER_STRUCT.size == HEADER_SIZE
assert SECTION_ENTRY_STRUCT.size == SECTION_ENTRY_SIZE
assert RULE_RECORD_STRUCT.size == RULE_RECORD_SIZE
assert STEP_RECORD_STRUCT.size == STEP_RECORD_SIZE
assert SCOPE_RECORD_STRUCT.size == SCOPE_RECORD_SIZE
assert V1_HEADER_STRUCT.size == V1_HEADER_SIZE
