"""Collate several editions of a work at once against one base edition.

The n-way view is built from the pairwise comparisons of the base against each other edition:
every pairwise alignment already says which paragraphs of that edition correspond to which base
paragraphs, so rows are the base paragraphs (joined where some edition merged them), with each
edition's paragraphs placed in the row of the base text they came from.  Paragraphs no base
paragraph accounts for (added in some editions) get rows of their own, in reading order, shared
by the editions that added the same passage.

Within rows, :meth:`Collation.units` lines the words of all editions up on the base's tokens:
the variation units that the TEI and CollateX exports are written from.

Each pair is compared exactly as :func:`textver.compare.compare` compares two versions, the
meaning stage included (``meaning="auto"``: where words do not decide, and for an edition in
another language).  A sentence group linked across languages has no word links, only one
TRANSLATED run over both sides' tokens, so it is one variation unit: its sentences beside the
base's, never the base's words lacking and the translation's added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from textver.align import DisjointSets, feature_table, features
from textver.compare import Comparison, compare_segmented, without_cycle_collector, work_dict
from textver.diff import EQUAL, INSERT, RENUMBERED, TRANSLATED
from textver.errors import TextverError
from textver.meaning import MODES, Mode
from textver.provenance import WorkInfo
from textver.segment import Segmented, segment
from textver.version import Version

FORMAT = "textver.collation"
FORMAT_VERSION = 1
_ADDED_MATCH = 0.5  # Dice overlap at which passages added by two editions count as one passage


@dataclass
class Row:
    """Corresponding paragraphs of every edition: label -> paragraph indices (maybe empty)."""

    cells: dict[str, list[int]]


@dataclass
class Unit:
    """One variation unit: each edition's tokens here (``None`` where it has no text here)."""

    readings: dict[str, list[int] | None]


