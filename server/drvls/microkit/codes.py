"""Microkit rule codes (MK…): one per distinct check, stable once released.

Where the Microkit tool has a message, the diagnostic uses the tool's text (without its
`Error: ` prefix and location) so users can match it with `microkit` output.
"""

from drvls.core.diagnostics import Severity
from drvls.core.rules import RuleInfo, rule

FAMILY = "Microkit"
E, W = Severity.ERROR, Severity.WARNING


def _r(code: str, name: str, severity: Severity, summary: str) -> RuleInfo:
    return rule(code, name, severity, summary, FAMILY)


# XML level
XML_SYNTAX = _r("MK001", "xml-syntax", E, "The file is not well-formed XML (the tool stops with `Could not parse`).")
DUPLICATE_ATTRIBUTE = _r("MK002", "duplicate-attribute", E, "An attribute is written twice on one element.")
ENTITY = _r("MK003", "xml-entity", E,
            "An entity reference that is not predefined, or a DTD entity declaration (never expanded).")
NO_SYSTEM = _r("MK004", "missing-system-root", E,
               "The root element is not `<system>` (the tool panics instead of reporting it).")
SYSTEM_TEXT = _r("MK005", "text-in-system", E, "Non-whitespace text directly inside `<system>`.")

# Generic per-element checks
INVALID_ATTRIBUTE = _r("MK010", "invalid-attribute", E, "An attribute the element does not accept here.")
MISSING_ATTRIBUTE = _r("MK011", "missing-attribute", E, "A required attribute is missing.")
BAD_INTEGER = _r("MK012", "invalid-integer", E, "A number the tool cannot parse (decimal, or lowercase `0x` hex).")
RAW_INTEGER = _r("MK013", "non-decimal-integer", E,
                 "A decimal-only attribute holds something else; the tool panics on it.")
INVALID_ELEMENT = _r("MK014", "invalid-element", E, "A child element that is not allowed here.")
BAD_BOOL = _r("MK015", "invalid-boolean", E, "A boolean attribute that is not exactly `true` or `false`.")
REPEATED_ELEMENT = _r("MK016", "repeated-element", E, "An element that may appear only once appears again.")
MISSING_ELEMENT = _r("MK017", "missing-element", E,
                     "A required child is missing (`program_image`, `vcpu`, `domain_schedule`, channel ends).")
DUPLICATE_SETVAR = _r("MK018", "duplicate-setvar", E, "Two setvars write the same symbol of one PD.")

# Protection domains
PD_PRIORITY = _r("MK020", "pd-priority-range", E, "PD priority outside 0–254.")
PD_BUDGET = _r("MK021", "budget-exceeds-period", E, "Budget greater than period.")
PD_STACK = _r("MK022", "stack-size", E, "Stack size outside 0x1000–0x1000000 or not 4 KiB aligned.")
CPU_RANGE = _r("MK023", "cpu-out-of-range", E, "A `cpu` that is not below the configured core count.")
CPU_PANIC = _r("MK024", "cpu-over-255", E,
               "Retired: a `cpu` above 255 is reported as MK023, like any core out of range.")
SMC = _r("MK025", "smc-unavailable", E, "`smc=\"true\"` on a kernel or architecture without SMC forwarding.")
PD_DOMAIN = _r("MK026", "pd-domain", E, "A PD `domain` that is missing, undeclared, or used before `<domains>`.")
CHILD_ID_RANGE = _r("MK027", "child-id-range", E,
                    "A child PD id above 61: it becomes a badge bit (the tool does not check it).")
PD_COUNT = _r("MK028", "pd-count", E, "No protection domain at all, or more than 63.")
PD_NAME = _r("MK029", "pd-name", E, "A duplicate PD name, or the reserved name `monitor`.")

