"""The report model and the terminal report: figures, the vocabulary of changes, word diffs."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import REPO
from tests.helpers import keeper
from tests.texts import LEFT_KEEPER, RIGHT_KEEPER, darwin_dir, join
from textver.compare import compare
from textver.report.model import report_model
from textver.report.text import render_text
from textver.version import Version


def test_crafted_pair_gives_every_kind_of_change() -> None:
    report = report_model(keeper())
    labels = [e.label for e in report.edits]
    assert labels == [
        "shortened sentence",
        "dropped sentence",
        "reworded sentence",
        "dropped paragraph",
        "moved",
    ]
    assert [e.anchor for e in report.edits] == ["c1", "c2", "c3", "c4", "c5"]
    assert [e.removed for e in report.edits] == [2, 8, 2, 19, 0]
    assert report.edits[2].added == 2


def test_split_merged_expanded_and_added() -> None:
    right = list(LEFT_KEEPER)
    first, rest = LEFT_KEEPER[0].split(". ", 1)
    right[0] = f"{first}.\n\n{rest}"  # one paragraph becomes two
    right[2] = LEFT_KEEPER[2].replace("every passing", "every single passing")
    right[4] = LEFT_KEEPER[4] + " The boatman was paid in tobacco and salted cod."
    right[6:8] = [f"{LEFT_KEEPER[6]} {LEFT_KEEPER[7]}"]  # two paragraphs become one
    c = compare(Version("a", "a", join(LEFT_KEEPER)), Version("b", "b", join(right)))
    report = report_model(c)
    assert [e.label for e in report.edits] == [
        "split",
        "expanded sentence",
        "added sentence",
        "merged",
    ]
    assert (report.summary.splits, report.summary.merges) == (1, 1)
    assert [e.added for e in report.edits] == [0, 1, 9, 0]  # a split or merge adds no word
    assert sum(e.added for e in report.edits) == c.stats["inserted_words"]
    out = render_text(c, color=False)
    assert "¶1 → ¶1, ¶2  split  [c1]" in out
    assert "¶7, ¶8 → ¶8  merged  [c4]" in out
    assert "every {+single+} passing vessel." in out
    # The added sentence reads after the sentences it follows, not before them.
    added = "[c3 added sentence] {+The boatman was paid in tobacco and salted cod.+}"
    assert out.index("… 2 unchanged sentences …\n  " + added) > 0


def test_edited_move_counts_its_words_once() -> None:
    right = [*RIGHT_KEEPER]
    right[3] = right[3].replace("finally automated", "automated")  # the moved paragraph
    c = compare(Version("a", "a", join(LEFT_KEEPER)), Version("b", "b", join(right)))
    report = report_model(c)
    assert [e.label for e in report.edits][-2:] == ["moved", "shortened sentence"]
    assert [e.removed for e in report.edits][-2:] == [0, 1]
    assert sum(e.removed for e in report.edits) == c.stats["removed_words"]
    out = render_text(c, color=False)
    assert "¶6 → ¶4  moved · edited  [c5]" in out
    assert "[c6 shortened sentence] When the light was [-finally-] automated" in out


def test_anchors_are_stable_for_the_same_inputs() -> None:
    """The same inputs give the same anchors whatever Python's hash seed: each run is its own
    process (string hashing, and so set order, is fixed for the life of one process)."""
    code = (
        "from tests.helpers import keeper\n"
        "from textver.report.model import report_model\n"
        "for e in report_model(keeper()).edits: print(e.anchor, e.label, e.pos)\n"
    )
    runs = []
    for seed in ("0", "1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        r = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO
        )
        assert r.returncode == 0, r.stderr
        runs.append(r.stdout)
    assert runs[0].count("\n") >= 5  # the crafted pair's changes, one per line
    assert runs == [runs[0]] * len(runs)


def test_move_is_linked_both_ways() -> None:
    rows = report_model(keeper()).rows
    moved = [r for r in rows if r.moved]
    markers = [r for r in rows if r.kind == "moved here"]
    assert len(moved) == 1 and len(markers) == 1
    assert moved[0].moved_link == markers[0].marker_id
    assert markers[0].moved_link == moved[0].anchor
    # The marker stands where the paragraph now is: right after the paragraph it follows there.
    marker_at = rows.index(markers[0])
    assert rows[marker_at - 1].right_numbers == [3]


def test_added_sentence_reads_after_the_sentence_it_follows() -> None:
    left = Version("a", "a", "Alpha comes first here. Beta follows it closely. Gamma ends it all.")
    right = Version(
        "b",
        "b",
        "Alpha comes first here. Delta is wholly new text. Beta follows it closely. "
        "Gamma ends it all.",
    )
    row = report_model(compare(left, right)).rows[0]
    texts = [" ".join(r.text for r in g.runs) for g in row.left[0].groups]
    assert texts == [
        "Alpha comes first here.",
        "Delta is wholly new text.",
        "Beta follows it closely.",
        "Gamma ends it all.",
    ]
    assert [g.label for g in row.left[0].groups] == [None, "added sentence", None, None]


def test_text_summary_figures_are_the_comparison_stats() -> None:
    c = keeper()
    stats = c.to_dict()["stats"]
    out = render_text(c, color=False)
    m = re.search(
        r"words +([\d,]+) → ([\d,]+): kept ([\d,]+), removed ([\d,]+), added ([\d,]+); "
        r"retained ([\d.]+)%",
        out,
    )
    assert m, out
    left, right, kept, removed, added = (int(g.replace(",", "")) for g in m.groups()[:5])
    assert (left, right, removed, added) == (
        stats["left_words"],
        stats["right_words"],
        stats["removed_words"],
        stats["inserted_words"],
    )
    assert kept == stats["left_words"] - stats["removed_words"]
    assert float(m.group(6)) == round(100 * stats["retained"], 2)
    assert re.search(rf"moved {stats['moved_paragraphs']}, split 0, merged 0", out)


def test_text_names_each_change_and_marks_the_words() -> None:
    out = render_text(keeper(), color=False)
    for label in ("shortened sentence", "dropped sentence", "reworded sentence"):
        assert re.search(rf"\[c\d+ {label}\]", out), label
    assert "dropped paragraph  [c4]" in out
    assert "moved  [c5]" in out
    assert "before dawn [-every morning-]." in out
    assert "[-Captains trusted the beam more than their charts.-]" in out
    assert "in [-careful-] {+neat+} copperplate [-handwriting-] {+script+}." in out
    assert "[-In winter the storms tore slates from the cottage roof. The keeper" in out


def test_text_summarises_unchanged_paragraphs_instead_of_printing_them() -> None:
    out = render_text(keeper(), color=False)
    assert "… 3 unchanged paragraphs …" in out
    assert "fog bell" not in out
    assert "gulls were already circling" not in out  # an unchanged sentence of a changed one


def test_plain_text_has_no_ansi_and_colour_has_no_brackets() -> None:
    c = keeper()
    plain = render_text(c, color=False)
    assert "\x1b[" not in plain
    coloured = render_text(c, color=True)
    assert "\x1b[31m" in coloured and "\x1b[32m" in coloured
    assert "\x1b[9m" in coloured  # struck through: colour is not the only signal
    assert "[-" not in coloured and "{+" not in coloured
    unmarked = re.sub(r"\[-|-\]|\{\+|\+\}", "", plain)
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == unmarked


def test_identical_texts_report_no_change() -> None:
    v = Version("a", "a", join(LEFT_KEEPER))
    out = render_text(compare(v, Version("b", "b", join(LEFT_KEEPER))), color=False)
    assert "retained 100.00%" in out
    assert "changes " not in out
    assert "… 9 unchanged paragraphs …" in out


def test_darwin_text_report_figures() -> None:
    d = darwin_dir()
    left = Version("1859", "1859.txt", (d / "1859.txt").read_text(encoding="utf-8"))
    right = Version("1872", "1872.txt", (d / "1872.txt").read_text(encoding="utf-8"))
    c = compare(left, right)
    stats = c.stats
    report = report_model(c)
    assert report.summary.stats == stats
    assert report.summary.kept_words == stats["left_words"] - stats["removed_words"]
    # Every removed word is in exactly one change, so the changes add up to the total.
    assert sum(e.removed for e in report.edits) == stats["removed_words"]
    assert sum(e.added for e in report.edits) == stats["inserted_words"]
    out = render_text(c, color=False)
    assert f"removed {stats['removed_words']:,}" in out
    assert len(report.summary.largest_cuts) == 10
    cuts = [e.removed for e in report.summary.largest_cuts]
    assert cuts == sorted(cuts, reverse=True)


def test_escape_sequences_from_the_input_never_reach_the_terminal() -> None:
    esc = "\x1b]0;owned\x07\x1b[2J"
    text = join([f"Keep this {esc} line.", *LEFT_KEEPER])
    left = Version(f"a{esc}", f"{esc}.txt", text, {"notes": esc})
    right = Version("b", "b", join(["Keep this line.", *RIGHT_KEEPER]))
    c = compare(left, right)
    assert "\x1b" not in render_text(c, color=False)
    coloured = render_text(c, color=True)
    assert "\x1b]" not in coloured and "\x1b[2J" not in coloured and "\x07" not in coloured
    assert "␛]0;owned␇␛[2J" in coloured  # shown, as symbols


def test_largest_cuts_quote_the_sentence_with_its_cut_words_marked() -> None:
    out = render_text(keeper(), color=False)
    cuts = out[out.index("largest cuts") :].split("\n\n")[0]
    assert (
        "reworded sentence: His daughter kept the logbook in [-careful-] copperplate "
        "[-handwriting-]." in cuts
    )
