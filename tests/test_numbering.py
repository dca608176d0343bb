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


CHARTER = [
    "THE HARBOUR CHARTER",
    "The harbour of Vellmoor is open to every boat that keeps these rules.",
    "1. Dues.",
    "Every boat that enters the harbour pays a tenth of its catch to the warden.",
    "2. Lights.",
    "The keeper lights the great lamp at dusk. He trims its wick at noon.",
    "3. Disputes.",
    "Disputes between skippers are settled by the harbour council each spring.",
    "FINAL WORDS",
    "These rules were agreed by the skippers of Vellmoor in the year of the flood.",
]


def _revised_charter() -> list[str]:
    """A clause on anchoring inserted as 2, so Lights and Disputes are 3 and 4; a sentence
    dropped from Lights and a word changed in Disputes."""
    new = list(CHARTER)
    new[4:8] = [
        "2. Anchoring.",
        "No boat may anchor across the mouth of the river.",
        "3. Lights.",
        "The keeper lights the great lamp at dusk.",
        "4. Disputes.",
        "Disputes between skippers are settled by the harbour council each autumn.",
    ]
    return new


def _charter_comparison():
    return compare(
        Version("old", "old", _text(CHARTER)), Version("new", "new", _text(_revised_charter()))
    )


def test_changes_by_section_in_the_json() -> None:
    import json

    from tests.helpers import check_contract

    c = _charter_comparison()
    d = json.loads(c.to_json())
    check_contract(d)
    n = d["numbering"]
    text = d["left"]["text"]
    assert [text[a:b] for a, b in (x["number"] for x in n["left"])] == ["1.", "2.", "3."]
    renumbered = [(text[r["left"][0] : r["left"][1]], r["right"]) for r in n["renumbered"]]
    rtext = d["right"]["text"]
    assert [(a, rtext[b0:b1]) for a, (b0, b1) in renumbered] == [("2.", "3."), ("3.", "4.")]
    by_title = {text[s["title"][0] : s["title"][1]]: s for s in n["sections"]}
    lights, disputes = by_title["Lights."], by_title["Disputes."]
    assert (lights["removed_words"], lights["inserted_words"]) == (6, 0)
    assert (disputes["removed_words"], disputes["inserted_words"]) == (1, 1)
    assert lights["renumbered"] == disputes["renumbered"] == 1
    assert by_title["Dues."]["records"] == [] and by_title["Dues."]["removed_words"] == 0
    charter = by_title["THE HARBOUR CHARTER"]
    assert charter["depth"] == 0 and lights["depth"] == 1
    # An added clause counts in the section holding both its neighbours, not in clause 1.
    assert by_title["Dues."]["inserted_words"] == 0
    assert charter["inserted_words"] == c.stats["inserted_words"]
    assert by_title["FINAL WORDS"]["records"] == []


def test_json_without_numbers_has_no_numbering_member() -> None:
    prose = ["The keeper lit the lamp.", "The boats came home at dusk."]
    c = compare(Version("a", "a", _text(prose)), Version("b", "b", _text(prose[::-1])))
    assert "numbering" not in c.to_dict()


def test_changes_by_section_in_the_text_report() -> None:
    out = render_text(_charter_comparison(), color=False)
    table = out[out.index("by section of old") :].split("\n\n")[0].splitlines()
    assert table[1].split() == ["section", "removed", "added", "renumbered", "changes"]
    rows = {line[2:46].strip(): line[46:].split() for line in table[2:]}
    assert rows == {
        "THE HARBOUR CHARTER": ["7", "13", "2", "c1", "c2", "c3", "c4", "…"],
        "§2 Lights.": ["6", "0", "1", "c3", "c4"],
        "§3 Disputes.": ["1", "1", "1", "c5", "c6"],
    }  # §1 and the closing words are unchanged: not listed; the new clause 2 is in neither
    assert "[c3 renumbered · §2 → §3] 2. Lights." in out
    assert "[c4 dropped sentence] [-He trims its wick at noon.-]" in out


def test_changes_by_section_in_the_html_report() -> None:
    import re

    from textver.report.html import render_html

    html = render_html(_charter_comparison())
    start = html.index('<table class="secs"')
    table = html[start : html.index("</table>", start)]
    rows = re.findall(r"<tr class=\"d(\d)\"><th scope=\"row\">(.*?)</th>(.*?)</tr>", table)
    assert [(depth, re.sub("<.*?>", "", head)) for depth, head, _ in rows] == [
        ("0", "THE HARBOUR CHARTER"),
        ("1", "§2 Lights."),
        ("1", "§3 Disputes."),
    ]
    ids = set(re.findall(r'id="(c\d+)"', html))
    links = re.findall(r'<a href="#(c\d+)">', table)
    assert links and set(links) <= ids
    assert '<span class="renum">2.</span>' in html


def test_schema_accepts_the_numbering_member_and_only_it() -> None:
    import json

    import pytest

    from tests.test_schema import validator

    d = json.loads(_charter_comparison().to_json())
    check = validator("comparison.schema.json")
    check.validate(d)
    d["numbering"]["renumbered"][0]["kind"] = "renumbered"
    with pytest.raises(Exception, match="Additional properties"):
        check.validate(d)


def test_real_licences_keep_or_change_their_numbers_sensibly() -> None:
    """LGPL-2 -> 2.1 keeps every clause number; only 6 b)-d) become c)-e) around the new b).
    (The licences are read at run time from Debian's common licences, never committed.)"""
    from tests.texts import licenses_dir

    lic = licenses_dir()
    old, new = ((lic / name).read_text(encoding="utf-8") for name in ("LGPL-2", "LGPL-2.1"))
    c = compare(Version("LGPL-2", "LGPL-2", old), Version("LGPL-2.1", "LGPL-2.1", new))
    pairs = sorted((a.name, b.name) for a, b in c.renumbered.values())
    assert pairs == [("b)", "c)"), ("c)", "d)"), ("d)", "e)")]
    tops = [n.name for n in c.left_seg.numbers.values() if n.style == "1."]
    assert tops == [f"§{k}" for k in range(17)]
