"""`textDocument/completion`: the family's proposals (core/completion.py) as LSP completion items.

The request waits for the analysis of the document's current text, then hands the snapshot and
its text to the family's completer; this module only converts positions, kinds and snippets (to
plain text for a client that has no snippet support).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from drvls.core.completion import CompletionItem, ItemKind, completer_for, select
from drvls.core.diagnostics import Range
from drvls.lsp.convert import PositionMapper

if TYPE_CHECKING:
    from drvls.lsp.server import DrvlsServer

TRIGGERS = ["<", '"', "'", "/", ".", " "]

KINDS: dict[ItemKind, types.CompletionItemKind] = {
    ItemKind.KEYWORD: types.CompletionItemKind.Keyword,
    ItemKind.ELEMENT: types.CompletionItemKind.Class,
    ItemKind.ATTRIBUTE: types.CompletionItemKind.Property,
    ItemKind.VALUE: types.CompletionItemKind.Value,
    ItemKind.REFERENCE: types.CompletionItemKind.Reference,
    ItemKind.TYPE: types.CompletionItemKind.Interface,
    ItemKind.INTERFACE: types.CompletionItemKind.Field,
    ItemKind.SNIPPET: types.CompletionItemKind.Snippet,
}


def snippets_supported(server: DrvlsServer) -> bool:
    capabilities: Any = server.client_capabilities
    for name in ("text_document", "completion", "completion_item", "snippet_support"):
        capabilities = getattr(capabilities, name, None)
        if capabilities is None:
            return False
    return bool(capabilities)


class Converter:
    """Converts core items, each distinct range once (most items of an answer share one)."""

    def __init__(self, mapper: PositionMapper, snippets: bool) -> None:
        self.mapper = mapper
        self.snippets = snippets
        self._ranges: dict[Range, types.Range] = {}

    def range(self, rng: Range) -> types.Range:
        found = self._ranges.get(rng)
        if found is None:
            found = self._ranges[rng] = self.mapper.range(rng)
        return found

    def item(self, item: CompletionItem) -> types.CompletionItem:
        as_snippet = self.snippets and item.snippet
        extra = [types.TextEdit(range=self.range(c.range), new_text=c.text) for c in item.extra]
        return types.CompletionItem(
            label=item.label, kind=KINDS[item.kind], detail=item.detail or None,
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=item.documentation)
            if item.documentation else None,
            sort_text=f"{item.sort}{item.label}" if item.sort else None, filter_text=item.filter or None,
            preselect=item.preselect or None,
            insert_text_format=types.InsertTextFormat.Snippet if as_snippet else types.InsertTextFormat.PlainText,
            insert_text_mode=types.InsertTextMode.AsIs,
            text_edit=types.TextEdit(range=self.range(item.replace),
                                     new_text=item.insert if as_snippet else item.plain),
            additional_text_edits=extra or None)


async def completion(server: DrvlsServer, uri: str, position: types.Position) -> types.CompletionList:
    doc = server.documents.get(uri)
    complete = completer_for(doc.path) if doc is not None else None
    if doc is None or complete is None:
        return types.CompletionList(is_incomplete=False, items=[])
    outcome = await server.analyse_current(doc)
    mapper = server.mapper_for(outcome)
    at = mapper.core_position(position)
    found, incomplete = select(complete(outcome.analysis, outcome.text, at), mapper.index.line_text(at.line), at)
    convert = Converter(mapper, snippets_supported(server))
    return types.CompletionList(is_incomplete=incomplete, items=[convert.item(item) for item in found])


def register(server: DrvlsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=TRIGGERS))
    async def on_completion(params: types.CompletionParams) -> types.CompletionList:
        return await completion(server, params.text_document.uri, params.position)
