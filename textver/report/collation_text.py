"""Terminal output of a multi-edition collation: who keeps how much of whom."""

from __future__ import annotations

import click

from textver.collate import Collation
from textver.report.common import number, percent
from textver.report.model import work_of
from textver.visible import visible


def render_collation_text(col: Collation, *, color: bool) -> str:
    """The editions with their provenance and words, then the retention matrix.

    Cell (row A, column B) is the share of A's words that B keeps, so the base's row reads as
    "how much of the full text each edition carries".  Labels and provenance are shown through
    :func:`textver.visible.visible` (measured after, so the columns still line up).
    """
    labels = [v.label for v in col.editions]
    shown = {x: visible(x) for x in labels}
    width = max(8, *(len(x) for x in shown.values()))
    base = shown[col.base.label]
    work = work_of(col)
    lines = [f"Collation of {len(labels)} editions against base {base!r}"]
    if work and (work.title or work.author):
        lines.append(visible(f"  of {work.heading}"))
    lines.append("")
    for v in col.editions:
        seg = col.segs[v.label]
        where = visible(", ".join(x for x in (v.meta.get("publication"), v.meta.get("date")) if x))
        lines.append(
            f"  {shown[v.label]:<{width}}  {number(seg.word_count):>9} words"
            f"  {number(len(seg.paragraphs)):>6} paragraphs" + (f"  ({where})" if where else "")
        )
    lines += ["", "Share of the row edition's words kept by the column edition:", ""]
    header = " " * (width + 2) + "".join(f"{shown[x]:>{width + 2}}" for x in labels)
    lines.append(click.style(header, bold=True) if color else header)
    for a in labels:
        cells = []
        for b in labels:
            share = col.matrix[a][b]
            cell = f"{percent(share, 1):>{width + 2}}"
            if color and a != b:
                cell = click.style(
                    cell, fg="green" if share >= 0.9 else "yellow" if share >= 0.5 else "red"
                )
            cells.append(cell)
        lines.append(f"  {shown[a]:<{width}}" + "".join(cells))
    missing = [
        (
            v.label,
            sum(1 for row in col.rows if row.cells[col.base.label] and not row.cells[v.label]),
        )
        for v in col.others
    ]
    lines += ["", f"Paragraph rows: {number(len(col.rows))}"]
    lines += [f"  {shown[label]}: lacks {number(n)} of the base's passages" for label, n in missing]
    return "\n".join(lines) + "\n"
