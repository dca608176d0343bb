"""Importing files: decoding, normalisation, HTML article extraction, and every bad input."""

from __future__ import annotations

import os
import shutil
import warnings
from html import escape
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from textver import ingest
from textver.errors import TextverError
from textver.extract import FURNITURE_LABEL, extract_html
from textver.ingest import load, load_file, normalize_text
from textver.segment import segment

DATA = Path(__file__).parent / "data"

ARTICLE_TEXT = (
    "The Tide Mill of Orrin Bay\n\n"
    "For two centuries the mill at Orrin Bay ground corn with the power of the tide.\n\n"
    "Millers & their families lived in the cottage beside the sluice; the keeper\u2019s log lists "
    "412\u00a0tides in a single year.\n\n"
    "How it worked\n\n"
    "The pond filled at high water. At low water the gates opened and the wheel turned for six "
    "hours.\n\n"
    "\u201cThe wheel never stopped for want of water,\u201d wrote the last miller.\n\n"
    "\u201cOnly for want of corn.\u201d\n\n"
    "Sluice gates of oak\n\n"
    "An undershot wheel, nine feet across\n\n"
    "Two pairs of millstones\n\n"
    "high water  06:10\nlow water   12:25"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def error_of(call, *args, **kwargs) -> str:
    with pytest.raises(TextverError) as info:
        call(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


# --- plain text -------------------------------------------------------------------------------


def test_normalize_text_removes_bom_and_unifies_line_ends() -> None:
    assert normalize_text("\ufeffone\r\ntwo\rthree\n\r\nfour") == "one\ntwo\nthree\n\nfour"
    assert normalize_text("a\ufeffb") == "a\ufeffb"  # only a leading BOM is a BOM


def test_bom_and_crlf_file_is_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", b"\xef\xbb\xbfFirst line\r\nsame para\r\n\r\nSecond\r")
    v = load_file(path)
    assert v.text == "First line\nsame para\n\nSecond\n"
    assert v.label == "notes"
    assert v.source == str(path)
    assert v.meta == {"format": "text"}  # plain UTF-8: no encoding recorded


def test_source_is_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "draft.v2.txt", "Caf\u00e9 society.\n".encode())
    monkeypatch.chdir(tmp_path)
    v = load_file("draft.v2.txt")
    assert (v.source, v.label, v.text) == ("draft.v2.txt", "draft.v2", "Caf\u00e9 society.\n")


def test_hard_wrapped_and_unwrapped_text_compare_equal() -> None:
    wrapped = load_file(DATA / "essay-wrapped.txt")
    unwrapped = load_file(DATA / "essay-unwrapped.txt")
    assert wrapped.text != unwrapped.text  # the stored text keeps its line breaks
    assert "\nSome store it" in wrapped.text
    a, b = segment(wrapped.text), segment(unwrapped.text)
    assert len(a.paragraphs) == len(b.paragraphs) == 3
    assert a.keys == b.keys
    for p in range(3):
        keys_a = [a.keys[i] for i in a.paragraph_tokens(p)]
        assert keys_a == [b.keys[i] for i in b.paragraph_tokens(p)]


def test_text_file_starting_like_html_is_extracted(tmp_path: Path) -> None:
    path = write(tmp_path, "page.txt", b"  <!DOCTYPE html><html><body><p>Hello <b>there</b></p>")
    v = load_file(path)
    assert (v.text, v.meta["format"]) == ("Hello there", "html")


def test_text_mentioning_html_stays_text(tmp_path: Path) -> None:
    path = write(tmp_path, "howto.txt", b"Start a page with <html> and end it with </html>.\n")
    v = load_file(path)
    assert v.meta["format"] == "text"
    assert v.text == "Start a page with <html> and end it with </html>.\n"


def test_selector_is_ignored_for_plain_text(tmp_path: Path) -> None:
    path = write(tmp_path, "plain.txt", b"Just words.\n")
    assert load_file(path, selector="article").text == "Just words.\n"


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, "wide.txt", "\ufeffNa\u00efve text\r\n".encode("utf-16-le"))
    v = load_file(path)
    assert v.text == "Na\u00efve text\n"
    assert v.meta["encoding"] == "utf-16-le"


