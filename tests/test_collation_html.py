"""The HTML report of a collation, without a browser: what each column and mark holds, the
retention matrix, provenance, escaping, and no outside fetch."""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from pathlib import Path

from bs4 import BeautifulSoup

from tests.helpers import editions
from tests.texts import HARBOUR, IMG, SCRIPT, darwin_dir, join
from tests.texts import LIFEBOAT as ADDED
from textver.collate import Collation, collate
from textver.report.collation_html import render_collation_html
from textver.version import Version


def small() -> Collation:
    return collate(editions(), base="1901")


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def words(text: str) -> str:
    return " ".join(text.split())


def column_paragraphs(doc: BeautifulSoup, label: str) -> list[str]:
    """An edition's paragraphs as its column shows them (the base's without others' additions)."""
    out = []
    for cell in doc.select("#doc .row > [data-ed]"):
        if cell["data-ed"] != label:
            continue
        for el in cell.select(".none, .adds, .ch.ro"):
            el.decompose()
        out += [words(p.get_text()) for p in cell.select("p")]
    return out


def stored_paragraphs(col: Collation, label: str) -> list[str]:
    seg = col.segs[label]
    return [words(seg.text[s:e]) for s, e in seg.paragraphs]


def test_every_edition_with_its_provenance_and_size() -> None:
    col = small()
    doc = soup(render_collation_html(col))
    provs = doc.select(".prov")
    assert [p["aria-label"] for p in provs] == [
        "Base: 1901",
        "Edition: 1905",
        "Edition: 1910",
        "Edition: 1920",
    ]
    for prov, v in zip(provs, col.editions, strict=True):
        text = prov.get_text(" ")
        assert v.source in text and v.sha256 in text
        for value in v.meta.values():
            assert value in text
        seg = col.segs[v.label]
        assert f"{seg.word_count} words, {len(seg.paragraphs)} paragraphs" in text
    assert [a["href"] for a in doc.select(".prov a")] == ["https://example.org/1910"]
    assert doc.select_one(".colhead > div").get_text().startswith("1901 (base)")


def test_matrix_shows_the_collation_figures() -> None:
    col = small()
    doc = soup(render_collation_html(col))
    cells = doc.select(".matrix td.share")
    labels = [v.label for v in col.editions]
    assert [(c["data-row"], c["data-col"]) for c in cells] == [
        (a, b) for a in labels for b in labels
    ]
    for c in cells:
        share = col.matrix[c["data-row"]][c["data-col"]]
        assert float(c["data-value"]) == share
        expected = "—" if c["data-row"] == c["data-col"] else f"{100 * share:.1f}%"
        assert c.get_text() == expected
    # 1905 lacks a paragraph, so the base keeps all of 1905 but 1905 not all of the base.
    assert col.matrix["1905"]["1901"] == 1.0 > col.matrix["1901"]["1905"]
    shown = doc.select_one('.matrix td[data-row="1901"][data-col="1905"]').get_text()
    assert shown == f"{100 * col.matrix['1901']['1905']:.1f}%" and shown != "100.0%"
    for v in col.editions:
        seg = col.segs[v.label]
        w = doc.select_one(f'[data-stat="words"][data-edition="{v.label}"]')
        p = doc.select_one(f'[data-stat="paragraphs"][data-edition="{v.label}"]')
        assert int(w["data-value"]) == seg.word_count == int(w.get_text().replace(",", ""))
        assert int(p["data-value"]) == len(seg.paragraphs) == int(p.get_text())


def test_each_column_holds_its_edition_as_stored() -> None:
    col = small()
    doc = soup(render_collation_html(col))
    base = column_paragraphs(doc, "1901")
    assert base == stored_paragraphs(col, "1901")  # in the base's order
    for v in col.others:
        assert sorted(column_paragraphs(doc, v.label)) == sorted(stored_paragraphs(col, v.label))


