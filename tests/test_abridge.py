"""The abridgement generator of the benchmark keeps true books: each operation's truth is right."""

from __future__ import annotations

import pytest

from tests.helpers import (
    LEVELS,
    Abridgement,
    Draft,
    abridge,
    baseline,
    check_truth,
    ours,
    prf,
    repeat,
    score,
)
from textver.compare import compare
from textver.version import Version

# Our own prose: a made-up town chronicle, eight paragraphs of four sentences.
CHRONICLE = [
    "Marta Brenn founded the weaving school of Oskelund in 1887. She had learned the craft "
    "from her grandmother on the island of Tarse. The first classes met in a cold barn behind "
    "the church. Within ten years the school filled a building of its own.",
    "The looms came from a workshop in the capital, carried north by cart. Each loom needed "
    "two pupils to thread it before the winter term. Breakages were common, and spare parts "
    "took months to arrive. A local smith learned to forge the missing hooks himself.",
    "The school taught patterns that no longer appeared in any printed book. Older women of "
    "the valley came to dictate them from memory. Pupils copied the diagrams onto squared "
    "paper by lamplight. Those notebooks survive in the parish archive today.",
    "Money was always short in the early decades. The council granted forty crowns a year, "
    "which barely paid for wool. Brenn sold finished blankets at the autumn fair to cover the "
    "rest. Some years the fair brought in more than the council ever did.",
    "A fire in 1921 destroyed the east wing and half of the looms. Nobody was hurt, but the "
    "pattern notebooks were saved only by chance. A pupil named Ilse Varg carried them out "
    "through the smoke. The town later named a street after her.",
    "Rebuilding took three summers of volunteer labour. Farmers gave timber from their own "
    "woods, and the railway carried it free of charge. The new wing had tall windows facing "
    "south for better light. Weavers still say it is the brightest room in the valley.",
    "After the war the school opened its doors to boys as well. Enrolment doubled in a single "
    "year and a second teacher was hired. The curriculum grew to include dyeing with lichens "
    "and bark. Visitors from abroad began to arrive each summer to watch the work.",
    "Today the school runs courses for beginners and masters alike. Its graduates work in "
    "theatres, museums and small studios across the country. The old barn behind the church "
    "still stands, though it now stores firewood. Every June the pupils hang their work along "
    "the main street.",
]
TEXT = "\n\n".join(CHRONICLE) + "\n"


def words_of_paragraph(a: Abridgement, p: int) -> set[int]:
    return {t for t in a.left.paragraph_tokens(p) if a.left.is_word[t]}


def words_of_sentence(a: Abridgement, s: int) -> set[int]:
    return {t for t in a.left.sentence_tokens[s] if a.left.is_word[t]}


def test_untouched_draft_is_the_text_with_every_token_copied() -> None:
    a = Draft(TEXT).render()
    assert a.right.text == TEXT.strip()
    assert all(o == t for t, o in enumerate(a.origin))
    assert a.para_links == {(p, p) for p in range(len(CHRONICLE))}
    assert not a.removed_words and not a.inserted_words and not a.moved


def test_drop_paragraph() -> None:
    d = Draft(TEXT)
    d.drop_paragraph(2)
    a = d.render()
    para2 = set(a.left.paragraph_tokens(2))
    assert not any(o in para2 for o in a.origin)
    assert a.removed_words == words_of_paragraph(a, 2)
    assert not a.inserted_words
    assert a.para_links == {(p, p if p < 2 else p - 1) for p in range(8) if p != 2}


def test_drop_sentence() -> None:
    d = Draft(TEXT)
    s = d.seg.paragraph_sentences[3][1]  # "The council granted forty crowns ..."
    d.drop_sentence(s)
    a = d.render()
    assert a.removed_words == words_of_sentence(a, s)
    assert "forty crowns" not in a.right.text
    assert not a.inserted_words


