"""Revisions of structured documents (issue 15): a licence of our own, revised the way real
licences are, must give a word diff close to the minimal one."""

import pytest

from tests.texts import join, licenses_dir
from textver.compare import Comparison, compare
from textver.diff import DELETE, INSERT, diff_tokens
from textver.version import Version

# An invented licence: short heading lines, numbered clauses, the same phrases in every clause.
CLAUSES = [
    "THE HARBOUR BOATING LICENCE Version 2, June 1991",
    "Copyright (C) 1991 The Harbour Guild, 12 Quay Street, Portwell.",
    "Preamble",
    "The licences for most boats are designed to take away your freedom to sail and change "
    "them. This licence is intended to guarantee your freedom to sail and change a boat.",
    "When we speak of free boats, we are referring to freedom, not price. You may charge a fee "
    "for the physical act of transferring a boat, and you may offer a warranty for a fee.",
    "To protect your rights, we need to make restrictions that forbid anyone to deny you these "
    "rights. These restrictions translate to certain duties for you if you lend the boat.",
    "1. You may copy and lend verbatim plans of the boat as you receive them, in any medium.",
    "2. You may modify your copy of the boat, provided that you mark the changed parts clearly.",
    "3. You may not sail, lend or sell the boat except as expressly provided under this licence.",
    "END OF TERMS AND CONDITIONS",
]


def revised(changes: dict[int, str]) -> str:
    return join([changes.get(k, c) for k, c in enumerate(CLAUSES)])


def run(right: str) -> Comparison:
    left = Version("v2", "v2.txt", join(CLAUSES))
    return compare(left, Version("v3", "v3.txt", right), meaning="off")


def changed_words(c: Comparison) -> int:
    return c.stats["removed_words"] + c.stats["inserted_words"]


def lcs_changed_words(c: Comparison) -> int:
    """Words a global word-level LCS of the two texts marks as removed or inserted."""
    a = [k for k, w in zip(c.left_seg.keys, c.left_seg.is_word, strict=True) if w]
    b = [k for k, w in zip(c.right_seg.keys, c.right_seg.is_word, strict=True) if w]
    return sum(
        (a1 - a0) + (b1 - b0) for op, a0, a1, b0, b1 in diff_tokens(a, b) if op in (DELETE, INSERT)
    )


def record_of(c: Comparison, p: int):
    (match,) = [lk for lk in c.links if p in lk.left]
    return match


def test_a_heading_whose_name_number_and_date_changed_is_one_changed_line() -> None:
    c = run(revised({0: "THE HARBOUR LESSER BOATING LICENCE Version 2.1, February 1999"}))
    lk = record_of(c, 0)
    assert (lk.kind, lk.right) == ("changed", [0])
    # "LESSER" and "1", "February", "1999" inserted; "June", "1991" removed: nothing else.
    assert (c.stats["removed_words"], c.stats["inserted_words"]) == (2, 4)


def test_a_clause_rewritten_in_place_between_kept_neighbours_is_changed() -> None:
    new = (
        "By a free boat we mean one you are free to use, whatever its price. Fees for handing "
        "a boat over, and warranties sold for a fee, are allowed."
    )
    c = run(revised({4: new}))
    lk = record_of(c, 4)
    assert (lk.kind, lk.right) == ("changed", [4])
    assert not [lk for lk in c.links if lk.kind in ("deleted", "inserted")]
    assert changed_words(c) <= 1.05 * lcs_changed_words(c)


def test_sentences_regrouped_in_place_are_diffed_as_one_passage() -> None:
    # Two sentences rewritten as two others, between two kept clauses, neither similar
    # enough to either old one alone.
    new = (
        "We guard what is yours: no one may deny it to you. Whoever lends the boat takes on "
        "duties for the boat."
    )
    c = run(revised({5: new}))
    lk = record_of(c, 5)
    assert (lk.kind, lk.right) == ("changed", [5])
    kinds = sorted(sl.kind for sl in lk.sentences)
    assert "deleted" not in kinds and "inserted" not in kinds


def test_the_half_of_a_split_clause_that_was_reworded_joins_its_other_half() -> None:
    # The second half shares one content word ("mark") with the clause: too little to be
    # linked by itself, but its diff with the rest of the clause keeps "that you mark".
    new = (
        "2. You may modify your copy of the boat. Anything that you mark should stay legible "
        "to sailors."
    )
    c = run(revised({7: new}))
    lk = record_of(c, 7)
    (group,) = lk.sentences
    clause = c.left_seg.paragraph_sentences[7].start
    assert (group.left, len(group.right), group.kind) == ([clause], 2, "changed")
    assert changed_words(c) == lcs_changed_words(c)


def test_an_unrelated_clause_in_place_stays_deleted_and_inserted() -> None:
    c = run(revised({5: "Tide tables are printed every spring by the coastguard office."}))
    kinds = {(tuple(lk.left), tuple(lk.right)): lk.kind for lk in c.links}
    assert kinds[(5,), ()] == "deleted"
    assert kinds[(), (5,)] == "inserted"


