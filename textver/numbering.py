"""Clause and section numbers of a text, and the sections they make.

Licences, contracts and statutes number their clauses ("2.", "2.1", "(a)", "(iv)", "Section 4",
"Article 12", "§ 3", "4)"), and a revision renumbers them: GPL-3 inserts clauses, so GPL-2's
clause 4 text stands under another number.  Found here, a number lets the aligner report a
linked clause whose number differs as *renumbered* (textver.diff.Op.RENUMBERED: the two labels
are each other's counterpart, neither removed nor added), so the number change is never
counted as a change of content, and lets the reports list changes per section of the full text.

A number is looked for only at a paragraph's start, by one compiled regex matched there: the
cost is one failed match per paragraph of prose, nothing per word.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING

from textver.diff import DELETE, INSERT, RENUMBERED, diff_tokens

if TYPE_CHECKING:
    from textver.align import Link
    from textver.segment import Segmented, Span

# Roman numerals up to 39 (xxxix): enough for clause lists, and it keeps words made of the
# letters i, v, x alone ("mix", "civil") from reading as numbers.
_ROMAN = r"x{0,3}(?:ix|iv|v?i{0,3})"
_ROMAN_UP = _ROMAN.upper()
_DECIMAL = r"\d{1,3}(?:\.\d{1,3})*"  # "2", "2.1", "1.0.1"; four digits are a year, not a clause
# What may follow a number without a closing dot ("Section 4", "2.1 Grants"): the paragraph's
# end, a line break, a dash, or a capital or opening quote, so that "Section 4 of this License
# applies" and "3.5 million" are sentences, not numbered clauses.
_TITLED = r"(?=[ \t]*(?:$|\n)|[ \t]+[\u2014\u2013-][ \t]|[ \t]+[\"'\u201c\u2018(A-Z])"
_NUMBER = re.compile(
    rf"""
    (?P<word>Section|SECTION|Article|ARTICLE|Clause|CLAUSE|§)[ \t]*
        (?P<wnum>{_DECIMAL}|(?=[IVX])(?:{_ROMAN_UP})|[A-Z])(?:[.:](?=\s|$)|{_TITLED})
    | \((?P<pnum>\d{{1,3}}|(?=[ivx])(?:{_ROMAN})|(?=[IVX])(?:{_ROMAN_UP})|[a-zA-Z])\)(?=\s|$)
    | (?P<num>{_DECIMAL})(?P<close>[.)])(?=\s|$)
    | (?P<bare>\d{{1,3}}(?:\.\d{{1,3}})+){_TITLED}
    | (?P<let>(?=[ivx])(?:{_ROMAN})|(?=[IVX])(?:{_ROMAN_UP})|[a-zA-Z])(?P<lclose>[.)])(?=\s|$)
    """,
    re.VERBOSE,
)
_ROMAN_VALUE = re.compile(rf"{_ROMAN}|{_ROMAN_UP}")
_LINE = re.compile(r"[^\n]*")

HEADING_WORDS = 16
"""An unnumbered paragraph of at most this many words, on one line and not ending as a
sentence does (".", ",", ";", ":"), is a heading ("Preamble", "TERMS AND CONDITIONS"): it
opens a section at the top of the hierarchy, above the numbered clauses that follow it."""

TITLE_CHARS = 60
"""Characters of a section's first line shown as its title ("Definitions.")."""


@dataclass(frozen=True, slots=True)
class Number:
    """A paragraph's leading number, as written at ``start:end`` of the stored text.

    ``value`` is what is compared across versions ("2.1", "a", "iv", lower case, no brackets
    or closing dot), so "(a)" and "a)" are the same number and "4." and "5." are not; ``style``
    says what kind of list it belongs to ("1.", "(a)", "Section 1", ...), for the hierarchy.
    """

    paragraph: int
    start: int
    end: int
    value: str
    style: str
    text: str  # as written, without a closing dot or colon: "4", "(a)", "Section 4"
    depth: int = 0  # 0 at the top of the hierarchy (see _with_depths)

    @property
    def kind(self) -> str:
        """Which kind of list it counts in: "1" decimal, "a" letters, "i" roman numerals."""
        return self.style.strip("().")[-1].lower()

    @property
    def name(self) -> str:
        """How the reports name it: "§4", "§2.1", "(a)", "Section 4", "§ 3"."""
        return f"§{self.value}" if self.style in _DECIMAL_STYLES else self.text


