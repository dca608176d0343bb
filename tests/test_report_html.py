"""The HTML report without a browser: figures, vocabulary, anchors, escaping, no outside fetch."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys

from bs4 import BeautifulSoup

from tests.helpers import keeper
from tests.texts import IMG, LEFT_KEEPER, RIGHT_KEEPER, SCRIPT, darwin_dir, join
from textver.compare import Comparison, compare
from textver.report.html import render_html
from textver.version import Version


def hostile() -> Comparison:
    """Markup and script in every input a report shows: labels, provenance, and the texts."""
    left = Version(
        SCRIPT,
        f"{IMG}.txt",
        join([f"The first paragraph quotes {SCRIPT} plainly.", *LEFT_KEEPER]),
        {"url": "javascript:alert(1)", "publication": IMG, "translator": "</style><b>x</b>"},
    )
    right = Version(
        f"right{IMG}",
        "right.txt",
        join([f"The first paragraph quotes {IMG} plainly.", *RIGHT_KEEPER]),
        {"url": 'https://example.org/a?b=1&c="2"', "notes": "<!-- -->"},
    )
    return compare(left, right)


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_summary_figures_are_the_json_stats() -> None:
    c = keeper()
    stats = c.to_dict()["stats"]
    doc = soup(render_html(c))
    shown = {el["data-stat"]: el for el in doc.select("[data-stat]")}
    for key in ("left_words", "right_words", "removed_words", "inserted_words", "moved_paragraphs"):
        assert int(shown[key].get_text().replace(",", "")) == stats[key], key
        assert int(shown[key]["data-value"]) == stats[key]
    assert shown["retained"].get_text() == f"{100 * stats['retained']:.2f}%"
    assert float(shown["retained"]["data-value"]) == stats["retained"]
    kept = int(shown["kept_words"].get_text())
    assert kept == stats["left_words"] - stats["removed_words"]
    assert shown["dropped_paragraphs"].get_text() == "1"
    assert shown["left_paragraphs"].get_text() == str(len(LEFT_KEEPER))


def test_vocabulary_labels_and_anchors() -> None:
    doc = soup(render_html(keeper()))
    changes = doc.select(".ch")
    assert [el["id"] for el in changes] == ["c1", "c2", "c3", "c4", "c5"]
    assert [el["data-label"] for el in changes] == [
        "shortened sentence",
        "dropped sentence",
        "reworded sentence",
        "dropped paragraph",
        "moved",
    ]
    c2 = doc.select_one("#c2")
    assert c2.select_one("del").get_text() == "Captains trusted the beam more than their charts."
    c3 = doc.select_one("#c3")
    assert [d.get_text() for d in c3.select("del")] == ["careful", "handwriting"]
    assert [i.get_text().strip() for i in c3.select("ins")] == ["neat", "script"]
    # The right column shows the right text with its own added words, tied to the change.
    partner = doc.select_one('.cr[data-for="c3"]')
    assert partner.get_text() == "His daughter kept the logbook in neat copperplate script."
    badges = {b.get_text() for b in doc.select(".badge")}
    assert {"dropped paragraph", "moved", "edited", "moved here"} <= badges
    # The largest cuts link to their changes, biggest first.
    cuts = doc.select(".cuts a")
    assert [a["href"] for a in cuts] == ["#c4", "#c2", "#c1", "#c3"]


def test_move_links_both_ways() -> None:
    doc = soup(render_html(keeper()))
    moved = doc.select_one(".row.moved")
    there = moved.select_one(".rh a")["href"]
    marker = doc.select_one(there)
    assert marker is not None and "here" in marker["class"]
    assert marker.select_one("a")["href"] == f"#{moved['id']}"


def test_unchanged_rows_are_marked_for_the_filter() -> None:
    doc = soup(render_html(keeper()))
    unchanged = doc.select(".row.u")
    assert len(unchanged) == 4  # ¶5 and ¶7-¶9
    assert all(not r.select("del, ins, .ch") for r in unchanged)
    assert [g.get_text() for g in doc.select(".gap")] == [
        "… 1 unchanged paragraph …",
        "… 3 unchanged paragraphs …",
    ]


def test_hostile_input_is_escaped_everywhere() -> None:
    html = render_html(hostile())
    doc = soup(html)
    scripts = doc.find_all("script")
    assert len(scripts) == 1 and "alert" not in scripts[0].get_text()
    assert not doc.find_all("img")
    assert not doc.find_all("b")
    assert not any(attr.startswith("on") for el in doc.find_all(True) for attr in el.attrs), (
        "an event handler attribute came from the input"
    )
    assert "<script>alert" not in html and "<img" not in html and "</style><b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert doc.h1.get_text().startswith(SCRIPT)  # shown as text
    # A javascript: URL is shown, never linked; an http(s) one is linked, quotes escaped.
    assert not doc.select('a[href^="javascript"]')
    assert "javascript:alert(1)" in doc.select(".prov")[0].get_text()
    links = doc.select(".prov a")
    assert [a["href"] for a in links] == ['https://example.org/a?b=1&c="2"']
    assert 'c=&#34;2&#34;"' in html or 'c=&quot;2&quot;"' in html


def test_nothing_is_fetched_and_only_our_script_may_run() -> None:
    html = render_html(hostile())
    doc = soup(html)
    assert not doc.select("[src]")
    external = [a["href"] for a in doc.select("[href]") if not a["href"].startswith("#")]
    assert external == ['https://example.org/a?b=1&c="2"']  # the provenance link only
    assert not doc.select("link, iframe, object, embed, img, base")
    style = doc.style.get_text()
    assert "url(" not in style and "@import" not in style
    csp = doc.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    assert "default-src 'none'" in csp
    script = doc.script.string
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_jinja2_is_imported_only_to_render_html() -> None:
    code = (
        "import sys, textver.compare, textver.report.html, textver.report.text; "
        "print('jinja2' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_each_column_carries_its_language() -> None:
    left = Version("en", "en.txt", join(LEFT_KEEPER), {"language": "en"})
    right = Version("fr", "fr.txt", join(RIGHT_KEEPER), {"language": 'fr"><b>'})
    doc = soup(render_html(compare(left, right)))
    assert {c["lang"] for c in doc.select("#doc .L")} == {"en"}
    assert {c["lang"] for c in doc.select("#doc .R")} == {'fr"><b>'}  # escaped, not markup
    assert not doc.select("#doc b")


def test_identical_texts() -> None:
    v = Version("a", "a", join(LEFT_KEEPER))
    doc = soup(render_html(compare(v, Version("b", "b", join(LEFT_KEEPER)))))
    assert not doc.select("#doc .ch, #doc del, #doc ins")
    assert doc.select_one('[data-stat="retained"]').get_text() == "100.00%"


def test_darwin_report_is_lean() -> None:
    d = darwin_dir()
    left = Version("1859", "1859.txt", (d / "1859.txt").read_text(encoding="utf-8"))
    right = Version("1872", "1872.txt", (d / "1872.txt").read_text(encoding="utf-8"))
    c = compare(left, right)
    html = render_html(c)
    doc = soup(html)
    stats = c.stats
    assert (
        int(doc.select_one('[data-stat="removed_words"]')["data-value"]) == stats["removed_words"]
    )
    ids = [el["id"] for el in doc.select(".ch")]
    assert ids == [f"c{n}" for n in range(1, len(ids) + 1)]
    assert all(doc.select_one(f"#{a['href'][1:]}") for a in doc.select(".mk, .cuts a"))
    # No element per unchanged word: markup stays a small multiple of the text.
    assert len(html) < 4 * (len(left.text) + len(right.text))
    assert len(re.findall(r"<(?:del|ins)\b", html)) < 3 * len(c.changes)


def test_a_paragraph_reordered_within_itself_is_not_reported_moved() -> None:
    """A paragraph split in two in place, its last sentence now first: the aligner marks the
    record moved (text out of order), but it stands where it stood, so the report calls it
    reordered, with no "moved here" marker; a paragraph that travelled is still moved."""
    opening = "The harbour master opened the ledger at dawn and counted the boats at the quay."
    s = [
        "Each captain signed for the herring landed that morning.",
        "The clerk copied every figure into the second book.",
        "Rain closed the market before noon on most days in March.",
        "A bell on the pier rang whenever the tide turned.",
    ]
    closing = "In the evening the lamps were lit from the lighthouse to the fish market."
    far = "Gulls followed the last boat home past the breakwater and the old customs house."
    left = join([opening, " ".join(s), closing, *LEFT_KEEPER[:2], far])
    right = join([opening, " ".join([s[3], s[0], s[1]]), s[2], closing, far, *LEFT_KEEPER[:2]])
    c = compare(Version("a", "a.txt", left), Version("b", "b.txt", right))
    assert [lk.moved for lk in c.links[:2]] == [False, True]  # what the aligner says
    doc = soup(render_html(c))
    split = doc.select_one(".row.k-split")
    assert "moved" not in split["class"]
    badges = [b.get_text() for b in split.select(".rh .badge")]
    assert badges == ["split", "sentences reordered"]
    assert split.get("data-label") == "split" and split.get("id")
    # One marker, for the paragraph that did travel, and it is not above the split one.
    markers = doc.select(".row.here")
    assert [m.select_one(".pn").get_text() for m in markers] == ["¶5 of b"]
    assert split.find_previous_sibling("div", class_="row").get("class") == ["row", "u"]
    moved = int(doc.select_one('[data-stat="moved_paragraphs"]').get_text())
    reordered = int(doc.select_one('[data-stat="reordered_paragraphs"]').get_text())
    assert (moved, reordered) == (1, 2)
    assert moved + reordered == c.stats["moved_paragraphs"]  # the JSON counts both


def test_largest_cuts_quote_a_reworded_sentence_with_its_cut_words_marked() -> None:
    """Not the cut words strung together ("careful … handwriting"): the sentence, its cut
    words struck through, the words put in their place left out."""
    doc = soup(render_html(keeper()))
    quotes = {
        li.select_one(".badge").get_text(): li.select_one("q") for li in doc.select(".cuts li")
    }
    reworded = quotes["reworded sentence"]
    assert (
        reworded.get_text() == "His daughter kept the logbook in careful copperplate handwriting."
    )
    assert [d.get_text() for d in reworded.select("del")] == ["careful", "handwriting"]
    assert not reworded.select("ins")
    dropped = quotes["dropped sentence"]
    assert [d.get_text() for d in dropped.select("del")] == [
        "Captains trusted the beam more than their charts."
    ]


def test_a_long_sentence_is_quoted_from_just_before_its_first_cut() -> None:
    lead = " ".join(f"word{n}" for n in range(40))
    left = Version("a", "a.txt", f"{lead} the old harbour wall fell down in the storm.")
    right = Version("b", "b.txt", f"{lead} the harbour wall fell down in the storm.")
    quote = soup(render_html(compare(left, right))).select_one(".cuts q")
    assert quote.select_one("del").get_text() == "old"
    assert quote.get_text().startswith("…") and "word39 the old harbour wall" in quote.get_text()
    assert "word0 " not in quote.get_text()
