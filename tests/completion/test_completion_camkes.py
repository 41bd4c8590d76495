"""Completion in CAmkES apps (corpus files, opened where they are so their imports resolve): keywords
of the block, component and connector types in scope (imported ones included), `instance.interface`
in connection ends, attribute names in configurations, and a composition being typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from completion_support import RecordingClient, complete, labels, position
from lsprotocol import types
from prerequisites import corpus_path

pytestmark = pytest.mark.asyncio(loop_scope="module")

HIERARCHY = ("seL4__camkes", "apps", "hierarchical-components", "hierarchical-components.camkes")
ATTRIBUTES = ("seL4__camkes", "apps", "attributes", "attributes.camkes")
PROCESSOR = ("seL4__camkes", "apps", "hierarchical-components", "interfaces", "string_processor.idl4")
PIPELINE_COMPONENTS = {"Client", "Server", "UpperCase", "Reverse", "Append", "SubPipeline", "Pipeline"}


def corpus_file(parts: tuple[str, ...]) -> Path:
    return corpus_path("camkes", *parts[:-1], required_file=parts[-1]) / parts[-1]


async def at(client: RecordingClient, parts: tuple[str, ...], needle: str, offset: int | None = None,
             text: str | None = None) -> list[types.CompletionItem]:
    """Completion at `needle` in the corpus file, opened at its own path (with `text` when given)."""
    path = corpus_file(parts)
    text = path.read_text(encoding="utf-8") if text is None else text
    uri = path.as_uri()
    version = client.editor.versions.get(uri, 0) + 1
    if version > 1:
        client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
    client.editor.versions[uri] = version
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="camkes", version=version, text=text)))
    return await complete(client, uri, position(text, needle, offset))


async def test_instance_types_include_the_imported_components(client: RecordingClient) -> None:
    items = await at(client, HIERARCHY, "component Client c;", len("component "))
    assert set(labels(items)) >= PIPELINE_COMPONENTS
    client_item = next(i for i in items if i.label == "Client")
    assert client_item.kind == types.CompletionItemKind.Interface and "Client.camkes" in (client_item.detail or "")


async def test_connector_types_include_the_builtin_ones(client: RecordingClient) -> None:
    items = await at(client, HIERARCHY, "connection seL4RPCCall client_external", len("connection "))
    assert {"seL4RPCCall", "seL4Notification", "seL4SharedData"} <= set(labels(items))


@pytest.mark.parametrize(("needle", "expected"), [
    ("client_external(from ", {"c", "s", "p1", "p2"}),
    ("client_external(from c.", {"o1", "o2"}),  # the `uses` of Client: the from end of an RPC
    ("client_external(from c.o1, to p1.", {"i", "extra"}),  # the `provides` of Pipeline
    ("server_external(from p2.o, to s.", {"i"}),
])
async def test_connection_ends_are_instances_then_their_interfaces(client: RecordingClient, needle: str,
                                                                   expected: set[str]) -> None:
    items = await at(client, HIERARCHY, needle)
    assert set(labels(items)) == expected


@pytest.mark.parametrize(("needle", "expected"), [
    ("ba.d = 4;", {"c", "d"}), ("fo.a <- a;", {"a", "b"}), ("da.eleven = 5 + 6;", {"b"}),
])
async def test_configuration_attributes_are_those_of_the_instances_component(client: RecordingClient, needle: str,
                                                                             expected: set[str]) -> None:
    items = await at(client, ATTRIBUTES, needle, 3)
    assert set(labels(items)) == expected
    assert all(i.kind == types.CompletionItemKind.Property for i in items)


@pytest.mark.parametrize(("needle", "expected"), [
    ("assembly {\n", {"composition", "configuration"}),
    ("    composition {\n", {"component", "connection", "group", "export"}),
])
async def test_keywords_are_those_of_the_block(client: RecordingClient, needle: str, expected: set[str]) -> None:
    items = await at(client, HIERARCHY, needle)
    assert expected <= set(labels(items)) and "import" not in labels(items)


async def test_a_procedure_body_proposes_its_types_and_directions(client: RecordingClient) -> None:
    items = await at(client, PROCESSOR, "void process(", text=None)
    assert {"in", "out", "inout", "refin", "string", "int"} <= set(labels(items))


async def test_a_component_proposes_the_imported_procedures_after_uses(client: RecordingClient) -> None:
    path = corpus_file(HIERARCHY).parent / "components" / "Client" / "Client.camkes"
    text = path.read_text(encoding="utf-8")
    items = await at(client, (*HIERARCHY[:-1], "components", "Client", "Client.camkes"), "uses ", text=text)
    assert "StringProcessor" in labels(items)


async def test_nothing_is_proposed_in_a_comment(client: RecordingClient) -> None:
    assert await at(client, HIERARCHY, " * Copyright 2017") == []


@pytest.mark.parametrize("typed", ["connection seL4RPCCall new_conn(from c.", "connection seL4RPCCall x(from "])
async def test_a_connection_being_typed_still_completes(client: RecordingClient, typed: str) -> None:
    text = corpus_file(HIERARCHY).read_text(encoding="utf-8")
    anchor = "component Pipeline p2;\n"
    broken = text.replace(anchor, anchor + "        " + typed + "\n")
    items = await at(client, HIERARCHY, anchor + "        " + typed, text=broken)
    diagnostics = await client.editor.diagnostics(corpus_file(HIERARCHY).as_uri())
    assert any(d.severity == types.DiagnosticSeverity.Error for d in diagnostics)
    assert set(labels(items)) == ({"o1", "o2"} if typed.endswith(".") else {"c", "s", "p1", "p2"})
