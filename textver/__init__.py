"""textver: store published versions of a text and show what each kept, cut, reworded, moved or
added.

The library API the CLI is built on::

    from textver import Version, compare, collate
    comparison = compare(Version("full", "a.txt", full_text), Version("short", "b.txt", short))
    comparison.to_dict()  # the textver.comparison JSON
"""

from textver.collate import Collation, collate
from textver.compare import Comparison, compare
from textver.errors import TextverError
from textver.version import Version

__all__ = ["Collation", "Comparison", "TextverError", "Version", "collate", "compare"]
__version__ = "0.1.0"