def test_cut_tail_keeps_the_first_words_and_ends_with_a_full_stop() -> None:
    d = Draft(TEXT)
    s = d.seg.paragraph_sentences[5][1]  # "Farmers gave timber from their own woods, and ..."
    d.cut_tail(s, 7)
    a = d.render()
    assert "Farmers gave timber from their own woods. The new wing" in a.right.text
    sent_words = sorted(words_of_sentence(a, s))
    assert a.removed_words == set(sent_words[7:])
    assert not a.inserted_words  # the new full stop is not a word
    full_stops = [t for t, o in enumerate(a.origin) if o < 0]
    assert [a.right.text[slice(*a.right.tokens[t])] for t in full_stops] == ["."]


def test_cut_tail_drops_a_word_swapped_in_the_tail() -> None:
    d = Draft(TEXT)
    s = d.seg.paragraph_sentences[5][1]
    tail = next(t for t in d.seg.sentence_tokens[s] if d.text[slice(*d.seg.tokens[t])] == "railway")
    d.swap_token(tail, "postal")
    d.cut_tail(s, 7)
    a = d.render()
    assert "postal" not in a.right.text
    assert not a.inserted_words
    assert tail in a.removed_words


def test_connective_before_a_name_adds_exactly_that_word() -> None:
    d = Draft(TEXT)
    d.add_connective(0, "However,")  # "Marta Brenn founded ..." keeps its capital
    a = d.render()
    assert a.right.text.startswith("However, Marta Brenn founded")
    assert [a.right.text[slice(*a.right.tokens[t])] for t in a.inserted_words] == ["However"]
    assert not a.removed_words


def test_connective_lower_cases_a_common_opener() -> None:
    d = Draft(TEXT)
    s = d.seg.paragraph_sentences[1][0]  # "The looms came ..."
    d.add_connective(s, "In short,")
    a = d.render()
    assert "In short, the looms came" in a.right.text
    assert sorted(a.right.text[slice(*a.right.tokens[t])] for t in a.inserted_words) == [
        "In",
        "short",
        "the",
    ]
    first = a.left.sentence_tokens[s].start
    assert a.removed_words == {first}


def test_swap_token() -> None:
    d = Draft(TEXT)
    t = next(t for t in d.seg.paragraph_tokens(6) if d.text[slice(*d.seg.tokens[t])] == "doubled")
    d.swap_token(t, "rose")
    a = d.render()
    assert "Enrolment rose in a single" in a.right.text
    assert a.removed_words == {t}
    assert [a.right.text[slice(*a.right.tokens[r])] for r in a.inserted_words] == ["rose"]


def test_split_paragraph_links_both_halves_to_their_source() -> None:
    d = Draft(TEXT)
    d.split_paragraph(4, 2)
    a = d.render()
    assert len(a.right.paragraphs) == len(CHRONICLE) + 1
    assert {(4, 4), (4, 5)} <= a.para_links
    assert (5, 6) in a.para_links
    assert not a.removed_words and not a.inserted_words and not a.moved


def test_condense_links_one_paragraph_to_its_sources_and_drops_the_rest() -> None:
    d = Draft(TEXT)
    sents = d.seg.paragraph_sentences
    picks = [[sents[1][0]], [sents[2][0], sents[2][3]], [sents[3][2]]]
    d.condense(picks, "Indeed,")
    a = d.render()
    assert len(a.right.paragraphs) == len(CHRONICLE) - 2
    assert {(1, 1), (2, 1), (3, 1)} <= a.para_links
    assert not {(p, q) for p, q in a.para_links if q == 1} - {(1, 1), (2, 1), (3, 1)}
    kept = set().union(*(words_of_sentence(a, s) for group in picks for s in group))
    dropped = set().union(*(words_of_paragraph(a, p) for p in (1, 2, 3))) - kept
    assert a.removed_words == dropped | {a.left.sentence_tokens[sents[2][0]].start}
    assert sorted(a.right.text[slice(*a.right.tokens[t])] for t in a.inserted_words) == [
        "Indeed",
        "the",  # "The school taught" became "Indeed, the school taught"
    ]


