"""Documents the tests make: our own invented text, printed to PDF by headless Chromium, written
to DOCX by python-docx and to EPUB with zipfile, so no third-party file is committed."""

from __future__ import annotations

import contextlib
import html
import random
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
TITLE = "The Vellmoor Harbour Almanac"
RUNNING_HEAD = "Vellmoor Harbour Almanac \u00b7 Spring Edition"

_SUBJECTS = [
    "The harbour master",
    "A fisherman from the northern quay",
    "The lighthouse keeper",
    "The council of Vellmoor",
    "An old net maker",
    "The schoolteacher on Lantern Hill",
    "A well-known ferry captain",
    "The museum's archivist",
    "A visiting shipwright",
    "The baker's apprentice",
]
_VERBS = [
    "recorded",
    "repaired",
    "described",
    "measured",
    "painted",
    "remembered",
    "questioned",
    "photographed",
    "catalogued",
    "defended",
]
_OBJECTS = [
    "the stone breakwater after the winter storms",
    "every boat that entered the narrow channel",
    "the blue and yellow hulls drawn up on the shingle",
    "the long-forgotten customs house beside the market",
    "the tide tables printed in the parish newsletter",
    "the iron bell that warned ships off the reef",
    "a collection of extraordinary navigational instruments",
    "the festival lanterns floating across the harbour",
    "the deep-water mooring used by the coastal steamers",
    "the accounts of the cooperative fish market",
]
_ENDINGS = [
    "before the first light of dawn",
    "with considerable patience",
    "in a notebook that survives today",
    "while the gulls circled overhead",
    "for the benefit of later generations",
    "despite the objections of the harbour board",
    "in the spring of the following year",
    "without asking anyone for permission",
]


def paragraphs(count: int = 30, seed: int = 13) -> list[str]:
    """``count`` invented paragraphs of two to four sentences, the same for every run."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        sentences = [
            f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
            f"{rng.choice(_ENDINGS)}."
            for _ in range(rng.randint(2, 4))
        ]
        out.append(" ".join(sentences))
    return out


def plain(paras: list[str], title: str = TITLE) -> str:
    return "\n\n".join([title, *paras]) + "\n"


LINE_WIDTH = 84
"""Characters per printed line: narrower than the page, so the browser never wraps again."""


def compare_with_plain_text(document: Path, paras: list[str], tmp_path: Path, textver_cmd) -> dict:
    """Issue 13's target for a document format: the same paragraphs as plain text compared with
    the document through the CLI; the JSON's stats."""
    import json

    txt = tmp_path / "almanac.txt"
    txt.write_text(plain(paras))
    out = tmp_path / "c.json"
    r = textver_cmd("compare", txt, document, "--format", "json", "-o", out)
    assert r.returncode == 0, r.stderr
    return json.loads(out.read_text())["stats"]


