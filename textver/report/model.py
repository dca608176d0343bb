"""What a report shows, as plain data: the one reading of a Comparison both renderers share.

The terminal and HTML renderers only lay out what this module computes (figures, rows in reading
order, one label per change, anchors), so they cannot disagree about what changed or call the
same change by two names.  Text always comes from the versions as stored: the inline reading of a
sentence group from :meth:`Comparison.pieces`, the right column from the right text's own spans.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from textver.align import Link, LinkKind, Method, SentenceLink
from textver.compare import Comparison
from textver.diff import Op
from textver.numbering import section_changes
from textver.provenance import COMPUTED, ordered
from textver.report.common import Lane, Mark, minimap, number, plural
from textver.segment import count_words
from textver.version import Version


class Label(StrEnum):
    """The report's words for what happened, as the reader sees them (and, as ``k-`` CSS
    classes, as the page styles them); the declaration order is the order summaries list them.
    """

    # Paragraph level (a row's kind, from Link.kind by PARAGRAPH_LABELS) ...
    DROPPED_PARAGRAPH = "dropped paragraph"
    ADDED_PARAGRAPH = "added paragraph"
    MOVED = "moved"  # a record whose text travelled
    REORDERED = "sentences reordered"  # out of order only within itself: stands where it stood
    SPLIT = "split"
    MERGED = "merged"
    # ... sentence level ...
    DROPPED_SENTENCE = "dropped sentence"
    ADDED_SENTENCE = "added sentence"
    SHORTENED = "shortened sentence"
    EXPANDED = "expanded sentence"
    REWORDED = "reworded sentence"
    MERGED_SENTENCES = "merged sentences"
    SPLIT_SENTENCE = "split sentence"
    RENUMBERED = "renumbered"  # a clause under another number, its words kept (textver.numbering)
    # ... and kinds of row that are not changes.
    UNCHANGED = "unchanged"
    EDITED = "edited"  # a paragraph whose changes are its sentences'
    TRANSLATED = "translated"  # a passage linked to its counterpart in another language
    MOVED_HERE = "moved here"  # the marker row where a moved passage now stands


# Paragraph-level vocabulary, keyed by Link.kind (Label.MOVED marks records that travelled).
PARAGRAPH_LABELS = {
    LinkKind.EQUAL: Label.UNCHANGED,
    LinkKind.CHANGED: Label.EDITED,
    LinkKind.DELETED: Label.DROPPED_PARAGRAPH,
    LinkKind.INSERTED: Label.ADDED_PARAGRAPH,
    LinkKind.SPLIT: Label.SPLIT,
    LinkKind.MERGED: Label.MERGED,
    LinkKind.TRANSLATED: Label.TRANSLATED,
}
# Order in which kinds of change are listed in summaries.
LABEL_ORDER = tuple(Label)[: list(Label).index(Label.UNCHANGED)]
# Changes of structure (of paragraphs, or a clause's number): their words are counted by the
# sentence changes inside.
_STRUCTURE = frozenset({Label.MOVED, Label.REORDERED, Label.SPLIT, Label.MERGED, Label.RENUMBERED})
# Kinds whose change shows only on the right side of a side-by-side view.
RIGHT_ONLY = frozenset({Label.ADDED_PARAGRAPH, Label.ADDED_SENTENCE, Label.EXPANDED})

SECTION_DEPTH = 1
"""Sections of the left text deeper than this (clause 2.1 under 2 under a heading) are counted
in the section holding them but get no line of their own in the list of changes by section."""

_EXCERPT = 90  # characters a summary quotes of a change
_LEAD = 30  # of them, at most this many of unchanged text before its first cut


@dataclass(frozen=True)
class Run:
    """A stretch of text of one kind; ``space`` says whether whitespace precedes it."""

    kind: Op  # EQUAL | DELETE | INSERT
    text: str
    space: bool = False


@dataclass
class Group:
    """A sentence group as one cell shows it: its runs, and its change if it is one.

    ``note`` says how a group linked by meaning was linked ("by meaning 0.74"), since its
    words alone would not have linked it."""

    runs: list[Run]
    label: Label | None = None
    anchor: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Pair:
    """A sentence group of a comparison across languages, side by side: no word diff, only
    the two texts, their similarity by meaning, and the change if it is one (a dropped or an
    added sentence; ``label`` TRANSLATED for a kept one)."""

    label: Label
    left: str
    right: str
    similarity: float | None
    anchor: str | None = None


@dataclass
class Para:
    """One paragraph of a cell; ``number`` counts from 1 on its own side (None: no paragraph)."""

    number: int | None
    groups: list[Group]


def joined(groups: list[Group]) -> list[Run]:
    """The runs of several groups in a row, a space between one group and the next."""
    out: list[Run] = []
    for g in groups:
        for k, r in enumerate(g.runs):
            out.append(r if k else Run(r.kind, r.text, bool(out)))
    return out


@dataclass(frozen=True)
class Edit:
    """One navigable change: what the reviewer steps through with Next/Previous."""

    anchor: str  # "c12": numbered in reading order
    label: Label
    removed: int  # words
    added: int
    pos: float  # where it falls in the left text, 0..1
    excerpt: tuple[Run, ...]  # the left reading around the first cut (see excerpt())


@dataclass
class ReportRow:
    """One alignment record (or the marker where a moved passage went) in reading order.

    ``left`` holds the inline reading (removed and added words both present; a side-by-side view
    hides the added ones), ``right`` the right text with its added words.
    """

    kind: Label  # a PARAGRAPH_LABELS value, or MOVED_HERE for a move's destination marker
    moved: bool  # the record travelled: its text now stands elsewhere among the others
    left_numbers: list[int]
    right_numbers: list[int]
    similarity: float
    left: list[Para]
    right: list[Para]
    anchor: str | None = None  # record-level change (dropped/added paragraph, move, split, merge)
    label: Label | None = None
    moved_link: str | None = None  # a move: id of its destination marker; a marker: the move
    marker_id: str | None = None
    unchanged_run: int = 0  # on the last unchanged row of a run: how many rows the run holds
    pairs: list[Pair] = field(default_factory=list)  # across languages: the groups side by side
    reordered: bool = False  # its text is out of order within it, the record in its place

    @property
    def changed(self) -> bool:
        return self.kind not in (Label.UNCHANGED, Label.TRANSLATED) or self.moved or self.reordered

    @property
    def labels(self) -> list[Label]:
        """Words for the row's header: the move first, then what happened to its text."""
        out = [Label.MOVED] if self.moved else []
        if self.kind != Label.UNCHANGED or not (out or self.reordered):
            out.append(self.kind)
        return [*out, Label.REORDERED] if self.reordered else out


