"""The HTML reviewing report: one self-contained file, safe to open from anywhere, offline.

Layout lives in jinja2 templates beside this module (``templates/``); this module only builds the
model and hands it over.  Every string from the inputs is escaped by autoescaping, including in
attributes; the only unescaped strings are the report's own CSS and script, read from the package.
A Content-Security-Policy allows no fetch at all and no script but that one, pinned by its hash,
so a hostile text or label can neither run code nor make the browser reach the network.

Bidirectional controls must not reorder the page around them (U+202E makes a file named
``\u202etxt.exe`` read "exe.txt").  The templates show every name, path and provenance value
with the filter ``name``: controls made visible (:func:`textver.visible.visible`) inside a
``<bdi>``, which isolates it from the text around; ``vis`` does the same for attributes and the
title, where no element can go.  An edition's own text is never altered (Hebrew or Arabic is
legitimate there): each paragraph is its own block, and an excerpt quoted in the summary is
isolated with ``iso``, so a control in a text cannot reach beyond its element.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textver.compare import Comparison
from textver.diff import Op
from textver.report.common import Lane, number, paragraph_numbers, percent, plural
from textver.report.model import RIGHT_ONLY, Label, report_model
from textver.visible import visible

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"


def render_html(comparison: Comparison) -> str:
    """The report of a pairwise comparison as one HTML document."""
    report = report_model(comparison)
    return environment().get_template("compare.html").render(r=report, **assets())


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The template environment every HTML report uses (jinja2 is imported only here, so the
    JSON and text outputs do not pay for it)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        bytecode_cache=_bytecode_cache(jinja2),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["kcls"] = kind_class
    env.filters["name"] = lambda s: _isolated(visible(str(s)))
    env.filters["vis"] = lambda s: visible(str(s))
    env.filters["iso"] = _isolated
    env.filters["num"] = number
    env.filters["count"] = plural
    env.filters["percent"] = percent
    env.filters["paras"] = paragraph_numbers
    env.globals["RIGHT_ONLY"] = RIGHT_ONLY
    # The vocabularies, so templates test kinds by name, never by spelling.
    env.globals.update(Op=Op, Label=Label, Lane=Lane)
    return env


def _bytecode_cache(jinja2: Any) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the user's cache folder between runs.

    Compiling the templates took about a third of the time of writing a report for a book;
    jinja2 checks each cached entry against its template's source, so a stale one is never
    used.  Where no cache folder can be made, templates are simply compiled every time.
    """
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    folder = Path(base) / "textver" / f"jinja2-{jinja2.__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _isolated(text: str) -> Markup:
    from markupsafe import Markup

    return Markup("<bdi>%s</bdi>") % text


def kind_class(label: str) -> str:
    """CSS class of a vocabulary label: "dropped sentence" -> "k-dropped-sentence"."""
    return "k-" + label.replace(" ", "-")


@lru_cache(maxsize=1)
def assets() -> dict[str, object]:
    """The report's stylesheet and script, and the Content-Security-Policy that admits them."""
    from markupsafe import Markup

    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    js = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    return {"css": Markup(css), "script": Markup(js), "csp": csp}