def test_a_line_run_into_the_next_paragraph_is_not_reported_as_added() -> None:
    # The abridgement ran the copyright line into the long notice after it, one sentence:
    # the line is a small share of that sentence, but every word of it is in the full text.
    notice = (
        'Licensed under the Harbour Licence, Version 2.0 (the "Licence"); you may not use '
        "these plans except in compliance with the Licence, and you may not lend, hire out or "
        "sell any boat built from them unless every harbour master named in the schedule has "
        "been told in writing of the sale"
    )
    tail = 'Plans distributed under the Licence are distributed on an "AS IS" basis.'
    full = join(
        [
            "APPENDIX: How to apply the Harbour licence to your boat plans.",
            "To apply the licence, attach the following notice, with your own details.",
            "Copyright [yyyy] [name of copyright owner]",
            notice + ". You may obtain a copy of the Licence at the harbour office.",
            tail,
        ]
    )
    short = join(
        [
            "APPENDIX: How to apply the Harbour licence to your boat plans.",
            "Copyright [yyyy] [name of copyright owner] " + notice + ".",
            tail,
        ]
    )
    c = compare(Version("full", "f.txt", full), Version("short", "s.txt", short), meaning="off")
    assert c.stats["inserted_words"] == 0
    (lk,) = [lk for lk in c.links if 1 in lk.right]
    assert lk.left == [2, 3]


def test_a_clause_rewritten_beside_a_moved_one_is_changed_in_place() -> None:
    # Clause 3 moved up, next to the clause rewritten in place: its link, far down the left
    # text, crosses the others, and must not hide the gap the rewritten clause stands in.
    moved = "3. You may not sail, lend or sell the boat except as provided under this licence."
    new = (
        "By a free boat we mean one you are free to use, whatever its price. Fees for handing "
        "a boat over, and warranties sold for a fee, are allowed."
    )
    order = [CLAUSES[0], CLAUSES[1], CLAUSES[2], CLAUSES[3], moved, new, *CLAUSES[5:8], CLAUSES[9]]
    c = run(join(order))
    assert (record_of(c, 8).right, record_of(c, 8).moved) == ([4], True)
    lk = record_of(c, 4)
    assert (lk.kind, lk.right) == ("changed", [5])
    assert not [lk for lk in c.links if lk.kind in ("deleted", "inserted")]


def test_a_paragraph_rewritten_into_its_neighbour_joins_its_record() -> None:
    # Clause 4 cut down and run into clause 3: no sentence of it shares enough with the new
    # one to be linked by itself, but diffed with clause 3's record it keeps a third of it.
    tail = "Liberty, not the price, is what we mean; anyone may charge for the physical act of "
    c = run(join([*CLAUSES[:3], CLAUSES[3] + " " + tail + "handing it over.", *CLAUSES[5:]]))
    lk = record_of(c, 4)
    assert (lk.left, lk.right, lk.kind) == ([3, 4], [3], "merged")
    assert changed_words(c) <= 1.05 * lcs_changed_words(c)


def test_a_look_alike_sentence_does_not_tie_its_paragraph_to_a_second_one() -> None:
    # The sentence added to clause 3 shares "need", "restrictions", "deny" and "rights" with
    # clause 5's first sentence, two clauses on: too little for a move.  Linked, it would tie
    # clause 5 into clause 3's record and leave clause 5's rewrite, in its place, inserted.
    extra = "We also need restrictions that deny rights to sailors of the harbour at night."
    kept = (
        "When we speak of free boats, we mean freedom and not price. You may charge a fee for "
        "transferring a boat, and you may offer a warranty for a fee."
    )
    new = (
        "We guard what is yours: no one may deny it to you. Whoever lends the boat takes on "
        "duties for the boat."
    )
    c = run(join([*CLAUSES[:3], CLAUSES[3] + " " + extra, kept, new, *CLAUSES[6:]]))
    assert (record_of(c, 3).left, record_of(c, 3).right) == ([3], [3])
    lk = record_of(c, 5)
    assert (lk.kind, lk.right, lk.moved) == ("changed", [5], False)
    assert changed_words(c) == lcs_changed_words(c)


@pytest.mark.parametrize(
    ("old", "new"),
    [("LGPL-2", "LGPL-2.1"), ("GFDL-1.2", "GFDL-1.3"), ("GPL-2", "GPL-3"), ("MPL-1.1", "MPL-2.0")],
)
@pytest.mark.parametrize("forward", [True, False], ids=["forward", "back"])
def test_real_licence_revisions_mark_near_minimal_words(old: str, new: str, forward: bool) -> None:
    # Issue 15's target on the revisions Debian ships (read at run time, never committed).
    folder = licenses_dir()
    a, b = (old, new) if forward else (new, old)
    if not ((folder / a).is_file() and (folder / b).is_file()):
        pytest.skip(f"{folder / a} or {folder / b} not found")
    c = compare(
        Version(a, a, (folder / a).read_text(encoding="utf-8")),
        Version(b, b, (folder / b).read_text(encoding="utf-8")),
    )
    assert changed_words(c) <= 1.05 * lcs_changed_words(c)
