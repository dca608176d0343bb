"""Word documents: the body as it currently reads, headers and footers left out, recognised by
content whatever the file is called."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests import documents
from textver.errors import TextverError
from textver.ingest import load_file


@pytest.fixture
def paras() -> list[str]:
    return documents.paragraphs(30)


def test_thirty_paragraphs_read_as_written(tmp_path: Path, paras: list[str]) -> None:
    path = documents.write_docx(tmp_path / "almanac.docx", paras)
    v = load_file(path)
    assert v.text == documents.plain(paras).rstrip("\n")
    assert documents.RUNNING_HEAD not in v.text and "Printed in Vellmoor" not in v.text
    assert v.meta == {"format": "docx"}


def test_compared_with_plain_text_nothing_added_at_most_the_heading_removed(
    tmp_path: Path, paras: list[str], textver_cmd
) -> None:
    """The issue's target, through the CLI: 0 words added, at most the heading removed."""
    docx_path = documents.write_docx(tmp_path / "almanac.docx", paras)
    stats = documents.compare_with_plain_text(docx_path, paras, tmp_path, textver_cmd)
    assert stats["inserted_words"] == 0
    assert stats["removed_words"] <= len(documents.TITLE.split())
    assert stats["moved_paragraphs"] == 0


def test_tracked_changes_read_as_the_document_now_reads(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    documents.tracked_paragraph(
        document, "The ferry left ", "at first light ", "an hour late ", "for the islands."
    )
    path = tmp_path / "tracked.docx"
    document.save(str(path))
    # python-docx's own reading loses the insertion: the reason textver reads the XML
    assert docx.Document(str(path)).paragraphs[-1].text == "The ferry left for the islands."
    assert load_file(path).text == "The ferry left at first light for the islands."


def test_table_text_in_order(tmp_path: Path) -> None:
    table = [["Tide", "Time"], ["High water", "06:10"]]
    path = documents.write_docx(tmp_path / "t.docx", ["First.", "Second."], table=table)
    blocks = load_file(path).text.split("\n\n")
    assert blocks == [documents.TITLE, "First.", "Tide", "Time", "High water", "06:10", "Second."]


def test_recognised_by_content_not_name(tmp_path: Path) -> None:
    path = documents.write_docx(tmp_path / "almanac.docx", ["Only paragraph."])
    renamed = path.rename(tmp_path / "download.bin")
    v = load_file(renamed)
    assert v.text == f"{documents.TITLE}\n\nOnly paragraph."
    assert v.label == "download" and v.meta["format"] == "docx"


def bad_docx_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    tmp_path.mkdir(exist_ok=True)
    good = documents.write_docx(tmp_path / "good.docx", ["Only paragraph."]).read_bytes()
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(good[: len(good) // 2])
    not_zip = tmp_path / "text.docx"
    not_zip.write_bytes(b"Plain words in a file called .docx\n")
    other_zip = tmp_path / "archive.zip"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("notes.txt", "A ZIP archive of notes.")
    broken_xml = tmp_path / "broken.docx"
    with zipfile.ZipFile(tmp_path / "good.docx") as src, zipfile.ZipFile(broken_xml, "w") as z:
        for info in src.infolist():
            data = src.read(info)
            z.writestr(
                info, b"<w:document><unclosed" if info.filename.endswith("document.xml") else data
            )
    empty = documents.write_docx(tmp_path / "empty.docx", [], title="")
    doc = tmp_path / "legacy.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    return {
        "truncated": (truncated, "damaged DOCX"),
        "not zip": (not_zip, "not a DOCX file (not a ZIP archive)"),
        "other zip": (other_zip, "a ZIP archive that is neither a DOCX nor an EPUB document"),
        "broken xml": (broken_xml, "damaged DOCX"),
        "empty": (empty, "no text found in the DOCX document"),
        "legacy": (doc, "Word 97-2003 (.doc)"),
    }


def test_bad_docx_files_one_line_error(tmp_path: Path) -> None:
    for case, (path, problem) in bad_docx_files(tmp_path).items():
        with pytest.raises(TextverError) as info:
            load_file(path)
        message = str(info.value)
        assert message.startswith(f"{path}: ") and problem in message, (case, message)
        assert "\n" not in message, case


def test_bad_docx_through_the_cli_exit_2_store_unchanged(
    tmp_path: Path, textver_cmd, tree_digest
) -> None:
    store = tmp_path / "versions"
    good = documents.write_docx(tmp_path / "a.docx", ["Only paragraph."])
    r = textver_cmd("--store", store, "add", "almanac", good, "-l", "first")
    assert r.returncode == 0, r.stderr
    manifest = next(store.rglob("*.toml")).read_text()
    assert 'format = "docx"' in manifest
    before = tree_digest(store)
    for case, (path, problem) in bad_docx_files(tmp_path / "bad").items():
        r = textver_cmd("--store", store, "add", "almanac", path, "-l", "second")
        assert r.returncode == 2, (case, r.stderr)
        assert r.stderr.count("\n") == 1 and problem in r.stderr, (case, r.stderr)
        assert "Traceback" not in r.stderr
    assert tree_digest(store) == before