@dataclass(frozen=True)
class Side:
    """One version's identity and provenance, for the report's header."""

    label: str
    source: str
    sha256: str
    words: int
    paragraphs: int
    fields: list[tuple[str, str]]  # provenance (name, value) pairs in display order
    url: str | None  # an http(s) URL, safe to render as a link
    language: str | None  # for the lang attribute of its text (screen readers, hyphenation)


@dataclass(frozen=True)
class Summary:
    """The report's headline figures; the word figures are exactly ``Comparison.stats``."""

    stats: dict[str, int | float]
    kept_words: int
    left_paragraphs: int
    right_paragraphs: int
    kept_paragraphs: int
    moved_paragraphs: int  # right paragraphs in records that travelled
    reordered_paragraphs: int  # right paragraphs whose text is reordered within, in place
    dropped_paragraphs: int
    added_paragraphs: int
    splits: int
    merges: int
    counts: list[tuple[Label, int]]  # changes by label, in LABEL_ORDER
    largest_cuts: list[Edit]
    meaning: str | None = None  # how sentences were linked by meaning, in a sentence, if they were


@dataclass(frozen=True)
class SectionRow:
    """One line of the list of changes by section of the left text (textver.numbering)."""

    depth: int
    name: str  # its number ("§4", "(a)"), "" for a heading
    title: str  # the first words of its opening line
    removed: int  # words
    added: int
    renumbered: int  # clauses
    anchors: tuple[str, ...]  # the first change of each changed record in it, in order