def test_dropped_paragraph_is_an_absent_cell() -> None:
    doc = soup(render_collation_html(small()))
    absent = [c.find_parent(class_="row") for c in doc.select('.R.absent[data-ed="1905"]')]
    rows = [r for r in absent if "ch" not in r["class"]]  # not the rows of passages 1901 lacks
    assert len(rows) == 1
    row = rows[0]
    assert "passage not in 1905" in row.select_one(".rh").get_text()
    assert row.select_one('[data-ed="1905"]').get_text() == "absent"
    marked = row.select_one('.L .ch[data-label="not in 1905"] del')
    assert words(marked.get_text()) == HARBOUR[2]
    # The other editions show that paragraph unmarked.
    for label in ("1910", "1920"):
        cell = row.select_one(f'[data-ed="{label}"]')
        assert words(cell.get_text()) == HARBOUR[2] and not cell.select("ins, del, .lacks")


def test_added_paragraph_is_one_change_shown_in_its_edition() -> None:
    doc = soup(render_collation_html(small()))
    rows = doc.select(".row.ch")
    assert len(rows) == 1
    row = rows[0]
    assert row["data-label"] == "added in 1910" and "ro" in row["class"]
    assert words(row.select_one('[data-ed="1910"] ins').get_text()) == ADDED
    assert [c["data-ed"] for c in row.select(".absent")] == ["1901", "1905", "1920"]
    # In the base-with-marks view the base shows it as 1910's text.
    adds = row.select_one(".L .adds")
    assert adds.select_one(".wit").get_text() == "1910:"
    assert words(adds.select_one("ins").get_text()) == ADDED


def test_reworded_sentence_is_marked_in_base_and_edition() -> None:
    doc = soup(render_collation_html(small()))
    lacking = doc.select('.L .ch[data-label="not in 1920"]')
    assert [words(c.get_text()) for c in lacking] == ["Work took"]
    added = doc.select('.L .ch.ro[data-label="added in 1920"]')
    assert [words(c.get_text()) for c in added] == ["Building lasted"]
    assert all(c.select_one("del") for c in lacking) and all(c.select_one("ins") for c in added)
    # 1920's own column marks its words, tied to the change, and a caret where it lacks.
    cell = added[0].find_parent(class_="row").select_one('[data-ed="1920"]')
    assert [(i.get_text(), i["data-for"]) for i in cell.select("ins")] == [
        ("Building lasted", added[0]["id"])
    ]
    assert [g["data-for"] for g in cell.select(".lacks")] == [lacking[0]["id"]]
    assert cell.select_one(".lacks")["title"] == "not in 1920"


def test_changes_are_numbered_and_every_mark_points_at_one() -> None:
    col = small()
    doc = soup(render_collation_html(col))
    ids = [el["id"] for el in doc.select(".ch")]
    assert ids == [f"c{n}" for n in range(1, len(ids) + 1)]
    assert all(el.get("data-label") for el in doc.select(".ch"))
    # Dropped paragraph, added paragraph, and the reworded pair of units.
    assert len(ids) == 4
    assert doc.select_one("#status").get_text().startswith("4 changes")
    for mark in doc.select("[data-for]"):
        assert mark["data-for"] in ids
    # The overview strip: base words lacked on the left lane, additions on the right, in order.
    marks = [(m["class"][1], m["href"]) for m in doc.select(".minimap .mk")]
    assert marks == [("cut", "#c1"), ("add", "#c2"), ("cut", "#c3"), ("add", "#c4")]
    # Each edition's count of places where it differs from the base.
    differs = {
        tr.th.get_text().split()[0]: tr.select("td")[2].get_text()
        for tr in doc.select(".matrix tbody tr")
    }
    assert differs == {"1901": "—", "1905": "1 place", "1910": "1 place", "1920": "2 places"}


