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
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING

from textver.diff import DELETE, INSERT, RENUMBERED, diff_tokens

if TYPE_CHECKING:
    from textver.align import Link
    from textver.compare import Comparison
    from textver.segment import Segmented, Span, Spans

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
# What a number's first character may be (a digit, a bracket, "§", a roman numeral, the
# initial of Section, Article or Clause), or else its second (a letter's closing "." or ")").
_MAY_OPEN = re.compile(r"[\d(§ivxIVXSAC]")
_MAY_CLOSE = re.compile(r"[.)]")
_ROMAN_VALUE = re.compile(rf"{_ROMAN}|{_ROMAN_UP}")
_LINE = re.compile(r"[^\n]*")
_WORDS = re.compile(r"\S+")
_UNDERLINED = re.compile(r"[^\n]*(?:\n(?![ \t]*[=\-~*#_]+[ \t]*(?:\n|$))[^\n]*)*")

NUMBERED = frozenset({"\x00number"})
"""The content feature the aligner gives a clause number in place of its digits
(textver.align): a number matches any number, never a word ..."""

NUMBERED_HEADING = 2
"""... where the rest of its sentence has at most this many content features (a heading such
as "11. Patents."); a longer clause is matched on its words alone, as a common feature shared
by every clause would make unrelated clauses alike."""

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


def find_numbers(text: str, paragraphs: Spans) -> dict[int, Number]:
    """The number opening each numbered paragraph, by paragraph index, with its depth.

    Only a paragraph whose first two characters could open a number is matched against the
    full pattern: those are found by two scans of strings holding one character a paragraph,
    so a text of 100,000 paragraphs of prose costs milliseconds, not a match each."""
    bounds = paragraphs._bounds
    starts, ends = bounds[0::2], bounds[1::2]
    if not starts:
        return {}
    # The first and the second character of each paragraph as one string each (the text
    # shifted by one gives the second); the last paragraph is always matched in full.
    firsts = "".join(itemgetter(*starts)(text)) if len(starts) > 1 else text[starts[0]]
    seconds = "".join(itemgetter(*starts[:-1])(text[1:])) if len(starts) > 1 else ""
    maybe = {m.start() for m in _MAY_OPEN.finditer(firsts)}
    maybe.update(m.start() for m in _MAY_CLOSE.finditer(seconds))
    maybe.add(len(starts) - 1)
    found = []
    for p in sorted(maybe):
        m = _NUMBER.match(text, starts[p], ends[p])
        if m is not None:
            found.append(_number(p, m))
    return _with_depths(found)


# A number as found, before its depth is known: paragraph, start, end, value, style, text.
_Found = tuple[int, int, int, str, str, str]


def _number(p: int, m: re.Match[str]) -> _Found:
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
    return p, start, end, value.lower(), style, written


def _family(value: str) -> str:
    """The list a number belongs to: "1" decimal, "a"/"A" letters, "i"/"I" roman numerals
    (a lone "i", "v" or "x" is taken as roman here; _with_depths corrects it in a letter list)."""
    if value[0].isdigit():
        return "1"
    if _ROMAN_VALUE.fullmatch(value):
        return "i" if value.islower() else "I"
    return "a" if value.islower() else "A"