WIDE_TEXT = "Na\u00efve text, \u201cquoted\u201d \u0412\u043e\u0434\u0430 \u6c34.\r\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_bomless_utf16_and_utf32_byte_order_is_detected(tmp_path: Path, codec: str) -> None:
    path = write(tmp_path, "wide.txt", WIDE_TEXT.encode(codec))
    v = load_file(path, encoding=codec[:6])  # "utf-16" or "utf-32": the order is not given
    assert v.text == WIDE_TEXT.replace("\r\n", "\n")
    assert v.meta["encoding"] == codec


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-be"])
def test_bom_gives_the_byte_order_of_an_explicit_wide_encoding(tmp_path: Path, codec: str) -> None:
    path = write(tmp_path, "wide.txt", ("\ufeff" + WIDE_TEXT).encode(codec))
    v = load_file(path, encoding=codec[:6])
    assert v.text == WIDE_TEXT.replace("\r\n", "\n")
    assert v.meta["encoding"] == codec


def test_bomless_utf16_of_unknown_byte_order_is_refused(tmp_path: Path) -> None:
    # U+6C34 U+6728 read backwards are U+346C U+2867, valid too; no ASCII shows the order
    path = write(tmp_path, "wide.txt", "\u6c34\u6728\u6c34\u6728".encode("utf-16-be"))
    message = error_of(load_file, path, encoding="utf-16")
    assert message == (
        f"{path}: cannot tell the byte order of utf-16 text without a byte-order mark; "
        "pass --encoding utf-16-le or utf-16-be"
    )
    assert load_file(path, encoding="utf-16-be").text == "\u6c34\u6728\u6c34\u6728"


@pytest.mark.parametrize("encoding", ["rot13", "base64", "zlib_codec", "uu", "punycode"])
def test_codec_that_is_no_text_encoding_is_refused(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path, "notes.txt", b"Plain words.\n")
    assert error_of(load_file, path, encoding=encoding) == (
        f"{path}: {encoding!r} is not a text encoding"
    )


def test_encoding_name_with_a_nul(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", b"Plain words.\n")
    assert error_of(load_file, path, encoding="utf\0-8") == f"{path}: unknown encoding 'utf\\x00-8'"


def test_meta_charset_of_a_non_text_codec_is_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "page.html", b'<meta charset="rot13"><p>Caf\xc3\xa9</p>')
    v = load_file(path)
    assert v.text == "Caf\u00e9" and "encoding" not in v.meta


# --- bad input --------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    assert error_of(load_file, path) == f"{path}: no such file"


def test_directory(tmp_path: Path) -> None:
    assert error_of(load_file, tmp_path) == f"{tmp_path}: is a directory, not a file"


def test_binary_file_with_nul_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    message = error_of(load_file, path)
    assert message.startswith(f"{path}: binary file")
    assert "NUL" in message


def test_binary_file_of_control_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "blob.txt", bytes([1, 2, 3, 4, 5, 6, 7, 8, 65, 66]) * 50)
    message = error_of(load_file, path)
    assert message.startswith(f"{path}: binary file")
    assert "control bytes" in message


def test_undecodable_bytes_name_the_offset_and_suggest_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "old.txt", b"The caf\xe9 opened in 1921.\n")
    message = error_of(load_file, path)
    assert message.startswith(f"{path}: not valid UTF-8 at byte 7 (0xe9)")
    assert "--encoding" in message


def test_undecodable_offset_counts_the_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbfab\xff")
    assert "at byte 5 (0xff)" in error_of(load_file, path)


@pytest.mark.parametrize(
    ("encoding", "recorded", "text"),
    [
        ("cp1252", "cp1252", "The caf\u00e9 \u2019opened\u2019.\n"),
        ("latin-1", "iso8859-1", "The caf\u00e9 \x92opened\x92.\n"),
    ],
)
def test_explicit_encoding_is_used_and_recorded(
    tmp_path: Path, encoding: str, recorded: str, text: str
) -> None:
    path = write(tmp_path, "old.txt", b"The caf\xe9 \x92opened\x92.\r\n")
    v = load_file(path, encoding=encoding)
    assert v.text == text
    assert v.meta == {"encoding": recorded, "format": "text"}


