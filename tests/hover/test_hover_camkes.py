"""Hover in a CAmkES app (corpus): declarations written in imported files are described where they
are used, and a connector's end kinds, an instance's component and a procedure's methods are shown."""

from __future__ import annotations

import pytest
from hover_support import RecordingClient, assert_hover, hover_at, markdown, open_file
from prerequisites import corpus_path

pytestmark = pytest.mark.asyncio(loop_scope="module")

APP = ("seL4__camkes", "apps", "hierarchical-components")


async def opened(client: RecordingClient, *parts: str) -> tuple[str, str]:
    folder = corpus_path("camkes", *APP, required_file="hierarchical-components.camkes")
    return open_file(client, folder.joinpath(*parts), "camkes")


# (file, text to find, characters into it, the word the hover covers, what the hover must say)
CASES = [
    (("hierarchical-components.camkes",), "component Client c;", 11, "Client",
     ["**component** `Client` (control)", "| uses | `StringProcessor` | `o1` |", "Declared in `Client.camkes` line 9"]),
    (("hierarchical-components.camkes",), "component Pipeline p1;", 19, "p1",
     ["**instance** `p1` of component `Pipeline`", "| provides | `StringProcessor` | `i` |",
      "| uses | `StringProcessor` | `o` |"]),
    (("hierarchical-components.camkes",), "seL4RPCCall client_external", 2, "seL4RPCCall",
     ["**connector** `seL4RPCCall` (built in)", "from end: Procedures", "to end: Procedure"]),
    (("hierarchical-components.camkes",), "from c.o1", 7, "o1",
     ["**uses** `StringProcessor` `o1`", "void process(in string input);", "Declared in `Client.camkes` line 11"]),
    (("hierarchical-components.camkes",), "client_external(", 3, "client_external",
     ["**connection** `client_external` through `seL4RPCCall`", "- from `c.o1`", "- to `p1.i`",
      "from Procedures to Procedure"]),
    (("components", "Client", "Client.camkes"), "uses StringProcessor o1", 7, "StringProcessor",
     ["**procedure** `StringProcessor`: 1 method", "void process(in string input);",
      "Declared in `string_processor.idl4` line 7"]),
]


@pytest.mark.parametrize(("parts", "needle", "offset", "word", "says"), CASES)
async def test_hover_in_a_camkes_app(hover_client: RecordingClient, parts: tuple[str, ...], needle: str, offset: int,
                                     word: str, says: list[str]) -> None:
    uri, text = await opened(hover_client, *parts)
    await assert_hover(hover_client, uri, text, needle, offset, word, says)


async def test_an_assembly_counts_its_parts(hover_client: RecordingClient) -> None:
    uri, text = await opened(hover_client, "hierarchical-components.camkes")
    assert markdown(await hover_at(hover_client, uri, text, "assembly {", 2)) == \
        "**assembly** (unnamed): 4 instances, 4 connections"


async def test_no_hover_in_a_comment(hover_client: RecordingClient) -> None:
    uri, text = await opened(hover_client, "hierarchical-components.camkes")
    assert await hover_at(hover_client, uri, text, "Copyright", 2) is None
