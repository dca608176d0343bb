import pytest
from hypothesis import given
from hypothesis import strategies as st

from textver.segment import _BLANK_LINE, count_words, fold, paragraph_spans, segment, sentence_spans


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text, 0, len(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Hon. W. Elliott spoke first. Then Mr. Tegetmeier replied.",
            ["The Hon. W. Elliott spoke first.", "Then Mr. Tegetmeier replied."],
        ),
        (
            "Trade with the U.S. grew quickly. It fell in 1930.",
            ["Trade with the U.S. grew quickly.", "It fell in 1930."],
        ),
        (
            "Some birds, e.g. pigeons, vary. Others do not.",
            ["Some birds, e.g. pigeons, vary.", "Others do not."],
        ),
        (
            'She said "Leave now." Nobody moved. Why? "Because."',
            ['She said "Leave now."', "Nobody moved.", "Why?", '"Because."'],
        ),
        ("1. Definitions. The terms below apply.", ["1. Definitions.", "The terms below apply."]),
        ("(a) the Program; and (b) any work.", ["(a) the Program; and (b) any work."]),
        ("Section 2. Basic Permissions", ["Section 2. Basic Permissions"]),
        ("A heading without a stop", ["A heading without a stop"]),
        ("It cost 3.5 million. Then it rose.", ["It cost 3.5 million.", "Then it rose."]),
        (
            "Notices stay under section 7. c) You must license the work.",
            ["Notices stay under section 7.", "c) You must license the work."],
        ),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentence_spans_are_offsets_into_the_paragraph() -> None:
    text = "Intro.\n\nFirst one. Second one.\n"
    (p0, p1) = paragraph_spans(text)[1]
    spans = sentence_spans(text, p0, p1)
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one."]
    assert spans[0][0] == text.index("First")


def test_paragraphs_are_blank_line_blocks_and_trimmed() -> None:
    text = "  One line\nwrapped here.  \n \t\n\nTwo.\n\n\n"
    spans = paragraph_spans(text)
    assert [text[a:b] for a, b in spans] == ["One line\nwrapped here.", "Two."]


def _paragraphs_by_strip(text: str) -> list[tuple[int, int]]:
    """The plain definition: every block between blank lines, trimmed with str.strip."""
    spans, pos = [], 0
    for start, end in [m.span() for m in _BLANK_LINE.finditer(text)] + [(len(text), len(text))]:
        chunk = text[pos:start]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((pos + lead, pos + lead + len(chunk.strip())))
        pos = end
    return spans


# Whitespace the blank-line pattern knows, whitespace only str.strip knows, and letters.
_TRICKY = " \t\n\r\f\v\u00a0\u2003\u2028\u2029\u3000\x1c\x85\u200bab."


@given(st.text(alphabet=_TRICKY, max_size=40))
def test_paragraph_spans_equal_strip_definition_on_tricky_whitespace(text: str) -> None:
    assert paragraph_spans(text) == _paragraphs_by_strip(text)


@pytest.mark.parametrize(
    "text", ["a \u2028\n\nb", "a\n\u2029\n\nb\x1c\n\n c\u00a0", "\n\n a\n\nb \n\n", " \n\n"]
)
def test_paragraph_spans_trim_unicode_whitespace(text: str) -> None:
    assert paragraph_spans(text) == _paragraphs_by_strip(text)


def test_hard_wrapped_and_unwrapped_give_the_same_keys() -> None:
    wrapped = segment("The quick brown\nfox jumps over\nthe dog.\n\nNext para-\ngraph here.")
    flat = segment("The quick brown fox jumps over the dog.\n\nNext para- graph here.")
    assert wrapped.keys == flat.keys
    assert len(wrapped.paragraphs) == len(flat.paragraphs) == 2


def test_typography_folds_unless_strict() -> None:
    curly, straight = "It\u2019s \u201cnew\u201d \u2014 isn\u2019t it", "It's \"new\" - isn't it"
    assert segment(curly).keys == segment(straight).keys
    assert segment(curly, strict=True).keys != segment(straight, strict=True).keys
    assert fold("co\u00adoperate") == "cooperate"
    assert fold("\ufb01ne") == "fine"  # NFKC: the fi ligature


def test_words_keep_apostrophes_hyphens_and_combining_marks() -> None:
    seg = segment("The country\u2019s well-known cafe\u0301 opened.")
    words = [seg.text[a:b] for (a, b), w in zip(seg.tokens, seg.is_word, strict=True) if w]
    assert words == ["The", "country\u2019s", "well-known", "cafe\u0301", "opened"]
    assert count_words(seg.text) == 5


def test_token_offsets_asked_one_at_a_time_match_a_full_walk() -> None:
    """Offsets are found per sentence on demand; asked for in any order they must agree with
    walking all tokens, and every character that is not whitespace lies in exactly one token."""
    text = (
        "  \u201cWell,\u201d she said \u2014 twice.  Then: (a) one; (b) two!\n"
        "Hard-wrapped   line.\n\n\n"
        "Second paragraph\u2019s end\u2026 And one more sentence?"
    )
    seg = segment(text)
    walked = list(seg.tokens)
    backwards = [seg.tokens[k] for k in reversed(range(len(seg.tokens)))][::-1]
    assert backwards == walked
    assert [(seg.tokens.start(k), seg.tokens.end(k)) for k in range(len(walked))] == walked
    assert seg.tokens[-1] == walked[-1] and seg.tokens[2:4] == walked[2:4]
    assert [text[a:b] for a, b in walked] == segment(text, strict=True).keys
    covered = sorted(i for a, b in walked for i in range(a, b))
    assert covered == [i for i, ch in enumerate(text) if not ch.isspace()]
    with pytest.raises(IndexError):
        seg.tokens[len(walked)]


def _reference_sentences(text: str) -> list[tuple[int, int, int]]:
    """Per sentence (paragraph, first token, token stop), sentence by sentence from the public
    pieces: what segment() must give, whichever path it takes for a paragraph."""
    seg = segment(text)
    starts = [a for a, _ in seg.tokens]
    out = []
    t = 0
    for p, (a, b) in enumerate(paragraph_spans(text)):
        for _, end in sentence_spans(text, a, b):
            stop = sum(1 for s in starts if s < end)
            if stop > t:
                out.append((p, t, stop))
            t = stop
    return out


@given(
    st.lists(
        st.sampled_from(
            [
                "One sentence only.",
                "Two here. And another!",
                "Mr. Smith stayed.",
                "Ends with no stop",
                "(a) first. (b) second.",
                "\u201cQuoted.\u201d Then more?",
                "Wait... What",
            ]
        ),
        max_size=12,
    ),
    st.sampled_from(["\n\n", "\n \n", " ", "\n"]),
)
def test_one_sentence_paragraphs_in_bulk_agree_with_sentence_spans(
    pieces: list[str], sep: str
) -> None:
    """Runs of one-sentence paragraphs are added in bulk, the others sentence by sentence; the
    result must be the same as cutting every paragraph with sentence_spans."""
    text = sep.join(pieces) + "\n"
    seg = segment(text)
    got = [
        (seg.sentence_paragraph[s], rng.start, rng.stop)
        for s, rng in enumerate(seg.sentence_tokens)
    ]
    assert got == _reference_sentences(text)
    assert [list(rng) for rng in seg.paragraph_sentences] == [
        [s for s, p in enumerate(seg.sentence_paragraph) if p == q]
        for q in range(len(seg.paragraphs))
    ]
    assert list(seg.sentences) == [
        span for a, b in paragraph_spans(text) for span in sentence_spans(text, a, b)
    ]