def test_explicit_encoding_that_does_not_fit_fails(tmp_path: Path) -> None:
    path = write(tmp_path, "old.txt", b"abc\xe9")
    message = error_of(load_file, path, encoding="ascii")
    assert message.startswith(f"{path}: not valid ascii at byte 3 (0xe9)")


def test_unknown_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "old.txt", b"abc")
    message = error_of(load_file, path, encoding="klingon-8")
    assert message == f"{path}: unknown encoding 'klingon-8'"


@pytest.mark.parametrize(
    ("data", "problem"),
    [(b"", "empty"), (b" \r\n\t\n", "only whitespace"), (b"\xef\xbb\xbf", "empty")],
)
def test_empty_or_blank_file(tmp_path: Path, data: bytes, problem: str) -> None:
    path = write(tmp_path, "blank.txt", data)
    assert error_of(load_file, path) == f"{path}: {problem}, nothing to import"


def test_too_large_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "big.txt", b"word " * 30)
    monkeypatch.setattr(ingest, "MAX_INPUT_BYTES", 100)
    opened: list[Path] = []
    real_open = Path.open

    def spy_open(self: Path, *args, **kwargs):
        opened.append(self)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy_open)
    message = error_of(load_file, path)
    assert message == f"{path}: too large (150 bytes; the limit is 100 bytes)"
    assert opened == []
    monkeypatch.setattr(ingest, "MAX_INPUT_BYTES", 150)
    assert load_file(path).text == "word " * 30


def test_file_over_the_real_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(16 * 1024 * 1024 + 1)  # sparse: no disk space, and never read
    message = error_of(load_file, path)
    assert message == (f"{path}: too large (16777217 bytes; the limit is 16777216 bytes, 16 MiB)")


# --- HTML -------------------------------------------------------------------------------------


def test_saved_page_yields_exactly_the_article() -> None:
    v = load_file(DATA / "article.html")
    assert v.text == ARTICLE_TEXT
    assert v.meta == {
        "format": "html",
        "extractor": "trafilatura",
        "title": "The Tide Mill of Orrin Bay",
        "from_page": "title",
    }
    assert v.label == "article"


def test_selector_picks_the_container() -> None:
    v = load_file(DATA / "article.html", selector="article blockquote")
    assert v.text == (
        "\u201cThe wheel never stopped for want of water,\u201d wrote the last miller.\n\n"
        "\u201cOnly for want of corn.\u201d"
    )
    assert v.meta == {
        "format": "html",
        "selector": "article blockquote",
        "extractor": "textver",
        "title": "The Tide Mill of Orrin Bay",
        "from_page": "title",
    }


def test_selector_can_choose_what_the_heuristic_drops() -> None:
    v = load_file(DATA / "article.html", selector="#comments")
    assert v.text == "3 comments\n\nGreat post! Visit my site."


def test_selector_matching_nothing() -> None:
    path = DATA / "article.html"
    message = error_of(load_file, path, selector="div.story-body")
    assert message == f"{path}: selector 'div.story-body' matches nothing"


def test_invalid_selector() -> None:
    message = error_of(extract_html, "<p>x</p>", selector="p[", source="page.html")
    assert message.startswith("page.html: invalid selector 'p['")


@pytest.mark.parametrize(
    "selector", ["p::before", "::first-line", "p:nth-child(x)", "svg|rect", "[xlink|href]"]
)
def test_unsupported_selector_is_a_one_line_error(selector: str) -> None:
    message = error_of(extract_html, "<p>x</p>", selector=selector, source="page.html")
    assert message.startswith(f"page.html: invalid selector {selector!r}: ")


def test_selector_with_a_nul_matches_nothing() -> None:
    message = error_of(extract_html, "<p>x</p>", selector="p\0", source="page.html")
    assert message == "page.html: selector 'p\\x00' matches nothing"


def test_tails_of_dropped_elements_are_kept() -> None:
    html = "<p>Before <nav>menu</nav>after, <span class='share'>x</span>and on.</p>"
    assert extract_html(html, source="x") == "Before after, and on."


def test_an_articles_header_is_kept_whatever_its_class() -> None:
    html = "<article><header class='share-bar'>Title</header><p>Body.</p></article>"
    assert extract_html(html, source="x") == "Title\n\nBody."