_DECIMAL_STYLES = frozenset({"1.", "1)", "1"})
# A lone "i", "v" or "x" may be a letter; the letter styles of the roman ones, by style.
_AS_LETTER = {"(i)": "(a)", "i.": "a.", "i)": "a)", "(I)": "(A)", "I.": "A.", "I)": "A)"}


def find_numbers(text: str, paragraphs: Sequence[Span]) -> dict[int, Number]:
    """The number opening each numbered paragraph, by paragraph index, with its depth."""
    starts = [s for s, _ in paragraphs]
    ends = [e for _, e in paragraphs]
    found = map(_NUMBER.match, repeat(text), starts, ends)
    out: dict[int, Number] = {}
    for p, m in enumerate(found):
        if m is not None:
            out[p] = _number(p, m)
    return _with_depths(out)


def _number(p: int, m: re.Match[str]) -> Number:
    g = m.groupdict()
    start, end = m.span()
    if g["word"]:
        value, word = g["wnum"], g["word"]
        style = f"{'§' if word == '§' else word.title()} {_family(value)}"
        end = m.end("wnum")  # the closing dot or colon is punctuation, not the number
    elif g["pnum"]:
        value, style = g["pnum"], f"({_family(g['pnum'])})"
    elif g["num"]:
        value, style = g["num"], "1" + g["close"]
    elif g["bare"]:
        value, style = g["bare"], "1"
    else:
        value, style = g["let"], _family(g["let"]) + g["lclose"]
    written = m.string[start:end]
    if g["num"] or g["let"]:
        written = written[:-1] if written.endswith(".") else written
    if "." in value:
        value = ".".join(str(int(part)) for part in value.split("."))
    elif value.isdigit():
        value = str(int(value))
    return Number(p, start, end, value.lower(), style, written)


def _family(value: str) -> str:
    """The list a number belongs to: "1" decimal, "a"/"A" letters, "i"/"I" roman numerals
    (a lone "i", "v" or "x" is taken as roman here; _with_depths corrects it in a letter list)."""
    if value[0].isdigit():
        return "1"
    if _ROMAN_VALUE.fullmatch(value):
        return "i" if value.islower() else "I"
    return "a" if value.islower() else "A"


def _with_depths(numbers: dict[int, Number]) -> dict[int, Number]:
    """Each number's depth, from the lists it opens and continues.

    A number in a list already open (its style on the stack) closes the lists opened after it
    and is their sibling; a decimal "2.1" is a child of "2." and a sibling of "2.2" whatever
    its closing punctuation; any other new style opens a list inside the current one.
    """
    stack: list[tuple[str, int, str]] = []  # (style, decimal parts, last value) per open list
    out: dict[int, Number] = {}
    for p, n in numbers.items():
        style = n.style
        letter = _AS_LETTER.get(style)
        # "i", "v" or "x" right after "h", "u" or "w" in an open letter list is a letter.
        if (
            letter
            and len(n.value) == 1
            and any(s == letter and ord(n.value) == ord(last[-1]) + 1 for s, _, last in stack)
        ):
            style = letter
        decimal = style.rstrip(".)").endswith("1")
        parts = n.value.count(".") + 1 if decimal else 0
        family = style.rstrip(".)") if decimal else style
        level = next(
            (k for k, (s, pts, _) in enumerate(stack) if s == family and pts >= parts), None
        )
        if level is None:
            level = len(stack)
            # A decimal deeper than the open one ("2.1" under "2.") is its child.
            while decimal and level and stack[level - 1][0] == family:
                if stack[level - 1][1] < parts:
                    break
                level -= 1
        del stack[level:]
        stack.append((family, parts, n.value))
        out[p] = Number(n.paragraph, n.start, n.end, n.value, style, n.text, level)
    return out


