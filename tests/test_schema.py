"""Every JSON the CLI writes validates against the schema shipped in the package for it."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from tests.texts import HARBOUR, darwin_dir, join, licenses_dir

jsonschema = pytest.importorskip(
    "jsonschema", reason="jsonschema (the test extra) is not installed"
)
referencing = pytest.importorskip("referencing")


def _schema(name: str) -> dict:
    return json.loads(resources.files("textver").joinpath("schemas", name).read_text("utf-8"))


def validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator for one shipped schema, the collation's ``$ref`` to the comparison's resolved
    from the package (never from the network)."""
    schemas = [_schema("comparison.schema.json"), _schema("collation.schema.json")]
    registry = referencing.Registry().with_resources(
        (s["$id"], referencing.Resource.from_contents(s)) for s in schemas
    )
    schema = _schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=registry)


def edited(paras: list[str]) -> list[str]:
    """A revision using every kind of record: a dropped, an added, a split and a moved
    paragraph and a reworded sentence."""
    first, second, third, _dropped, fifth = paras
    a, b = second.split(". ", 1)
    return [
        first.replace("three hills", "two hills"),
        a + ".",
        b,
        fifth,
        "An added paragraph, written for this test alone.",
        third,
    ]


def write_json(tmp_path: Path, textver_cmd, *texts: list[str], extra: tuple[str, ...] = ()) -> dict:
    paths = []
    for n, paras in enumerate(texts):
        path = tmp_path / f"v{n}.txt"
        path.write_text(join(paras), encoding="utf-8")
        paths.append(path)
    out = tmp_path / "out.json"
    r = textver_cmd("compare", *paths, *extra, "--format", "json", "-o", out)
    assert r.returncode == 0, r.stderr
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("extra", [(), ("--strict",), ("--meaning", "off")])
def test_comparison_json_validates(tmp_path: Path, textver_cmd, extra) -> None:
    doc = write_json(tmp_path, textver_cmd, HARBOUR, edited(HARBOUR), extra=extra)
    validator("comparison.schema.json").validate(doc)
    kinds = {lk["kind"] for lk in doc["alignment"]}
    assert {"equal", "changed", "deleted", "inserted", "split"} <= kinds  # the cases are there


def test_collation_json_validates(tmp_path: Path, textver_cmd) -> None:
    doc = write_json(tmp_path, textver_cmd, HARBOUR, edited(HARBOUR), HARBOUR[:3])
    validator("collation.schema.json").validate(doc)
    assert doc["format"] == "textver.collation" and len(doc["pairs"]) == 2


def test_real_texts_json_validates(tmp_path: Path, textver_cmd) -> None:
    """Real revised texts: a licence pair, and a collation of three Darwin editions."""
    lic, darwin = licenses_dir(), darwin_dir()
    jobs = [
        ("comparison.schema.json", [lic / "GPL-2", lic / "GPL-3"]),
        ("collation.schema.json", [darwin / f"{y}.txt" for y in (1859, 1866, 1872)]),
    ]
    for name, refs in jobs:
        out = tmp_path / "out.json"
        r = textver_cmd("compare", *refs, "--format", "json", "-o", out)
        assert r.returncode == 0, r.stderr
        validator(name).validate(json.loads(out.read_text(encoding="utf-8")))


def test_schema_rejects_what_the_contract_does_not_allow(tmp_path: Path, textver_cmd) -> None:
    """The schemas are strict enough to catch a wrong kind or a missing field."""
    doc = write_json(tmp_path, textver_cmd, HARBOUR, edited(HARBOUR))
    check = validator("comparison.schema.json")
    bad_kind = json.loads(json.dumps(doc))
    bad_kind["alignment"][0]["kind"] = "dropped paragraph"
    missing = json.loads(json.dumps(doc))
    del missing["stats"]["retained"]
    for bad in (bad_kind, missing):
        with pytest.raises(jsonschema.ValidationError):
            check.validate(bad)


def test_stored_work_json_validates(tmp_path: Path, textver_cmd) -> None:
    """Editions of one stored work: the JSON carries the work, and still validates."""
    store = tmp_path / "versions"
    for label, paras in (("full", HARBOUR), ("short", edited(HARBOUR))):
        path = tmp_path / f"{label}.txt"
        path.write_text(join(paras), encoding="utf-8")
        r = textver_cmd(
            "--store", store, "add", "harbour", path, "--label", label, "--title", "Vellmoor"
        )
        assert r.returncode == 0, r.stderr
    for refs, name in (
        (["harbour:full", "harbour:short"], "comparison.schema.json"),
        (["harbour"], "collation.schema.json"),  # a whole work is collated
    ):
        out = tmp_path / "out.json"
        r = textver_cmd("--store", store, "compare", *refs, "--format", "json", "-o", out)
        assert r.returncode == 0, r.stderr
        doc = json.loads(out.read_text(encoding="utf-8"))
        assert doc["work"]["title"] == "Vellmoor"
        validator(name).validate(doc)
