"""The work's title and author reach every report and export of a result that knows its work:
the HTML and text reports of a pair and of a collation, both JSON contracts (an optional
``work`` member) and the TEI (tests/test_tei.py); a result without one has none of it."""

from __future__ import annotations

import json

from tests.helpers import editions, keeper
from textver.collate import collate
from textver.provenance import WorkInfo
from textver.report.collation_html import render_collation_html
from textver.report.collation_text import render_collation_text
from textver.report.html import render_html
from textver.report.text import render_text

WORK = WorkInfo("harbour", title="The Harbour at <Vellmoor>", author="A. Writer", language="en")


def test_pairwise_reports_and_json_name_the_work() -> None:
    c = keeper()
    assert "work" not in c.to_dict() and "Vellmoor" not in render_text(c, color=False)
    c.work = WORK
    d = c.to_dict()
    assert d["work"] == {
        "name": "harbour",
        "title": "The Harbour at <Vellmoor>",
        "author": "A. Writer",
        "language": "en",
    }
    assert list(d)[:3] == ["format", "version", "work"]  # every other member as before
    assert c.to_json() == json.dumps(d, ensure_ascii=False, separators=(",", ":"))
    assert render_text(c, color=False).split("\n")[1] == (
        "  of The Harbour at <Vellmoor>, by A. Writer"
    )
    html = render_html(c)
    assert (
        "<cite><bdi>The Harbour at &lt;Vellmoor&gt;</bdi></cite>, by <bdi>A. Writer</bdi>" in html
    )
    assert "<title>first → second · The Harbour at &lt;Vellmoor&gt; · textver</title>" in html


def test_collation_reports_and_json_name_the_work() -> None:
    col = collate(editions())
    assert "work" not in col.to_dict() and "<cite>" not in render_collation_html(col)
    col.work = WorkInfo("harbour", title="The Harbour")
    assert col.to_dict()["work"] == {"name": "harbour", "title": "The Harbour"}
    assert render_collation_text(col, color=False).split("\n")[1] == "  of The Harbour"
    html = render_collation_html(col)
    assert '<p class="work"><cite><bdi>The Harbour</bdi></cite></p>' in html
