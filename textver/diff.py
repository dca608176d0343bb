"""Word-level diff of two token-key sequences with diff-match-patch.

diff-match-patch diffs strings of characters; to make it diff *words* we give every distinct token
key its own code point (the same trick as its ``linesToChars``), diff the two code-point strings,
and read the result back as runs of token indices.  Changes therefore always begin and end on
word boundaries.  The time limit is switched off: a diff that gives up silently and reports
"everything deleted, everything inserted" is worse than a slow one.

Two implementations of the same algorithm are used, chosen by measurement: the C++ port
(``fast-diff-match-patch``) when it is installed, several times faster on the word diffs of a
heavily revised book, else Google's pure-Python one.  Both give identical results (a test
checks this on random inputs), so the choice changes only the speed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from itertools import chain


class Op(StrEnum):
    """What a run of a diff does; also the kind of a run of text in the reports and of a change
    in the JSON (``"delete"``, ``"insert"``), so one name serves from the diff to the page.

    A string enum rather than diff-match-patch's ints (-1, 0, 1): comparisons are by identity
    either way, and the value can go straight into JSON, CSS classes and templates.
    """

    EQUAL = "equal"
    DELETE = "delete"
    INSERT = "insert"
    # A sentence group linked across languages (textver.meaning): one run covering its tokens on
    # both sides, neither deleted nor inserted, with no word diff (one between languages means
    # nothing), so its words count as kept.
    TRANSLATED = "translated"
    # A clause's number changed ("4." to "5.", textver.numbering): one run covering the two
    # numbers, each the other's counterpart, so neither counts as removed or added text.
    RENUMBERED = "renumbered"


# The members by their short names, for the loops that test opcodes token run by token run.
EQUAL, DELETE, INSERT, TRANSLATED = Op.EQUAL, Op.DELETE, Op.INSERT, Op.TRANSLATED
RENUMBERED = Op.RENUMBERED
# (op, a_lo, a_hi, b_lo, b_hi): a run of tokens a[a_lo:a_hi] and/or b[b_lo:b_hi].
Opcode = tuple[Op, int, int, int, int]
# A diff of two strings as (op, length) runs, op being EQUAL, DELETE or INSERT.
Runs = Callable[[str, str], Iterable[tuple[Op, int]]]
# diff-match-patch's own codes for the three ops.
_DMP_OPS = {0: EQUAL, -1: DELETE, 1: INSERT}


def python_runs(a: str, b: str) -> Iterable[tuple[Op, int]]:
    """The diff by the reference pure-Python diff-match-patch, without a time limit."""
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    return [(_DMP_OPS[op], len(chunk)) for op, chunk in dmp.diff_main(a, b, False)]


def _fast_runs_or_none() -> Runs | None:
    try:
        import fast_diff_match_patch
    except ImportError:
        return None
    codes = {"=": EQUAL, "-": DELETE, "+": INSERT}
    diff = fast_diff_match_patch.diff

    def fast_runs(a: str, b: str) -> Iterable[tuple[Op, int]]:
        """The same diff by the C++ port of diff-match-patch."""
        runs = diff(a, b, timelimit=0, checklines=False, cleanup="No", counts_only=True)
        return [(codes[op], n) for op, n in runs]

    return fast_runs


fast_runs = _fast_runs_or_none()
_runs: Runs = fast_runs or python_runs


def _encode(a: Sequence[str], b: Sequence[str]) -> tuple[str, str]:
    # Codes go to keys in order of first appearance, skipping the surrogate block.
    vocab = dict.fromkeys(chain(a, b))
    codes = {key: chr(n if n < 0xD800 else n + 0x800) for n, key in enumerate(vocab, 1)}
    return "".join(map(codes.__getitem__, a)), "".join(map(codes.__getitem__, b))


def diff_tokens(a: Sequence[str], b: Sequence[str], runs: Runs | None = None) -> list[Opcode]:
    """Opcodes turning token keys ``a`` into ``b``; each token is equal, deleted or inserted.

    ``runs`` picks the diff implementation (tests compare them); by default the fastest one.
    """
    if list(a) == list(b):
        return [(EQUAL, 0, len(a), 0, len(b))] if a else []
    sa, sb = _encode(a, b)
    ops: list[Opcode] = []
    i = j = 0
    for op, n in (runs or _runs)(sa, sb):
        if op == EQUAL:
            ops.append((EQUAL, i, i + n, j, j + n))
            i += n
            j += n
        elif op == DELETE:
            ops.append((DELETE, i, i + n, j, j))
            i += n
        else:
            ops.append((INSERT, i, i, j, j + n))
            j += n
    return ops