def _with_depths(found: list[_Found]) -> dict[int, Number]:
    """Each number's depth, from the lists it opens and continues.

    A number in a list already open (its style on the stack) closes the lists opened after it
    and is their sibling; a decimal "2.1" is a child of "2." and a sibling of "2.2" whatever
    its closing punctuation; any other new style opens a list inside the current one.
    """
    # Per open list: (family, decimal parts, last value).  A family is on the stack at most
    # once, a decimal one once per count of parts, deeper ones above.
    stack: list[tuple[str, int, str]] = []
    out: dict[int, Number] = {}
    for p, start, end, value, style, written in found:
        letter = _AS_LETTER.get(style)
        # "i", "v" or "x" right after "h", "u" or "w" in an open letter list is a letter.
        if (
            letter
            and len(value) == 1
            and any(s == letter and ord(value) == ord(last[-1]) + 1 for s, _, last in stack)
        ):
            style = letter
        family = style.rstrip(".)")
        decimal = family.endswith("1")
        parts = value.count(".") + 1 if decimal else 0
        if not decimal:
            family = style
        if stack and stack[-1][0] == family and stack[-1][1] == parts:
            level = len(stack) - 1  # the commonest case: the next of the innermost list
        else:
            open_at = (k for k, (s, pts, _) in enumerate(stack) if s == family and pts >= parts)
            level = next(open_at, -1)
            if level < 0:
                level = len(stack)
                # A decimal deeper than the open one ("2.1" under "2.") is its child.
                while decimal and level and stack[level - 1][0] == family:
                    if stack[level - 1][1] < parts:
                        break
                    level -= 1
        del stack[level:]
        stack.append((family, parts, value))
        out[p] = Number(p, start, end, value, style, written, level)
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
    deeper; text before the first section at the top is a section of its own, unnumbered and
    untitled (holding any numbered clauses there).
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
    first = next((p for p, d, _ in heads if d == 0), total)
    if first > 0:  # the text before the first heading (or top-level number)
        out.append(Section(None, 0, range(0, first), (0, 0)))
    for k, (p, depth, n) in enumerate(heads):
        stop = next((q for q, d, _ in heads[k + 1 :] if d <= depth), total)
        s, e = seg.paragraphs[p]
        t0 = n.end if n is not None else s
        while t0 < e and text[t0].isspace():
            t0 += 1
        # A heading is its title, an underline ("=====") left out; a clause's, its first line.
        title = (_UNDERLINED if n is None else _LINE).match(text, t0, e)
        t1 = title.end() if title else t0
        out.append(Section(n, depth, range(p, stop), (t0, _title_end(text, t0, t1))))
    return out


def _title_end(text: str, start: int, end: int) -> int:
    """Where a title cut to TITLE_CHARS ends, its runs of whitespace counted as one space
    (a centred heading is mostly spaces)."""
    shown = -1
    for m in _WORDS.finditer(text, start, end):
        shown += len(m.group()) + 1
        if shown > TITLE_CHARS:
            return m.start() if m.start() > start else start + TITLE_CHARS
        end_of_words = m.end()
    return end_of_words if shown >= 0 else start


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
            k, m = label_tokens(left, a[0], a_num.end), label_tokens(right, b[0], b_num.end)
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


def label_tokens(seg: Segmented, tokens: range, end: int) -> int:
    """How many of the first tokens of ``tokens`` lie inside a number ending at ``end``."""
    starts = seg.tokens._bounds[2 * tokens.start : 2 * tokens.stop : 2]
    return bisect_right(starts, end - 1)


# --- changes per section -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionChanges:
    """What changed in one section of the left text: words removed from its paragraphs, words
    added in their counterparts (and in paragraphs added among them), its renumbered clauses,
    and its changed records (indices into ``Comparison.links``)."""

    section: Section
    removed: int
    added: int
    renumbered: int
    records: tuple[int, ...]

    @property
    def changed(self) -> bool:
        return bool(self.removed or self.added or self.renumbered or self.records)