@dataclass
class Report:
    left: Side
    right: Side
    summary: Summary
    rows: list[ReportRow]
    edits: list[Edit]
    minimap: list[Mark]
    strict: bool = False
    cross_language: bool = False  # linked by meaning across languages: no word diff anywhere
    work: Any = None  # the work both versions are editions of (title, author), if known
    sections: list[SectionRow] = field(default_factory=list)  # left text numbered: by section


def sentence_label(kinds: set[Op], sl: SentenceLink) -> Label | None:
    """The vocabulary word for a sentence group whose pieces have the given kinds."""
    if sl.kind == LinkKind.EQUAL:
        return None
    if sl.kind == LinkKind.DELETED:
        return Label.DROPPED_SENTENCE
    if sl.kind == LinkKind.INSERTED:
        return Label.ADDED_SENTENCE
    if len(sl.left) > len(sl.right):
        return Label.MERGED_SENTENCES
    if len(sl.right) > len(sl.left):
        return Label.SPLIT_SENTENCE
    if (Op.DELETE in kinds and Op.INSERT in kinds) or (
        sl.method == Method.MEANING and kinds != {Op.EQUAL}
    ):
        return Label.REWORDED
    if Op.DELETE in kinds:
        return Label.SHORTENED
    if Op.INSERT in kinds:
        return Label.EXPANDED
    if Op.RENUMBERED in kinds:
        return Label.RENUMBERED
    return None


def report_model(c: Comparison) -> Report:
    """Turn a comparison into the report model."""
    return _ReportBuilder(c).build()


