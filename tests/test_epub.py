"""EPUB e-books: the chapters in spine order, each chapter's visible text block by block."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests import documents
from textver.errors import TextverError
from textver.ingest import fetch_url, load_file


def chapters() -> list[tuple[str, list[str]]]:
    paras = documents.paragraphs(9)
    return [(f"Chapter {n}", paras[3 * (n - 1) : 3 * n]) for n in (1, 2, 3)]


def expected(order: list[int]) -> str:
    chs = chapters()
    return "\n\n".join("\n\n".join([chs[i][0], *chs[i][1]]) for i in order)


def test_chapters_in_spine_order(tmp_path: Path) -> None:
    # the files are named in reverse and the spine reads 2, 0, 1: only the spine gives 2, 0, 1
    path = documents.write_epub(tmp_path / "almanac.epub", chapters(), order=[2, 0, 1])
    v = load_file(path)
    assert v.text == expected([2, 0, 1])  # the cover (no text) and the non-linear note left out
    assert v.meta == {"format": "epub"}


def test_recognised_by_content_for_files_and_urls(tmp_path: Path) -> None:
    path = documents.write_epub(tmp_path / "almanac.epub", chapters())
    renamed = path.rename(tmp_path / "book")
    assert load_file(renamed).text == expected([0, 1, 2])
    with documents.serve({"book": (renamed.read_bytes(), "application/octet-stream")}) as base:
        v = fetch_url(f"{base}/book")
    assert v.text == expected([0, 1, 2]) and v.meta["format"] == "epub"


def bad_epubs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    tmp_path.mkdir(exist_ok=True)
    good = documents.write_epub(tmp_path / "good.epub", chapters()).read_bytes()
    truncated = tmp_path / "truncated.epub"
    truncated.write_bytes(good[: len(good) // 2])
    no_opf = tmp_path / "no-opf.epub"
    with zipfile.ZipFile(no_opf, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml", "<container><rootfiles></rootfiles></container>")
    drm = documents.write_epub(
        tmp_path / "drm.epub",
        chapters(),
        extra={
            "META-INF/encryption.xml": b'<encryption xmlns="urn:oasis:names:tc:opendocument:'
            b'xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
            b'<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>'
            b'<enc:CipherData><enc:CipherReference URI="OEBPS/text/ch03.xhtml"/></enc:CipherData>'
            b"</enc:EncryptedData></encryption>"
        },
    )
    return {
        "truncated": (truncated, "damaged EPUB"),
        "no package": (no_opf, "damaged EPUB (container.xml names no package document)"),
        "drm": (drm, "encrypted (DRM)"),
    }


def test_bad_epubs_one_line_error_exit_2_store_unchanged(
    tmp_path: Path, textver_cmd, tree_digest
) -> None:
    store = tmp_path / "versions"
    good = documents.write_epub(tmp_path / "a.epub", chapters())
    r = textver_cmd("--store", store, "add", "almanac", good, "-l", "first")
    assert r.returncode == 0, r.stderr
    before = tree_digest(store)
    for case, (path, problem) in bad_epubs(tmp_path / "bad").items():
        with pytest.raises(TextverError) as info:
            load_file(path)
        assert str(info.value).startswith(f"{path}: ") and problem in str(info.value), case
        r = textver_cmd("--store", store, "add", "almanac", path, "-l", "second")
        assert r.returncode == 2, (case, r.stderr)
        assert r.stderr.count("\n") == 1 and problem in r.stderr, (case, r.stderr)
    assert tree_digest(store) == before
