"""The word diff: whole tokens only, and the same result from both diff-match-patch ports."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textver.diff import DELETE, EQUAL, INSERT, diff_tokens, fast_runs, python_runs


def apply(a: list[str], b: list[str], ops) -> tuple[list[str], list[str]]:
    """Rebuild both sides from the opcodes, checking they walk both sequences in order."""
    out_a: list[str] = []
    out_b: list[str] = []
    i = j = 0
    for op, a0, a1, b0, b1 in ops:
        assert (a0, b0) == (i, j) or (op == INSERT and b0 == j) or (op == DELETE and a0 == i)
        if op == EQUAL:
            assert a[a0:a1] == b[b0:b1] and a1 > a0
            out_a += a[a0:a1]
            out_b += b[b0:b1]
            i, j = a1, b1
        elif op == DELETE:
            out_a += a[a0:a1]
            i = a1
        else:
            out_b += b[b0:b1]
            j = b1
    return out_a, out_b


def test_words_are_diffed_whole() -> None:
    a = ["the", "storm", "destroyed", "the", "northern", "pier"]
    b = ["the", "storm", "wrecked", "the", "old", "northern", "pier"]
    ops = diff_tokens(a, b)
    assert [(op, a[a0:a1], b[b0:b1]) for op, a0, a1, b0, b1 in ops] == [
        (EQUAL, ["the", "storm"], ["the", "storm"]),
        (DELETE, ["destroyed"], []),
        (INSERT, [], ["wrecked"]),
        (EQUAL, ["the"], ["the"]),
        (INSERT, [], ["old"]),
        (EQUAL, ["northern", "pier"], ["northern", "pier"]),
    ]


def test_many_distinct_words_beyond_the_surrogate_block() -> None:
    a = [f"w{n}" for n in range(60000)]
    b = [*a[:30000], "new", *a[30001:]]
    ops = diff_tokens(a, b)
    assert apply(a, b, ops) == (a, b)
    assert [op[0] for op in ops] == [EQUAL, DELETE, INSERT, EQUAL]


words = st.lists(st.sampled_from(["a", "b", "c", "the", "of", "\u00e9t\u00e9", "\U0001f600"]))


@settings(max_examples=300, deadline=None)
@given(words, words)
def test_opcodes_rebuild_both_sides(a: list[str], b: list[str]) -> None:
    assert apply(a, b, diff_tokens(a, b)) == (a, b)


@pytest.mark.skipif(fast_runs is None, reason="fast-diff-match-patch is not installed")
@settings(max_examples=300, deadline=None)
@given(words, words)
def test_the_cpp_port_gives_the_same_diff_as_the_python_one(a: list[str], b: list[str]) -> None:
    assert diff_tokens(a, b, fast_runs) == diff_tokens(a, b, python_runs)
