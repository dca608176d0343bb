"""The one definition of provenance: which facts textver records about a work and its editions.

The store writes edition fields to the manifest in the order of :data:`FIELDS`; the CLI's ``add``
and ``edit`` options, ``show``, the report cards and the TEI witness list all read the same
tuple, so a new field (say, where a page's metadata came from) is one line here, and every
consumer shows it in the same place under the same name.  Keys not listed here (an ingest's
``content_type``) are still kept and shown, after these, in sorted order.

Also here: the work-level fields (:data:`WORK_FIELDS`), what a result object carries about its
work (:class:`WorkInfo`), and the one parser of ``WORK:LABEL`` references (:func:`parse_ref`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class Field:
    """One provenance field of an edition.

    ``option`` is the CLI option that sets it (None: set only by an import, never by hand);
    ``export`` says whether scholarly exports (the TEI ``<witness>``) describe the edition with
    it; ``help`` is the one description the CLI and the docs show.
    """

    name: str
    help: str
    option: str | None = None
    export: bool = True

    @property
    def title(self) -> str:
        """The field's name as people read it ("original_language" -> "original language")."""
        return self.name.replace("_", " ")


FIELDS: tuple[Field, ...] = (
    Field("publication", "Where the edition was published.", "--publication"),
    Field("date", "Publication date: YYYY, YYYY-MM or YYYY-MM-DD.", "--date"),
    Field("url", "Where the edition is (or was fetched from).", "--url"),
    Field("language", "Language of this edition (e.g. en, ru).", "--language"),
    Field("translator", "Translator of this edition.", "--translator"),
    Field("relation", 'How it relates to the others (e.g. "abridged from website").', "--relation"),
    Field("notes", "Free-text notes on the edition.", "--note", export=False),
    Field("retrieved", "When the text was fetched from its URL (UTC).", export=False),
    Field("encoding", "The encoding the text was decoded from.", export=False),
    Field("format", "The format it was imported from: text, html, pdf, docx or epub."),
    Field("title", "The edition's own title, as its web page gives it."),
    Field("author", "The edition's author, as its web page gives it."),
    Field("from_page", "Which of these fields were read from the web page.", export=False),
    Field("extractor", "What found the article text of a web page.", export=False),
)
"""Edition provenance, in the order the manifest, ``show`` and the reports list it."""

NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)

COMPUTED: tuple[str, ...] = ("label", "status", "file", "sha256", "words")
"""Fields textver computes for a stored edition; values for them in caller metadata are ignored."""


@dataclass(frozen=True)
class WorkField:
    """One field of the work as a whole (its manifest's top table)."""

    name: str
    title: str
    option: str
    help: str


WORK_FIELDS: tuple[WorkField, ...] = (
    WorkField("title", "title", "--title", "Title of the work."),
    WorkField("author", "author", "--author", "Author of the work."),
    WorkField("language", "original language", "--original-language", "Original language."),
)
WORK_NAMES: tuple[str, ...] = tuple(f.name for f in WORK_FIELDS)


@dataclass(frozen=True)
class WorkInfo:
    """What a comparison or collation of one stored work knows of the work, for its reports.

    Set by :func:`textver.run` when every edition compared comes from the same work of the
    store; ``None`` on a result otherwise (files, URLs, editions of different works)."""

    name: str
    title: str = ""
    author: str = ""
    language: str = ""

    @property
    def heading(self) -> str:
        """How a report names the work: "Title, by Author", else the title, else its name."""
        title = self.title or self.name
        return f"{title}, by {self.author}" if self.author else title


def ordered(meta: dict[str, str]) -> list[tuple[str, str]]:
    """The non-empty entries of ``meta`` in the one display order: :data:`FIELDS` first, then
    any other key in sorted order."""
    known = [(k, meta[k]) for k in NAMES if meta.get(k)]
    return known + sorted((k, v) for k, v in meta.items() if k not in NAMES and v)


class Ref(NamedTuple):
    """A reference into the store: ``WORK`` alone (``label`` None) or ``WORK:LABEL``."""

    work: str
    label: str | None


_REF = re.compile(r"([^\s:/\\]+)(?::([^\s:/\\]+))?")


def parse_ref(text: str) -> Ref | None:
    """``text`` read as ``WORK`` or ``WORK:LABEL``, or None if it cannot be one (it holds a
    slash, a backslash, whitespace or a second colon, as paths and URLs do).

    Only the shape is checked here; the store checks that the names are valid slugs and
    exist, so its error messages can name what is wrong."""
    m = _REF.fullmatch(text)
    return Ref(m[1], m[2]) if m else None
