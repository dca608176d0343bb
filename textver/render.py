"""One entry point for every output format: ``render(result, format)``.

Like coverage.py's reporters, each format is one renderer registered under its name with the
kinds of result it can render; the CLI, a program and a test all go through :func:`render`, so
they get the same bytes.  Renderers are imported only when used (jinja2 for HTML), so choosing
a format costs nothing until a report is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from textver.errors import TextverError
from textver.visible import UNSAFE

if TYPE_CHECKING:
    from textver.collate import Collation
    from textver.compare import Comparison

    Result = Comparison | Collation


@dataclass(frozen=True)
class Format:
    """An output format: its name, the file suffixes that imply it, and what it renders.

    ``pairwise`` and ``collation`` say which results it renders (a pairwise-only format given
    a collation is an error, never a silent conversion)."""

    name: str
    suffixes: tuple[str, ...]
    pairwise: bool
    collation: bool
    help: str


FORMATS: tuple[Format, ...] = (
    Format("html", (".html", ".htm"), True, True, "self-contained HTML reviewing report"),
    Format("text", (".txt",), True, True, "terminal summary and word diff"),
    Format("json", (".json",), True, True, "textver.comparison / textver.collation JSON"),
    Format("tei", (".xml", ".tei"), False, True, "TEI P5 parallel segmentation"),
    Format("collatex-json", (), False, True, "CollateX's JSON alignment table"),
)
NAMES: tuple[str, ...] = tuple(f.name for f in FORMATS)
DEFAULT = "html"
_BY_NAME = {f.name: f for f in FORMATS}


def format_for(path: str | PurePath) -> str | None:
    """The format a file name's suffix implies (``out.json`` -> ``"json"``), None if none does.

    A ``.json`` file can also hold ``collatex-json``: :func:`suffix_allows` says which formats a
    suffix accepts."""
    suffix = PurePath(path).suffix.lower()
    return next((f.name for f in FORMATS if suffix in f.suffixes), None)


def suffix_allows(path: str | PurePath, fmt: str) -> bool:
    """Whether a file named ``path`` may hold ``fmt``: its suffix implies no format, or implies
    one of the same kind (JSON, XML)."""
    implied = format_for(path)
    if implied is None or implied == fmt:
        return True
    return {implied, fmt} == {"json", "collatex-json"}


def render(result: Result, fmt: str = DEFAULT, *, color: bool = False) -> str:
    """``result`` (a :class:`~textver.compare.Comparison` or :class:`~textver.collate.Collation`)
    in format ``fmt`` (one of :data:`NAMES`); ``color`` adds terminal colours to ``text``."""
    from textver.collate import Collation
    from textver.compare import without_cycle_collector

    spec = _BY_NAME.get(fmt)
    if spec is None:
        raise TextverError(f"--format {fmt}: unknown format (formats: {', '.join(NAMES)})")
    collation = isinstance(result, Collation)
    if not (spec.collation if collation else spec.pairwise):
        raise TextverError(
            f"--format {fmt}: renders collations of several editions only; compare the work, "
            "or three or more REFs"
        )
    # Rendering a book's report builds many small objects and no cycles (see compare.py).
    with without_cycle_collector():
        return _RENDERERS[(fmt, collation)](result, color)


def to_json(obj: object) -> str:
    """JSON as textver writes it: compact, UTF-8, C1 and bidi controls escaped."""
    # Without indentation json uses its C encoder: several times faster on a book's comparison.
    return _safe_json(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


def _safe_json(text: str) -> str:
    """JSON text as to_json leaves it: controls escaped, a final newline."""
    text += "\n"
    # json escapes every control below U+0020 itself, so ASCII JSON can only hold DEL: the
    # usual case, checked at memory speed (a regex scan of a book's JSON takes 0.1 s).
    if text.isascii() and "\x7f" not in text:
        return text
    # json leaves C1 and bidi controls and lone surrogates (from non-UTF-8 file names) raw; as
    # \u escapes the document is the same JSON, safe on a terminal and encodable as UTF-8.
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _html(c: Comparison, color: bool) -> str:
    from textver.report.html import render_html

    return render_html(c)


def _text(c: Comparison, color: bool) -> str:
    from textver.report.text import render_text

    return render_text(c, color=color)


def _collation_html(c: Collation, color: bool) -> str:
    from textver.report.collation_html import render_collation_html

    return render_collation_html(c)


def _collation_text(c: Collation, color: bool) -> str:
    from textver.report.collation_text import render_collation_text

    return render_collation_text(c, color=color)


def _tei(c: Collation, color: bool) -> str:
    from textver.report.tei import to_tei

    return to_tei(c)


def _collatex(c: Collation, color: bool) -> str:
    from textver.report.tei import to_collatex_json

    return to_json(to_collatex_json(c))


_RENDERERS: dict[tuple[str, bool], Callable[..., str]] = {
    ("html", False): _html,
    ("text", False): _text,
    # Comparison.to_json: the same bytes as json of to_dict, in half the time.
    ("json", False): lambda c, color: _safe_json(c.to_json()),
    ("html", True): _collation_html,
    ("text", True): _collation_text,
    ("json", True): lambda c, color: to_json(c.to_dict()),
    ("tei", True): _tei,
    ("collatex-json", True): _collatex,
}