@dataclass
class Collation:
    base: Version
    others: list[Version]
    segs: dict[str, Segmented]
    pairs: list[Comparison]
    rows: list[Row] = field(default_factory=list)
    strict: bool = False
    meaning: str = Mode.AUTO  # as in textver.compare.compare, for every pair compared
    work: WorkInfo | None = None  # the stored work the editions are of, for reports
    saved_in: str | None = None  # the file it was read back from (textver.saved), if it was

    @property
    def editions(self) -> list[Version]:
        return [self.base, *self.others]

    def to_dict(self) -> dict:
        """The ``textver.collation`` JSON object."""
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            **work_dict(self.work),
            "base": self.base.label,
            "editions": [
                {
                    "label": v.label,
                    "source": v.source,
                    "sha256": v.sha256,
                    "words": self.segs[v.label].word_count,
                    "paragraphs": [list(s) for s in self.segs[v.label].paragraphs],
                }
                for v in self.editions
            ],
            "rows": [{"cells": row.cells} for row in self.rows],
            "pairs": [pair.to_dict() for pair in self.pairs],
        }

    @cached_property
    def matrix(self) -> dict[str, dict[str, float]]:
        """``matrix[a][b]``: the share of edition ``a``'s words that edition ``b`` keeps.

        Needs a comparison of every pair of editions, so it is computed only when a report asks.
        """
        labels = [v.label for v in self.editions]
        out: dict[str, dict[str, float]] = {a: {a: 1.0} for a in labels}
        known = {(p.left.label, p.right.label): p for p in self.pairs}
        by_label = {v.label: v for v in self.editions}
        for i, a in enumerate(labels):
            for b in labels[i + 1 :]:
                if (a, b) not in known and self.saved_in:
                    raise TextverError(
                        f"{self.saved_in}: the retention matrix of the html and text reports "
                        "needs every pair of editions compared, and a saved collation holds "
                        "each edition's comparison with the base only: render json, tei or "
                        "collatex-json from it, or collate the editions again"
                    )
                pair = known.get((a, b)) or compare_segmented(
                    by_label[a],
                    by_label[b],
                    self.segs[a],
                    self.segs[b],
                    self.strict,
                    meaning=self.meaning,
                )
                stats = pair.stats
                out[a][b] = stats["retained"]
                rw = stats["right_words"]
                out[b][a] = round((rw - stats["inserted_words"]) / rw, 4) if rw else 1.0
        return out

    def units(self, row: Row, *, whole_translations: bool = True) -> list[Unit]:
        """The row's variation units, in the base's reading order.

        Base tokens are grouped into runs that the same set of editions keep; text an edition
        adds is a unit of its own at the base position where it was inserted.  A sentence group
        an edition has in another language (a TRANSLATED run: no word links) is one unit as a
        whole, holding that edition's sentences beside the base's, and so are the readings of
        every other edition there: an apparatus cannot be finer than the words it lines up.

        ``whole_translations=False`` keeps the units word by word for the editions in the
        base's language (a view marking which base words each one lacks): a translated group
        then only makes its edition present on each of its base tokens, its sentences all in
        the unit of the group's first base token and none in the others.
        """
        base = self.base.label
        units: list[Unit] = []
        if not row.cells[base]:
            return [
                Unit(
                    {
                        v.label: self._paragraph_tokens(v.label, row.cells[v.label]) or None
                        for v in self.editions
                    }
                )
            ]
        seg = self.segs[base]
        everyone = [v.label for v in self.editions]
        labels = [pair.right.label for pair in self.pairs]

        def add_inserts(key: tuple[str, int], fold: bool) -> bool:
            """Text added at ``key``: a unit of its own, or, inside a translated group
            (``fold``), part of the current unit."""
            found = [ins.get(key) for ins in self._inserts]
            if not any(found):
                return False
            if fold:
                current = units[-1].readings
                for label, toks in zip(labels, found, strict=True):
                    if toks:
                        reading = current[label]
                        if reading is None:
                            current[label] = list(toks)
                        else:
                            reading.extend(toks)
                return False
            readings: dict[str, list[int] | None] = dict.fromkeys(everyone)
            readings.update(zip(labels, found, strict=True))
            units.append(Unit(readings))
            return True

        run_key: tuple[object, ...] | None = None
        for p in row.cells[base]:
            for t in seg.paragraph_tokens(p):
                groups = [tr.get(t) for tr in self._translations]
                # Past the first token of a translated group: the unit goes on whatever else
                # changes, so that the group is never cut.
                held = whole_translations and bool(units)
                held = held and any(g is not None and g[0] < t for g in groups)
                if add_inserts(("before", t), held):
                    run_key = None
                mapped = [m.get(t) for m in self._maps]
                key = tuple(
                    (g if whole_translations else True) if g is not None else m is not None
                    for g, m in zip(groups, mapped, strict=True)
                )
                if key != run_key and not held:
                    readings: dict[str, list[int] | None] = {base: []}
                    for label, k in zip(labels, key, strict=True):
                        readings[label] = [] if k else None
                    units.append(Unit(readings))
                run_key = key
                current = units[-1].readings
                current[base].append(t)  # type: ignore[union-attr]
                for label, m, g in zip(labels, mapped, groups, strict=True):
                    if m is not None or (g is not None and g[0] == t):
                        reading = current[label]
                        if reading is None:  # present from here on, inside a held unit
                            reading = current[label] = []
                        if m is not None:
                            reading.append(m)
                        else:
                            reading.extend(range(g[2], g[3]))  # type: ignore[index]
                inside = whole_translations
                inside = inside and any(g is not None and g[1] > t + 1 for g in groups)
                if add_inserts(("after", t), inside):
                    run_key = None
        return units

    def reading(self, label: str, tokens: list[int]) -> str:
        """Edition ``label``'s own text of ``tokens``, a space after each that its text has."""
        seg = self.segs[label]
        text = seg.text
        parts = []
        for t in tokens:
            start, end = seg.tokens[t]
            parts.append(text[start:end])
            if end < len(text) and text[end].isspace():
                parts.append(" ")
        return "".join(parts)

    def _paragraph_tokens(self, label: str, paragraphs: list[int]) -> list[int]:
        seg = self.segs[label]
        return [t for p in paragraphs for t in seg.paragraph_tokens(p)]

    @cached_property
    def _maps(self) -> list[dict[int, int]]:
        """Per pair: base token -> the other edition's token that is its counterpart."""
        maps = []
        for pair in self.pairs:
            m: dict[int, int] = {}
            for lk in pair.links:
                for sl in lk.sentences:
                    for op, a0, a1, b0, _b1 in sl.ops:
                        if op == EQUAL:
                            m.update(zip(range(a0, a1), range(b0, b0 + a1 - a0), strict=True))
            maps.append(m)
        return maps

    @cached_property
    def _translations(self) -> list[dict[int, tuple[int, int, int, int]]]:
        """Per pair: base token -> the translated sentence group ``(a0, a1, b0, b1)`` holding
        it (base tokens ``a0:a1``, the other edition's ``b0:b1``), for groups linked across
        languages (textver.diff.TRANSLATED)."""
        out = []
        for pair in self.pairs:
            m: dict[int, tuple[int, int, int, int]] = {}
            for lk in pair.links:
                for sl in lk.sentences:
                    for op, a0, a1, b0, b1 in sl.ops:
                        if op == TRANSLATED:
                            m.update(dict.fromkeys(range(a0, a1), (a0, a1, b0, b1)))
            out.append(m)
        return out

    @cached_property
    def _inserts(self) -> list[dict[tuple[str, int], list[int]]]:
        """Per pair: where the other edition adds tokens, as ``("before", t)`` for the start of
        a passage or ``("after", t)`` for just after base token ``t``, with the added tokens."""
        out = []
        for pair in self.pairs:
            lseg = pair.left_seg
            added: dict[tuple[str, int], list[int]] = {}
            for lk in pair.links:
                if not lk.left:
                    continue
                key = ("before", lseg.paragraph_tokens(lk.left[0]).start)
                for sl in sorted(lk.sentences, key=lambda s: s.right[0] if s.right else -1):
                    if sl.left:
                        key = ("before", lseg.sentence_tokens[sl.left[0]].start)
                    for op, _a0, a1, b0, b1 in sl.ops:
                        if op == RENUMBERED:  # the base's number lacking, the edition's added
                            key = ("after", a1 - 1)
                        if op in (INSERT, RENUMBERED):
                            added.setdefault(key, []).extend(range(b0, b1))
                        else:
                            key = ("after", a1 - 1)
            out.append(added)
        return out


