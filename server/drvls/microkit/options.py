"""The `[microkit]` settings: the kernel/SDK target and where prefill files are found (read by `target.py`)."""

from drvls.core.schema import Option, Section

SECTION = Section("microkit", "Microkit target", (
    Option("arch", "string", "aarch64", "IRQ kinds, `ioport`, VM scheduling attributes, SMC, IOMMU identifiers",
           choices=("aarch64", "riscv64", "x86_64"), flag="--arch"),
    Option("hypervisor", "bool", True, "whether `<virtual_machine>` is available", flag="--hypervisor"),
    Option("cores", "int", 1, "`cpu` must be below it; `<domains>` needs 1", flag="--cores"),
    Option("iommu", "bool", False, "whether `<io_address_space>` is available", flag="--iommu"),
    Option("smc", "bool", True, "whether the kernel forwards SMC calls (`smc=\"true\"` on a PD)", flag="--smc"),
    Option("num_domains", "int", 16, "KernelNumDomains", flag="--num-domains"),
    Option("num_domain_schedules", "int", 100, "KernelNumDomainSchedules", flag="--num-domain-schedules"),
    Option("user_vspace_top", "address", "0xffffffffff",
           "seL4_UserVSpaceTop: the top of PD and VM address spaces", flag="--vspace-top", metavar="HEX"),
    Option("version", "string", "2.3", "Microkit release whose syntax and behaviour apply",
           choices=("2.0", "2.1", "2.2", "2.3"), flag="--microkit-version", metavar="X.Y"),
    Option("search_path", "paths", None, "where `prefill_path` files are looked up, in order (default: the "
           "file's folder)", flag="--search-path", metavar="DIR"),
    Option("sdk", "path", None, "a Microkit SDK folder to read the target from", flag="--sdk", metavar="DIR"),
    Option("board", "string", None, "the SDK board (needs `sdk`)", flag="--board"),
    # `--config` as the `microkit` tool spells it: the board configuration inside the SDK.
    Option("config", "string", "debug", "the SDK board configuration (`debug`, `release`, …)", flag="--config",
           metavar="NAME"),
    Option("inlay_hints", "bool", True, "inlay hints in the editor: where each map ends, region sizes in human "
           "units, the PD at the other end of a channel id", editor_only=True),
), doc="microkit.md")
