"""A published version of a text, as textver holds it in memory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Version:
    """One published version: its text exactly as stored, where it came from, and provenance.

    ``text`` is the text every offset refers to: for a plain-text file the decoded content (BOM
    removed, CRLF turned into LF), for HTML the extracted article text.  ``meta`` holds the
    provenance fields of the store's manifest (publication, date, url, language, translator,
    notes, relation, ...) as plain strings; it is shown in reports and never compared.
    """

    label: str
    source: str
    text: str
    meta: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()
