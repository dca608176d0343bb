"""Article extraction on news, blog and magazine pages laden with furniture (issue 13).

The pages under tests/data/pages are ours: invented prose in the markup of three kinds of
site.  ``NAME.txt`` is the article, one paragraph per block; ``NAME.furniture`` lists one
string a line from the page's furniture (ads glued to their label, "READ MORE" promos,
captions, kicker, byline, dateline, navigation, footer, cookie banner, related links,
comments, share buttons) that must not reach the stored text.
"""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path

import pytest

from textver import extract
from textver.errors import TextverWarning
from textver.extract import Extractor, extract_article
from textver.ingest import fetch_url, load_file

PAGES = Path(__file__).parent / "data" / "pages"
NAMES = ("news", "blog", "magazine")
# the headline may stand first in the stored text, or not: it is neither furniture nor prose
HEADLINES = {
    "news": "Harbour town votes to rebuild its tide mill",
    "blog": "Walking the drowned lanes of the salt marsh",
    "magazine": "The clockmaker who listens to bells",
}


def expected(name: str) -> list[str]:
    return (PAGES / f"{name}.txt").read_text("utf-8").strip().split("\n\n")


def furniture(name: str) -> list[str]:
    return (PAGES / f"{name}.furniture").read_text("utf-8").strip().splitlines()


def check_article(name: str, text: str) -> None:
    kept = [f for f in furniture(name) if f in text]
    assert kept == [], f"furniture kept from {name}.html: {kept}"
    blocks = [b for b in text.split("\n\n") if b != HEADLINES[name]]
    assert blocks == expected(name)


