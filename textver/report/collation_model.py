"""The model of a collation's HTML report: plain data the template lays out.

As :mod:`textver.report.model` is for the pairwise report, this turns a
:class:`~textver.collate.Collation` into small dataclasses (rows of cells, each cell's
paragraphs as marked stretches, the retention matrix, the minimap) and nothing else: no markup,
no escaping.  :mod:`textver.report.collation_html` hands the result to the template.

The base column carries the inline reading: base words that some editions lack and, hidden
while the columns show, the words other editions add.  Each differing variation unit is one
navigable change; the other columns mark the words each edition added, tied to that change,
and a caret where it lacks base words.  Stretches are one per differing unit and edition, never
one per word, so six book-length editions stay light.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from textver.collate import Collation, Row, Unit
from textver.report.common import Lane, Mark, minimap
from textver.report.model import Side, mark_unchanged_runs, side_of, work_of


class BitKind(StrEnum):
    """What a stretch of a collation cell is."""

    SHARED = "shared"  # text every edition shares here
    LACK = "lack"  # base text some editions lack (base column)
    ADD = "add"  # text some editions add (base column, shown in the base-with-marks view)
    INS = "ins"  # text this edition adds (its own column)
    GAP = "gap"  # where this edition lacks base text (its own column)


SHARED, LACK, ADD, INS, GAP = BitKind


@dataclass(frozen=True)
class Reading:
    """Text that a group of editions adds at one place (the same words in each of them)."""

    labels: str  # "1866, 1869"
    text: str


@dataclass
class Bit:
    """A stretch of one cell's text; ``space`` is the white space before it, outside any mark."""

    kind: BitKind
    text: str = ""
    space: str = ""
    anchor: str | None = None  # the change it is (base column) or belongs to (other columns)
    label: str | None = None
    readings: tuple[Reading, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A passage the base lacks, as a group of editions words it, paragraph by paragraph."""

    labels: str
    paras: list[str]


@dataclass
class Cell:
    """One edition's paragraphs in a row (none: it lacks the passage)."""

    label: str
    base: bool
    language: str | None
    numbers: list[int]  # paragraph numbers, from 1
    paras: list[list[Bit]]


@dataclass
class CRow:
    """One collation row: a cell per edition, base first."""

    cells: list[Cell]
    changes: int  # differing variation units in it
    absent: list[str]  # editions without this passage of the base
    anchor: str | None = None  # a passage the base lacks is one change as a whole
    label: str | None = None
    added: list[Passage] = field(default_factory=list)  # such a passage, by wording
    unchanged_run: int = 0  # on the last row of a run of rows where all agree: its length

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.absent or self.anchor)

    @property
    def base_numbers(self) -> list[int]:
        return self.cells[0].numbers


@dataclass(frozen=True)
class MatrixRow:
    """The retention matrix row of one edition, with its size."""

    label: str
    words: int
    paragraphs: int
    differs: int  # changes in which this edition's reading is not the base's
    kept: list[tuple[str, float]]  # (column edition, share of this edition's words it keeps)


@dataclass
class CollationReport:
    base: Side
    others: list[Side]
    matrix: list[MatrixRow]
    rows: list[CRow]
    total: int  # navigable changes
    minimap: list[Mark]
    strict: bool = False

    work: Any = None  # the work the editions are of (title, author), if known

    @property
    def editions(self) -> list[Side]:
        return [self.base, *self.others]

    @property
    def cards(self) -> list[tuple[Side, str]]:
        """Each edition's provenance card with its role."""
        return [(self.base, "Base"), *((s, "Edition") for s in self.others)]


def collation_model(col: Collation) -> CollationReport:
    """Turn a collation into what the template lays out."""
    return _CollationBuilder(col).build()


def _names(labels: list[str]) -> str:
    return ", ".join(labels)


