"""The helpers both reports write with: counts, paragraph numbers, the overview strip's bins."""

from __future__ import annotations

from textver.report.common import (
    MINIMAP_BINS,
    Lane,
    minimap,
    number,
    paragraph_numbers,
    plural,
)
from textver.report.html import TEMPLATES, environment


def test_counts_have_separated_thousands_and_a_plural_unless_one():
    assert number(1234567) == "1,234,567"
    assert plural(1, "word") == "1 word"
    assert plural(0, "word") == "0 words"
    assert plural(2000, "unchanged paragraph") == "2,000 unchanged paragraphs"


def test_paragraph_numbers_are_listed_with_pilcrows_or_a_dash_for_none():
    assert paragraph_numbers([3, 4]) == "¶3, ¶4"
    assert paragraph_numbers([]) == "—"


def test_ticks_in_one_bin_and_lane_are_one_mark_named_by_the_first():
    half = 0.5
    near = half + 0.1 / MINIMAP_BINS  # the same bin
    marks = minimap(
        [
            (Lane.CUT, near, "c2", 7),
            (Lane.CUT, half, "c1", 3),
            (Lane.ADD, half, "c3", 1),
            (Lane.CUT, 1.0, "c4", 60),  # the very end: the last bin, not one past it
            (Lane.MOVE, 0.0, "c5", 2),
        ]
    )
    got = [(m.lane, m.top, m.words, m.count, m.anchor, m.weight) for m in marks]
    last = round(100 * (MINIMAP_BINS - 1) / MINIMAP_BINS, 3)
    assert got == [
        (Lane.MOVE, 0.0, 2, 1, "c5", 1),
        (Lane.ADD, 50.0, 1, 1, "c3", 1),
        (Lane.CUT, 50.0, 10, 2, "c2", 2),
        (Lane.CUT, last, 60, 1, "c4", 4),
    ]


def test_the_html_filters_are_the_shared_helpers():
    """The templates and the text report write counts and paragraph numbers one way."""
    filters = environment().filters
    assert filters["count"] is plural
    assert filters["num"] is number
    assert filters["paras"] is paragraph_numbers


def test_templates_have_no_line_over_120_characters():
    """The templates read as markup: long lines are broken with whitespace control, which keeps
    the page's bytes (the other report tests check what it holds)."""
    long = [
        f"{path.name}:{n}"
        for path in sorted(TEMPLATES.glob("*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > 120
    ]
    assert not long, long