def section_changes(c: Comparison) -> list[SectionChanges]:
    """Changes per section of the left (full) text, for every section of it (outer sections
    count what their subsections do); [] when the left text has no numbered paragraph.

    A record counts in the innermost section holding its first left paragraph; a paragraph
    added with no counterpart, in the innermost one holding the left paragraphs before and
    after it (a clause inserted between clauses 1 and 2 is no part of clause 1).
    """
    from textver.align import LinkKind

    left = c.left_seg
    if not left.numbers:
        return []
    secs = sections(left, left.numbers)
    parent, inner = _nesting(secs, len(left.paragraphs))
    removed, added, renumbered = [0] * len(secs), [0] * len(secs), [0] * len(secs)
    records: list[list[int]] = [[] for _ in secs]
    starts = left.paragraphs._bounds[0::2]
    for ch in c.changes:
        if ch.op == DELETE:
            removed[inner[bisect_right(starts, ch.start) - 1]] += ch.words
    for a, _ in c.renumbered.values():
        renumbered[inner[a.paragraph]] += 1
    home_of_right: dict[int, int] = {}
    following = len(left.paragraphs) - 1  # the left paragraph after a record, walking back
    home = [0] * len(c.links)
    for k in range(len(c.links) - 1, -1, -1):
        link = c.links[k]
        if link.left:
            home[k], following = inner[link.left[0]], link.left[0]
        else:
            home[k] = following  # made a section below, once the paragraph before is known
    before = 0
    for k, link in enumerate(c.links):
        if link.left:
            before = link.left[-1]
        else:
            i, after = inner[before], home[k]
            while parent[i] >= 0 and after not in secs[i].paragraphs:
                i = parent[i]
            home[k] = i
        for q in link.right:
            home_of_right[q] = home[k]
        if link.kind != LinkKind.EQUAL or link.moved:
            records[home[k]].append(k)
    r_starts = c.right_seg.paragraphs._bounds[0::2]
    for ch in c.changes:
        if ch.op == INSERT:
            added[home_of_right[bisect_right(r_starts, ch.start) - 1]] += ch.words
    for i in range(len(secs) - 1, 0, -1):  # inner sections come after their parents
        up = parent[i]
        if up >= 0:
            removed[up] += removed[i]
            added[up] += added[i]
            renumbered[up] += renumbered[i]
            records[up].extend(records[i])
    return [
        SectionChanges(s, removed[i], added[i], renumbered[i], tuple(sorted(records[i])))
        for i, s in enumerate(secs)
    ]


def _nesting(secs: list[Section], paragraphs: int) -> tuple[list[int], list[int]]:
    """Each section's parent (-1 at the top) and each paragraph's innermost section."""
    parent = [-1] * len(secs)
    inner = [0] * paragraphs
    stack: list[int] = []
    for i, s in enumerate(secs):
        while stack and secs[stack[-1]].paragraphs.stop <= s.paragraphs.start:
            stack.pop()
        parent[i] = stack[-1] if stack else -1
        stack.append(i)
        own_stop = next(
            (
                t.paragraphs.start
                for t in secs[i + 1 : i + 2]
                if t.paragraphs.start < s.paragraphs.stop
            ),
            s.paragraphs.stop,
        )
        inner[s.paragraphs.start : own_stop] = [i] * (own_stop - s.paragraphs.start)
    return parent, inner


def numbering_dict(c: Comparison) -> dict:
    """The optional ``numbering`` member of the JSON: each side's numbers, the renumbered
    clauses and the changes per section of the left text; {} when neither side has numbers."""
    ln, rn = c.left_seg.numbers, c.right_seg.numbers
    if not ln and not rn:
        return {}

    def listed(numbers: dict[int, Number]) -> list[dict]:
        return [
            {"paragraph": p, "number": [n.start, n.end], "value": n.value, "depth": n.depth}
            for p, n in numbers.items()
        ]

    return {
        "numbering": {
            "left": listed(ln),
            "right": listed(rn),
            "renumbered": [
                {"record": k, "left": [a.start, a.end], "right": [b.start, b.end]}
                for (k, _), (a, b) in c.renumbered.items()
            ],
            "sections": [
                {
                    "paragraphs": [sc.section.paragraphs.start, sc.section.paragraphs.stop],
                    "number": [sc.section.number.start, sc.section.number.end]
                    if sc.section.number
                    else None,
                    "title": list(sc.section.title),
                    "depth": sc.section.depth,
                    "removed_words": sc.removed,
                    "inserted_words": sc.added,
                    "renumbered": sc.renumbered,
                    "records": list(sc.records),
                }
                for sc in section_changes(c)
            ],
        }
    }