def test_nested_articles_pick_the_outermost_of_equal_size() -> None:
    html = "<div><article><article><p>Only text.</p></article></article><p>out</p></div>"
    assert extract_html(html, source="x") == "Only text."
    html = "<article><p>Outer.</p><article><p>Inner, and longer.</p></article></article>"
    assert extract_html(html, source="x") == "Outer.\n\nInner, and longer."


def test_page_nested_too_deep_is_refused_not_cut() -> None:
    # libxml2 stops reading at 2048 levels; storing what came before would lose the rest
    html = "<div>" * 3000 + "<p>deep</p>" + "</div>" * 3000 + "<p>after</p>"
    message = error_of(extract_html, html, source="deep.html")
    assert message.startswith("deep.html: cannot read the whole page (line 1, column ")
    assert "Excessive depth" in message


def test_deep_but_readable_nesting() -> None:
    html = "<div>" * 1500 + "<p>deep</p>" + "</div>" * 1500 + "<p>after</p>"
    assert extract_html(html, source="x") == "deep\n\nafter"


def test_page_without_article_text() -> None:
    html = """<html><head><script>alert("x")</script></head><body>
      <nav><a href="/">Home</a></nav><div class="cookie-banner">We use cookies</div>
      <footer>2024</footer></body></html>"""
    message = error_of(extract_html, html, source="empty.html")
    assert message == "empty.html: no article text found (try --selector)"


def test_inline_markup_keeps_words_intact() -> None:
    html = "<p>fo<em>o</em> bar</p><p>line<br>break and <a href='#'>li</a>nk</p>"
    assert extract_html(html, source="x") == "foo bar\n\nline break and link"


def test_nested_blocks_are_not_duplicated() -> None:
    html = """<main><blockquote><p>First quoted.</p><p>Second quoted.</p></blockquote>
      <ul><li>Outer <ul><li>Inner</li></ul> tail</li></ul>
      <div>Loose text <p>then a paragraph</p> and more</div></main>"""
    assert extract_html(html, source="x") == (
        "First quoted.\n\nSecond quoted.\n\nOuter\n\nInner\n\ntail\n\n"
        "Loose text\n\nthen a paragraph\n\nand more"
    )


def test_malformed_html_still_extracts() -> None:
    html = "<html><body><article><h1>Title<p>One <b>bold<p>Two &amp three</div><li>item</i>"
    assert extract_html(html, source="x") == "Title\n\nOne bold\n\nTwo & three\n\nitem"
    truncated = "<html><body><main><p>Complete paragraph.</p><p>Cut off mid-sent"
    assert extract_html(truncated, source="x") == "Complete paragraph.\n\nCut off mid-sent"


def test_comments_and_markup_declarations_are_not_text() -> None:
    html = "<!DOCTYPE html><p>a<!-- hidden -->b</p><![CDATA[cdata]]><?php echo 1 ?>"
    assert extract_html(html, source="x") == "ab"


def test_largest_article_wins() -> None:
    html = """<body><article><p>Short teaser.</p></article>
      <article><h1>Full</h1><p>The whole story, told at length.</p></article></body>"""
    assert extract_html(html, source="x") == "Full\n\nThe whole story, told at length."


def test_main_then_role_main() -> None:
    assert extract_html("<p>intro</p><main><p>in main</p></main>", source="x") == "in main"
    html = "<p>outside</p><div role='main'><p>in role main</p></div>"
    assert extract_html(html, source="x") == "in role main"


def test_text_density_finds_the_story_without_landmarks() -> None:
    html = """<body><div class="top"><p>Short link list</p></div>
      <div class="story"><h2>Heading outside</h2><div class="text">
        <p>The first paragraph of the story is long enough to count.</p>
        <p>So is the second paragraph, which carries on the tale.</p></div></div>
      <div class="bottom"><p>Contact us</p></div></body>"""
    assert extract_html(html, source="x") == (
        "The first paragraph of the story is long enough to count.\n\n"
        "So is the second paragraph, which carries on the tale."
    )


def test_body_fallback_without_paragraphs() -> None:
    html = "<body><div>Only a div</div><span>and a span</span></body>"
    assert extract_html(html, source="x") == "Only a div\n\nand a span"


