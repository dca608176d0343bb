"""Random and adversarial text: control characters, combining marks, right-to-left scripts,
very long lines, no paragraph breaks.  Whatever comes in, the comparison keeps its contract and
the offsets still index the text as given."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import as_json, check_contract, kept_words
from textver.segment import count_words, segment

ADVERSARIAL = st.sampled_from(
    [
        "\u0627\u0644\u0633\u0644\u0627\u0645",  # Arabic, right to left
        "\u05e9\u05dc\u05d5\u05dd",  # Hebrew
        "\u202eevil\u202c",  # right-to-left override
        "e\u0301\u0302\u0303",  # stacked combining marks
        "\u0915\u093f\u0924\u093e\u092c",  # Devanagari with a vowel sign
        "\x00",
        "\x07\x1b[31m",  # bell, an ANSI escape
        "\u00ad",  # soft hyphen
        "\ufeff",  # a BOM in mid-text
        "\u200b\u200d",  # zero-width space and joiner
        "\U0001f600\U0001f3f3\ufe0f\u200d\U0001f308",  # emoji, with a ZWJ sequence
        "<script>alert(1)</script>",
        "\r",
        "\t",
        "\u2028",  # line separator
        "...",
        "Mr.",
        "U.S.",
        "\"'",
        "\u201c\u201d\u2014\u2013",
    ]
)
WORD = st.one_of(st.sampled_from(["stone", "river", "Anna", "1848", "the", "of"]), ADVERSARIAL)
LINE = st.lists(WORD, min_size=0, max_size=40).map(" ".join)
TEXT = st.one_of(
    st.lists(LINE, max_size=6).map("\n\n".join),
    LINE.map(lambda s: (s + " ") * 50),  # one very long line, no paragraph breaks
    st.text(max_size=300),  # anything at all
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, TEXT)
def test_adversarial_pairs_keep_the_contract(left: str, right: str) -> None:
    d = as_json(left, right)
    check_contract(d)
    assert d["left"]["text"] == left and d["right"]["text"] == right
    # Kept words read alike on both sides unless something moved, or the two sides are in
    # different languages (then a kept sentence is a translation, not the same words).
    cross = d.get("meaning", {}).get("cross_language", False)
    if not cross and not any(rec["moved"] for rec in d["alignment"]):
        assert kept_words(d, "left", "delete") == kept_words(d, "right", "insert")


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_a_text_against_itself_has_no_changes(text: str) -> None:
    d = as_json(text, text)
    check_contract(d)
    assert d["changes"] == []
    assert all(rec["kind"] == "equal" and not rec["moved"] for rec in d["alignment"])


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_counting_words_agrees_with_segmenting(text: str) -> None:
    assert count_words(text) == sum(segment(text).is_word)
