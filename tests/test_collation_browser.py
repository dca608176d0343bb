"""The collation report in a real headless browser: it runs clean and offline, and the
controls it shares with the two-text report (steps, views, filter, hash) work on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import (
    CONTRAST,
    OVERFLOW,
    PHONE,
    css_string,
    current,
    first_screen,
    in_view,
    open_report,
    skip_without_browser,
)
from tests.texts import FILLER, HARBOUR, IMG, SCRIPT, darwin_dir, join
from tests.texts import LIFEBOAT as ADDED
from textver.collate import collate
from textver.report.collation_html import render_collation_html
from textver.version import Version

skip_without_browser()

OPENING = f"The opening line quotes {SCRIPT} plainly."
REWORDED = "The opening line quotes a harmless phrase plainly."


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Four editions with hostile labels and texts, unchanged filler between the opening line
    (reworded in one edition) and the rest, so that stepping must scroll; its file URL."""
    base = Version(
        SCRIPT,
        "base.txt",
        join([OPENING, *FILLER, *HARBOUR]),
        {"url": "javascript:alert(1)", "publication": IMG},
    )
    dropped = Version(f"b{IMG}", "b.txt", join([OPENING, *FILLER, *HARBOUR[:2], *HARBOUR[3:]]), {})
    added = Version("c", "c.txt", join([OPENING, *FILLER, *HARBOUR[:4], ADDED, *HARBOUR[4:]]), {})
    reworded = Version(
        "d",
        "d.txt",
        join([REWORDED, *FILLER, *HARBOUR]),
        {"url": "https://example.org/d"},
    )
    col = collate([base, dropped, added, reworded], base=SCRIPT)
    path = tmp_path_factory.mktemp("collation") / "collation.html"
    path.write_text(render_collation_html(col), encoding="utf-8")
    return path.as_uri()


def ids(pg: object) -> list[str]:
    return [c.split()[0] for c in current(pg)]


def test_loads_clean_and_offline(page: tuple, report: str) -> None:
    pg, rec = page
    open_report(pg, report)
    pg.wait_for_timeout(200)
    assert rec.errors == []
    assert rec.requests == [report] and rec.failed == []
    assert pg.evaluate("document.scripts.length") == 1
    assert pg.locator("img").count() == 0


def test_n_and_p_step_through_changes(page: tuple, report: str) -> None:
    pg, _ = page
    open_report(pg, report)
    all_ids = pg.evaluate("[...document.querySelectorAll('.ch')].map(e => e.id)")
    assert all_ids == [f"c{n}" for n in range(1, len(all_ids) + 1)] and len(all_ids) >= 4
    assert current(pg) == []
    pg.keyboard.press("n")
    assert ids(pg) == ["c1"]
    assert pg.text_content("#status") == f"Change 1 of {len(all_ids)}: not in d"
    assert in_view(pg, "#c1")
    pg.keyboard.press("n")
    assert ids(pg) == ["c2"]
    top = pg.evaluate("scrollY")
    pg.keyboard.press("n")
    assert ids(pg) == ["c3"]
    assert pg.evaluate("scrollY") > top + 500  # the filler lies between the opening and c3
    pg.keyboard.press("p")
    pg.keyboard.press("p")
    assert ids(pg) == ["c1"]
    pg.click("#next")
    assert ids(pg) == ["c2"]
    pg.click("#prev")
    pg.click("#prev")  # no change before the first
    assert ids(pg) == ["c1"]
    assert pg.evaluate("location.hash") == "#c1"


def test_added_words_are_shown_in_their_edition_column(page: tuple, report: str) -> None:
    """In the columns view the base hides what others add; stepping there shows it in the
    editions that add it, marked as the current change's counterpart."""
    pg, _ = page
    open_report(pg, report)
    pg.keyboard.press("n")
    pg.keyboard.press("n")
    assert ids(pg) == ["c2"]
    assert "ro" in pg.get_attribute("#c2", "class")
    assert not pg.locator("#c2").is_visible()
    partner = '.cr.current-r[data-for="c2"]'
    assert pg.locator(partner).count() == 1
    assert pg.text_content(partner) == "a harmless phrase"
    assert (
        pg.evaluate(f"document.querySelector('{partner}').closest('[data-ed]').dataset.ed") == "d"
    )
    assert in_view(pg, partner)
    # Where d lacks the base's words, its column has a caret tied to that change.
    assert pg.locator('[data-ed="d"] .lacks[data-for="c1"]').is_visible()


