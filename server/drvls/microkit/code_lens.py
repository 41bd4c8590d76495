"""A code lens over each protection domain: its maps, channels and priority at a glance.

`3 maps · 2 channels · priority 254`: maps are the PD's own `<map>` elements (its VM's are
counted apart), channels are the `<channel>` elements with an end on the PD. The lens carries
the places it counts, so a face can reveal them.
"""

from __future__ import annotations

from drvls.core.code_lens import CodeLens
from drvls.core.languages import Analysis
from drvls.core.symbols import Location
from drvls.microkit.model import ProtectionDomain
from drvls.microkit.snapshot import SystemModel


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def code_lenses(analysis: Analysis) -> list[CodeLens]:
    model = analysis.model
    if not isinstance(model, SystemModel):
        return []
    return [_lens(model, pd) for pd in model.all_pds()]


def _lens(model: SystemModel, pd: ProtectionDomain) -> CodeLens:
    ends = [end for channel in model.channels for end in channel.ends if pd.name is not None and end.pd == pd.name]
    channels = sum(1 for channel in model.channels if any(end.pd == pd.name for end in channel.ends))
    parts = [plural(len(pd.maps), "map")]
    if pd.vm is not None:
        parts.append(f"VM {pd.vm.name or '<unnamed>'}: {plural(len(pd.vm.maps), 'map')}")
    parts += [plural(channels if pd.name is not None else 0, "channel"), f"priority {pd.priority}"]
    where = model.range_of(pd.el, "name") if "name" in pd.el.attrs else model.start_tag_range(pd.el)
    locations = tuple(Location(model.path, model.range_of(el)) for el in sorted(
        [*(m.el for m in pd.maps), *(end.el for end in ends)], key=lambda el: model.offsets(el)))
    return CodeLens(where, " · ".join(parts), locations)