def test_move_marks_only_the_moved_paragraph() -> None:
    d = Draft(TEXT)
    d.move(1, 5)
    a = d.render()
    assert a.moved == {5}
    assert (1, 5) in a.para_links and (5, 4) in a.para_links
    assert not a.removed_words and not a.inserted_words


def test_moved_then_split_paragraph_moves_both_parts() -> None:
    d = Draft(TEXT)
    d.move(0, 4)
    d.split_paragraph(0, 2)
    a = d.render()
    assert a.moved == {4, 5}


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", range(4))
def test_abridgement_truth_is_consistent(level: str, seed: int) -> None:
    a = abridge(TEXT, level, seed)
    assert a.log, "the editor did nothing"
    check_truth(a)
    assert abridge(TEXT, level, seed).right.text == a.right.text  # deterministic


def test_check_truth_catches_a_word_wrongly_counted_as_copied() -> None:
    d = Draft(TEXT)
    d.drop_sentence(0)
    a = d.render()
    a.removed_words.discard(min(a.removed_words))
    with pytest.raises(AssertionError):
        check_truth(a)


def test_heavy_keeps_less_than_light() -> None:
    light = [abridge(TEXT, "light", s).kept_share for s in range(4)]
    heavy = [abridge(TEXT, "heavy", s).kept_share for s in range(4)]
    assert max(heavy) < min(light)
    assert all(0.1 < k < 0.4 for k in heavy)


def test_prf() -> None:
    assert prf({1, 2}, {2, 3}) == (0.5, 0.5, 0.5)
    assert prf(set(), {1}) == (1.0, 0.0, 0.0)
    assert prf(set(), set()) == (1.0, 1.0, 1.0)


def test_scores_of_both_aligners_are_against_the_truth() -> None:
    truth = abridge(TEXT, "light", 0)
    check_truth(truth)
    c = compare(
        Version("left", "chronicle", truth.left.text), Version("right", "r", truth.right.text)
    )
    r = {"ours": score(truth, ours(c)), "baseline": score(truth, baseline(truth.left, truth.right))}
    # Scored against the generated truth, our aligner finds exactly it on a light abridgement,
    # and the one global diff does not: a scorer that ignored the truth (all ones, all zeros,
    # or any constant) could not give both.
    for key in ("links", "removed", "inserted"):
        assert r["ours"][key] == (1.0, 1.0, 1.0), key
    assert r["baseline"]["links"][2] < 1.0 and r["baseline"]["inserted"][0] < 1.0
    assert r["ours"]["moves_true"] >= 1
    assert r["baseline"]["moves_found"] == 0  # a global diff reports no moves
    # A moved paragraph breaks the single global diff: it cannot link both places.
    assert r["baseline"]["links"][1] < 1.0 or r["baseline"]["removed"][0] < 1.0


def test_density_multiplies_the_light_edits_and_keeps_the_truth() -> None:
    text = "\n\n".join(CHRONICLE * 4) + "\n"  # 32 paragraphs
    light = abridge(text, "light", 0)
    dense = abridge(text, "light", 0, density=3)
    check_truth(dense)
    assert len(dense.log) >= 2 * len(light.log)
    assert dense.kept_share < light.kept_share
    with pytest.raises(ValueError):
        abridge(text, "heavy", 0, density=2)


def test_repeated_abridgement_keeps_the_truth_of_every_copy() -> None:
    one = abridge(TEXT, "light", 0)
    three = repeat(one, 3)
    check_truth(three)
    assert three.left.text.count(CHRONICLE[0]) == 3
    assert len(three.removed_words) == 3 * len(one.removed_words)
    assert len(three.inserted_words) == 3 * len(one.inserted_words)
    assert len(three.para_links) == 3 * len(one.para_links)
    assert len(three.moved) == 3 * len(one.moved)
    # The last copy's truth is the first's, shifted by two copies' tokens.
    shift = 2 * len(one.left.tokens)
    assert {t - shift for t in three.removed_words if t >= shift} == one.removed_words