def test_view_switch_works_and_is_remembered(page: tuple, report: str) -> None:
    pg, _ = page
    open_report(pg, report)
    columns = ".row.x .R >> nth=0"
    inline_add = "#c2"
    assert pg.get_attribute("[data-view=sbs]", "aria-pressed") == "true"
    assert pg.locator(columns).is_visible() and not pg.locator(inline_add).is_visible()
    pg.click("[data-view=inline]")
    assert pg.get_attribute("[data-view=inline]", "aria-pressed") == "true"
    assert not pg.locator(columns).is_visible()
    assert pg.locator(inline_add).is_visible()
    badge = pg.evaluate("getComputedStyle(document.querySelector('#c2'), '::before').content")
    assert badge == '"+ added in d"'
    pg.wait_for_timeout(500)  # let the browser commit the page's storage before reloading
    pg.reload()
    pg.wait_for_function("window.textverReady === true")
    assert "inline" in pg.get_attribute("body", "class")
    assert pg.locator(inline_add).is_visible()
    # The passage only c has: in the base-with-marks view, as c's text.
    added_row = pg.locator(".row.ch.k-added-paragraph")
    assert added_row.locator(".L .adds").is_visible()
    assert not added_row.locator(".L .none").is_visible()
    pg.click("[data-view=sbs]")
    assert pg.locator(columns).is_visible() and not pg.locator(inline_add).is_visible()
    assert added_row.locator(".L .none").is_visible()


def test_columns_stand_side_by_side(page: tuple, report: str) -> None:
    pg, _ = page
    open_report(pg, report)
    boxes = pg.evaluate(
        "[...document.querySelectorAll('.row.x')].map(r => [...r.querySelectorAll('[data-ed]')]"
        ".map(c => [c.dataset.ed, c.getBoundingClientRect().top, c.getBoundingClientRect().left]))"
    )
    assert boxes
    for row in boxes:
        assert [ed for ed, _, _ in row] == [SCRIPT, f"b{IMG}", "c", "d"]
        assert max(t for _, t, _ in row) - min(t for _, t, _ in row) < 1
        lefts = [x for _, _, x in row]
        assert lefts == sorted(lefts) and len(set(lefts)) == 4
    heads = pg.evaluate("[...document.querySelectorAll('.colhead > div')].map(e => e.innerText)")
    assert heads[0].startswith(f"{SCRIPT} (base)") and heads[1:] == [f"b{IMG}", "c", "d"]


def test_filter_hides_passages_where_all_agree(page: tuple, report: str) -> None:
    pg, _ = page
    open_report(pg, report)
    rows = pg.locator(".row.u")
    assert rows.count() >= len(FILLER)
    assert rows.first.is_visible() and not pg.locator(".gap").first.is_visible()
    pg.check("#only-changed")
    assert pg.evaluate("[...document.querySelectorAll('.row.u')].every(r => !r.checkVisibility())")
    assert pg.locator(".row.x").first.is_visible()
    assert pg.locator(".gap").first.is_visible()
    # The filler and the two harbour paragraphs before the one b lacks.
    assert f"{len(FILLER) + 2} passages where all editions agree" in pg.text_content(".gap")
    pg.wait_for_timeout(500)
    pg.reload()
    pg.wait_for_function("window.textverReady === true")
    assert pg.is_checked("#only-changed") and not rows.first.is_visible()
    pg.uncheck("#only-changed")
    assert rows.first.is_visible()


def test_hash_selects_that_change(page: tuple, report: str) -> None:
    pg, _ = page
    open_report(pg, report + "#c3")
    assert ids(pg) == ["c3"]
    assert in_view(pg, "#c3")
    pg.keyboard.press("n")
    assert ids(pg) == ["c4"]


def test_overview_strip_selects_changes(page: tuple, report: str) -> None:
    pg, _ = page
    open_report(pg, report)
    mark = pg.locator(".mk").last
    target = mark.get_attribute("href")[1:]
    mark.click()
    assert ids(pg) == [target]
    assert pg.locator(".mk").count() >= 3