class _ReportBuilder:
    def __init__(self, c: Comparison) -> None:
        self.c = c
        self.lt, self.rt = c.left.text, c.right.text
        self.ls, self.rs = c.left_seg, c.right_seg
        self.edits: list[Edit] = []
        self.ins_by_para = self._insert_runs()
        self.lpos = 0  # left offset reached, placing changes that have no left text
        self.cross = bool(c.meaning and c.meaning.get("cross_language"))
        self.travelled = travelled(c.links)

    def _insert_runs(self) -> dict[int, list[tuple[int, int]]]:
        starts = [s for s, _ in self.rs.paragraphs]
        out: dict[int, list[tuple[int, int]]] = {}
        for ch in self.c.changes:
            if ch.op == Op.INSERT:
                q = bisect.bisect_right(starts, ch.start) - 1
                out.setdefault(q, []).append((ch.start, ch.end))
        return out

    def _edit(self, label: Label, runs: list[Run], offset: int, words: bool = True) -> str:
        """Number a change; ``words=False`` for a move, split or merge, whose changed words
        are counted by the sentence changes inside it."""
        anchor = f"c{len(self.edits) + 1}"
        removed = sum(count_words(r.text) for r in runs if r.kind == Op.DELETE) if words else 0
        added = sum(count_words(r.text) for r in runs if r.kind == Op.INSERT) if words else 0
        pos = offset / len(self.lt) if self.lt else 0.0
        self.edits.append(Edit(anchor, label, removed, added, round(pos, 5), excerpt(runs)))
        return anchor

    # --- one record ---------------------------------------------------------------------------

    def _runs(self, sl: SentenceLink) -> list[Run]:
        """The group's pieces, each knowing whether its own text puts a space before it."""
        lcur = self.ls.sentences[sl.left[0]][0] if sl.left else 0
        rcur = self.rs.sentences[sl.right[0]][0] if sl.right else 0
        out: list[Run] = []
        for kind, text in self.c.pieces(sl):
            src, cur = (self.rt, rcur) if kind == Op.INSERT else (self.lt, lcur)
            pos = src.find(text, cur)
            space = pos > 0 and src[pos - 1].isspace() if pos >= 0 else True
            end = pos + len(text) if pos >= 0 else cur
            if kind == Op.INSERT:
                rcur = end
            else:
                lcur = end
            out.append(Run(kind, text, space and bool(out)))
        return out

    def row(self, k: int, link: Link) -> ReportRow:
        kind = PARAGRAPH_LABELS[link.kind]
        moved = k in self.travelled
        row = ReportRow(
            kind=kind,
            moved=moved,
            reordered=link.moved and not moved,
            left_numbers=[p + 1 for p in link.left],
            right_numbers=[q + 1 for q in link.right],
            similarity=link.similarity,
            left=[],
            right=[],
        )
        start = self.ls.paragraphs[link.left[0]][0] if link.left else self.lpos
        if link.kind == LinkKind.EQUAL and not link.moved:
            row.left = [Para(p + 1, [Group([Run(Op.EQUAL, self._ltext(p))])]) for p in link.left]
            row.right = [Para(q + 1, [Group([Run(Op.EQUAL, self._rtext(q))])]) for q in link.right]
            self.lpos = self.ls.paragraphs[link.left[-1]][1]
            return row

        whole = link.kind in (LinkKind.DELETED, LinkKind.INSERTED)
        if self.cross and not whole:
            return self._pair_row(link, row, start)
        ordered = [(sl, self._runs(sl)) for sl in link.sentences]
        if whole or link.moved or link.kind in (LinkKind.SPLIT, LinkKind.MERGED):
            structural = whole or kind in (Label.SPLIT, Label.MERGED)
            record_label = Label.MOVED if moved else kind if structural else Label.REORDERED
            runs = joined([Group(rs) for _, rs in ordered])
            row.anchor = self._edit(record_label, runs, start, words=whole)
            row.label = record_label
        right_anchor: dict[int, tuple[str, Label]] = {}
        groups_by_para: dict[int | None, list[Group]] = {}
        para = link.left[0] if link.left else None
        offset = start
        renumbered = self.c.renumbered
        for g, (sl, runs) in enumerate(ordered):
            if sl.left:
                para = self.ls.sentence_paragraph[sl.left[0]]
                offset = self.ls.sentences[sl.left[0]][0]
            group = Group(runs)
            label = None if whole else sentence_label({r.kind for r in runs}, sl)
            if label:
                group.label = label
                group.anchor = self._edit(label, runs, offset)
                if sl.method == Method.MEANING and sl.similarity is not None:
                    group.note = f"by meaning {sl.similarity:.2f}"
                numbers = renumbered.get((k, g)) if renumbered else None
                if numbers:  # "§4 → §5", and the words changed beside it
                    was = f"{numbers[0].name} → {numbers[1].name}"
                    group.note = was if label == Label.RENUMBERED else f"{was}, renumbered"
                for j in sl.right:
                    right_anchor[j] = (group.anchor, label)
            groups_by_para.setdefault(para, []).append(group)
        if link.left:
            row.left = [Para(p + 1, groups_by_para.get(p, [])) for p in link.left]
            self.lpos = self.ls.paragraphs[link.left[-1]][1]
        else:
            row.left = [Para(None, groups_by_para.get(None, []))]
        row.right = [self._right_para(q, right_anchor) for q in link.right]
        return row

    def _pair_row(self, link: Link, row: ReportRow, start: int) -> ReportRow:
        """A record of a comparison across languages: each sentence group side by side."""
        if link.moved:
            label = Label.MOVED if row.moved else Label.REORDERED
            runs = [Run(Op.EQUAL, self._ltext(p)) for p in link.left]
            row.anchor = self._edit(label, runs, start, words=False)
            row.label = label
        for sl in link.sentences:
            ltext = " ".join(self._sentence(self.ls, self.lt, s) for s in sl.left)
            rtext = " ".join(self._sentence(self.rs, self.rt, s) for s in sl.right)
            if sl.left and sl.right:
                row.pairs.append(Pair(Label.TRANSLATED, ltext, rtext, sl.similarity))
                continue
            label = Label.DROPPED_SENTENCE if sl.left else Label.ADDED_SENTENCE
            runs = [Run(Op.DELETE, ltext)] if sl.left else [Run(Op.INSERT, rtext)]
            offset = self.ls.sentences[sl.left[0]][0] if sl.left else start
            anchor = self._edit(label, runs, offset)
            row.pairs.append(Pair(label, ltext, rtext, None, anchor))
        self.lpos = self.ls.paragraphs[link.left[-1]][1]
        return row

    @staticmethod
    def _sentence(seg: Any, text: str, s: int) -> str:
        a, b = seg.sentences[s]
        return text[a:b]

    def _ltext(self, p: int) -> str:
        s, e = self.ls.paragraphs[p]
        return self.lt[s:e]

    def _rtext(self, q: int) -> str:
        s, e = self.rs.paragraphs[q]
        return self.rt[s:e]

    def _right_para(self, q: int, right_anchor: dict[int, tuple[str, Label]]) -> Para:
        """A right paragraph, sentence by sentence, its added words marked from the change runs."""
        runs = self.ins_by_para.get(q, [])
        groups = []
        for j in self.rs.paragraph_sentences[q]:
            s0, s1 = self.rs.sentences[j]
            parts: list[Run] = []
            pos = s0
            for a, b in runs:
                a, b = max(a, s0), min(b, s1)
                if a >= b:
                    continue
                if a > pos:
                    parts.append(Run(Op.EQUAL, self.rt[pos:a]))
                parts.append(Run(Op.INSERT, self.rt[a:b]))
                pos = b
            if pos < s1:
                parts.append(Run(Op.EQUAL, self.rt[pos:s1]))
            anchor, label = right_anchor.get(j, (None, None))
            groups.append(Group(parts, label, anchor))
        return Para(q + 1, groups)

    # --- the whole report ---------------------------------------------------------------------

    def build(self) -> Report:
        c = self.c
        rows = [self.row(k, link) for k, link in enumerate(c.links)]
        sections = self._sections(rows)
        rows = self._with_move_markers(rows)
        mark_unchanged_runs(rows)
        summary = self._summary()
        return Report(
            left=side_of(c.left, int(c.stats["left_words"]), len(self.ls.paragraphs)),
            right=side_of(c.right, int(c.stats["right_words"]), len(self.rs.paragraphs)),
            summary=summary,
            rows=rows,
            edits=self.edits,
            minimap=self._minimap(),
            strict=c.strict,
            cross_language=self.cross,
            work=work_of(c),
            sections=sections,
        )

    def _sections(self, rows: list[ReportRow]) -> list[SectionRow]:
        """Changes by section of the left text, linked to each changed record's first change."""
        out = []
        for sc in section_changes(self.c):
            if not sc.changed or sc.section.depth > SECTION_DEPTH:
                continue
            t0, t1 = sc.section.title
            anchors = (first_anchor(rows[k]) for k in sc.records)
            out.append(
                SectionRow(
                    sc.section.depth,
                    sc.section.name,
                    " ".join(self.lt[t0:t1].split()),
                    sc.removed,
                    sc.added,
                    sc.renumbered,
                    tuple(a for a in anchors if a),
                )
            )
        return out

    def _with_move_markers(self, rows: list[ReportRow]) -> list[ReportRow]:
        """Add, for each moved record, a marker row where its text now stands on the right,
        after the record holding the nearest preceding right paragraph that did not move."""
        links = self.c.links
        record_of_right: dict[int, int] = {}
        for k, link in enumerate(links):
            for q in link.right:
                record_of_right[q] = k
        after: dict[int, list[ReportRow]] = {}
        for k, link in enumerate(links):
            if k not in self.travelled:
                continue
            q = link.right[0] - 1
            while q >= 0 and record_of_right[q] in self.travelled:
                q -= 1
            host = record_of_right[q] if q >= 0 else -1
            moved = rows[k]
            marker = ReportRow(
                kind=Label.MOVED_HERE,
                moved=False,
                left_numbers=moved.left_numbers,
                right_numbers=moved.right_numbers,
                similarity=moved.similarity,
                left=[],
                right=[],
                label=Label.MOVED,
                moved_link=moved.anchor,
                marker_id=f"m{moved.anchor[1:]}" if moved.anchor else None,
            )
            moved.moved_link = marker.marker_id
            after.setdefault(host, []).append(marker)
        out = list(after.get(-1, []))
        for k, row in enumerate(rows):
            out.append(row)
            out.extend(after.get(k, []))
        return out

    def _summary(self) -> Summary:
        c = self.c
        links = c.links
        stats = dict(c.stats)
        counts = Counter(e.label for e in self.edits)
        ranked = sorted(
            (e for e in self.edits if e.removed), key=lambda e: (-e.removed, int(e.anchor[1:]))
        )
        return Summary(
            meaning=self._meaning_note(),
            stats=stats,
            kept_words=int(stats["left_words"]) - int(stats["removed_words"]),
            left_paragraphs=len(self.ls.paragraphs),
            right_paragraphs=len(self.rs.paragraphs),
            kept_paragraphs=sum(len(lk.left) for lk in links if lk.left and lk.right),
            moved_paragraphs=sum(len(links[k].right) for k in self.travelled),
            reordered_paragraphs=sum(
                len(lk.right) for k, lk in enumerate(links) if lk.moved and k not in self.travelled
            ),
            dropped_paragraphs=sum(len(lk.left) for lk in links if not lk.right),
            added_paragraphs=sum(len(lk.right) for lk in links if not lk.left),
            splits=sum(1 for lk in links if lk.kind == LinkKind.SPLIT),
            merges=sum(1 for lk in links if lk.kind == LinkKind.MERGED),
            counts=[(label, counts[label]) for label in LABEL_ORDER if counts[label]],
            largest_cuts=ranked[:10],
        )

    def _meaning_note(self) -> str | None:
        """What the meaning stage did, said plainly for the summary."""
        info = self.c.meaning
        if not info:
            return None
        groups = [sl for lk in self.c.links for sl in lk.sentences if sl.left and sl.right]
        by_meaning = [sl for sl in groups if sl.method == Method.MEANING]
        kept = sum(len(sl.left) for sl in by_meaning)
        if not self.cross:
            return (
                f"{plural(kept, 'sentence')} linked by meaning "
                f"({info['model']}), where the words alone could not link them."
            )
        left_n, right_n = len(self.ls.sentences), len(self.rs.sentences)
        linked_r = sum(len(sl.right) for sl in groups)
        sims = [sl.similarity for sl in by_meaning if sl.similarity is not None]
        mean = f", mean similarity {sum(sims) / len(sims):.2f}" if sims else ""
        langs = " → ".join(str(x or "?") for x in info["languages"])
        kept_l = sum(len(sl.left) for sl in groups)
        return (
            f"Across languages ({langs}): {number(kept_l)} of {number(left_n)} sentences of "
            f"{self.c.left.label} kept in {number(linked_r)} of {number(right_n)} sentences of "
            f"{self.c.right.label}, linked by meaning ({info['model']}{mean}); "
            f"{number(left_n - kept_l)} dropped, {number(right_n - linked_r)} added. There is no "
            f"word diff between languages: a kept sentence's words all count as kept."
        )

    def _minimap(self) -> list[Mark]:
        """Changes binned along the left text: a change of structure on its own lane, else
        what it takes out and what it puts in, each on its lane."""
        ticks: list[tuple[Lane, float, str, int]] = []
        for e in self.edits:
            if e.label in _STRUCTURE:
                ticks.append((Lane.MOVE, e.pos, e.anchor, e.added))
                continue
            if e.removed or (not e.added and e.label not in RIGHT_ONLY):  # punctuation only: a cut
                ticks.append((Lane.CUT, e.pos, e.anchor, e.removed))
            if e.added or (not e.removed and e.label in RIGHT_ONLY):
                ticks.append((Lane.ADD, e.pos, e.anchor, e.added))
        return minimap(ticks)