# Maps and memory regions
MAP_PERMS = _r("MK030", "map-perms", E, "Map permissions other than a combination of r, w, x, or write-only.")
EMPTY_PERMS = _r("MK031", "empty-perms", W, "`perms=\"\"` maps the region with no access; the tool accepts it.")
VADDR_LIMIT = _r("MK032", "vaddr-too-high", E, "A map vaddr at or above the top of the address space.")
MAP_MR = _r("MK033", "map-unknown-mr", E, "A map (or iomap) of a memory region that is not declared.")
MAP_ALIGN = _r("MK034", "map-alignment", E, "A map vaddr not aligned to the region's page size.")
MAP_RANGE = _r("MK035", "map-range", E, "A mapped range that overflows or leaves the address space.")
MAP_OVERLAP = _r("MK036", "map-overlap", E, "Two maps in one address space overlap (related: the first).")
MR_NAME = _r("MK037", "mr-duplicate-name", E, "Two memory regions share a name.")
MR_SIZE = _r("MK038", "mr-size", E, "Memory region size missing or not a multiple of its page size.")
MR_ZERO = _r("MK039", "mr-zero-size", W, "A memory region of size 0; the tool accepts it.")
MR_PAGE_SIZE = _r("MK040", "mr-page-size", E, "A page size other than 0x1000 or 0x200000.")
MR_PHYS_ALIGN = _r("MK041", "mr-phys-alignment", E, "A `phys_addr` not aligned to the page size.")
MR_PHYS_OVERLAP = _r("MK042", "mr-phys-overlap", E, "Two fixed-address memory regions overlap physically.")
MR_UNUSED = _r("MK043", "unused-memory-region", W,
               "A memory region nothing maps, iomaps or names in `<setvar region_paddr>`.")
PREFILL = _r("MK044", "prefill", E, "A `prefill_path` that is missing, unreadable, empty, or too large.")
BOOTINFO = _r("MK045", "prefill-bootinfo", E, "An unknown `prefill_bootinfo`, or both prefill attributes.")
PREFILL_SIZE_SETVAR = _r("MK046", "setvar-prefill-size", E,
                         "`setvar_prefill_size` on a map of a region without `prefill_path`.")
SETVAR_MR = _r("MK047", "setvar-unknown-mr", E,
               "`<setvar region_paddr>` names a missing region; the tool panics at build time.")
SETVAR_PADDR_X86 = _r("MK048", "setvar-paddr-x86", E,
                      "On x86-64, `setvar region_paddr` needs a region with a `phys_addr`.")

# IRQs, I/O ports, ids
ID_RANGE = _r("MK050", "id-range", E, "A channel, IRQ, I/O port or vCPU id outside 0–61.")
IRQ_ARCH = _r("MK051", "irq-kind-arch", E, "An IRQ kind (ARM/RISC-V, IOAPIC, MSI) the architecture lacks.")
IRQ_VALUE = _r("MK052", "irq-value", E, "An IRQ trigger, polarity, vector, pin, ioapic or handle out of range.")
PCI_ADDRESS = _r("MK053", "pci-address", E, "A PCI address that is not hex `bus:dev.func` within range.")
IRQ_DUPLICATE = _r("MK054", "duplicate-irq", E, "The same IRQ number claimed twice in the system.")
DUPLICATE_ID = _r("MK055", "duplicate-channel-id", E, "An id used twice among one PD's channel ends and IRQs.")
IOPORT = _r("MK056", "ioport", E, "An I/O port on a non-x86 target, or of size 0.")
IOPORT_DUPLICATE = _r("MK057", "ioport-duplicate", E, "Duplicate I/O port ids in a PD, or overlapping ranges.")
CHILD_ID_DUPLICATE = _r("MK058", "duplicate-child-id", E, "A child PD id used twice, or equal to a vCPU id.")

# Channels
CHANNEL_PD = _r("MK060", "channel-unknown-pd", E, "A channel end naming a PD that does not exist.")
CHANNEL_ENDS = _r("MK061", "channel-ends", E, "A channel without exactly two `<end>`s.")
PPC_BIDIRECTIONAL = _r("MK062", "ppc-bidirectional", E, "`pp=\"true\"` on both ends of a channel.")
PPC_PRIORITY = _r("MK063", "ppc-priority", E, "A PPC to a PD of equal or lower priority.")
CHANNEL_SELF = _r("MK064", "channel-to-self", W, "Both ends of a channel are the same PD; the tool accepts it.")