def collate(
    versions: list[Version],
    *,
    base: str | None = None,
    strict: bool = False,
    meaning: str = Mode.AUTO,
) -> Collation:
    """Collate ``versions`` against the edition labelled ``base`` (default: the first given).

    The first edition is the default base, as a reader names the editions in their order: its
    readings are the ones the others keep or lack, never "added" to a later, longer one.

    Each edition is compared with the base as :func:`textver.compare.compare` compares two
    versions, ``meaning`` included (``"auto"``: by meaning where words do not decide and
    whenever the two are in different languages; ``"on"``; ``"off"``).
    """
    if meaning not in MODES:
        raise ValueError(f"meaning must be one of {', '.join(MODES)}, not {meaning!r}")
    labels = [v.label for v in versions]
    if len(versions) < 2:
        raise TextverError(f"{', '.join(labels) or 'collation'}: need at least two editions")
    if len(set(labels)) != len(labels):
        raise TextverError(f"{', '.join(labels)}: editions must have distinct labels")
    with without_cycle_collector():
        segs = {v.label: segment(v.text, strict=strict) for v in versions}
    if base is None:
        base_v = versions[0]
    else:
        matches = [v for v in versions if v.label == base]
        if not matches:
            raise TextverError(f"--base {base}: no such edition (editions: {', '.join(labels)})")
        base_v = matches[0]
    others = [v for v in versions if v is not base_v]
    pairs = [
        compare_segmented(base_v, o, segs[base_v.label], segs[o.label], strict, meaning=meaning)
        for o in others
    ]
    col = Collation(base_v, others, segs, pairs, strict=strict, meaning=meaning)
    col.rows = _rows(col)
    return col


def _rows(col: Collation) -> list[Row]:
    base = col.base.label
    n_base = len(col.segs[base].paragraphs)
    # Base paragraphs that some edition merged (or split across) belong in one row.
    merged: DisjointSets[int] = DisjointSets()
    find = merged.find
    for pair in col.pairs:
        for lk in pair.links:
            for p in lk.left[1:]:
                merged.union(p, lk.left[0])
    row_of_base: dict[int, int] = {}
    rows: list[Row] = []
    for p in range(n_base):
        root = find(p)
        if root not in row_of_base:
            row_of_base[root] = len(rows)
            rows.append(Row({v.label: [] for v in col.editions}))
        rows[row_of_base[root]].cells[base].append(p)

    # Added passages, keyed by the base row they follow (-1: before the first row).
    added: dict[int, list[tuple[Row, frozenset[str]]]] = {}
    for pair in col.pairs:
        label = pair.right.label
        seg = pair.right_seg
        table = feature_table(seg.keys)
        after = -1
        for q_row in _right_rows(pair, row_of_base, find):
            q, r = q_row
            if r is not None:
                rows[r].cells[label].append(q)
                after = r
                continue
            rng = seg.paragraph_tokens(q)
            feats = features(seg, table, rng.start, rng.stop)
            gap = added.setdefault(after, [])
            match = next(
                (row for row, f in gap if _dice(f, feats) >= _ADDED_MATCH and not row.cells[label]),
                None,
            )
            if match is None:
                match = Row({v.label: [] for v in col.editions})
                gap.append((match, feats))
            match.cells[label].append(q)
    out: list[Row] = [row for row, _ in added.get(-1, [])]
    for r, row in enumerate(rows):
        out.append(row)
        out.extend(added_row for added_row, _ in added.get(r, []))
    for row in out:
        for cell in row.cells.values():
            cell.sort()
    return out


def _right_rows(
    pair: Comparison, row_of_base: dict[int, int], find
) -> list[tuple[int, int | None]]:
    """Each paragraph of the other edition, in its order, with the base row it belongs to."""
    row_of_right: dict[int, int | None] = {}
    for lk in pair.links:
        r = row_of_base[find(lk.left[0])] if lk.left else None
        for q in lk.right:
            row_of_right[q] = r
    return sorted(row_of_right.items())


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0