def test_hostile_input_is_text(page: tuple, report: str) -> None:
    pg, rec = page
    open_report(pg, report)
    assert pg.text_content("h1 .lbl") == SCRIPT
    assert IMG in pg.text_content(".prov")
    assert pg.locator("a[href^=javascript]").count() == 0
    assert pg.locator("a[href^=http]").count() == 1
    pg.click("[data-view=inline]")
    assert SCRIPT in pg.inner_text("#c1")
    pg.wait_for_timeout(200)
    assert rec.dialogs == []


def test_text_colours_meet_wcag_aa(page: tuple, report: str) -> None:
    pg, _ = page
    open_report(pg, report)
    pg.keyboard.press("n")
    bad = pg.evaluate(CONTRAST)
    pg.click("[data-view=inline]")
    pg.keyboard.press("n")
    bad += pg.evaluate(CONTRAST)
    pg.check("#only-changed")
    bad += pg.evaluate(CONTRAST)
    assert bad == []


def test_phone_width_stacks_columns(page: tuple, report: str) -> None:
    pg, _ = page
    pg.set_viewport_size({"width": 390, "height": 800})
    open_report(pg, report)
    pg.click("[data-view=sbs]")
    tops = pg.evaluate(
        "[...document.querySelector('.row.x').querySelectorAll('[data-ed]')]"
        ".map(e => e.getBoundingClientRect().top)"
    )
    assert tops == sorted(tops) and len(set(tops)) == len(tops)
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    # Stacked cells name their edition, since the column heads are gone.
    label = pg.evaluate(
        "getComputedStyle(document.querySelector('.row.x .R[data-ed=\"d\"]'), '::before').content"
    )
    assert label == '"d"'


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}])
def test_first_screen_shows_the_matrix_then_provenance_folded(
    page: tuple, report: str, viewport: dict
) -> None:
    pg, _ = page
    pg.set_viewport_size(viewport)
    open_report(pg, report)
    at = first_screen(pg)
    assert 0 <= at["summary"] < at["figure"] < at["height"] - 40
    assert at["card"] is None and at["fold"] > at["figure"]
    pg.click(".provenance > summary")
    assert pg.locator(".prov").count() == 4 and pg.locator(".prov").last.is_visible()


def test_phone_reads_the_base_with_marks_and_only_the_matrix_scrolls(
    page: tuple, report: str
) -> None:
    """On a phone nothing is wider than the screen but the matrix of four editions, which
    scrolls inside its own box; the stacked columns name their edition on every copy."""
    pg, _ = page
    pg.set_viewport_size(PHONE)
    open_report(pg, report)
    assert "inline" in pg.get_attribute("body", "class")
    wrap = pg.locator(".matrix-wrap")
    assert wrap.get_attribute("data-scrolls") is not None
    assert wrap.bounding_box()["x"] + wrap.bounding_box()["width"] <= 390
    assert pg.evaluate(OVERFLOW) == []
    pg.click("[data-view=sbs]")
    pg.click(".provenance > summary")
    assert pg.evaluate(OVERFLOW) == []
    named = pg.evaluate(
        """() => [...document.querySelectorAll('#doc .row > [data-ed]')]
             .filter(e => e.checkVisibility())
             .map(e => [e.dataset.ed, getComputedStyle(e, '::before').content])"""
    )
    assert len(named) > 4 * len(FILLER)
    assert all(label == css_string(ed) for ed, label in named)


def test_darwin_six_editions(page: tuple, tmp_path: Path) -> None:
    d = darwin_dir()
    labels = ["1859", "1860", "1861", "1866", "1869", "1872"]
    col = collate([Version(e, f"{e}.txt", (d / f"{e}.txt").read_text("utf-8")) for e in labels])
    path = tmp_path / "darwin.html"
    path.write_text(render_collation_html(col), encoding="utf-8")
    pg, rec = page
    open_report(pg, path.as_uri())
    assert pg.evaluate("window.textverReadyAt") < 3000
    n = pg.evaluate("document.querySelectorAll('.ch').length")
    assert f"Change 1 of {n:,}" not in pg.text_content("#status")
    pg.keyboard.press("n")
    assert f"Change 1 of {n:,}" in pg.text_content("#status")
    last = f"c{n}"
    pg.evaluate(f"location.hash = '#{last}'")
    pg.wait_for_function(f"document.querySelector('#{last}').classList.contains('current')")
    assert pg.evaluate("document.querySelectorAll('#doc .row > [data-ed]').length") == len(
        col.rows
    ) * len(labels)
    assert rec.errors == []