# Virtual machines
VM_UNAVAILABLE = _r("MK070", "vm-unavailable", E, "A virtual machine on a kernel without hypervisor support.")
VM_NOT_CHILD = _r("MK071", "vm-not-child", E, "`<virtual_machine>` directly under `<system>`.")
VM_DUPLICATE = _r("MK072", "vm-duplicate", E, "Duplicate VM names or vCPU ids.")
VM_PRIORITY = _r("MK073", "vm-priority-wrap", W, "A VM priority above 254; the tool wraps it to 8 bits.")
VCPU_SETVAR = _r("MK074", "vcpu-setvar-ignored", W, "`setvar_id` on a `<vcpu>` is silently ignored by the tool.")
X86_VMM = _r("MK075", "x86-vmm", E, "On x86-64, a PD with a vCPU may not have children or receive PPCs.")

# cspace
CAP_SLOT = _r("MK080", "cap-slot", E, "A cap slot of 0 (reserved) or above 127.")
CAP_PD = _r("MK081", "cap-unknown-pd", E, "A cap naming an unknown PD.")
CAP_OVERLAP = _r("MK082", "cap-overlap", E, "Two caps in the same slot of one PD's cspace.")

# Domains
DOMAINS_SMP = _r("MK090", "domains-multicore", E, "`<domains>` on a multicore kernel.")
DOMAIN_DEF = _r("MK091", "domain-definition", E, "A domain with a duplicate name or id, or id ≥ KernelNumDomains.")
DOMAIN_COUNT = _r("MK092", "domain-count", E, "More domains than KernelNumDomains allows.")
DOMAIN_COUNT_EDGE = _r("MK093", "domain-count-off-by-one", W,
                       "One domain more than KernelNumDomains: the tool accepts it by an off-by-one.")
SCHEDULE = _r("MK094", "domain-schedule", E, "A schedule entry, duration, start index or shift that is invalid.")

# IOMMU
IOMMU = _r("MK100", "iommu-unavailable", E, "`<io_address_space>` on a kernel without IOMMU support.")
IO_SPACE = _r("MK101", "io-address-space", E, "A bad or duplicate device name, peripheral id or domain id.")
IOMAP = _r("MK102", "iomap", E, "An iomap with bad perms, iovaddr, or a large-page region.")

# Legacy syntax
LEGACY_PP = _r("MK110", "legacy-pd-pp", E, "Pre-2.0 `pp` on `<protection_domain>`: it moved to the calling `<end>`.")
LEGACY_VM = _r("MK111", "legacy-vm-syntax", E, "The pre-1.3 virtual machine dialect (`vm_id`, images inside the VM).")
LEGACY_SETVAR = _r("MK112", "legacy-setvar-vaddr", E, "sel4cp-era `<setvar vaddr>`.")
CPP_TEMPLATE = _r("MK113", "cpp-template", E, "C-preprocessor syntax: the file is a template, not XML, until cpp runs.")
VERSION = _r("MK114", "newer-syntax", E, "Syntax that the configured Microkit version does not have yet.")

# Settings
TARGET_SETTING = _r("MK120", "target-setting", W, "A `microkit` target setting or SDK directory that cannot be used.")

# Build-time checks (program images), made by the tool only when it builds the image
IMAGE_NOT_FOUND = _r("MK200", "program-image-not-found", E,
                     "A `program_image` (or `path_for_symbols`) found in no folder of the configured search path.")
IMAGE_NOT_BUILT = _r("MK201", "program-image-not-built", W,
                     "A `program_image` not next to the system file while no search path is configured.")
IMAGE_INVALID = _r("MK202", "program-image-invalid", E,
                   "A program image that is not a 64-bit little-endian ELF with program headers and a symbol table.")
IMAGE_MACHINE = _r("MK203", "program-image-architecture", E, "A program image built for another architecture.")
IMAGE_MICROKIT_SYMBOLS = _r("MK204", "program-image-not-microkit", E,
                            "A program image without the symbols the tool writes (`microkit_name` …): not linked "
                            "with libmicrokit.")
SETVAR_SYMBOL = _r("MK205", "setvar-symbol-missing", E, "A setvar symbol the program image does not define once.")
SETVAR_SYMBOL_SIZE = _r("MK206", "setvar-symbol-size", E, "A setvar symbol that is not 8 bytes (a 64-bit word).")
MAP_ELF_OVERLAP = _r("MK207", "map-overlaps-elf", E, "A `map` that overlaps a loadable segment of the PD's image.")
ELF_RESERVED_OVERLAP = _r("MK208", "elf-overlaps-stack", E,
                          "A loadable segment overlapping the stack, guard page or IPC buffer the tool places at "
                          "the top of the address space.")