def first_anchor(row: ReportRow) -> str | None:
    """The anchor of a row's first change: the record's own, else its first sentence's."""
    if row.anchor:
        return row.anchor
    groups = [g for p in row.left for g in p.groups] + [g for p in row.right for g in p.groups]
    return next((g.anchor for g in groups if g.anchor), None) or next(
        (p.anchor for p in row.pairs if p.anchor), None
    )


def travelled(links: Sequence[Link]) -> set[int]:
    """The records marked moved that stand elsewhere among the others on the right.

    The aligner marks a record moved when any of its kept text is out of order, which includes
    a sentence moved within the record itself.  Such a record whose first right paragraph comes
    after that of the record before it and before that of the next unmoved record (in left
    order, counting records with right paragraphs) has not travelled: it is reported as
    reordered in place, with no "moved here" marker, which would stand directly above it.
    """
    with_right = [k for k, lk in enumerate(links) if lk.right]
    out = set()
    for n, k in enumerate(with_right):
        link = links[k]
        if not link.moved:
            continue
        first = link.right[0]
        before = links[with_right[n - 1]].right[0] if n else -1
        after = next((links[j].right[0] for j in with_right[n + 1 :] if not links[j].moved), None)
        if not (before < first and (after is None or first < after)):
            out.add(k)
    return out


