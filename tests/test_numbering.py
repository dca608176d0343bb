"""Clause and section numbers: found at paragraph starts, renumbered clauses linked to their old
number (neither removed nor added text), changes listed per section.  The documents are our own,
invented for these tests."""

from __future__ import annotations

from textver.collate import collate
from textver.compare import compare
from textver.diff import Op
from textver.report.model import Label, report_model
from textver.report.text import render_text
from textver.segment import segment
from textver.version import Version

NUMBERED = [
    "0. Definitions.",
    "2.1 Grants of rights under this charter",
    "(a) the first point, about the harbour dues;",
    "(iv) the fourth point, about the lighthouse.",
    "Section 4. Duties of the keeper",
    "Article 12 — Final provisions",
    "§ 3 Scope of the rules",
    "4) the keeper rings the bell at dusk.",
    "iv. the lamp is trimmed at noon.",
    '1.0.1. "Commercial Use" means selling fish.',
]
NOT_NUMBERED = [
    "2012 was a year of storms on the coast.",
    "3.5 million people crossed the bay that summer.",
    "Section 4 of the charter applies to every boat.",
    "I saw the keeper at dawn.",
    "(Additional rules may be posted at the quay.)",
    "civil. servants came later.",
]


def _text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def test_numbers_are_found_at_paragraph_starts_with_offsets() -> None:
    text = _text(NUMBERED + NOT_NUMBERED)
    seg = segment(text)
    numbers = seg.numbers
    assert sorted(numbers) == list(range(len(NUMBERED)))
    written = [text[n.start : n.end] for n in numbers.values()]
    assert written == [
        "0.",
        "2.1",
        "(a)",
        "(iv)",
        "Section 4",
        "Article 12",
        "§ 3",
        "4)",
        "iv.",
        "1.0.1.",
    ]
    assert [n.value for n in numbers.values()] == [
        "0",
        "2.1",
        "a",
        "iv",
        "4",
        "12",
        "3",
        "4",
        "iv",
        "1.0.1",
    ]
    assert [n.name for n in numbers.values()][:5] == ["§0", "§2.1", "(a)", "(iv)", "Section 4"]


def test_hierarchy_of_clauses_and_headings() -> None:
    from textver.numbering import sections

    text = _text(
        [
            "THE HARBOUR CHARTER",
            "Preamble",
            "The harbour is open to all boats that pay their dues.",
            "1. Dues.",
            "a) Every boat pays a tenth of its catch.",
            "b) A boat in distress pays nothing.",
            "2. Lights.",
            "2.1. The keeper lights the lamp at dusk.",
            "2.2. The keeper trims the wick at noon.",
            "3. Disputes.",
        ]
    )
    seg = segment(text)
    assert [(n.name, n.depth) for n in seg.numbers.values()] == [
        ("§1", 0),
        ("a)", 1),
        ("b)", 1),
        ("§2", 0),
        ("§2.1", 1),
        ("§2.2", 1),
        ("§3", 0),
    ]
    got = [
        (s.depth, s.name, text[s.title[0] : s.title[1]], (s.paragraphs.start, s.paragraphs.stop))
        for s in sections(seg, seg.numbers)
    ]
    assert got == [
        (0, "", "THE HARBOUR CHARTER", (0, 1)),
        (0, "", "Preamble", (1, 10)),
        (1, "§1", "Dues.", (3, 6)),
        (2, "a)", "Every boat pays a tenth of its catch.", (4, 5)),
        (2, "b)", "A boat in distress pays nothing.", (5, 6)),
        (1, "§2", "Lights.", (6, 9)),
        (2, "§2.1", "The keeper lights the lamp at dusk.", (7, 8)),
        (2, "§2.2", "The keeper trims the wick at noon.", (8, 9)),
        (1, "§3", "Disputes.", (9, 10)),
    ]


CLAUSES = [
    "1. Every boat that enters the harbour pays a tenth of its catch to the warden.",
    "2. The keeper lights the great lamp at dusk and trims its wick at noon.",
    "3. A boat in distress may shelter at the quay without paying any dues.",
    "4. Disputes between skippers are settled by the harbour council each spring.",
]
NEW_CLAUSE = "2. No boat may anchor across the mouth of the river during a flood tide."


def _renumbered() -> list[str]:
    """CLAUSES with a clause inserted as 2: the old 2, 3 and 4 become 3, 4 and 5."""
    shifted = [f"{int(c[0]) + 1}{c[1:]}" for c in CLAUSES[1:]]
    return [CLAUSES[0], NEW_CLAUSE, *shifted]


def test_renumbered_clause_is_linked_to_its_old_number_and_no_word_changes() -> None:
    c = compare(Version("old", "old", _text(CLAUSES)), Version("new", "new", _text(_renumbered())))
    # The numbers are each other's counterpart: only the new clause's words are added.
    assert c.stats["removed_words"] == 0
    assert c.stats["inserted_words"] == 15  # with its number, "2"
    assert c.stats["moved_paragraphs"] == 0
    pairs = sorted((a.name, b.name) for a, b in c.renumbered.values())
    assert pairs == [("§2", "§3"), ("§3", "§4"), ("§4", "§5")]
    ops = [op[0] for lk in c.links for sl in lk.sentences for op in sl.ops]
    assert ops.count(Op.RENUMBERED) == 3
    report = report_model(c)
    assert [e.label for e in report.edits].count(Label.RENUMBERED) == 3
    out = render_text(c, color=False)
    assert "[c2 renumbered · §2 → §3] 2. The keeper lights" in out
    assert "§4 → §5" in out


def test_renumbered_clause_with_words_changed_shows_both() -> None:
    new = _renumbered()
    new[2] = new[2].replace("great lamp", "electric lamp")
    c = compare(Version("old", "old", _text(CLAUSES)), Version("new", "new", _text(new)))
    assert c.stats["removed_words"] == 1  # "great", not the number
    out = render_text(c, color=False)
    assert "[c2 reworded sentence · §2 → §3, renumbered] 2. The keeper lights the" in out
    assert "[-great-] {+electric+}" in out


def test_moved_clause_keeping_its_number_is_a_move_not_a_renumbering() -> None:
    new = [CLAUSES[0], CLAUSES[3], CLAUSES[1], CLAUSES[2]]  # clause 4 moved up, numbers kept
    c = compare(Version("old", "old", _text(CLAUSES)), Version("new", "new", _text(new)))
    assert c.renumbered == {}
    assert c.stats["removed_words"] == c.stats["inserted_words"] == 0
    assert any(lk.moved for lk in c.links)


def test_collation_keeps_the_editions_own_numbers() -> None:
    versions = [
        Version("old", "old", _text(CLAUSES)),
        Version("new", "new", _text(_renumbered())),
    ]
    out = collate(versions, meaning="off")
    pair = out.pairs[0]
    assert pair.renumbered
    seg = pair.right_seg
    words = out.reading("new", list(range(len(seg.tokens))))
    assert "5. Disputes between skippers" in words
