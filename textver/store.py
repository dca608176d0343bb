"""The version store: one folder per work, a human-editable manifest, one UTF-8 file per text.

Layout::

    versions/<work>/manifest.toml     title, author, original language, [[editions]]
    versions/<work>/<label>.txt       the text of each stored edition, exactly as compared

The store must survive being edited by hand, crashed mid-write and written by several processes
at once, so: names from the user never become paths outside the store; every file is replaced
atomically; a text is written before the manifest that refers to it and is never overwritten
while the manifest still refers to it; the manifest is re-read and rewritten under a per-work
lock; and a manifest that does not parse is reported, never rewritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from textver.errors import TextverError
from textver.segment import count_words
from textver.version import Version

MANIFEST = "manifest.toml"
LOCK = ".manifest.lock"
DEFAULT_STORE = "versions"
ENV_STORE = "TEXTVER_STORE"
LOCK_TIMEOUT = 120.0

STORED = "stored"
KNOWN = "known"

_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
_NAME_MAX = 100
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_META_KEY = re.compile(r"[a-z][a-z0-9_]*")
_TMP_SUFFIX = ".tmp"

# Provenance fields of an edition, in the order they are written to the manifest.
PROVENANCE = (
    "publication",
    "date",
    "url",
    "language",
    "translator",
    "relation",
    "notes",
    "retrieved",
    "encoding",
)
# Fields textver computes; values for them in caller metadata are ignored.
COMPUTED = ("label", "status", "file", "sha256", "words")
_HEADER = (
    "# textver manifest: edit the metadata freely; file, sha256 and words are maintained by\n"
    "# `textver add` (run `textver verify` after editing).\n"
)


@dataclass
class Edition:
    """One edition of a work: a text we hold (``stored``) or only know was published (``known``).

    ``extra`` keeps any further provenance keys (e.g. an ingest's ``content_type``) so nothing a
    fetch reported is lost.
    """

    label: str
    status: str = STORED
    publication: str = ""
    date: str = ""
    url: str = ""
    language: str = ""
    translator: str = ""
    relation: str = ""
    notes: str = ""
    retrieved: str = ""
    encoding: str = ""
    file: str = ""
    sha256: str = ""
    words: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def stored(self) -> bool:
        return self.status == STORED

    def meta(self) -> dict[str, str]:
        """The non-empty provenance fields as strings, as carried by :class:`Version`."""
        out = {k: getattr(self, k) for k in PROVENANCE if getattr(self, k)}
        out.update({k: v for k, v in self.extra.items() if v})
        if self.stored:
            out["sha256"] = self.sha256
            if self.words is not None:
                out["words"] = str(self.words)
        return out


@dataclass
class Work:
    """A work and its editions, as its manifest describes them."""

    name: str
    title: str = ""
    author: str = ""
    language: str = ""
    editions: list[Edition] = field(default_factory=list)

    def edition(self, label: str) -> Edition | None:
        return next((e for e in self.editions if e.label == label), None)


@dataclass(frozen=True)
class Problem:
    """Something ``verify`` found wrong: the path concerned and what is wrong with it."""

    path: Path
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def check_name(name: str, what: str = "name") -> str:
    """Refuse a work or label name that is not a lowercase slug usable as a file name."""
    if (
        not isinstance(name, str)
        or len(name) > _NAME_MAX
        or ".." in name
        or not _NAME.fullmatch(name)
    ):
        raise TextverError(
            f"invalid {what} {name!r}: use lowercase letters, digits, '.', '_' and '-', starting "
            f"with a letter or digit, no '..', at most {_NAME_MAX} characters"
        )
    return name


def check_date(date: str) -> str:
    """Refuse anything but an empty string or a real calendar date written YYYY-MM-DD."""
    if date:
        try:
            if not _DATE.fullmatch(date):
                raise ValueError
            dt.date.fromisoformat(date)
        except ValueError:
            raise TextverError(f"invalid date {date!r}: use YYYY-MM-DD") from None
    return date


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace ``path`` with ``data`` so that readers and crashes see the old or the new file.

    The temporary file lives in the same directory (so ``os.replace`` is a rename), is flushed
    and fsynced before the rename, and the directory is fsynced after it so the rename itself
    survives a power cut.  On failure the temporary file is removed and ``path`` is untouched.
    """
    import tempfile  # writing modules are loaded only by commands that write

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Store:
    """A version store rooted at a directory (which need not exist until the first ``add``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def from_env(cls, store_option: str | None = None) -> Store:
        """The store named by ``--store``, else by $TEXTVER_STORE, else ./versions."""
        return cls(Path(store_option or os.environ.get(ENV_STORE) or DEFAULT_STORE))

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    # --- reading ---------------------------------------------------------------------------

    def works(self) -> list[str]:
        """Names of the works in the store (folders holding a manifest), sorted."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name
            for p in self.root.iterdir()
            if _NAME.fullmatch(p.name) and (p / MANIFEST).is_file()
        )

    def work(self, name: str) -> Work:
        """The work ``name`` as its manifest describes it."""
        check_name(name, "work name")
        path = self._manifest_path(name)
        if not path.is_file():
            raise TextverError(f"{self.root / name}: no such work{self._known_works()}")
        return _parse_manifest(name, path)

    def get(self, work: str, label: str) -> Version:
        """The stored text of ``work:label``, checked against the sha256 in the manifest."""
        ed = self.edition(work, label)
        if not ed.stored:
            raise TextverError(
                f"{work}:{label}: text not held (status known); add it with: "
                f"textver add {work} FILE --label {label}  (or --url URL)"
            )
        path = self.root / work / ed.file
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise TextverError(f"{path}: text file of {work}:{label} is missing") from None
        if hashlib.sha256(data).hexdigest() != ed.sha256:
            raise TextverError(
                f"{path}: text of {work}:{label} has changed since it was added "
                "(sha256 differs from the manifest); see textver verify"
            )
        return Version(
            label=label, source=f"{work}:{label}", text=data.decode("utf-8"), meta=ed.meta()
        )

    def edition(self, work: str, label: str) -> Edition:
        """The manifest entry of ``work:label``."""
        w = self.work(work)
        check_name(label, "label")
        ed = w.edition(label)
        if ed is None:
            labels = ", ".join(e.label for e in w.editions) or "none"
            raise TextverError(
                f"{work}:{label}: no edition labelled {label!r} (editions: {labels})"
            )
        return ed

    def _known_works(self) -> str:
        names = self.works()
        return f" (works: {', '.join(names)})" if names else ""

    def _manifest_path(self, work: str) -> Path:
        return self.root / work / MANIFEST

    # --- writing ---------------------------------------------------------------------------

    def add(
        self,
        work: str,
        label: str,
        text: str | None,
        meta: dict[str, str] | None = None,
        *,
        replace: bool = False,
        known: bool = False,
        work_meta: dict[str, str] | None = None,
    ) -> str:
        """Store ``text`` as edition ``label`` of ``work``, or record a ``known`` edition.

        Returns what happened: ``"added"``, ``"unchanged"`` (identical text already stored),
        ``"replaced"`` (only with ``replace=True``), ``"restored"`` (the stored file had gone
        missing or changed and the identical text was written back), ``"recorded"`` (a new known
        edition) or ``"updated"`` (new metadata for a known edition).  Non-empty values in
        ``meta`` override those already recorded; keys textver computes are ignored.
        """
        check_name(work, "work name")
        check_name(label, "label")
        if known and text is not None:
            raise TextverError(f"{work}:{label}: a known edition has no text; drop the text")
        if not known and text is None:
            raise TextverError(f"{work}:{label}: no text given (use known=True to record it)")
        meta = _check_meta(f"{work}:{label}", meta or {})
        work_meta = _check_work_meta(work, work_meta or {})
        work_dir = self.root / work
        try:
            work_dir.mkdir(parents=True, exist_ok=True)
            _fsync_dir(self.root)
            with self._locked(work):
                self._remove_stale_temps(work_dir)
                path = self._manifest_path(work)
                w = _parse_manifest(work, path) if path.exists() else Work(work)
                old = w.edition(label)
                for key, value in work_meta.items():
                    setattr(w, key, value)
                if known:
                    return self._record_known(w, path, old, label, meta)
                return self._store_text(w, path, old, label, text, meta, replace)
        except OSError as e:  # a read-only or full disk, a file where a folder should be...
            where = e.filename or work_dir
            raise TextverError(f"{where}: cannot write to the store: {e.strerror or e}") from e

    def _record_known(
        self, w: Work, path: Path, old: Edition | None, label: str, meta: dict[str, str]
    ) -> str:
        if old is not None and old.stored:
            raise TextverError(
                f"{w.name}:{label}: text is already stored; a stored edition cannot become known"
            )
        _put(w, old, _with_meta(old or Edition(label, status=KNOWN), meta))
        data = _manifest_bytes(w)
        if path.exists() and data == path.read_bytes():
            return "unchanged"
        write_atomic(path, data)
        return "recorded" if old is None else "updated"

    def _store_text(
        self,
        w: Work,
        path: Path,
        old: Edition | None,
        label: str,
        text: str | None,
        meta: dict[str, str],
        replace_text: bool,
    ) -> str:
        assert text is not None
        data = text.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        work_dir = path.parent
        if old is not None and old.stored:
            if old.sha256 == sha:
                current = work_dir / old.file
                if current.is_file() and _sha_of_file(current) == sha:
                    return "unchanged"
                write_atomic(current, data, 0o444)
                return "restored"
            if not replace_text:
                raise TextverError(
                    f"{w.name}:{label}: a different text is already stored under this label "
                    f"(sha256 {old.sha256[:12]}, new {sha[:12]}); use --replace to replace it"
                )
        # Never overwrite the file the manifest refers to: a crash before the manifest is
        # rewritten then leaves the old edition intact plus an orphan file verify reports.
        file = f"{label}.txt"
        if old is not None and old.file == file:
            file = f"{label}.{sha[:12]}.txt"
        new = _with_meta(old or Edition(label), meta)
        new = replace(new, status=STORED, file=file, sha256=sha, words=count_words(text))
        text_path = work_dir / file
        write_atomic(text_path, data, 0o444)
        _put(w, old, new)
        try:
            write_atomic(path, _manifest_bytes(w))
        except BaseException:
            with contextlib.suppress(OSError):
                text_path.unlink()
            raise
        if old is not None and old.stored and old.file != file:
            with contextlib.suppress(OSError):
                (work_dir / old.file).unlink()
            _fsync_dir(work_dir)
        return "replaced" if old is not None and old.stored else "added"

    @contextlib.contextmanager
    def _locked(self, work: str) -> Iterator[None]:
        from filelock import FileLock, Timeout

        lock = FileLock(self.root / work / LOCK, timeout=LOCK_TIMEOUT)
        try:
            lock.acquire()
        except Timeout:
            raise TextverError(
                f"{self.root / work}: could not lock the manifest within {LOCK_TIMEOUT:.0f}s "
                "(is another textver add running?)"
            ) from None
        try:
            yield
        finally:
            lock.release()

    @staticmethod
    def _remove_stale_temps(work_dir: Path) -> None:
        """Delete temporary files of interrupted writes; only the lock holder writes them."""
        for p in work_dir.glob(f".*{_TMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                p.unlink()

    # --- checking --------------------------------------------------------------------------

    def verify(self) -> list[Problem]:
        """Re-hash every stored text; report every way the store differs from its manifests."""
        problems: list[Problem] = []
        if not self.root.is_dir():
            return problems
        for work_dir in sorted(p for p in self.root.iterdir() if p.is_dir()):
            if not work_dir.name.startswith("."):
                problems.extend(self._verify_work(work_dir))
        return problems

    def verified_count(self) -> int:
        """How many stored texts a clean ``verify`` checked."""
        return sum(1 for name in self.works() for e in self.work(name).editions if e.stored)

    def _verify_work(self, work_dir: Path) -> list[Problem]:
        problems: list[Problem] = []
        manifest = work_dir / MANIFEST
        listed: set[str] = {MANIFEST}
        if manifest.is_file():
            try:
                w = _parse_manifest(work_dir.name, manifest)
            except TextverError as e:
                return [Problem(manifest, f"damaged manifest: {_after_path(str(e), manifest)}")]
            for ed in w.editions:
                if not ed.stored:
                    continue
                listed.add(ed.file)
                path = work_dir / ed.file
                if not path.is_file():
                    problems.append(Problem(path, f"missing text file of edition {ed.label!r}"))
                elif (got := _sha_of_file(path)) != ed.sha256:
                    problems.append(
                        Problem(
                            path,
                            f"text of edition {ed.label!r} has changed (sha256 {got[:12]}, "
                            f"manifest says {ed.sha256[:12]})",
                        )
                    )
        for p in sorted(work_dir.iterdir()):
            if p.name in listed or p.name == LOCK:
                continue
            if p.name.startswith(".") and p.name.endswith(_TMP_SUFFIX):
                problems.append(Problem(p, "leftover temporary file of an interrupted write"))
            else:
                problems.append(Problem(p, "incomplete add: file not listed in the manifest"))
        return problems


def _sha_of_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _after_path(message: str, path: Path) -> str:
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _put(w: Work, old: Edition | None, new: Edition) -> None:
    if old is None:
        w.editions.append(new)
    else:
        w.editions[w.editions.index(old)] = new


def _with_meta(ed: Edition, meta: dict[str, str]) -> Edition:
    """``ed`` with the non-empty values of ``meta`` laid over its provenance."""
    known = {k: v for k, v in meta.items() if k in PROVENANCE and v}
    extra = dict(ed.extra)
    extra.update({k: v for k, v in meta.items() if k not in PROVENANCE and v})
    return replace(ed, **known, extra=extra)


def _check_meta(ref: str, meta: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in meta.items():
        if key in COMPUTED or value is None or value == "":
            continue
        if not isinstance(key, str) or not _META_KEY.fullmatch(key):
            raise TextverError(f"{ref}: invalid metadata key {key!r}")
        if not isinstance(value, str):
            value = str(value)
        out[key] = value
    try:
        check_date(out.get("date", ""))
    except TextverError as e:
        raise TextverError(f"{ref}: {e}") from None
    lang = out.get("language", "")
    if lang and not _LANGUAGE.fullmatch(lang):
        raise TextverError(f"{ref}: invalid language {lang!r}: use a code such as en, ru, pt-BR")
    url = out.get("url", "")
    if url and not re.match(r"https?://\S+$", url):
        raise TextverError(f"{ref}: invalid url {url!r}: use an http:// or https:// address")
    return out


def _check_work_meta(work: str, work_meta: dict[str, str]) -> dict[str, str]:
    out = {k: v for k, v in work_meta.items() if v}
    unknown = set(out) - {"title", "author", "language"}
    if unknown:
        raise TextverError(f"{work}: unknown work metadata {', '.join(sorted(unknown))}")
    lang = out.get("language", "")
    if lang and not _LANGUAGE.fullmatch(lang):
        raise TextverError(f"{work}: invalid original language {lang!r}: use a code such as ru")
    return out


# --- the manifest file ---------------------------------------------------------------------

_STRING_FIELDS = {f.name for f in fields(Edition)} - {"status", "words", "extra"}


def _parse_manifest(work: str, path: Path) -> Work:
    """Read and check a manifest; any problem is a TextverError naming the manifest path."""
    try:
        doc = tomllib.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise TextverError(f"{path}: damaged manifest: {e}") from None
    except OSError as e:
        raise TextverError(f"{path}: cannot read manifest: {e.strerror}") from None
    try:
        return _work_from_doc(work, doc)
    except (TypeError, ValueError, TextverError) as e:
        raise TextverError(f"{path}: damaged manifest: {e}") from None


def _work_from_doc(work: str, doc: dict) -> Work:
    w = Work(work)
    for key in ("title", "author", "language"):
        setattr(w, key, _string(doc, key, key))
    editions = doc.get("editions", [])
    if not isinstance(editions, list) or not all(isinstance(e, dict) for e in editions):
        raise ValueError("'editions' must be an array of tables ([[editions]])")
    for i, entry in enumerate(editions):
        where = f"editions[{i}]"
        label = entry.get("label")
        if not isinstance(label, str) or not label:
            raise ValueError(f"{where}: missing label")
        check_name(label, "label")
        if w.edition(label) is not None:
            raise ValueError(f"{where}: label {label!r} appears twice")
        where = f"edition {label!r}"
        status = entry.get("status", STORED)
        if status not in (STORED, KNOWN):
            raise ValueError(f"{where}: status must be 'stored' or 'known', not {status!r}")
        ed = Edition(label, status=status)
        for key, value in entry.items():
            if key in ("label", "status"):
                continue
            if key == "words":
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"{where}: words must be a whole number")
                ed.words = value
            elif key in _STRING_FIELDS:
                setattr(ed, key, _string(entry, key, f"{where}: {key}"))
            elif isinstance(value, str) and _META_KEY.fullmatch(key):
                ed.extra[key] = value
            else:
                raise ValueError(f"{where}: {key!r} must be a string")
        check_date(ed.date)
        if ed.stored:
            if not ed.file or not ed.sha256:
                raise ValueError(f"{where}: a stored edition needs file and sha256")
            if len(ed.file) > 255 or ".." in ed.file or not _NAME.fullmatch(ed.file):
                raise ValueError(f"{where}: invalid file name {ed.file!r}")
            if not re.fullmatch(r"[0-9a-f]{64}", ed.sha256):
                raise ValueError(f"{where}: sha256 must be 64 hex digits")
        w.editions.append(ed)
    return w


def _string(table: dict, key: str, where: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ValueError(f"{where} must be a string")
    return value


def _manifest_bytes(w: Work) -> bytes:
    """The manifest text; each edition is written as its own ``[[editions]]`` table (never
    inline) so the file stays easy to read and edit by hand."""
    head = {k: getattr(w, k) for k in ("title", "author", "language") if getattr(w, k)}
    import tomli_w

    parts = [_HEADER, tomli_w.dumps(head, multiline_strings=True)]
    for ed in w.editions:
        parts.append("\n[[editions]]\n" + tomli_w.dumps(_edition_doc(ed), multiline_strings=True))
    text = "".join(parts)
    _work_from_doc(w.name, tomllib.loads(text))  # never write a manifest we could not read back
    return text.encode("utf-8")


def _edition_doc(ed: Edition) -> dict:
    doc: dict = {"label": ed.label, "status": ed.status}
    for key in PROVENANCE:
        if getattr(ed, key):
            doc[key] = getattr(ed, key)
    doc.update({k: v for k, v in sorted(ed.extra.items()) if v})
    if ed.stored:
        doc["file"] = ed.file
        doc["sha256"] = ed.sha256
        if ed.words is not None:
            doc["words"] = ed.words
    return doc
