"""PDFs printed by headless Chromium from our own text: paragraphs rebuilt from the lines,
hyphenation undone, running heads and page numbers gone, bad PDFs refused in one line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests import documents
from textver.errors import TextverError
from textver.ingest import fetch_url, load_file


@pytest.fixture(scope="module")
def paras() -> list[str]:
    return documents.paragraphs(30)


@pytest.fixture(scope="module")
def almanac(tmp_path_factory: pytest.TempPathFactory, paras: list[str]) -> Path:
    return documents.print_pdf(tmp_path_factory.mktemp("pdf") / "almanac.pdf", paras)


def test_thirty_paragraphs_on_four_pages_read_as_written(almanac: Path, paras) -> None:
    import pypdf

    assert len(pypdf.PdfReader(almanac).pages) == 4
    v = load_file(almanac)
    assert v.meta == {"format": "pdf"}
    assert v.text == documents.plain(paras).rstrip("\n")  # every paragraph, each in one piece
    assert documents.RUNNING_HEAD not in v.text


def test_book_style_indented_paragraphs_and_page_of_footer(tmp_path: Path, paras) -> None:
    """Paragraphs set solid with first-line indents, "Page 2 of 4" at the foot of each page."""
    path = documents.print_pdf(
        tmp_path / "book.pdf", paras, css=documents.INDENTED, footer=documents.PAGE_OF
    )
    text = load_file(path).text
    assert text == documents.plain(paras).rstrip("\n")
    assert "Page" not in text


def test_the_pdf_really_has_furniture_breaks_and_hyphens(almanac: Path, paras) -> None:
    """What the reader undoes is in the file: heads, numbers, split words, a split paragraph."""
    from pdfminer.high_level import extract_text

    raw = extract_text(almanac)
    assert raw.count(documents.RUNNING_HEAD) == 4
    lines = [ln for ln in raw.splitlines() if ln.strip()]
    assert [ln for ln in lines if ln.isdigit()] == ["1", "2", "3", "4"]
    assert sum(ln.endswith("-") for ln in lines) >= 3  # words split at a line end
    pages = [[ln for ln in p.splitlines() if ln.strip()] for p in raw.split("\f")[:4]]
    ends = [page[-2] for page in pages[:3]]  # the last line of text, above the page number
    assert any(not e.endswith(".") for e in ends)  # a paragraph runs on over a page break


def test_compared_with_plain_text_nothing_added_at_most_the_heading_removed(
    almanac: Path, paras, tmp_path: Path, textver_cmd
) -> None:
    """The issue's target, through the CLI."""
    stats = documents.compare_with_plain_text(almanac, paras, tmp_path, textver_cmd)
    assert stats["inserted_words"] == 0
    assert stats["removed_words"] <= len(documents.TITLE.split())
    assert stats["moved_paragraphs"] == 0


def test_hyphenation_undone_only_where_it_splits_a_word(tmp_path: Path) -> None:
    lines = [
        "The ferry's timetable was a well-",
        "known puzzle: every exam-",
        "ple of it differed, and the navi-",
        "gational notes were no help.",
    ]
    paras = [lines, ["An example follows."]]
    path = documents.print_pdf(
        tmp_path / "h.pdf", paras, title="Tides", display_header_footer=False
    )
    text = load_file(path).text
    # "example" appears elsewhere, so "exam-" "ple" is one word split; "well-known" is kept; a
    # word found nowhere else unsplit keeps its hyphen rather than become a guess
    assert text == (
        "Tides\n\nThe ferry's timetable was a well-known puzzle: every example of it differed, "
        "and the navi-gational notes were no help.\n\nAn example follows."
    )


def test_recognised_by_content_for_files_and_urls(almanac: Path, paras, tmp_path: Path) -> None:
    expected = documents.plain(paras).rstrip("\n")
    renamed = tmp_path / "download"
    renamed.write_bytes(almanac.read_bytes())
    assert load_file(renamed).text == expected
    files = {
        "get?id=7": (almanac.read_bytes(), "application/octet-stream"),
        "typed": (almanac.read_bytes(), "application/pdf"),
        "fake.pdf": (b"<!doctype html><p>Not a PDF</p>", "application/pdf"),
    }
    with documents.serve(files) as base:
        v = fetch_url(f"{base}/get?id=7")
        assert v.text == expected and v.meta["format"] == "pdf"
        assert v.meta["content_type"] == "application/octet-stream"
        assert fetch_url(f"{base}/typed").text == expected
        with pytest.raises(TextverError, match=r"fake\.pdf: not a PDF file"):
            fetch_url(f"{base}/fake.pdf")


def bad_pdfs(tmp_path: Path, good: bytes) -> dict[str, tuple[Path, str]]:
    import pypdf

    tmp_path.mkdir(exist_ok=True)
    cases: dict[str, tuple[bytes, str]] = {
        "garbage": (b"%PDF-1.7\n" + bytes(range(256)) * 8, "damaged PDF"),
        "truncated": (good[: len(good) // 2], "damaged PDF"),
        "named pdf": (b"Plain words in a file called .pdf\n", "not a PDF file"),
    }
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(good))
    writer.encrypt(user_password="tide", owner_password="mill")
    locked = io.BytesIO()
    writer.write(locked)
    cases["encrypted"] = (locked.getvalue(), "encrypted and needs a password")
    blank = pypdf.PdfWriter()
    blank.add_blank_page(612, 792)
    empty = io.BytesIO()
    blank.write(empty)
    cases["no text"] = (empty.getvalue(), "no text layer")
    out = {}
    for case, (data, problem) in cases.items():
        path = tmp_path / (case.replace(" ", "-") + ".pdf")
        path.write_bytes(data)
        out[case] = (path, problem)
    return out


def test_bad_pdfs_one_line_error_exit_2_store_unchanged(
    almanac: Path, tmp_path: Path, textver_cmd, tree_digest
) -> None:
    store = tmp_path / "versions"
    r = textver_cmd("--store", store, "add", "almanac", almanac, "-l", "first")
    assert r.returncode == 0, r.stderr
    assert 'format = "pdf"' in next(store.rglob("*.toml")).read_text()
    before = tree_digest(store)
    for case, (path, problem) in bad_pdfs(tmp_path / "bad", almanac.read_bytes()).items():
        with pytest.raises(TextverError) as info:
            load_file(path)
        assert str(info.value).startswith(f"{path}: ") and problem in str(info.value), case
        r = textver_cmd("--store", store, "add", "almanac", path, "-l", "second")
        assert r.returncode == 2, (case, r.stderr)
        assert r.stderr.count("\n") == 1 and problem in r.stderr, (case, r.stderr)
        assert str(path) in r.stderr and "Traceback" not in r.stderr, case
    assert tree_digest(store) == before


def test_owner_password_only_is_read_as_a_reader_opens_it(almanac: Path, tmp_path: Path) -> None:
    """A PDF encrypted with an empty user password opens in every reader without asking."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=almanac)
    writer.encrypt(user_password="", owner_password="mill")
    path = tmp_path / "restricted.pdf"
    with path.open("wb") as f:
        writer.write(f)
    assert load_file(path).text == load_file(almanac).text


def test_text_that_mentions_the_pdf_header_is_still_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Our notes on file formats.\n\nEvery PDF begins with %PDF-1.7 or the like.\n")
    v = load_file(path)
    assert v.meta["format"] == "text" and "%PDF-1.7" in v.text