# --- sections -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    """A section of a text: a numbered clause or a heading, with everything under it.

    ``paragraphs`` runs from the paragraph that opens it to the next one opening a section at
    its depth or above (its subsections included); ``title`` spans the opening paragraph's
    first line after the number (cut to TITLE_CHARS), in the stored text.
    """

    number: Number | None  # None: a heading, or the text before the first section
    depth: int
    paragraphs: range
    title: Span

    @property
    def name(self) -> str:
        return self.number.name if self.number else ""


def sections(seg: Segmented, numbers: dict[int, Number]) -> list[Section]:
    """The sections of ``seg`` in reading order, outer before inner.

    Headings (see HEADING_WORDS) stand at depth 0 and the numbered clauses below them one
    deeper; text before the first of them is a section of its own, unnumbered and untitled.
    """
    text = seg.text
    heads: list[tuple[int, int, Number | None]] = []  # (paragraph, depth, number)
    has_heading = False
    for p, (s, e) in enumerate(seg.paragraphs):
        n = numbers.get(p)
        if n is not None:
            heads.append((p, n.depth, n))
        elif _is_heading(text, s, e):
            heads.append((p, -1, None))
            has_heading = True
    shift = 1 if has_heading else 0
    heads = [(p, d + shift, n) for p, d, n in heads]
    out: list[Section] = []
    total = len(seg.paragraphs)
    if total and (not heads or heads[0][0] > 0):
        first = heads[0][0] if heads else total
        out.append(Section(None, 0, range(0, first), (0, 0)))
    for k, (p, depth, n) in enumerate(heads):
        stop = next((q for q, d, _ in heads[k + 1 :] if d <= depth), total)
        s, e = seg.paragraphs[p]
        t0 = n.end if n is not None else s
        while t0 < e and text[t0].isspace():
            t0 += 1
        line = _LINE.match(text, t0, e)
        t1 = min(line.end() if line else t0, t0 + TITLE_CHARS)
        out.append(Section(n, depth, range(p, stop), (t0, t1)))
    return out


def _is_heading(text: str, start: int, end: int) -> bool:
    lines = [ln for ln in text[start:end].split("\n") if ln.strip(" \t=-~*#_")]
    words = sum(len(ln.split()) for ln in lines)
    return (
        0 < words <= HEADING_WORDS
        and any(ch.isalpha() for ch in lines[0])
        and lines[-1].rstrip()[-1] not in ".,;:"
    )


# --- renumbered clauses --------------------------------------------------------------------


def renumber(links: list[Link], left: Segmented, right: Segmented) -> None:
    """Mark, in each linked sentence group that opens a numbered paragraph on both sides under
    different numbers, the two numbers as one RENUMBERED run: the rest of the group is diffed
    on its own, so "4. You may ..." against "5. You may ..." is a renumbered clause with no
    words changed, never "4" removed and "5" added."""
    ln, rn = left.numbers, right.numbers
    if not ln or not rn:
        return
    from textver.align import LinkKind, _absolute, _joined, _keys

    lfirst = {left.paragraph_sentences.start(p): n for p, n in ln.items()}
    rfirst = {right.paragraph_sentences.start(q): n for q, n in rn.items()}
    for link in links:
        if not link.left or not link.right:
            continue
        for sl in link.sentences:
            if sl.kind != LinkKind.CHANGED or not sl.left or not sl.right:
                continue
            a_num, b_num = lfirst.get(sl.left[0]), rfirst.get(sl.right[0])
            if a_num is None or b_num is None or a_num.value == b_num.value:
                continue
            if a_num.kind != b_num.kind:  # "a)" against "1.": another structure, not a number
                continue
            a = [left.sentence_tokens[s] for s in sl.left]
            b = [right.sentence_tokens[s] for s in sl.right]
            k, m = _label_tokens(left, a[0], a_num.end), _label_tokens(right, b[0], b_num.end)
            if not k or not m:
                continue
            run = (RENUMBERED, a[0].start, a[0].start + k, b[0].start, b[0].start + m)
            a[0], b[0] = range(a[0].start + k, a[0].stop), range(b[0].start + m, b[0].stop)
            a, b = _joined([r for r in a if r]), _joined([r for r in b if r])
            ops = _absolute(diff_tokens(_keys(left, a), _keys(right, b)), a, b) if a or b else []
            if not a:
                ops = [(INSERT, 0, 0, r.start, r.stop) for r in b]
            elif not b:
                ops = [(DELETE, r.start, r.stop, 0, 0) for r in a]
            sl.ops = [run, *ops]


def _label_tokens(seg: Segmented, tokens: range, end: int) -> int:
    """How many of the first tokens of ``tokens`` lie inside a number ending at ``end``."""
    starts = seg.tokens._bounds[2 * tokens.start : 2 * tokens.stop : 2]
    return bisect_right(starts, end - 1)