def typeset(text: str, width: int = LINE_WIDTH) -> list[str]:
    """``text`` broken into lines as a typesetter would: at spaces, after the hyphen of a
    compound ("well-" / "known"), and inside a long word that does not fit, hyphenated
    ("navi-" / "gational"), so the PDF holds both kinds of line-end hyphen."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while True:
            sep = " " if line else ""
            if len(line) + len(sep) + len(word) <= width:
                line += sep + word
                break
            room = width - len(line) - len(sep) - 1
            if "-" in word and 0 < word.index("-") < room:
                head, tail = word.split("-", 1)
                line, word = line + sep + head + "-", tail
            elif (cut := min(room, len(word.rstrip(".,;")) - 3)) >= 4 and word[:cut].isalpha():
                line, word = line + sep + word[:cut] + "-", word[cut:]
            lines.append(line)
            line = ""
    lines.append(line)
    return lines


SPACED = "p{margin:0 0 0.8em}"
"""Paragraphs set apart by a blank space (a web page's, a report's style)."""
INDENTED = "p{margin:0} p+p{text-indent:2em}"
"""Paragraphs set solid, each after the first with its first line indented (a book's style)."""
PAGE_NUMBER = "<span class=pageNumber></span>"
PAGE_OF = "Page <span class=pageNumber></span> of <span class=totalPages></span>"


def print_pdf(
    path: Path,
    paras: list[str] | list[list[str]],
    *,
    title: str = TITLE,
    css: str = SPACED,
    footer: str = PAGE_NUMBER,
    **pdf: object,
) -> Path:
    """Print ``paras`` under ``title`` to a Letter PDF with a running head and page numbers.

    Each paragraph is broken into lines by :func:`typeset`, or is given as its lines."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    body = "".join(
        "<p>"
        + "<br>".join(html.escape(ln) for ln in (typeset(p) if isinstance(p, str) else p))
        + "</p>"
        for p in paras
    )
    page_html = (
        "<!doctype html><html lang=en><head><meta charset=utf-8><style>"
        f"body{{font:11pt/1.4 serif}} p{{white-space:nowrap}} {css}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    options: dict[str, object] = {
        "format": "Letter",
        "display_header_footer": True,
        "header_template": "<div style='font-size:9pt;width:100%;text-align:center'>"
        f"{html.escape(RUNNING_HEAD)}</div>",
        "footer_template": "<div style='font-size:9pt;width:100%;text-align:center'>"
        f"{footer}</div>",
        "margin": {"top": "1in", "bottom": "1in", "left": "1in", "right": "1in"},
    }
    options.update(pdf)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = browser.new_page()
            page.set_content(page_html)
            page.pdf(path=str(path), **options)  # type: ignore[arg-type]
        finally:
            browser.close()
    return path


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def write_docx(
    path: Path,
    paras: list[str],
    *,
    title: str = TITLE,
    header: str = RUNNING_HEAD,
    footer: str = "Printed in Vellmoor",
    table: list[list[str]] | None = None,
) -> Path:
    """``paras`` under a heading, with a header and footer (and a table after the first
    paragraph when ``table`` is given), written by python-docx."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = footer
    document.add_heading(title, level=1)
    for i, para in enumerate(paras):
        document.add_paragraph(para)
        if i == 0 and table is not None:
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for row, cells in zip(grid.rows, table, strict=True):
                for cell, text in zip(row.cells, cells, strict=True):
                    cell.text = text
    document.save(str(path))
    return path


def tracked_paragraph(document: object, before: str, inserted: str, deleted: str, after: str):
    """Append a paragraph reading ``before``, a tracked insertion, a tracked deletion and
    ``after``, in WordprocessingML as Word writes it when changes are tracked."""
    from docx.oxml import parse_xml

    def run(text: str, tag: str = "t") -> str:
        return f'<w:r><w:{tag} xml:space="preserve">{html.escape(text)}</w:{tag}></w:r>'

    stamp = 'w:author="Editor" w:date="2026-01-01T00:00:00Z"'
    xml = (
        f'<w:p xmlns:w="{_W_NS}">{run(before)}'
        f'<w:ins w:id="1" {stamp}>{run(inserted)}</w:ins>'
        f'<w:del w:id="2" {stamp}>{run(deleted, "delText")}</w:del>'
        f"{run(after)}</w:p>"
    )
    body = document.element.body  # type: ignore[attr-defined]
    body.insert(len(body) - 1, parse_xml(xml))  # before the closing section properties


@contextlib.contextmanager
def serve(files: dict[str, tuple[bytes, str]]) -> Iterator[str]:
    """A server on 127.0.0.1 answering ``/NAME`` with its bytes and Content-Type; its base URL.

    Shut down when the block ends (and its thread is a daemon, so it never outlives the run)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body, content_type = files.get(self.path.lstrip("/"), (b"", ""))
            self.send_response(200 if content_type else 404)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def write_epub(
    path: Path,
    chapters: list[tuple[str, list[str]]],
    *,
    order: list[int] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """An EPUB 3 of ``chapters`` (title, paragraphs), written with zipfile; the files are
    named in reverse so only the spine gives the order, read in ``order`` (default: as given),
    with a cover page of no text first and a non-linear notes page last."""
    order = list(range(len(chapters))) if order is None else order
    files = {f"text/ch{len(chapters) - i:02d}.xhtml": ch for i, ch in enumerate(chapters)}
    names = list(files)
    items = "".join(
        f'<item id="c{i}" href="{n}" media-type="application/xhtml+xml"/>'
        for i, n in enumerate(names)
    )
    spine = "".join(f'<itemref idref="c{i}"/>' for i in order)
    opf = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">vellmoor'
        f"</dc:identifier><dc:title>{html.escape(TITLE)}</dc:title></metadata>"
        f'<manifest><item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="notes" href="notes.xhtml" media-type="application/xhtml+xml"/>'
        f"{items}</manifest>"
        f'<spine><itemref idref="cover"/>{spine}<itemref idref="notes" linear="no"/></spine>'
        "</package>"
    )
    container = (
        '<?xml version="1.0"?><container version="1.0" '
        'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>"
    )

    def xhtml(body: str) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
            f'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>x</title></head><body>{body}'
            "</body></html>"
        )

    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", container)
        z.writestr("OEBPS/content.opf", opf)
        z.writestr("OEBPS/cover.xhtml", xhtml('<img src="cover.jpg" alt=""/>'))
        z.writestr("OEBPS/notes.xhtml", xhtml("<p>A note the reader only meets by a link.</p>"))
        for n, (title, paras) in files.items():
            # a chapter's title in a <header>, its text in a box a web page would call a
            # sidebar, a note in an <aside>: a book's markup, unlike a web page's
            body = (
                f"<header><h2>{html.escape(title)}</h2></header><div class='sidebar'>"
                + "".join(f"<p>{html.escape(p)}</p>" for p in paras)
                + "</div><aside epub:type='footnote'>A pop-up note.</aside>"
            )
            z.writestr(f"OEBPS/{n}", xhtml(f"<section epub:type='chapter'>{body}</section>"))
        for n, data in (extra or {}).items():
            z.writestr(n, data)
    return path
