"""Several editions at once: rows, TEI and CollateX exports, on the Darwin variorum."""

import json
import xml.etree.ElementTree as ET

import pytest

from tests.texts import HARBOUR as P
from tests.texts import darwin_dir, join
from textver.collate import collate
from textver.errors import TextverError
from textver.report.tei import TEI_NS, XML_ID, to_collatex_json, to_tei, witness_id
from textver.version import Version

EDITIONS = ["1859", "1860", "1861", "1866", "1869", "1872"]


def darwin(labels: list[str]) -> tuple[list[Version], dict]:
    d = darwin_dir()
    gold = json.loads((d / "alignment.json").read_text())["editions"]
    return [Version(e, f"{e}.txt", (d / f"{e}.txt").read_text("utf-8")) for e in labels], gold


def check_rows(out: dict) -> None:
    for ed in out["editions"]:
        held = sorted(p for row in out["rows"] for p in row["cells"][ed["label"]])
        assert held == list(range(len(ed["paragraphs"]))), ed["label"]


@pytest.mark.parametrize("base", [None, "1859", "1872"])
def test_darwin_rows_line_up_variorum_paragraphs(base: str | None) -> None:
    versions, gold = darwin(["1859", "1861", "1869", "1872"])
    col = collate(versions, base=base)
    out = col.to_dict()
    check_rows(out)
    assert out["base"] == (base or "1859")  # the first edition given by default
    for row in out["rows"]:
        numbers = {gold[label][p] for label, ps in row["cells"].items() for p in ps}
        assert len(numbers) == 1, row
    assert len(out["rows"]) == 47
    assert [p["right"]["label"] for p in out["pairs"]] == [
        v.label for v in versions if v.label != out["base"]
    ]


def test_tei_is_well_formed_and_names_every_witness() -> None:
    versions, _ = darwin(EDITIONS)
    col = collate(versions)
    root = ET.fromstring(to_tei(col))
    ns = {"t": TEI_NS}
    ids = [w.get(XML_ID) for w in root.iterfind(".//t:listWit/t:witness", ns)]
    assert ids == [witness_id(v.label) for v in col.editions]
    wits = {w for rdg in root.iterfind(".//t:rdg", ns) for w in rdg.get("wit").split()}
    assert wits == {"#" + i for i in ids}
    # Every edition's reading of the whole text can be recovered from the apparatus.
    body = root.find(".//t:body", ns)
    for v in col.editions:
        text = _witness_text(body, "#" + witness_id(v.label))
        # Shared stretches carry the base's spacing, and a passage an edition moved is read at
        # the base's place, so compare the characters the witness holds, without white space.
        assert sorted("".join(text.split())) == sorted("".join(v.text.split()))


def test_units_hold_every_token_of_every_edition_once() -> None:
    versions, _ = darwin(EDITIONS)
    col = collate(versions, base="1859")
    for v in col.editions:
        seen = [t for row in col.rows for u in col.units(row) for t in u.readings[v.label] or ()]
        assert sorted(seen) == list(range(len(col.segs[v.label].tokens))), v.label


def _witness_text(node: ET.Element, wit: str) -> str:
    parts = []

    def walk(el: ET.Element) -> None:
        tag = el.tag.split("}")[1]
        if tag == "rdg":
            if wit in el.get("wit").split():
                parts.append(el.text or "")
            return
        parts.append(el.text or "")
        for child in el:
            walk(child)
            parts.append(child.tail or "")
        if tag == "p":
            parts.append("\n\n")

    walk(node)
    return "".join(parts)


def test_collatex_json_has_one_cell_per_column_per_witness() -> None:
    versions = [
        Version("full", "a", join(P)),
        Version("short", "b", join([P[0], P[2].replace("thirty", "forty")])),
        Version("other", "c", join([P[1], P[2], "A passage only this edition has."])),
    ]
    col = collate(versions, base="full")
    out = to_collatex_json(col)
    assert out["witnesses"] == ["full", "short", "other"]
    widths = {len(cells) for cells in out["table"]}
    assert len(widths) == 1
    for label, cells in zip(out["witnesses"], out["table"], strict=True):
        toks = [t for cell in cells if cell for t in cell]
        assert (
            "".join(t["t"] for t in toks).split()
            == next(v.text for v in versions if v.label == label).split()
        )
        assert all(t["_sigil"] == label for t in toks)
    check_rows(col.to_dict())
    assert col.matrix["full"]["short"] < 0.5 and col.matrix["short"]["full"] < 1.0


def test_added_passages_of_two_editions_share_a_row() -> None:
    added = "The museum reopened after the war with a new wing for the diaries."
    versions = [
        Version("a", "a", join(P)),
        Version("b", "b", join([P[0], P[1], added, P[2], P[3], P[4]])),
        Version("c", "c", join([P[0], P[1], added, P[2], P[4]])),
    ]
    out = collate(versions, base="a").to_dict()
    check_rows(out)
    (row,) = [r for r in out["rows"] if not r["cells"]["a"]]
    assert row["cells"] == {"a": [], "b": [2], "c": [2]}
    assert out["rows"].index(row) == 2


def test_bad_collations() -> None:
    v = Version("a", "a", "Text.")
    with pytest.raises(TextverError, match="at least two"):
        collate([v])
    with pytest.raises(TextverError, match="distinct"):
        collate([v, Version("a", "b", "Other.")])
    with pytest.raises(TextverError, match="--base z: no such edition"):
        collate([v, Version("b", "b", "Other.")], base="z")


def test_a_store_of_four_darwin_editions_collates_through_the_cli(tmp_path, textver_cmd) -> None:
    d = darwin_dir()
    gold = json.loads((d / "alignment.json").read_text())["editions"]
    store = tmp_path / "versions"
    for year in ("1859", "1861", "1869", "1872"):
        r = textver_cmd("--store", store, "add", "origin", d / f"{year}.txt", "-l", year)
        assert r.returncode == 0, r.stderr
    r = textver_cmd("--store", store, "compare", "origin", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    check_rows(out)
    assert len(out["editions"]) == 4
    for row in out["rows"]:
        assert len({gold[label][p] for label, ps in row["cells"].items() for p in ps}) == 1
    r = textver_cmd("--store", store, "compare", "origin", "--format", "tei")
    root = ET.fromstring(r.stdout)
    ids = {w.get(XML_ID) for w in root.iterfind(f".//{{{TEI_NS}}}witness")}
    assert ids == {witness_id(y) for y in ("1859", "1861", "1869", "1872")}
