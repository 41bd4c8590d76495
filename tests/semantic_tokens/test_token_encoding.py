"""The core's token encoding and delta: random token lists edited at random, the delta spliced into the old
integers equals the new ones, and the delta keeps the common prefix and suffix of whole tokens."""

from __future__ import annotations

import random

import pytest
from drvls.core.semantic_tokens import TOKEN_TYPES, Token, delta, encode


def random_tokens(rng: random.Random, count: int) -> list[Token]:
    out, line, start = [], 0, 0
    for _ in range(count):
        if rng.random() < 0.3:
            line, start = line + rng.randint(1, 3), 0
        start += rng.randint(0, 4)
        length = rng.randint(1, 9)
        out.append(Token(line, start, length, rng.choice(TOKEN_TYPES), ()))
        start += length
    return out


def splice(old: list[int], new: list[int]) -> list[int]:
    out = list(old)
    for edit in sorted(delta(old, new), key=lambda e: e.start, reverse=True):
        assert edit.start % 5 == 0 and edit.delete_count % 5 == 0 and len(edit.data) % 5 == 0
        out[edit.start:edit.start + edit.delete_count] = edit.data
    return out


@pytest.mark.parametrize("seed", range(40))
def test_a_delta_spliced_into_the_old_data_gives_the_new(seed: int) -> None:
    rng = random.Random(seed)
    before = random_tokens(rng, rng.randint(0, 60))
    after = list(before)
    cut = rng.randint(0, len(after))
    after[cut:cut + rng.randint(0, 5)] = random_tokens(rng, rng.randint(0, 5))
    after = sorted(after)  # an edit keeps the tokens in document order
    old, new = encode(before), encode(after)
    assert splice(old, new) == new


def test_the_delta_replaces_only_what_changed() -> None:
    tokens = [Token(n, 0, 3, "keyword") for n in range(10)]
    changed = [*tokens[:4], Token(4, 0, 5, "type"), *tokens[5:]]
    (edit,) = delta(encode(tokens), encode(changed))
    assert (edit.start, edit.delete_count, edit.data) == (20, 5, (1, 0, 5, TOKEN_TYPES.index("type"), 0))


def test_equal_data_gives_no_edit() -> None:
    data = encode([Token(0, 0, 1, "number"), Token(0, 2, 1, "number")])
    assert delta(data, list(data)) == []


def test_encoding_is_relative_to_the_previous_token() -> None:
    tokens = [Token(1, 4, 2, "keyword", ("declaration",)), Token(1, 8, 1, "type"), Token(3, 2, 5, "comment")]
    assert encode(tokens) == [1, 4, 2, TOKEN_TYPES.index("keyword"), 1, 0, 4, 1, TOKEN_TYPES.index("type"), 0,
                              2, 2, 5, TOKEN_TYPES.index("comment"), 0]
