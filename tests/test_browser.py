"""The HTML report in a real headless browser: it runs clean and offline, and its controls work."""

from __future__ import annotations

import re
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
from tests.texts import FILLER, IMG, LEFT_KEEPER, RIGHT_KEEPER, SCRIPT, join
from textver.compare import compare
from textver.report.html import render_html
from textver.version import Version

skip_without_browser()

NOTES = "Framing lines kept out of the text:\nFirst line\nSecond line"
# The last filler paragraph gains a sentence on the right.
ADDED = FILLER[-1] + " A gale then closed the harbour for nine whole days."


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    """A report of hostile labels and texts with every kind of change; its URL and JSON stats."""
    left = Version(
        SCRIPT,
        "left.txt",
        join([f"The opening line quotes {SCRIPT} plainly.", *FILLER, *LEFT_KEEPER]),
        # As the store gives them: its computed size and hash among the provenance fields.
        {"url": "javascript:alert(1)", "publication": IMG, "notes": NOTES, "words": "1"},
    )
    left.meta["sha256"] = left.sha256
    right = Version(
        f"right{IMG}",
        "right.txt",
        join([f"The opening line quotes {IMG} plainly.", *FILLER[:-1], ADDED, *RIGHT_KEEPER]),
        {"url": "https://example.org/edition"},
    )
    c = compare(left, right)
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(c), encoding="utf-8")
    return path.as_uri(), c.to_dict()["stats"]


def test_loads_clean_and_offline(page: tuple, report: tuple) -> None:
    pg, rec = page
    url, _ = report
    open_report(pg, url)
    pg.wait_for_timeout(200)
    assert rec.errors == []
    assert rec.requests == [url] and rec.failed == []
    assert pg.locator("img").count() == 0
    assert pg.evaluate("document.scripts.length") == 1


