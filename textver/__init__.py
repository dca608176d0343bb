"""textver: store published versions of a text and show what each kept, cut, reworded, moved or
added.

The library API the CLI is built on::

    from textver import Version, compare, collate, load, render, run, Store
    comparison = compare(Version("full", "a.txt", full_text), Version("short", "b.txt", short))
    comparison.to_dict()  # the textver.comparison JSON
    result = run([load("a.txt"), load("essay:reprint", store=Store.from_env())])
    html = render(result, "html")  # any format of ``textver compare --format``
    html = render(load_saved("result.json"), "html")  # the same, from a saved JSON result
"""

from textver.collate import Collation, collate
from textver.compare import Comparison, compare
from textver.errors import TextverError
from textver.ingest import load
from textver.render import render
from textver.saved import load_saved
from textver.store import Store
from textver.version import Version
from textver.workflow import differs, resolve, run

__all__ = [
    "Collation",
    "Comparison",
    "Store",
    "TextverError",
    "Version",
    "collate",
    "compare",
    "differs",
    "load",
    "load_saved",
    "render",
    "resolve",
    "run",
]
__version__ = "0.1.0"