def excerpt(runs: list[Run], size: int = _EXCERPT, lead: int = _LEAD) -> tuple[Run, ...]:
    """What a summary quotes of a change: its left text, cut words still marked, from a few
    words before the first cut to about ``size`` characters ("…" where text is left out); a
    quote that fits in ``size`` is whole.

    A reworded sentence so reads as the sentence with its cut words struck, never as its
    cut words strung together ("2 … 2002").  A change that cuts nothing quotes what it adds.
    """
    shown = [r for r in runs if r.kind != Op.INSERT]
    if not any(r.kind == Op.DELETE for r in shown):
        shown = [r for r in runs if r.kind == Op.INSERT] or shown
    flat = [Run(r.kind, " ".join(r.text.split()), r.space and k > 0) for k, r in enumerate(shown)]
    first = next((k for k, r in enumerate(flat) if r.kind != Op.EQUAL), 0)
    out: list[Run] = []
    room = size
    if first and flat[0].kind == Op.EQUAL:
        # Keep only the last words of the unchanged text before the first cut.
        before = "".join((" " if r.space else "") + r.text for r in flat[:first])
        total = len(before) + sum(len(r.text) + r.space for r in flat[first:])
        if total > size and len(before) > lead:
            cut = before.find(" ", len(before) - lead)
            before = "…" + before[cut:] if cut >= 0 else before
        out.append(Run(Op.EQUAL, before.strip() if before.startswith(" ") else before))
        room -= len(before)
        flat = flat[first:]
    for r in flat:
        if room <= 0:
            break
        text = r.text
        if len(text) > room:
            text = text[: max(room - 1, 1)].rstrip() + "…"
        out.append(Run(r.kind, text, r.space and bool(out)))
        room -= len(text) + (1 if r.space else 0)
    if room <= 0 and out and not out[-1].text.endswith("…"):
        out.append(Run(Op.EQUAL, "…", True))
    return tuple(out)


def mark_unchanged_runs(rows: Sequence[Any]) -> None:
    """Give the last row of each run of unchanged rows the run's length, for the filter's
    "N unchanged paragraphs" marker."""
    run = 0
    for n, row in enumerate(rows):
        if row.changed:
            continue
        run += 1
        if n + 1 == len(rows) or rows[n + 1].changed:
            row.unchanged_run, run = run, 0


def side_of(v: Version, words: int, paragraphs: int) -> Side:
    meta = {k: str(val) for k, val in v.meta.items() if val not in (None, "") and k not in COMPUTED}
    url = meta.get("url", "")
    safe_url = url if url.lower().startswith(("http://", "https://")) else None
    return Side(
        label=v.label,
        source=v.source,
        sha256=v.sha256,
        words=words,
        paragraphs=paragraphs,
        fields=ordered(meta),
        url=safe_url,
        language=meta.get("language") or None,
    )


def work_of(result: Any) -> Any:
    """The work a comparison or collation is of (its ``title`` and ``author``), or None when
    its versions are not known to be editions of one work."""
    return getattr(result, "work", None)
