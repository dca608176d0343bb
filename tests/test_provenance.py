"""One provenance definition and one reference parser, read by the store, CLI, reports and TEI."""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from textver.cli import cli
from textver.collate import collate
from textver.compare import compare
from textver.provenance import NAMES, Ref, parse_ref
from textver.report.model import side_of
from textver.report.tei import TEI_NS, to_tei
from textver.store import Store

TEXT = "The orchard was planted in spring.\n\nTwelve apple trees stood in two rows.\n"
# Every settable field, given in an order unlike the definition's.
GIVEN = {
    "--translator": "N. One",
    "--note": "Second printing.",
    "--relation": "revised",
    "--language": "en",
    "--url": "https://example.org/orchard",
    "--date": "2001-05-01",
    "--publication": "Parish Letter",
}


@pytest.fixture
def edition(store: Store, tmp_path: Path) -> Store:
    src = tmp_path / "one.txt"
    src.write_text(TEXT, encoding="utf-8")
    args = ["--store", str(store.root), "add", "orchard", str(src), "--label", "a"]
    for option, value in GIVEN.items():
        args += [option, value]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    return store


def _defined(keys: list[str]) -> list[str]:
    return [k for k in keys if k in NAMES]


def test_manifest_show_report_and_tei_list_provenance_in_one_order(edition: Store) -> None:
    page_only = ("title", "author", "from_page", "extractor")  # set by a web page's import
    expected = [n for n in NAMES if n not in ("retrieved", "encoding", *page_only)]
    manifest = tomllib.loads((edition.root / "orchard" / "manifest.toml").read_text())
    assert _defined(list(manifest["editions"][0])) == expected

    out = CliRunner().invoke(cli, ["--store", str(edition.root), "show", "orchard:a"]).output
    shown = [line.split(":")[0].strip() for line in out.splitlines()[1:] if line.startswith("  ")]
    assert _defined(shown) == [n for n in expected if n != "notes"] + ["notes"]

    v = edition.get("orchard", "a")
    assert _defined([k for k, _ in side_of(v, 1, 1).fields]) == expected

    w = v.__class__("b", "b.txt", TEXT + "A pear tree.\n", dict(v.meta))
    tei = ET.fromstring(to_tei(collate([v, w, v.__class__("c", "c.txt", TEXT)])))
    notes = tei.find(f".//{{{TEI_NS}}}witness").findall(f"{{{TEI_NS}}}note")
    exported = [n.get("type") for n in notes]
    assert _defined(exported) == [n for n in expected if n != "notes"]
    assert compare(v, w).left.meta == v.meta


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("essay", Ref("essay", None)),
        ("essay:ed-1", Ref("essay", "ed-1")),
        ("Essay:x.y", Ref("Essay", "x.y")),  # shape only: the store judges the names
        ("dir/essay:ed-1", None),
        ("a:b:c", None),
        ("https://example.org/x", None),
        ("C:\\texts\\a.txt", None),
        ("a b:c", None),
        ("", None),
    ],
)
def test_one_parser_for_references(text: str, ref: Ref | None) -> None:
    assert parse_ref(text) == ref