def test_boilerplate_classes_match_whole_words_only() -> None:
    html = """<article><p>Kept.</p><div class="commentary">Commentary kept.</div>
      <div class="shared-notes">Shared kept.</div><div class="comment-list">dropped</div>
      <div id="disqus_thread">dropped</div><div class="relatedPosts">dropped</div></article>"""
    assert extract_html(html, source="x") == "Kept.\n\nCommentary kept.\n\nShared kept."


def test_preformatted_block_keeps_lines_and_splits_on_blank_lines() -> None:
    html = "<article><pre>\n  one  \n   two\n\n\n three\n</pre></article>"
    assert extract_html(html, source="x") == "  one\n   two\n\n three"


def test_meta_charset_of_html_file(tmp_path: Path) -> None:
    html = b'<html><head><meta charset="windows-1252"></head><body><p>\x93Caf\xe9\x94</p>'
    v = load_file(write(tmp_path, "old.html", html))
    assert v.text == "\u201cCaf\u00e9\u201d"
    assert v.meta == {"encoding": "cp1252", "format": "html", "extractor": "textver"}


def test_explicit_encoding_overrides_meta_charset(tmp_path: Path) -> None:
    html = '<meta charset="utf-8"><p>\u0416\u0443\u043a</p>'.encode("koi8-r")
    v = load_file(write(tmp_path, "ru.html", html), encoding="koi8-r")
    assert v.text == "\u0416\u0443\u043a"
    assert v.meta["encoding"] == "koi8-r"


def test_page_that_looks_like_a_url_is_text_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert extract_html("http://example.org/page", source="x") == "http://example.org/page"


def test_extract_html_from_bytes() -> None:
    data = "<p>na\u00efve</p>".encode()
    assert extract_html(data, source="x") == "na\u00efve"


def test_html_file_with_only_boilerplate(tmp_path: Path) -> None:
    path = write(tmp_path, "nav.htm", b"<nav>Home | About</nav>")
    assert error_of(load_file, path) == f"{path}: no article text found (try --selector)"


# --- load() dispatch --------------------------------------------------------------------------


def test_load_reads_an_existing_path(tmp_path: Path) -> None:
    shutil.copy(DATA / "article.html", tmp_path / "copy.html")
    v = load(str(tmp_path / "copy.html"), selector="h1")
    assert (v.text, v.label) == ("The Tide Mill of Orrin Bay", "copy")


def test_load_passes_the_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "old.txt", b"caf\xe9\n")
    assert load(str(path), encoding="cp1252").text == "caf\u00e9\n"


def test_load_refuses_a_directory(tmp_path: Path) -> None:
    assert error_of(load, str(tmp_path)) == f"{tmp_path}: is a directory, not a file"


def test_load_store_reference(store, tmp_path: Path) -> None:
    store.add("marsh", "v1", "Salt marshes flood twice a day.\n")
    v = load("marsh:v1", store=store)
    assert (v.text, v.label) == ("Salt marshes flood twice a day.\n", "v1")
    message = error_of(load, "marsh:v9", store=store)
    assert message.startswith("marsh:v9: ")


