"""Word-level diff of two token-key sequences with diff-match-patch.

diff-match-patch diffs strings of characters; to make it diff *words* we give every distinct token
key its own code point (the same trick as its ``linesToChars``), diff the two code-point strings,
and read the result back as runs of token indices.  Changes therefore always begin and end on
word boundaries.  The time limit is switched off: a diff that gives up silently and reports
"everything deleted, everything inserted" is worse than a slow one.  Callers keep inputs small
(one aligned passage at a time), so this stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence

from diff_match_patch import diff_match_patch

EQUAL, DELETE, INSERT = 0, -1, 1
# (op, a_lo, a_hi, b_lo, b_hi): a run of tokens a[a_lo:a_hi] and/or b[b_lo:b_hi].
Opcode = tuple[int, int, int, int, int]

_dmp = diff_match_patch()
_dmp.Diff_Timeout = 0


def _encode(a: Sequence[str], b: Sequence[str]) -> tuple[str, str]:
    codes: dict[str, str] = {}
    out = []
    for seq in (a, b):
        chars = []
        for key in seq:
            c = codes.get(key)
            if c is None:
                n = len(codes) + 1
                c = chr(n if n < 0xD800 else n + 0x800)  # skip the surrogate block
                codes[key] = c
            chars.append(c)
        out.append("".join(chars))
    return out[0], out[1]


def diff_tokens(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """Opcodes turning token keys ``a`` into ``b``; each token is equal, deleted or inserted."""
    if list(a) == list(b):
        return [(EQUAL, 0, len(a), 0, len(b))] if a else []
    sa, sb = _encode(a, b)
    ops: list[Opcode] = []
    i = j = 0
    for op, chunk in _dmp.diff_main(sa, sb, False):
        n = len(chunk)
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
