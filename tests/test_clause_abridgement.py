"""Abridgements of clause-style texts (issue 15): text the short version copies from the full
one, three words or more, is linked to where it came from and never reported as added, in a
licence of our own whose phrases recur in every clause."""

from tests.texts import join
from textver.compare import Comparison, compare
from textver.version import Version


def run(full: list[str], short: list[str]) -> Comparison:
    return compare(
        Version("full", "full.txt", join(full)),
        Version("short", "short.txt", join(short)),
        meaning="off",
    )


def inserted(c: Comparison) -> list[str]:
    seg = c.right_seg
    return [
        seg.text[slice(*seg.tokens[t])]
        for t, flag in enumerate(c.inserted_tokens)
        if flag and seg.is_word[t]
    ]


def left_of(c: Comparison, q: int) -> list[int]:
    """The left paragraphs of the record holding right paragraph ``q``."""
    (match,) = [lk.left for lk in c.links if q in lk.right]
    return match


ARRANGE = "d) make other arrangements with the Harbour Guild."


def lists() -> list[str]:
    """Two clauses whose lists end on the same line, each line a paragraph."""
    return [
        "3. You may sell a Boat built from the Plans, provided that you do one of the following:",
        "a) mark the hull with the Guild's anchor;",
        "b) keep the Boat inside the harbour;",
        ARRANGE,
        "4. You may hire out a Boat built from the Plans, provided that you do one of these:",
        "a) keep a log of every hire;",
        "b) insure the Boat for its full value;",
        ARRANGE,
        "5. You may charge a reasonable fee for any hire of the Boat. You may charge any fee "
        "you choose for repairs to the Boat. You may not charge a fee for the Plans "
        "themselves.",
        "6. Aggregation of the Plans with a shipyard's own drawings is always permitted.",
    ]


def test_a_recurring_clause_is_the_copy_its_paragraph_continues() -> None:
    # Both copies of "d) make other arrangements ..." are identical; the second is the one
    # the condensed paragraph runs on from, into clause 5.
    full = lists()
    short = [
        full[0],
        full[1],
        ARRANGE + " Thus, you may charge any fee you choose for repairs to the Boat.",
        full[9],
    ]
    c = run(full, short)
    assert inserted(c) == ["Thus", "you"]
    assert left_of(c, 2) == [7, 8]
    # Removed: the paragraphs between, and of clause 5 its first and last sentences (13 and
    # 10 words) and the "You" lower-cased after "Thus,".
    dropped = sum(len(full[k].split()) for k in (2, 3, 4, 5, 6))
    assert c.stats["removed_words"] == dropped + 13 + 10 + 1


def test_of_two_equal_sources_the_one_not_taken_is_linked() -> None:
    # The first copy is kept as it was; the second, with a word swapped, scores the same
    # against both copies: it came from the one not yet taken.
    full = lists()
    short = [full[0], ARRANGE, ARRANGE.replace("with", "beside"), full[9]]
    c = run(full, short)
    assert inserted(c) == ["beside"]
    assert left_of(c, 1) == [3] and left_of(c, 2) == [7]