def test_summary_shows_the_json_figures(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, stats = report
    open_report(pg, url)
    shown = pg.evaluate(
        "Object.fromEntries([...document.querySelectorAll('[data-stat]')]"
        ".map(e => [e.dataset.stat, e.textContent]))"
    )
    for key in ("left_words", "right_words", "removed_words", "inserted_words", "moved_paragraphs"):
        assert int(shown[key].replace(",", "")) == stats[key], key
    assert shown["retained"] == f"{100 * stats['retained']:.2f}%"


def test_n_and_p_step_through_changes(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, _ = report
    open_report(pg, url)
    ids = pg.evaluate("[...document.querySelectorAll('.ch')].map(e => e.id)")
    assert ids == [f"c{n}" for n in range(1, len(ids) + 1)] and len(ids) >= 5
    assert current(pg) == []
    pg.keyboard.press("n")
    assert current(pg) == ["c1 ch k-reworded-sentence current"]
    assert in_view(pg, "#c1")
    top = pg.evaluate("scrollY")
    pg.keyboard.press("n")
    assert [c.split()[0] for c in current(pg)] == ["c2"]
    assert "current" in pg.get_attribute("#c2", "class")
    assert pg.evaluate("scrollY") > top + 500  # the filler lies between c1 and c2
    assert in_view(pg, "#c2")
    pg.keyboard.press("n")
    pg.keyboard.press("p")
    assert [c.split()[0] for c in current(pg)] == ["c2"]
    pg.keyboard.press("p")
    assert [c.split()[0] for c in current(pg)] == ["c1"]
    assert in_view(pg, "#c1")
    pg.click("#next")
    pg.click("#next")
    assert [c.split()[0] for c in current(pg)] == ["c3"]
    pg.click("#prev")
    assert [c.split()[0] for c in current(pg)] == ["c2"]
    assert "Change 2 of" in pg.text_content("#status")
    # Its counterpart in the right column is marked too.
    assert pg.locator('.cr.current-r[data-for="c2"]').count() == 1


def test_keys_work_with_a_control_focused(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, _ = report
    open_report(pg, url)
    pg.focus("#only-changed")
    pg.keyboard.press("n")
    assert [c.split()[0] for c in current(pg)] == ["c1"]  # a checkbox is not a text field
    assert pg.evaluate("location.hash") == "#c1"


def test_filter_hides_unchanged_passages(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, _ = report
    open_report(pg, url)
    rows = pg.locator(".row.u")
    assert rows.count() > 30
    assert rows.first.is_visible()
    assert not pg.locator(".gap").first.is_visible()
    pg.check("#only-changed")
    assert pg.evaluate("[...document.querySelectorAll('.row.u')].every(r => !r.checkVisibility())")
    assert pg.locator(".row.x").first.is_visible()
    assert pg.locator(".gap").first.is_visible()
    assert "29 unchanged paragraphs" in pg.locator(".gap").first.text_content()
    pg.wait_for_timeout(500)
    pg.reload()
    pg.wait_for_function("window.textverReady === true")
    assert pg.is_checked("#only-changed")
    assert not rows.first.is_visible()
    pg.uncheck("#only-changed")
    assert rows.first.is_visible()


def test_view_switch_works_and_is_remembered(page: tuple, report: tuple) -> None:
    from playwright.sync_api import expect  # retries each check until it holds or times out

    pg, _ = page
    url, _ = report
    open_report(pg, url)
    added = pg.locator("#c1 ins >> nth=0")  # the reworded opening line: added words inline only
    right = pg.locator(".row.x .R").first
    expect(right).to_be_visible()
    expect(added).to_be_hidden()
    pg.click("[data-view=inline]")
    expect(pg.locator("[data-view=inline]")).to_have_attribute("aria-pressed", "true")
    expect(right).to_be_hidden()
    expect(added).to_be_visible()
    pg.wait_for_timeout(500)  # let the browser commit the page's storage before reloading
    pg.reload()
    pg.wait_for_function("window.textverReady === true")
    expect(pg.locator("body")).to_have_class(re.compile(r"\binline\b"))
    expect(pg.locator("[data-view=sbs]")).to_have_attribute("aria-pressed", "false")
    expect(added).to_be_visible()
    pg.click("[data-view=sbs]")
    expect(right).to_be_visible()
    expect(added).to_be_hidden()


def test_side_by_side_rows_keep_columns_together(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, _ = report
    open_report(pg, url)
    tops = pg.evaluate(
        "[...document.querySelectorAll('.row.x')].slice(0, 4).map(r => "
        "[r.querySelector('.L').getBoundingClientRect().top, "
        "r.querySelector('.R').getBoundingClientRect().top, "
        "r.querySelector('.L').getBoundingClientRect().left < "
        "r.querySelector('.R').getBoundingClientRect().left])"
    )
    assert all(abs(lt - rt) < 1 and side for lt, rt, side in tops)


def test_hostile_input_is_text(page: tuple, report: tuple) -> None:
    pg, rec = page
    url, _ = report
    open_report(pg, url)
    assert SCRIPT in pg.text_content("h1")
    assert pg.locator("#c1").is_visible()
    assert f"quotes {SCRIPT} plainly." in pg.inner_text("#c1 >> xpath=..")
    assert IMG in pg.text_content(".prov")
    assert pg.locator("a[href^=javascript]").count() == 0
    pg.wait_for_timeout(200)
    assert rec.dialogs == []


def test_hash_selects_that_change(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, _ = report
    open_report(pg, url + "#c4")
    assert [c.split()[0] for c in current(pg)] == ["c4"]
    assert in_view(pg, "#c4")
    pg.keyboard.press("n")
    assert [c.split()[0] for c in current(pg)] == ["c5"]


def test_links_to_changes_select_them(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, _ = report
    open_report(pg, url)
    first_cut = pg.locator(".cuts a").first
    target = first_cut.get_attribute("href")[1:]
    first_cut.click()
    assert [c.split()[0] for c in current(pg)] == [target]
    assert in_view(pg, f"#{target}")
    mark = pg.locator(".mk").last
    target = mark.get_attribute("href")[1:]
    mark.click()
    assert [c.split()[0] for c in current(pg)] == [target]


def test_move_links_there_and_back(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, _ = report
    open_report(pg, url)
    pg.click(".row.moved .rh a")
    marker = pg.evaluate("location.hash")
    assert marker.startswith("#m")
    assert in_view(pg, marker)
    pg.click(f"{marker} a")
    moved = pg.get_attribute(".row.moved", "id")
    assert [c.split()[0] for c in current(pg)] == [moved]


def test_phone_width_stacks_columns_and_print_drops_controls(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, _ = report
    pg.set_viewport_size({"width": 390, "height": 800})
    open_report(pg, url)
    pg.click("[data-view=sbs]")
    left, right = pg.evaluate(
        "[...document.querySelectorAll('.row.x')[1].querySelectorAll('.L, .R')]"
        ".map(e => e.getBoundingClientRect().top)"
    )
    assert right > left
    assert not pg.locator(".minimap").is_visible()
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    pg.set_viewport_size({"width": 1280, "height": 800})
    pg.emulate_media(media="print")
    assert not pg.locator(".bar").is_visible()
    assert pg.locator(".row.x .R").first.is_visible()
    assert pg.locator(".row.x .L").first.is_visible()


def test_storage_refused_still_works(browser: object, report: tuple) -> None:
    """file:// pages may be denied localStorage; the report must not break."""
    url, _ = report
    context = browser.new_context()  # type: ignore[attr-defined]
    context.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() { throw new Error('denied'); }});"
    )
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    open_report(pg, url)
    pg.click("[data-view=inline]")
    pg.keyboard.press("n")
    assert "inline" in pg.get_attribute("body", "class")
    assert [c.split()[0] for c in current(pg)] == ["c1"]
    assert errors == []
    context.close()


def test_text_colours_meet_wcag_aa(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, _ = report
    open_report(pg, url)
    pg.keyboard.press("n")  # a current change has its own colours
    bad = pg.evaluate(CONTRAST)
    pg.click("[data-view=inline]")
    pg.check("#only-changed")
    bad += pg.evaluate(CONTRAST)
    assert bad == []


def test_added_sentence_is_shown_on_the_right_side_by_side(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, _ = report
    open_report(pg, url)
    ro = pg.evaluate("[...document.querySelectorAll('.ch.ro')].map(e => e.id)")
    assert ro == ["c2"]  # the sentence added to the last filler paragraph
    open_report(pg, f"{url}#{ro[0]}")
    assert in_view(pg, f'.cr[data-for="{ro[0]}"]')


def test_first_step_starts_where_the_reader_is(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, _ = report
    for key, expected in (("n", "c2"), ("p", "c1")):
        pg.goto("about:blank")
        open_report(pg, url)  # no hash, so nothing is current yet
        pg.evaluate("document.querySelector('#c1').scrollIntoView({block: 'start'})")
        pg.evaluate("window.scrollBy(0, 400)")  # c1 is now above the window, c2 below
        pg.keyboard.press(key)
        assert [c.split()[0] for c in current(pg)] == [expected], key


def test_policy_blocks_any_other_script(page: tuple, report: tuple) -> None:
    """Even markup that got into the page could neither run nor fetch (defence in depth)."""
    pg, rec = page
    url, _ = report
    open_report(pg, url)
    pg.evaluate(
        """() => {
        const s = document.createElement('script');
        s.textContent = 'window.pwned = 1';
        document.body.appendChild(s);
        document.body.insertAdjacentHTML('beforeend',
            '<img src="https://example.org/x.png" onerror="window.pwned = 2">');
    }"""
    )
    pg.wait_for_timeout(300)
    assert pg.evaluate("window.pwned") is None
    assert rec.requests == [url, "https://example.org/x.png"]
    assert rec.failed == [("https://example.org/x.png", "csp")]  # blocked before it left
    assert any("Content Security Policy" in e for e in rec.errors)


def test_a_right_to_left_override_in_a_label_cannot_reorder_it(page: tuple, tmp_path: Path) -> None:
    """A file named "\\u202etxt.exe" must not read "exe.txt": as rendered, the label's letters
    run left to right in their logical order, the control shown, and the text after the label
    still comes after it."""
    pg, _ = page
    left = Version("\u202etxt.exe", "\u202etxt.exe.txt", join(["One stone.", "Two rivers."]))
    right = Version("b", "b.txt", join(["One stone.", "Three rivers."]))
    path = tmp_path / "bidi.html"
    path.write_text(render_html(compare(left, right)), encoding="utf-8")
    open_report(pg, path.as_uri())
    text, xs, label_right, arrow_left = pg.evaluate(
        """() => {
        const label = document.querySelector('h1 .lbl');
        const node = document.createTreeWalker(label, NodeFilter.SHOW_TEXT).nextNode();
        const xs = [];
        for (let i = 0; i < node.length; i++) {
            const r = document.createRange();
            r.setStart(node, i);
            r.setEnd(node, i + 1);
            const box = r.getBoundingClientRect();
            if (box.width > 0) xs.push(box.left);
        }
        const arrow = label.nextElementSibling.getBoundingClientRect();
        return [node.data, xs, label.getBoundingClientRect().right, arrow.left];
    }"""
    )
    assert xs == sorted(xs), f"{text!r} is drawn out of order: {xs}"
    assert text == "<U+202E>txt.exe" and len(xs) == len(text)
    assert label_right <= arrow_left + 1


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}])
def test_first_screen_shows_the_summary_then_provenance_folded(
    page: tuple, report: tuple, viewport: dict
) -> None:
    """What changed comes first, on a phone as on a desktop; provenance is one click away."""
    pg, _ = page
    url, _ = report
    pg.set_viewport_size(viewport)
    open_report(pg, url)
    at = first_screen(pg)
    assert 0 <= at["summary"] < at["figure"] < at["height"] - 40
    if viewport is not PHONE:
        assert at["cut"] < at["height"] - 20  # the largest cuts beside the figures
    assert at["card"] is None and at["fold"] > at["figure"]  # folded, below
    pg.click(".provenance > summary")
    assert pg.locator(".prov").first.is_visible()
    assert first_screen(pg)["card"] > at["figure"]


def test_provenance_card_shows_size_and_hash_once_and_keeps_note_lines(
    page: tuple, report: tuple
) -> None:
    pg, _ = page
    url, _ = report
    open_report(pg, url)
    pg.click(".provenance > summary")
    card = pg.locator(".prov").first
    names = card.locator("dt").all_inner_texts()
    assert names.count("sha256") == 1 and "words" not in names and names.count("size") == 1
    assert card.inner_text().count(pg.evaluate("document.querySelector('.hash').textContent")) == 1
    notes = pg.evaluate(
        "[...document.querySelectorAll('.prov dt')].find(e => e.textContent === 'notes')"
        ".nextElementSibling.innerText"
    )
    assert notes.split("\n") == NOTES.split("\n")


def test_phone_reads_inline_and_nothing_is_wider_than_the_screen(
    page: tuple, report: tuple
) -> None:
    pg, _ = page
    url, _ = report
    pg.set_viewport_size(PHONE)
    open_report(pg, url)
    assert "inline" in pg.get_attribute("body", "class")  # no choice remembered: inline
    assert pg.get_attribute("[data-view=inline]", "aria-pressed") == "true"
    assert pg.evaluate(OVERFLOW) == []
    pg.click(".provenance > summary")
    pg.click("[data-view=sbs]")
    assert pg.evaluate(OVERFLOW) == []


def test_desktop_starts_side_by_side(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, _ = report
    open_report(pg, url)
    assert "sbs" in pg.get_attribute("body", "class")


def test_phone_side_by_side_names_the_edition_of_every_stacked_copy(
    page: tuple, report: tuple
) -> None:
    pg, _ = page
    url, _ = report
    pg.set_viewport_size(PHONE)
    open_report(pg, url)
    pg.click("[data-view=sbs]")
    named = pg.evaluate(
        """() => [...document.querySelectorAll('#doc .row .L, #doc .row .R')]
             .filter(e => e.checkVisibility())
             .map(e => [e.className, getComputedStyle(e, '::before').content])"""
    )
    assert len(named) > 60  # the unchanged filler's two copies included
    for cls, label in named:
        assert label == css_string(SCRIPT if cls == "L" else f"right{IMG}"), cls


def test_sticky_bar_hides_the_text_scrolled_under_it(page: tuple, report: tuple) -> None:
    pg, _ = page
    url, _ = report
    open_report(pg, url)
    pg.keyboard.press("n")
    pg.keyboard.press("n")  # scrolled: text lies under the bar
    colour, inside = pg.evaluate(
        """() => { const bar = document.querySelector('.sticky');
                   const r = bar.getBoundingClientRect();
                   const hit = document.elementFromPoint(r.left + r.width / 2, r.bottom - 3);
                   return [getComputedStyle(bar).backgroundColor, bar.contains(hit)]; }"""
    )
    assert colour == "rgb(255, 255, 255)" and inside


def test_status_writes_numbers_with_thousands_separators(page: tuple, tmp_path: Path) -> None:
    """ "Change 2 of 1,285", as the summary writes its figures."""
    pg, _ = page
    left = [f"Line {n} of the tally names the harbour boat number {n}." for n in range(1050)]
    right = [f"Line {n} of the tally names the harbour ship number {n}." for n in range(1050)]
    c = compare(Version("a", "a.txt", join(left)), Version("b", "b.txt", join(right)))
    path = tmp_path / "many.html"
    path.write_text(render_html(c), encoding="utf-8")
    open_report(pg, path.as_uri())
    assert pg.text_content("#status").startswith("1,050 changes")
    pg.keyboard.press("n")
    pg.keyboard.press("n")
    assert pg.text_content("#status").startswith("Change 2 of 1,050: ")