def test_load_prefers_an_existing_file_over_a_store_reference(
    store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add("marsh", "v1", "From the store.\n")
    write(tmp_path, "marsh:v1", b"From the file.\n")
    monkeypatch.chdir(tmp_path)
    assert load("marsh:v1", store=store).text == "From the file.\n"


@pytest.mark.parametrize("ref", ["no-such-file.txt", "marsh:v1", "two words"])
def test_load_unknown_reference(ref: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert error_of(load, ref) == f"{ref}: no such file, URL or WORK:LABEL"


@pytest.mark.parametrize("ref", ["ftp://example.org/a.txt", "file:///etc/hostname"])
def test_load_refuses_other_url_schemes(ref: str) -> None:
    message = error_of(load, ref)
    assert message.startswith(f"{ref}: only http and https URLs can be fetched")


# --- real prose, read at run time -------------------------------------------------------------

SHARED = Path(os.environ.get("TEXTVER_SHARED") or Path(__file__).resolve().parents[2] / "shared")
DARWIN = SHARED / "corpora" / "darwin-origin-ch1"


def darwin_files() -> list[Path]:
    files = sorted(DARWIN.glob("*.txt"))
    if not files:
        pytest.skip(f"{DARWIN} is not available (set TEXTVER_SHARED to the shared folder)")
    return files


def test_corpus_text_is_stored_as_read() -> None:
    for path in darwin_files():
        v = load_file(path)
        assert v.text == normalize_text(path.read_bytes().decode("utf-8"))
        assert v.meta == {"format": "text"}


def test_corpus_as_a_web_page_compares_equal_to_the_text(tmp_path: Path) -> None:
    path = darwin_files()[0]
    plain = load_file(path)
    paragraphs = [plain.text[a:b] for a, b in segment(plain.text).paragraphs]
    page = (
        "<!DOCTYPE html><html><head><title>Chapter</title><script>alert(1)</script></head><body>"
        "<nav><a href='/'>Home</a></nav><article>"
        + "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        + "</article><div id='comments'><p>A reader's comment.</p></div></body></html>"
    )
    web = load_file(write(tmp_path, "chapter.html", page.encode()))
    a, b = segment(plain.text), segment(web.text)
    assert len(b.paragraphs) == len(a.paragraphs) == len(paragraphs)
    assert b.keys == a.keys


# --- properties -------------------------------------------------------------------------------

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéß0123456789'", min_size=1, max_size=8)
_SPACE = st.sampled_from([" ", "  ", "\n", "\t", "\r\n ", " \n  "])
_INLINE = st.sampled_from(["{}", "<em>{}</em>", "<b><i>{}</i></b>", "<a href='#x'>{}</a>"])


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ab\r\n\ufeff ", max_size=30))
def test_normalize_text_leaves_only_lf(raw: str) -> None:
    out = normalize_text(raw)
    assert "\r" not in out
    assert normalize_text(out) == out or out.startswith("\ufeff")
    assert out.replace("\n", "") == raw.removeprefix("\ufeff").replace("\r", "").replace("\n", "")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(_WORD, _INLINE, _SPACE), min_size=1, max_size=8),
        min_size=1,
        max_size=5,
    )
)
def test_marked_up_paragraphs_come_back_word_for_word(paragraphs) -> None:
    # A paragraph that is nothing but an ad label ("ad", "advert") is furniture by design.
    assume(not any(FURNITURE_LABEL.fullmatch(" ".join(w for w, _, _ in p)) for p in paragraphs))
    page = "<main>" + "".join(
        "<p>" + "".join(markup.format(word) + space for word, markup, space in para) + "</p>\n"
        for para in paragraphs
    )
    expected = "\n\n".join(" ".join(word for word, _, _ in para) for para in paragraphs)
    assert extract_html(page, source="gen.html") == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div>",
                "</div>",
                "<li>",
                "<pre>",
                "</pre>",
                "<br>",
                "<b>",
                "</i>",
                "<nav>",
                "<script>",
                "</script>",
                "<!--",
                "-->",
                "&amp;",
                "&#8217;",
                "&nbsp;",
                "text",
                " ",
                "\n",
                "<",
                ">",
                "<article>",
                "<hr>",
                "<p class='share'>",
            ]
        ),
        max_size=25,
    )
)
def test_any_tag_soup_gives_clean_blocks_or_a_clear_error(pieces: list[str]) -> None:
    try:
        text = extract_html("".join(pieces), source="soup.html")
    except TextverError as e:
        assert str(e) == "soup.html: no article text found (try --selector)"
        return
    assert text.strip()
    assert text == text.rstrip() and not text.startswith("\n")  # a <pre> may start indented
    assert "\n\n\n" not in text
    assert all(block.strip() for block in text.split("\n\n"))


def test_a_paragraph_that_is_only_an_ad_label_is_dropped_and_its_neighbours_kept() -> None:
    """The case the property above leaves out, pinned: the label goes, the article stays."""
    page = "<main><p>ad </p>\n<p>The harbour opens at dawn.</p>\n<p>Boats leave at noon.</p>"
    assert (
        extract_html(page, source="gen.html")
        == "The harbour opens at dawn.\n\nBoats leave at noon."
    )
