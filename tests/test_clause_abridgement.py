"""Abridgements of clause-style texts (issue 15): text the short version copies from the full
one, three words or more, is linked to where it came from and never reported as added, in a
licence of our own whose phrases recur in every clause."""

from tests.texts import join
from textver.compare import Comparison, compare
from textver.version import Version

WARRANTY = (
    "Unless required by harbour law or agreed to in writing, the Guild provides the Plans "
    '(and each Builder provides its Boats) on an "AS IS" BASIS, WITHOUT WARRANTIES OR '
    "CONDITIONS OF ANY KIND, either express or implied, including, without limitation, any "
    "warranties or conditions of title, soundness of timber, seaworthiness, merchantability "
    "or fitness for a particular voyage or purpose, and any warranty arising from a course of "
    "dealing, usage of the harbour or trade among the shipwrights and sailmakers of the "
    "northern coast, whether such warranties are written, spoken or merely customary in the "
    "ports and boatyards where the vessel is launched, moored or repaired"
)
WARRANTY_CUT = WARRANTY.split(", including, without")[0] + ", including."
LIABILITY = (
    "In no event shall the Guild be liable to You for damages of any kind arising from the "
    "use of the Plans."
)
NOTICE = (
    "Unless required by harbour law or agreed to in writing, plans distributed under the "
    'Licence are distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY '
    "KIND, either express or implied."
)
APPENDIX = "APPENDIX: How to apply the Harbour Licence to your boat plans."

LICENCE = [
    "THE HARBOUR BOATING LICENCE",
    '1. Definitions. "Boat" means any vessel built from the Plans, including its rigging. '
    '"Plans" means the drawings the Guild provides, including their notes. "Builder" means '
    "the Guild or any member who provides Boats built from the Plans. Each Builder provides "
    "its Boats under this Licence, and the Guild provides the Plans under this Licence.",
    "2. Disclaimer of Warranty. " + WARRANTY + ". You are solely responsible for determining "
    "the fitness of any boat for your voyage.",
    "3. Limitation of Liability. " + LIABILITY,
    "4. Lending. You may lend the Boat to a member of the Guild for work. Such work shall not "
    "be construed as a sale of the Boat. You may not charge rent for the Boat itself.",
    "END OF TERMS AND CONDITIONS",
    APPENDIX,
    NOTICE + " See the Licence for the specific terms of use.",
]


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


def test_a_cut_clause_is_linked_to_its_clause_not_to_a_boilerplate_look_alike() -> None:
    # The appendix, moved to the top, is the only sentence kept word for word, so the changed
    # sentences after it seem to belong after it, where the notice repeats most of the
    # warranty's words.  The cut warranty copies 40 words of its clause, 20 of the notice's.
    short = [
        APPENDIX,
        "Moreover, " + WARRANTY_CUT[0].lower() + WARRANTY_CUT[1:] + " However, in "
        "no event shall the Guild be liable to You for damages of any kind.",
    ]
    c = run(LICENCE, short)
    assert inserted(c) == ["Moreover", "unless", "However", "in"]
    assert left_of(c, 1) == [2, 3]


def test_a_moved_short_sentence_with_a_connective_and_a_swapped_word_is_linked() -> None:
    # The connective and the swapped word are the rarest words of the sentence, so its
    # source explains too little of its evidence, and moved to the top it stands in no gap
    # between linked neighbours; nine words copied in a row say where it came from.
    short = [
        "In short, such labour shall not be construed as a sale of the Boat.",
        LICENCE[0],
        LICENCE[3],
        LICENCE[5],
    ]
    c = run(LICENCE, short)
    assert inserted(c) == ["In", "short", "such", "labour"]
    assert left_of(c, 0) == [4]
    assert [lk.moved for lk in c.links if 0 in lk.right] == [True]


def test_a_sentence_run_into_the_next_clause_across_its_heading_is_linked() -> None:
    # "... described in Section 3.5. Thus, any ..." reads as one sentence: its first part
    # comes from clause 3.1, already linked to the same condensed paragraph.
    full = [
        "3.1. Application of Licence.\n     The Modifications which You make to a Boat are "
        "governed by the terms of this Licence. However, You may include an additional document "
        "offering the additional rights described in Section 3.5.",
        "3.2. Availability of Plans.\n     Any Modification which You make must be made available "
        "in plan form under the terms of this Licence, either on the same paper as the "
        "drawings or through the Guild's own notice board, to anyone who asks for it.",
        "3.3. Description of Modifications. You must mark every changed part of the Boat.",
    ]
    short = [
        "The Modifications which You make to a Boat are governed by the terms of this "
        "Licence. However, You may include an additional document offering the additional "
        "rights described in Section 3.5. Thus, any Modification which You make must be made "
        "available in plan form under the terms of this Licence, either on the same paper as "
        "the drawings or through the Guild's own notice board, to anyone who asks for it.",
        full[2],
    ]
    c = run(full, short)
    assert inserted(c) == ["Thus", "any"]
    assert left_of(c, 0) == [0, 1]


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


def test_a_recurring_clause_with_a_word_changed_is_the_copy_its_paragraph_continues() -> None:
    # Changed, the line scores the same against both copies; the paragraph it opens goes on
    # into clause 5, after the second.
    full = lists()
    short = [
        full[0],
        full[1],
        ARRANGE.replace("other", "further")
        + " Thus, you may charge any fee you choose for repairs to the Boat.",
        full[9],
    ]
    c = run(full, short)
    assert inserted(c) == ["further", "Thus", "you"]
    assert left_of(c, 2) == [7, 8]


def test_a_swapped_word_its_neighbour_holds_does_not_join_the_neighbour() -> None:
    # "limited" became "world", a word of the list that follows: one shared word is no
    # second source, and the list, a paragraph of its own, keeps its own link.
    full = [
        "1. Rights. A Boat built from the Plans may be protected by the rights of its builder.",
        "Those rights include, but are not limited to, the following:",
        "i. the right to sail, lend and repair the Boat in any harbour of the world; "
        "ii. the right to be named as its builder;",
        "2. Waiver. The Guild waives all of these rights in every Boat it builds.",
    ]
    short = [full[0], full[1].replace("limited", "world"), full[2], full[3]]
    c = run(full, short)
    assert inserted(c) == ["world"]
    assert [left_of(c, q) for q in range(4)] == [[0], [1], [2], [3]]
