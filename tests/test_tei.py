"""The TEI export's header: the work's title and author, how variants are encoded, and the
editions in the order given."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from tests.helpers import editions
from textver.collate import collate
from textver.provenance import WorkInfo
from textver.report.tei import to_collatex_json, to_tei

NS = {"t": "http://www.tei-c.org/ns/1.0"}


def test_title_statement_names_the_work_and_its_author() -> None:
    col = collate(editions())
    col.work = WorkInfo("harbour", title="The Harbour at Vellmoor", author="A. Writer")
    header = ET.fromstring(to_tei(col)).find("t:teiHeader", NS)
    assert header.findtext("t:fileDesc/t:titleStmt/t:title", namespaces=NS) == (
        "The Harbour at Vellmoor"
    )
    assert header.findtext("t:fileDesc/t:titleStmt/t:author", namespaces=NS) == "A. Writer"
    encoding = header.find("t:encodingDesc/t:variantEncoding", NS)
    assert encoding.attrib == {"method": "parallel-segmentation", "location": "internal"}


def test_without_a_work_the_title_names_every_edition() -> None:
    header = ET.fromstring(to_tei(collate(editions()))).find("t:teiHeader", NS)
    title = header.findtext("t:fileDesc/t:titleStmt/t:title", namespaces=NS)
    assert title == "Collation of 1901, 1905, 1910, 1920"
    assert header.find("t:fileDesc/t:titleStmt/t:author", NS) is None


def test_two_editions_keep_the_order_given() -> None:
    """The shorter first: it is still the first witness and the base, as given."""
    longer, shorter = editions()[0], editions()[1]
    col = collate([shorter, longer])
    assert col.base.label == "1905"
    root = ET.fromstring(to_tei(col))
    ids = [
        w.get("{http://www.w3.org/XML/1998/namespace}id")
        for w in root.iter(f"{{{NS['t']}}}witness")
    ]
    assert ids == ["w-1905", "w-1901"]
    assert json.loads(json.dumps(to_collatex_json(col)))["witnesses"] == ["1905", "1901"]
    # What the shorter edition lacks is "not in 1905", never 1901's text "added".
    apps = root.findall(".//t:app", NS)
    assert apps and all(app.find("t:rdg", NS).get("wit") == "#w-1905" for app in apps)
