"""The terminal report of a comparison: the summary, then every changed passage as a word diff.

Plain mode marks removed words ``[-like this-]`` and added words ``{+like this+}`` (the notation
of ``git diff --word-diff``) so the output survives pipes, files and e-mail; colour mode uses
red struck-through and green underlined text instead, so colour is never the only signal.
Unchanged passages are counted, not printed: a reviewer reads what changed.  Every piece of
input text (labels, sources, provenance, the words) passes :func:`textver.visible.visible`
before colour is added, so an escape sequence in a text or label cannot act on the terminal.
"""

from __future__ import annotations

import click

from textver.compare import Comparison
from textver.diff import Op
from textver.report.common import number, paragraph_numbers, percent, plural
from textver.report.model import (
    Group,
    Label,
    Pair,
    Para,
    Report,
    ReportRow,
    Run,
    joined,
    report_model,
)
from textver.visible import visible


def render_text(comparison: Comparison, color: bool) -> str:
    """The report as text; ANSI colour only when ``color`` is true."""
    return _Text(report_model(comparison), color).render()


class _Text:
    def __init__(self, report: Report, color: bool) -> None:
        self.r = report
        self.color = color

    def style(self, text: str, **kw: object) -> str:
        return click.style(text, **kw) if self.color else text  # type: ignore[arg-type]

    def render(self) -> str:
        lines = self.summary()
        for row in self.r.rows:
            lines.extend(self.row(row))
        return "\n".join(lines) + "\n"

    def summary(self) -> list[str]:
        r, s = self.r, self.r.summary
        st = s.stats
        lines = [self.style(visible(f"{r.left.label} → {r.right.label}"), bold=True)]
        if r.work and (r.work.title or r.work.author):
            lines.append(visible(f"  of {r.work.heading}"))
        for name, side in (("left ", r.left), ("right", r.right)):
            lines.append(
                f"  {name} {visible(side.label)}  {visible(side.source)}  "
                f"({plural(side.words, 'word')}, {plural(side.paragraphs, 'paragraph')})"
            )
            for key, value in side.fields:
                lines.append(visible(f"        {key}: {value}"))
        reordered = (
            f"reordered within {number(s.reordered_paragraphs)}, " if s.reordered_paragraphs else ""
        )
        lines += [
            "",
            f"words       {number(int(st['left_words']))} → {number(int(st['right_words']))}: "
            f"kept {number(s.kept_words)}, removed {number(int(st['removed_words']))}, "
            f"added {number(int(st['inserted_words']))}; retained {percent(st['retained'])}",
            f"paragraphs  {number(s.left_paragraphs)} → {number(s.right_paragraphs)}: "
            f"kept {number(s.kept_paragraphs)}, dropped {number(s.dropped_paragraphs)}, "
            f"added {number(s.added_paragraphs)}; moved {number(s.moved_paragraphs)}, {reordered}"
            f"split {number(s.splits)}, merged {number(s.merges)}",
        ]
        if s.meaning:
            lines.append(f"meaning     {visible(s.meaning)}")
        if s.counts:
            total = sum(n for _, n in s.counts)
            counts = ", ".join(f"{k} {number(n)}" for k, n in s.counts)
            lines.append(f"changes     {number(total)}: {counts}")
        if s.largest_cuts:
            lines.append("largest cuts")
            for e in s.largest_cuts:
                words = plural(e.removed, "word")
                quote = self.runs(list(e.excerpt))
                lines.append(f"  {e.anchor:>6}  {words:>9}  {e.label}: {quote}")
        if r.sections:
            lines.extend(self.sections())
        lines.append("")
        return lines

    def sections(self) -> list[str]:
        """Changes by section of the left text, one line each: removed and added words,
        renumbered clauses, and the changes to go to."""
        lines = [
            "",
            f"by section of {visible(self.r.left.label)}",
            f"  {'section':<44}  {'removed':>7}  {'added':>7}  renumbered  changes",
        ]
        for s in self.r.sections:
            head = visible("  " * s.depth + " ".join(filter(None, (s.name, s.title))))
            head = head if len(head) <= 44 else head[:43] + "…"
            more = " …" if len(s.anchors) > 4 else ""
            lines.append(
                f"  {head:<44}  {s.removed:>7,}  {s.added:>7,}  {s.renumbered:>10,}  "
                + " ".join(s.anchors[:4])
                + more
            )
        return lines

    def row(self, row: ReportRow) -> list[str]:
        if row.pairs:
            return self.pair_row(row)
        if not row.changed:
            if row.unchanged_run:
                return [
                    self.style(f"… {plural(row.unchanged_run, 'unchanged paragraph')} …", dim=True),
                    "",
                ]
            return []
        if row.kind == Label.MOVED_HERE:
            return [
                self.style(
                    f"↳ here stands {paragraph_numbers(row.right_numbers)} of "
                    f"{visible(self.r.right.label)}, "
                    f"moved from {paragraph_numbers(row.left_numbers)} ({row.moved_link})",
                    fg="cyan",
                ),
                "",
            ]
        head = (
            f"{paragraph_numbers(row.left_numbers)} → {paragraph_numbers(row.right_numbers)}  "
            + " · ".join(row.labels)
        )
        if row.anchor:
            head += f"  [{row.anchor}]"
        lines = [self.style(head, bold=True)]
        whole = row.kind in (Label.DROPPED_PARAGRAPH, Label.ADDED_PARAGRAPH)
        for para in self._paras_of(row):
            lines.extend(self.para(para, whole))
        lines.append("")
        return lines

    @staticmethod
    def _paras_of(row: ReportRow) -> list[Para]:
        return row.left if any(p.groups for p in row.left) else row.right

    def para(self, para: Para, whole: bool) -> list[str]:
        if whole:
            return ["  " + self.runs(joined(para.groups))]
        lines: list[str] = []
        quiet = 0
        for g in para.groups:
            if g.label is None:
                quiet += 1
                continue
            if quiet:
                lines.append(self.style(f"  … {plural(quiet, 'unchanged sentence')} …", dim=True))
                quiet = 0
            lines.append(self.group(g))
        if quiet and lines:
            lines.append(self.style(f"  … {plural(quiet, 'unchanged sentence')} …", dim=True))
        return lines

    def pair_row(self, row: ReportRow) -> list[str]:
        """Across languages every linked passage is shown, its two texts one above the other
        (a terminal is too narrow for two columns of prose), and no word diff."""
        head = (
            f"{paragraph_numbers(row.left_numbers)} → {paragraph_numbers(row.right_numbers)}  "
            + " · ".join(row.labels)
        )
        if row.similarity:
            head += f" · similarity {row.similarity:.2f}"
        if row.anchor:
            head += f"  [{row.anchor}]"
        lines = [self.style(head, bold=True)]
        for p in row.pairs:
            lines.extend(self.pair(p))
        lines.append("")
        return lines

    def pair(self, p: Pair) -> list[str]:
        left, right = visible(" ".join(p.left.split())), visible(" ".join(p.right.split()))
        if p.label == Label.TRANSLATED:
            sim = f"{p.similarity:.2f}" if p.similarity is not None else "    "
            return [f"  kept {sim}  {left}", f"         →  {right}"]
        tag = self.style(f"[{p.anchor} {p.label}]", fg="yellow")
        if p.left:
            return [f"  {tag} " + self.runs([Run(Op.DELETE, p.left)])]
        return [f"  {tag} " + self.runs([Run(Op.INSERT, p.right)])]

    def group(self, g: Group) -> str:
        label = f"{g.label} · {g.note}" if g.note else g.label
        tag = self.style(f"[{g.anchor} {label}]", fg="yellow")
        return f"  {tag} {self.runs(g.runs)}"

    def runs(self, runs: list[Run]) -> str:
        """Runs as one line; neighbouring runs of one kind share one marker."""
        merged: list[Run] = []
        for r in runs:
            if merged and merged[-1].kind == r.kind:
                last = merged.pop()
                r = Run(r.kind, last.text + (" " if r.space else "") + r.text, last.space)
            merged.append(r)
        out: list[str] = []
        for r in merged:
            text = visible(" ".join(r.text.split()))
            if r.kind == Op.DELETE:
                text = (
                    self.style(text, fg="red", strikethrough=True) if self.color else f"[-{text}-]"
                )
            elif r.kind == Op.INSERT:
                text = (
                    self.style(text, fg="green", underline=True) if self.color else f"{{+{text}+}}"
                )
            out.append((" " if r.space and out else "") + text)
        return "".join(out)
