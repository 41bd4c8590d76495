"""Hand-built systems for the view tests, and a way to draw a file as the CLI does (in process)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from drvls_process import GRAMMAR_BINDING, SERVER_DIR

for _entry in (SERVER_DIR, GRAMMAR_BINDING):
    if str(_entry) not in sys.path:
        sys.path.append(str(_entry))

from drvls.core.config import Settings  # noqa: E402
from drvls.core.languages import AnalysisContext, DiskWorkspace, SourceFile  # noqa: E402
from drvls.views.build import view_of  # noqa: E402
from drvls.views.model import SystemView  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def view_file(path: Path, settings: dict[str, Any] | None = None) -> SystemView:
    data = path.read_bytes()
    ctx = AnalysisContext(settings=Settings(settings or {}), workspace=DiskWorkspace([path.parent]))
    return view_of(SourceFile(path, data, data.decode("utf-8", "replace")), ctx)


def view_text(folder: Path, name: str, text: str) -> SystemView:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return view_file(path)


def system(*parts: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<system>\n' + "\n".join(parts) + "\n</system>\n"


def pd(name: str, priority: int, *body: str) -> str:
    return (f'  <protection_domain name="{name}" priority="{priority}">\n'
            f'    <program_image path="{name}.elf" />\n' + "".join(f"    {b}\n" for b in body)
            + "  </protection_domain>")


def mr(name: str, size: str = "0x1000", phys: str | None = None) -> str:
    extra = f' phys_addr="{phys}"' if phys else ""
    return f'  <memory_region name="{name}" size="{size}"{extra} />'


def channel(a: str, a_id: int, b: str, b_id: int, pp: str | None = None) -> str:
    ends = [f'<end pd="{a}" id="{a_id}"' + (' pp="true"' if pp == a else "") + " />",
            f'<end pd="{b}" id="{b_id}"' + (' pp="true"' if pp == b else "") + " />"]
    return "  <channel>" + "".join(ends) + "</channel>"


def mapping(region: str, vaddr: str, perms: str = "rw", cached: str | None = None) -> str:
    extra = f' cached="{cached}"' if cached else ""
    return f'<map mr="{region}" vaddr="{vaddr}" perms="{perms}"{extra} />'


# Design A: the driver talks to its client over channels and PPC only.
DESIGN_A = system(
    mr("uart_regs", phys="0x9000000"),
    pd("driver", 200, mapping("uart_regs", "0x5000000", cached="false"), '<irq irq="33" id="0" />'),
    pd("client", 100),
    channel("client", 1, "driver", 1, pp="client"),
)

# Design B: each shared buffer has exactly one peer (sDDF's queues and data regions).
DESIGN_B = system(
    mr("uart_regs", phys="0x9000000"), mr("queue_a", "0x200000"), mr("queue_b", "0x200000"),
    pd("driver", 200, mapping("uart_regs", "0x5000000", cached="false"), mapping("queue_a", "0x4000000"),
       mapping("queue_b", "0x4200000"), '<irq irq="33" id="0" />'),
    pd("virt", 150, mapping("queue_a", "0x4000000")),
    pd("other_virt", 140, mapping("queue_b", "0x4000000", perms="r")),
    channel("driver", 1, "virt", 1),
)

# Design C: one heap written by the driver and mapped by every client.
DESIGN_C = system(
    mr("uart_regs", phys="0x9000000"), mr("heap", "0x100000"),
    pd("driver", 200, mapping("uart_regs", "0x5000000", cached="false"), mapping("heap", "0x4000000"),
       '<irq irq="33" id="0" />'),
    pd("client_a", 100, mapping("heap", "0x4000000", perms="r")),
    pd("client_b", 100, mapping("heap", "0x4000000", perms="r")),
    channel("driver", 1, "client_a", 1), channel("driver", 2, "client_b", 1),
)

# Read-only sharing with several is not shared writable: still design A.
READ_ONLY_WIDE = system(
    mr("dev", phys="0xa000000"), mr("table", "0x1000"),
    pd("driver", 200, mapping("dev", "0x5000000", cached="false"), mapping("table", "0x4000000", perms="r")),
    pd("c1", 100, mapping("table", "0x4000000", perms="r")),
    pd("c2", 100, mapping("table", "0x4000000", perms="r")),
)

# Two maps of one PD collide, and two fixed regions overlap physically.
OVERLAP = system(
    mr("big", "0x3000"), mr("small", "0x1000"), mr("dev_a", "0x2000", "0x9000000"),
    mr("dev_b", "0x1000", "0x9001000"),
    pd("worker", 100, mapping("big", "0x10000000"), mapping("small", "0x10001000"), mapping("small", "0x20000000")),
)

HOSTILE_NAME = "<img src=x onerror=window.__pwned=1>"
HOSTILE = system(
    mr("<script>window.__pwned=2</script>", phys="0x9000000"),
    pd("&lt;img src=x onerror=window.__pwned=1&gt;", 100,
       mapping("&lt;script&gt;window.__pwned=2&lt;/script&gt;", "0x5000000"), '<irq irq="33" id="0" />'),
    pd("plain", 90),
    channel("&lt;img src=x onerror=window.__pwned=1&gt;", 1, "plain", 2),
).replace('name="<script>window.__pwned=2</script>"', 'name="&lt;script&gt;window.__pwned=2&lt;/script&gt;"')


