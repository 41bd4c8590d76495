"""Which CAmkES connectors map to which Microkit objects, and what each unmappable one leaves to write."""

from __future__ import annotations

NOTIFY = frozenset({"seL4Notification", "seL4NotificationQueue", "seL4NotificationBind", "seL4NotificationNative",
                    "seL4RPCEvent", "seL4GlobalAsynch", "seL4GlobalAsynchCallback"})
RPC = frozenset({"seL4RPCCall", "seL4RPCCallNoType", "seL4RPCCallSignal", "seL4RPCNoThreads", "seL4DirectCall"})
RPC_DATAPORT = frozenset({"seL4RPCDataport", "seL4RPCDataportSignal", "seL4RPCDataportNoThreads",
                          "seL4RPCOverMultiSharedData"})
SHARED = frozenset({"seL4SharedData", "seL4DMASharedData", "seL4SharedDataWithCaps"})
DMA = frozenset({"seL4DMASharedData"})
MMIO = frozenset({"seL4HardwareMMIO"})
IRQ = frozenset({"seL4HardwareInterrupt", "seL4GlobalAsynchHardwareInterrupt"})

MARSHALLING = ("RPC argument marshalling",
               "pack each method's arguments into message registers (`microkit_mr_set`) before "
               "`microkit_ppcall`, and unpack them in the server's `protected()` by method label")
RPC_DATAPORT_TODO = ("RPC over a dataport (seL4RPCDataport)",
                     "add a memory region shared by caller and callee for the arguments, and copy them "
                     "in and out around `microkit_ppcall`")

# Connectors with their own templates or run-time servers: (what, what to write).
BY_NAME: dict[str, tuple[str, str]] = {
    "seL4HardwareIOPort": ("x86 I/O ports", "add `<ioport>` elements (Microkit 2.1+, x86_64) to the PD and "
                                            "use `microkit_x86_ioport_*`"),
    "seL4IOAPICHardwareInterrupt": ("an x86 IOAPIC interrupt",
                                    "add `<irq pin=... ioapic=... vector=...>` to the consuming PD"),
    "seL4DTBHardware": ("a device-tree query (DTB)", "look the device up in the board's device tree and write "
                                                     "its registers as memory regions with `phys_addr` and its "
                                                     "interrupts as `<irq>`"),
    "seL4DTBHW": ("a device-tree query (DTB)", "write the device's registers as memory regions with "
                                               "`phys_addr` and its interrupts as `<irq>`"),
    "seL4DTBHardwareThreadless": ("a device-tree query (DTB)", "write the device's registers and interrupts "
                                                               "by hand, from the device tree"),
    "seL4DTBHWThreadless": ("a device-tree query (DTB)", "write the device's registers and interrupts by hand, "
                                                         "from the device tree"),
    "seL4InitHardware": ("hardware initialisation by the template", "initialise the device in the driver "
                                                                    "PD's `init()`"),
    "seL4VirtQueues": ("virtqueues", "use sDDF queues over shared memory regions and channels"),
    "seL4GDB": ("the GDB stub", "use Microkit's own debugging support"),
    "seL4GDBMem": ("the GDB stub", "use Microkit's own debugging support"),
}

TEMPLATE = ("a connector whose code comes from a template",
            "write the code the template generated: shared memory regions and channels as it used them")
THREADS = ("threads per interface",
           "Microkit runs one thread per PD: move the `run()` loop into `init()`, and the work each "
           "interface's thread did into `notified()` (events) and `protected()` (calls)")
LOCKS = ("mutexes and semaphores", "a PD is single-threaded: drop the locks, or use a shared-memory protocol "
                                   "between PDs")
VM = ("a virtual machine", "write a `<virtual_machine>` with its `<vcpu>` inside a VMM PD (libvmm) and "
                           "map the guest's RAM and devices to it")
DTB = ("a device-tree query (DTB)", "replace the query with the addresses and interrupts it found: memory "
                                    "regions with `phys_addr` and `<irq>` elements")