class _CollationBuilder:
    def __init__(self, col: Collation) -> None:
        self.col = col
        self.base = col.base.label
        self.others = [v.label for v in col.others]
        self.total = 0
        self.differs = dict.fromkeys(self.others, 0)
        self.labels: dict[str, str] = {}  # change anchor -> its label
        self.ticks: list[tuple[Lane, str, int, int]] = []  # (lane, anchor, words, base offset)
        self.lpos = 0  # base offset reached, placing changes that have no base text
        self.sides = {
            v.label: side_of(v, col.segs[v.label].word_count, len(col.segs[v.label].paragraphs))
            for v in col.editions
        }

    def _anchor(self) -> str:
        self.total += 1
        return f"c{self.total}"

    def build(self) -> CollationReport:
        col = self.col
        rows = [self.row(row) for row in col.rows]
        mark_unchanged_runs(rows)
        sides = self.sides
        labels = [v.label for v in col.editions]
        matrix = [
            MatrixRow(
                label=a,
                words=sides[a].words,
                paragraphs=sides[a].paragraphs,
                differs=self.differs.get(a, 0),
                kept=[(b, col.matrix[a][b]) for b in labels],
            )
            for a in labels
        ]
        return CollationReport(
            base=sides[self.base],
            others=[sides[x] for x in self.others],
            matrix=matrix,
            rows=rows,
            total=self.total,
            minimap=self._minimap(),
            strict=col.strict,
            work=work_of(col),
        )

    def _minimap(self) -> list[Mark]:
        """Changes binned along the base text: what editions lack on the left of the strip,
        what they add on the right (as in the two-text report)."""
        size = len(self.col.base.text) or 1
        return minimap(
            (lane, offset / size, anchor, words) for lane, anchor, words, offset in self.ticks
        )

    def _words(self, label: str, tokens: list[int] | None) -> int:
        is_word = self.col.segs[label].is_word
        return sum(1 for t in tokens or () if is_word[t])

    # --- one row ------------------------------------------------------------------------------

    def row(self, row: Row) -> CRow:
        col = self.col
        # Word by word for the editions in the base's language, whatever a translation links.
        units = col.units(row, whole_translations=False)
        if not row.cells[self.base]:
            return self._added_row(row, units[0])
        # Per other edition: its tokens that are additions, and carets where it lacks base text,
        # each with the change it belongs to.
        ins: dict[str, dict[int, str]] = {x: {} for x in self.others}
        gaps: dict[str, dict[int, list[str]]] = {x: {} for x in self.others}
        last: dict[str, int] = {}  # the edition's token reached so far in this row
        for x in self.others:
            cell = row.cells[x]
            if cell:
                last[x] = col.segs[x].paragraph_tokens(cell[0]).start - 1
        base_bits: list[tuple[Unit, str | None, str | None, tuple[Reading, ...]]] = []
        changes = 0
        for unit in units:
            r = unit.readings
            if r[self.base] is None:
                anchor = self._anchor()
                adders = [x for x in self.others if r[x]]
                readings = self._readings(unit, adders)
                label = f"added in {_names(adders)}"
                self.labels[anchor] = label
                for x in adders:
                    for t in r[x] or ():
                        ins[x][t] = anchor
                    last[x] = max(last.get(x, -1), *(r[x] or ()))
                    self.differs[x] += 1
                base_bits.append((unit, anchor, label, readings))
                changes += 1
                added = max(self._words(x, r[x]) for x in adders)
                self.ticks.append((Lane.ADD, anchor, added, self.lpos))
                continue
            base_seg = col.segs[self.base]
            self.lpos = base_seg.tokens.end((r[self.base] or [0])[-1])
            lacking = [x for x in self.others if r[x] is None]
            for x in self.others:
                if r[x]:
                    last[x] = max(last.get(x, -1), *(r[x] or ()))
            if not lacking:
                base_bits.append((unit, None, None, ()))
                continue
            anchor = self._anchor()
            changes += 1
            if len(lacking) == len(self.others) > 1:
                label = f"only in {self.base}"
            else:
                label = f"not in {_names(lacking)}"
            self.labels[anchor] = label
            offset = base_seg.tokens.start((r[self.base] or [0])[0])
            self.ticks.append((Lane.CUT, anchor, self._words(self.base, r[self.base]), offset))
            for x in lacking:
                self.differs[x] += 1
                if x in last:
                    gaps[x].setdefault(last[x], []).append(anchor)
            base_bits.append((unit, anchor, label, ()))
        cells = [self._base_cell(row, base_bits)]
        for x in self.others:
            cells.append(self._cell(x, row.cells[x], ins[x], gaps[x]))
        absent = [x for x in self.others if not row.cells[x]]
        return CRow(cells, changes, absent)

    def _readings(self, unit: Unit, adders: list[str]) -> tuple[Reading, ...]:
        """What the adding editions add, editions with the same words together."""
        groups: dict[tuple[str, ...], list[str]] = {}
        for x in adders:
            toks = unit.readings[x] or []
            keys = tuple(self.col.segs[x].keys[t] for t in toks)
            groups.setdefault(keys, []).append(x)
        return tuple(
            Reading(_names(xs), self.col.reading(xs[0], unit.readings[xs[0]] or []).strip())
            for xs in groups.values()
        )

    def _base_cell(
        self, row: Row, bits: list[tuple[Unit, str | None, str | None, tuple[Reading, ...]]]
    ) -> Cell:
        """The base's paragraphs, unit by unit: shared text plain, differing units marked."""
        col = self.col
        seg = col.segs[self.base]
        text = seg.text
        paras = row.cells[self.base]
        out: list[list[Bit]] = [[] for _ in paras]
        k = 0
        pos = seg.paragraphs[paras[0]][0]
        for unit, anchor, label, readings in bits:
            toks = unit.readings[self.base]
            if toks is None:
                out[k].append(Bit(ADD, anchor=anchor, label=label, readings=readings))
                continue
            while toks[0] >= seg.paragraph_tokens(paras[k]).stop:
                out[k].append(Bit(SHARED, text[pos : seg.paragraphs[paras[k]][1]]))
                k += 1
                pos = seg.paragraphs[paras[k]][0]
            start, end = seg.tokens.start(toks[0]), seg.tokens.end(toks[-1])
            if anchor is None:
                out[k].append(Bit(SHARED, text[pos:end]))
            else:
                out[k].append(Bit(LACK, text[start:end], text[pos:start], anchor, label))
            pos = end
        for j in range(k, len(paras)):
            para_start, para_end = seg.paragraphs[paras[j]]
            out[j].append(Bit(SHARED, text[max(pos, para_start) : para_end]))
        language = self.sides[self.base].language
        return Cell(self.base, True, language, [p + 1 for p in paras], _merged(out))

    def _cell(
        self,
        label: str,
        paras: list[int],
        ins: dict[int, str],
        gaps: dict[int, list[str]],
        *,
        whole: bool = False,
    ) -> Cell:
        """An edition's own paragraphs as stored: its additions marked (all of it if
        ``whole``), with a caret after the token where it lacks base text."""
        seg = self.col.segs[label]
        text = seg.text
        out: list[list[Bit]] = []
        for n, p in enumerate(paras):
            start, end = seg.paragraphs[p]
            toks = seg.paragraph_tokens(p)
            # Lacking base text before the cell's first token; later keys follow their token.
            before = gaps.get(toks.start - 1, ()) if n == 0 else ()
            bits = [Bit(GAP, anchor=a, label=self.labels[a]) for a in before]
            pos = start
            i = toks.start
            while i < toks.stop:
                added = whole or i in ins
                anchor = None if whole else ins.get(i)
                j = i
                while j + 1 < toks.stop and j not in gaps and (whole or ins.get(j + 1) == anchor):
                    j += 1
                s, e = seg.tokens.start(i), seg.tokens.end(j)
                if added:
                    title = self.labels[anchor] if anchor else None
                    bits.append(Bit(INS, text[s:e], text[pos:s], anchor, title))
                else:
                    bits.append(Bit(SHARED, text[pos:e]))
                pos = e
                bits.extend(Bit(GAP, anchor=a, label=self.labels[a]) for a in gaps.get(j, ()))
                i = j + 1
            bits.append(Bit(SHARED, text[pos:end]))
            out.append(bits)
        return Cell(label, False, self.sides[label].language, [p + 1 for p in paras], _merged(out))

    def _added_row(self, row: Row, unit: Unit) -> CRow:
        """A passage the base lacks: one change, shown in the columns of the editions that
        have it and, in the base-with-marks view, as each group of editions words it."""
        anchor = self._anchor()
        adders = [x for x in self.others if row.cells[x]]
        label = f"added in {_names(adders)}"
        self.labels[anchor] = label
        added = max(self._words(x, unit.readings[x]) for x in adders)
        self.ticks.append((Lane.ADD, anchor, added, self.lpos))
        groups: dict[tuple[str, ...], list[str]] = {}
        for x in adders:
            self.differs[x] += 1
            keys = tuple(self.col.segs[x].keys[t] for t in unit.readings[x] or ())
            groups.setdefault(keys, []).append(x)
        passages = [
            Passage(_names(xs), [self._paragraph_text(xs[0], q) for q in row.cells[xs[0]]])
            for xs in groups.values()
        ]
        cells = [Cell(self.base, True, self.sides[self.base].language, [], [])]
        cells += [self._cell(x, row.cells[x], {}, {}, whole=True) for x in self.others]
        return CRow(cells, 0, [], anchor, label, passages)

    def _paragraph_text(self, label: str, p: int) -> str:
        start, end = self.col.segs[label].paragraphs[p]
        return self.col.segs[label].text[start:end]


def _merged(paras: list[list[Bit]]) -> list[list[Bit]]:
    """Neighbouring unmarked stretches as one, so the template emits few text nodes."""
    out = []
    for bits in paras:
        merged: list[Bit] = []
        for b in bits:
            if b.kind == SHARED and merged and merged[-1].kind == SHARED:
                merged[-1] = Bit(SHARED, merged[-1].text + b.text)
            elif b.kind != SHARED or b.text:
                merged.append(b)
        out.append(merged)
    return out