@pytest.mark.parametrize("name", NAMES)
def test_page_yields_the_article_and_no_furniture(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a whole article is no suspiciously short one
        v = load_file(PAGES / f"{name}.html")
    check_article(name, v.text)
    assert v.meta["extractor"] == "trafilatura"


def test_selector_still_drops_ads_captions_and_promos() -> None:
    v = load_file(PAGES / "news.html", selector="div.story-body")
    assert v.text.split("\n\n") == expected("news")
    article = load_file(PAGES / "news.html", selector="article").text
    for piece in ("Advertisement", "Buy cheap flights", "Photo: Ivo Brannagh", "READ MORE"):
        assert piece not in article
    assert "Harbour town votes to rebuild its tide mill" in article  # the user's pick is kept
    assert v.meta["author"] == "Mara Quillfeather"  # metadata is read whatever the selector


def test_selector_drops_an_ad_box_known_only_by_its_label() -> None:
    text = load_file(PAGES / "magazine.html", selector="div.css-b0dy").text
    assert text.split("\n\n") == expected("magazine")


def test_page_metadata_fills_provenance_and_says_so() -> None:
    v = load_file(PAGES / "news.html")
    assert {k: v.meta[k] for k in ("title", "author", "date", "publication", "from_page")} == {
        "title": "Harbour town votes to rebuild its tide mill",
        "author": "Mara Quillfeather",
        "date": "2024-03-12",
        "publication": "The Orrin Gazette",
        "from_page": "title, author, date, publication",
    }
    ld = load_file(PAGES / "magazine.html").meta  # from JSON-LD and og: tags
    assert (ld["author"], ld["date"], ld["publication"]) == (
        "Ines Varga",
        "2025-01-20",
        "Meridian Weekly",
    )


def test_add_records_page_metadata_unless_given(store, textver_cmd) -> None:
    r = textver_cmd("--store", store.root, "add", "mill", PAGES / "news.html", "-l", "gazette")
    assert r.returncode == 0, r.stderr
    r = textver_cmd(
        "--store", store.root, "add", "mill", PAGES / "news.html", "-l", "mine",
        "--date", "2024-03-13", "--publication", "Gazette (print)",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    manifest = tomllib.loads((store.root / "mill" / "manifest.toml").read_text("utf-8"))
    page, mine = manifest["editions"]
    assert (page["date"], page["publication"], page["author"]) == (
        "2024-03-12",
        "The Orrin Gazette",
        "Mara Quillfeather",
    )
    assert page["from_page"] == "title, author, date, publication"
    assert (mine["date"], mine["publication"]) == ("2024-03-13", "Gazette (print)")
    assert mine["from_page"] == "title, author"


def test_url_is_extracted_the_same_way(base: str) -> None:
    v = fetch_url(f"{base}/news.html")
    check_article("news", v.text)
    assert v.meta["author"] == "Mara Quillfeather"


LISTING = (
    "<html><head><title>Index of /files</title></head><body><h1>Index of /files</h1><pre>"
    + "".join(
        f'<a href="f{i}.txt">f{i}.txt</a>   2024-01-0{i % 9 + 1} 10:00  4.0K\n' for i in range(40)
    )
    + "</pre></body></html>"
)
PAYWALL = (
    "<html><body><article><h1>The ferryman's ledger</h1><p>For thirty years the ferryman kept "
    "a ledger of every crossing, and the pages tell a story of the town that no history has "
    "told.</p><div class='paywall'><p>Subscribe to continue reading.</p></div></article>"
    "</body></html>"
)
COOKIE_WALL = (
    "<html><body><div class='wall'><p>Before you continue: we use cookies and data to deliver "
    "and maintain our services and to measure audience engagement.</p><button>Accept all"
    "</button><button>Reject all</button></div></body></html>"
)


@pytest.mark.parametrize(
    "page", [LISTING, PAYWALL, COOKIE_WALL], ids=["listing", "paywall", "cookies"]
)
def test_suspiciously_little_is_stored_with_a_one_line_warning(
    page: str, store, tmp_path: Path, textver_cmd
) -> None:
    path = tmp_path / "page.html"
    path.write_text(page, "utf-8")
    r = textver_cmd("--store", store.root, "add", "w", path, "-l", "one")
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith(f"{path}: warning: ")
    assert f"fewer than {extract.MIN_ARTICLE_WORDS}" in r.stderr
    assert (store.root / "w" / "one.txt").read_text("utf-8").strip()


def test_a_whole_article_gives_no_warning(store, textver_cmd) -> None:
    r = textver_cmd("--store", store.root, "add", "w", PAGES / "blog.html", "-l", "blog")
    assert (r.returncode, r.stderr) == (0, "")


def test_a_page_past_the_size_limit_uses_the_linear_extractor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = (PAGES / "blog.html").read_text("utf-8")
    monkeypatch.setattr(extract, "TRAFILATURA_MAX_BYTES", len(page) - 1)
    article = extract_article(page, source="blog.html")
    assert article.extractor is Extractor.LINEAR
    for block in expected("blog"):
        assert block in article.text.split("\n\n")
    assert "Advertisement" not in article.text and "Luxury cottage" not in article.text


def test_warning_is_a_python_warning_for_library_callers(tmp_path: Path) -> None:
    path = tmp_path / "stub.html"
    path.write_text(PAYWALL, "utf-8")
    with pytest.warns(TextverWarning, match="stub.html: warning: "):
        load_file(path)


SHORT_PARAGRAPHS = [
    "By Tuesday, the mill was grinding again.",
    "She baked cookies and accepted the prize.",
    "Published in 1859, the book sold out in a day.",
    "The photograph: a mill at dusk, its wheel still.",
    "Share the flour, the miller said.",
]


def test_short_paragraphs_that_only_resemble_furniture_are_kept() -> None:
    story = expected("news")
    paragraphs = story[:4] + SHORT_PARAGRAPHS + story[4:]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = f"<html><body><article>{body}</article></body></html>"
    text = extract_article(page, source="p.html").text
    for paragraph in SHORT_PARAGRAPHS:
        assert paragraph in text.split("\n\n")