def test_rows_where_all_agree_are_marked_for_the_filter() -> None:
    col = small()
    doc = soup(render_collation_html(col))
    rows = doc.select("#doc .row")
    assert len(rows) == len(col.rows)
    unchanged = doc.select(".row.u")
    assert [words(r.select_one(".L").get_text()) for r in unchanged] == [
        HARBOUR[0],
        HARBOUR[3],
        HARBOUR[4],
    ]
    assert all(not r.select("del, ins, .ch, .lacks, .absent") for r in unchanged)
    assert all(len(r.select("[data-ed]")) == 4 for r in rows)
    assert [g.get_text() for g in doc.select(".gap")] == [
        "… 1 passage where all editions agree …",
        "… 1 passage where all editions agree …",
        "… 1 passage where all editions agree …",
    ]


def test_default_base_is_the_first_edition_given() -> None:
    """Not the longest: 1910's added paragraph is "added in 1910", never the first edition's
    text that the others "lack"."""
    eds = editions()
    doc = soup(render_collation_html(collate(eds)))
    assert doc.h1.select_one(".lbl").get_text() == "1901"
    assert doc.select(".prov")[0]["aria-label"] == "Base: 1901"
    assert not doc.select('.ch[data-label^="only in"]')
    assert doc.select('.row.ch[data-label="added in 1910"]')
    # Another order given, another base: the first again.
    doc = soup(render_collation_html(collate([eds[2], *eds[:2], *eds[3:]])))
    assert doc.h1.select_one(".lbl").get_text() == "1910"
    marked = doc.select('.L .ch[data-label="only in 1910"] del')
    assert [words(m.get_text()) for m in marked] == [ADDED]


def test_two_editions_name_the_one_that_lacks() -> None:
    base, dropped = editions()[:2]
    doc = soup(render_collation_html(collate([base, dropped])))
    assert [el["data-label"] for el in doc.select(".ch")] == ["not in 1905"]
    assert doc.select_one("#doc.coll")["style"] == "--n: 2"


def hostile() -> Collation:
    """Markup and script in every input the report shows: labels, provenance and texts."""
    base = Version(
        SCRIPT,
        f"{IMG}.txt",
        join([f"The first paragraph quotes {SCRIPT} plainly.", *HARBOUR]),
        {"url": "javascript:alert(1)", "publication": IMG, "translator": "</style><b>x</b>"},
    )
    other = Version(
        f"b{IMG}",
        "b.txt",
        join([f"The first paragraph quotes {IMG} plainly.", *HARBOUR[1:]]),
        {"url": 'https://example.org/a?b=1&c="2"', "notes": "<!-- -->", "language": 'en"><b>'},
    )
    third = Version("c</title>", "c.txt", join([*HARBOUR, f"<b>{SCRIPT}</b>"]))
    return collate([base, other, third], base=SCRIPT)


def test_hostile_input_is_escaped_everywhere() -> None:
    html = render_collation_html(hostile())
    doc = soup(html)
    scripts = doc.find_all("script")
    assert len(scripts) == 1 and "alert" not in scripts[0].get_text()
    assert not doc.find_all("img") and not doc.find_all("b")
    assert not any(attr.startswith("on") for el in doc.find_all(True) for attr in el.attrs)
    assert "<script>alert" not in html and "<img" not in html and "</style><b>" not in html
    assert doc.title.get_text().startswith(f"Collation of {SCRIPT}, b{IMG}, c</title>")
    assert doc.h1.select_one(".lbl").get_text() == SCRIPT
    assert "javascript:alert(1)" in doc.select(".prov")[0].get_text()
    assert not doc.select('a[href^="javascript"]')
    assert [a["href"] for a in doc.select(".prov a")] == ['https://example.org/a?b=1&c="2"']
    assert {c["lang"] for c in doc.select('#doc [data-ed^="b"]')} == {'en"><b>'}
    assert column_paragraphs(doc, SCRIPT)[0] == f"The first paragraph quotes {SCRIPT} plainly."
    assert any(f"<b>{SCRIPT}</b>" in el.get_text() for el in doc.select("#doc ins"))


