"""What the annotation requests share (inlay hints, code lens, semantic tokens): the current analysis
of an open document, its text and position mapper, and running the family's work off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from drvls.core.languages import Analysis
from drvls.lsp.convert import PositionMapper

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

T = TypeVar("T")


@dataclass(frozen=True)
class Current:
    """An open document's analysis of its current text (an immutable snapshot)."""

    uri: str
    path: Path | None
    analysis: Analysis
    text: str
    mapper: PositionMapper


async def current(server: DrvlsServer, uri: str) -> Current | None:
    """The analysis of an open document's current text; None when the document is not open."""
    doc = server.documents.get(uri)
    if doc is None:
        return None
    outcome = await server.analyse_current(doc)
    return Current(uri, doc.path, outcome.analysis, outcome.text, server.mapper_for(outcome))


async def off_loop(server: DrvlsServer, work: Callable[[], T]) -> T:
    """Run `work` (building a model, querying a tree) on a worker thread, so the server keeps answering."""
    return await asyncio.get_running_loop().run_in_executor(server.thread_pool, work)