def test_nothing_is_fetched_and_only_our_script_may_run() -> None:
    html = render_collation_html(hostile())
    doc = soup(html)
    assert not doc.select("[src]")
    external = [a["href"] for a in doc.select("[href]") if not a["href"].startswith("#")]
    assert external == ['https://example.org/a?b=1&c="2"']  # the provenance link only
    assert not doc.select("link, iframe, object, embed, img, base")
    style = doc.style.get_text()
    assert "url(" not in style and "@import" not in style
    csp = doc.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    assert "default-src 'none'" in csp
    digest = base64.b64encode(hashlib.sha256(doc.script.string.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp


def test_command_writes_the_collation_report(textver_cmd, tmp_path: Path) -> None:
    paths = []
    for v in editions():
        path = tmp_path / v.source
        path.write_text(v.text, encoding="utf-8")
        paths.append(path)
    out = tmp_path / "col.html"
    done = textver_cmd("compare", *paths, "--base", "1901", "--format", "html", "-o", out)
    assert done.returncode == 0, done.stderr
    doc = soup(out.read_text(encoding="utf-8"))
    assert doc.select_one(".prov")["aria-label"] == "Base: 1901"
    assert len(doc.select(".ch")) == 4


def darwin() -> Collation:
    d = darwin_dir()
    labels = ["1859", "1860", "1861", "1866", "1869", "1872"]
    return collate([Version(e, f"{e}.txt", (d / f"{e}.txt").read_text("utf-8")) for e in labels])


def test_darwin_six_editions() -> None:
    col = darwin()
    html = render_collation_html(col)
    doc = soup(html)
    labels = [v.label for v in col.editions]
    assert [p["aria-label"].split(": ")[1] for p in doc.select(".prov")] == labels
    for c in doc.select(".matrix td.share"):
        assert float(c["data-value"]) == col.matrix[c["data-row"]][c["data-col"]]
    ids = [el["id"] for el in doc.select(".ch")]
    assert ids == [f"c{n}" for n in range(1, len(ids) + 1)] and len(ids) > 100
    assert set(m["data-for"] for m in doc.select("[data-for]")) <= set(ids)
    assert {m["href"][1:] for m in doc.select(".mk")} <= set(ids)
    # A caret per edition that lacks a unit, and only one.
    carets = Counter(
        (g["data-for"], g.find_parent(attrs={"data-ed": True})["data-ed"])
        for g in doc.select(".lacks")
    )
    assert carets and set(carets.values()) == {1}
    label_of = {el["id"]: el["data-label"] for el in doc.select(".ch")}
    for anchor, label in carets:
        lacking = label_of[anchor]
        assert label in lacking.removeprefix("not in ").split(", ") or lacking.startswith("only")
    assert column_paragraphs(doc, col.base.label) == stored_paragraphs(col, col.base.label)
    for v in col.others:
        assert sorted(column_paragraphs(doc, v.label)) == sorted(stored_paragraphs(col, v.label))
    # Lean: markup a small multiple of the texts, marks per change and edition, not per word.
    total = sum(len(v.text) for v in col.editions)
    assert len(html) < 2.5 * total
    marks = len(re.findall(r"<(?:del|ins)\b|class=\"cr lacks\"", html))
    assert marks <= len(ids) * len(labels)
    words_in_marks = sum(len(el.get_text().split()) for el in doc.select("del, ins"))
    assert marks < words_in_marks


def test_the_collation_model_is_plain_data_built_without_the_template_engine():
    """The model module builds the report's data (as the pairwise one does) with no markup:
    jinja2 and markupsafe are the renderer's business only."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from tests.helpers import editions\n"
        "from textver.collate import collate\n"
        "from textver.report.collation_model import BitKind, collation_model\n"
        "r = collation_model(collate(editions(), base='1901'))\n"
        "kinds = {b.kind for row in r.rows for c in row.cells for p in c.paras for b in p}\n"
        "assert {BitKind.LACK, BitKind.INS, BitKind.GAP} <= kinds, kinds\n"
        "assert r.total == 4, r.total  # a paragraph dropped, one added, a word cut and added\n"
        "assert not {'jinja2', 'markupsafe'} & set(sys.modules), 'template engine imported'\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
