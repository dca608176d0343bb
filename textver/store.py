"""The version store: one folder per work, a human-editable manifest, one UTF-8 file per text.

Layout::

    versions/<work>/manifest.toml     title, author, original language, [[editions]]
    versions/<work>/<label>.txt       the text of each stored edition, exactly as compared
                                      (``<label>.<sha12>.txt`` or ``...-N.txt`` when that name
                                      is taken: a file name is never shared by two editions)
    versions/<work>/.add-in-progress  present only while an add runs (or after one was killed):
                                      names the files that add may leave behind

The store must survive being edited by hand, crashed mid-write and written by several processes
at once, so: names from the user never become paths outside the store; every file is replaced
atomically; a text is written before the manifest that refers to it and is never overwritten
while the manifest still refers to it; the manifest is re-read and rewritten under a per-work
lock; and a manifest that does not parse is reported, never rewritten.  Readers and ``verify``
re-read under the same lock, so a concurrent ``--replace`` never looks like damage.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import json
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from textver.errors import TextverError
from textver.meaning import Mode
from textver.provenance import COMPUTED, FIELDS, NAMES, WORK_NAMES, ordered
from textver.report.common import plural
from textver.segment import count_words
from textver.version import Version

MANIFEST = "manifest.toml"
LOCK = ".manifest.lock"
# Written (atomically) by an add before it creates any file and removed when it is done, so the
# files a killed add leaves behind are provably leftovers that can be removed safely.
JOURNAL = ".add-in-progress"
DEFAULT_STORE = "versions"
ENV_STORE = "TEXTVER_STORE"
LOCK_TIMEOUT = 120.0


class Status(StrEnum):
    """Whether the store holds an edition's text or only knows of the edition."""

    STORED = "stored"
    KNOWN = "known"


STORED, KNOWN = Status


class Outcome(StrEnum):
    """What a write to the store did (``add``, ``edit``, ``remove``; the CLI prints it)."""

    ADDED = "added"
    UNCHANGED = "unchanged"  # identical text already stored
    REPLACED = "replaced"  # only with ``replace=True``
    RESTORED = "restored"  # the stored file had gone missing or changed; written back
    RECORDED = "recorded"  # a new known edition
    UPDATED = "updated"  # new metadata (add of a known edition, edit)
    REMOVED = "removed"  # by remove


_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
_NAME_MAX = 100
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_META_KEY = re.compile(r"[a-z][a-z0-9_]*")
_TMP_SUFFIX = ".tmp"

_HEADER = (
    "# textver manifest: edit the metadata freely; file, sha256 and words are maintained by\n"
    "# `textver add` (run `textver verify` after editing).\n"
)


@dataclass
class Edition:
    """One edition of a work: a text we hold (``stored``) or only know was published (``known``).

    ``provenance`` holds every provenance value by name: the fields of
    :data:`textver.provenance.FIELDS`, read as attributes (``ed.date``, "" when unset), and any
    further key an import reported (e.g. ``content_type``, in :attr:`extra`), so nothing a fetch
    reported is lost.
    """

    label: str
    status: Status = STORED
    file: str = ""
    sha256: str = ""
    words: int | None = None
    provenance: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> str:
        if name in NAMES:
            return self.provenance.get(name, "")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def extra(self) -> dict[str, str]:
        """The provenance keys that are not among the defined fields."""
        return {k: v for k, v in self.provenance.items() if k not in NAMES}

    @property
    def stored(self) -> bool:
        return self.status == STORED

    def meta(self) -> dict[str, str]:
        """The non-empty provenance values as strings, as carried by :class:`Version`."""
        out = dict(ordered(self.provenance))
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
    """Refuse anything but an empty string or a real calendar date, ISO 8601 to the precision
    known: YYYY, YYYY-MM or YYYY-MM-DD.  The date is kept as given (an 1859 edition is not
    given a false day)."""
    if date:
        try:
            if not _DATE.fullmatch(date):
                raise ValueError
            year, month, day = [*date.split("-"), "01", "01"][:3]
            dt.date(int(year), int(month), int(day))
        except ValueError:
            raise TextverError(f"invalid date {date!r}: use YYYY, YYYY-MM or YYYY-MM-DD") from None
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
        """The stored text of ``work:label``, checked against the sha256 in the manifest.

        Read without the lock first (the manifest is replaced atomically and a text file is
        never rewritten while the manifest refers to it, so text and entry always match when
        the hash does); if the file looks missing or changed, a concurrent ``--replace`` may
        have just retired it, so the answer read again under the lock is the one that counts.
        """
        try:
            return self._get(work, label)
        except _TextFileError:
            with self._locked(work, reading=True):
                return self._get(work, label)

    def _get(self, work: str, label: str) -> Version:
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
            raise _TextFileError(f"{path}: text file of {work}:{label} is missing") from None
        except IsADirectoryError:
            raise _TextFileError(
                f"{path}: text file of {work}:{label} is a folder, not a file; see textver verify"
            ) from None
        except OSError as e:
            raise _TextFileError(
                f"{path}: cannot read the text of {work}:{label}: {e.strerror or e}"
            ) from None
        if hashlib.sha256(data).hexdigest() != ed.sha256:
            raise _TextFileError(
                f"{path}: text of {work}:{label} has changed since it was added "
                "(sha256 differs from the manifest); see textver verify"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise _TextFileError(
                f"{path}: text of {work}:{label} is not valid UTF-8 (byte {e.start}) although "
                "its sha256 matches the manifest; see textver verify"
            ) from None
        return Version(label=label, source=f"{work}:{label}", text=text, meta=ed.meta())

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
    ) -> Outcome:
        """Store ``text`` as edition ``label`` of ``work``, or record a ``known`` edition.

        Returns what happened (an :class:`Outcome`).  Non-empty values in
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
                w = _parse_manifest(work, path) if _exists(path) else None
                for leftover in _leftovers(work_dir, w):
                    leftover.unlink()
                if w is None or not w.editions:
                    if texts := _text_files(work_dir):
                        raise TextverError(f"{path}: {_no_manifest(w, len(texts))}")
                    w = w or Work(work)
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
    ) -> Outcome:
        if old is not None and old.stored:
            raise TextverError(
                f"{w.name}:{label}: text is already stored; a stored edition cannot become known"
            )
        _put(w, old, _with_meta(old or Edition(label, status=KNOWN), meta))
        data = _manifest_bytes(w)
        if path.exists() and data == path.read_bytes():
            return Outcome.UNCHANGED
        write_atomic(path, data)
        return Outcome.RECORDED if old is None else Outcome.UPDATED

    def _store_text(
        self,
        w: Work,
        path: Path,
        old: Edition | None,
        label: str,
        text: str | None,
        meta: dict[str, str],
        replace_text: bool,
    ) -> Outcome:
        assert text is not None
        data = text.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        work_dir = path.parent
        # A hand-edited (or once mis-written) manifest may give two editions one file: never
        # write back to, or retire, a file another edition refers to.
        shared = old is not None and any(
            e is not old and e.stored and e.file == old.file for e in w.editions
        )
        if old is not None and old.stored:
            if old.sha256 == sha and not shared:
                _refuse_new_metadata(w, path, old, meta)
                current = work_dir / old.file
                if current.is_file() and _sha_of_file(current) == sha:
                    return Outcome.UNCHANGED
                write_atomic(current, data, 0o444)
                return Outcome.RESTORED
            if old.sha256 != sha and not replace_text:
                raise TextverError(
                    f"{w.name}:{label}: a different text is already stored under this label "
                    f"(sha256 {old.sha256[:12]}, new {sha[:12]}); use --replace to replace it"
                )
        # Never write over a file the manifest refers to (this edition's or another's): a crash
        # before the manifest is rewritten then leaves every edition intact, and the journal
        # names the new file (and the one it replaces) as the only possible leftovers.
        file = _free_file_name(w, work_dir, label, sha)
        new = _with_meta(old or Edition(label), meta)
        new = replace(new, status=STORED, file=file, sha256=sha, words=count_words(text))
        retired = old.file if old is not None and old.stored and not shared else ""
        journal = work_dir / JOURNAL
        write_atomic(journal, json.dumps({"label": label, "new": file, "old": retired}).encode())
        text_path = work_dir / file
        _put(w, old, new)
        manifest = _manifest_bytes(w)
        try:
            write_atomic(text_path, data, 0o444)
            write_atomic(path, manifest)
        except BaseException:
            committed = False
            with contextlib.suppress(OSError):
                committed = path.read_bytes() == manifest
            if not committed:
                for p in (text_path, journal):
                    with contextlib.suppress(OSError):
                        p.unlink()
            raise
        if retired:
            with contextlib.suppress(OSError):
                (work_dir / retired).unlink()
        journal.unlink()
        _fsync_dir(work_dir)
        if old is None or not old.stored:
            return Outcome.ADDED
        return Outcome.RESTORED if old.sha256 == sha else Outcome.REPLACED

    def edit(
        self,
        work: str,
        label: str | None,
        meta: dict[str, str] | None = None,
        *,
        unset: tuple[str, ...] | list[str] = (),
        work_meta: dict[str, str] | None = None,
    ) -> Outcome:
        """Change the metadata of edition ``label`` of ``work`` (or, ``label`` None, only the
        work's): non-empty values in ``meta`` are set, the fields named in ``unset`` removed.

        Returns UPDATED or UNCHANGED.  The text, its file and hash are never
        touched; the manifest is rewritten atomically under the work's lock, as by ``add``.
        """
        ref = f"{work}:{label}" if label else work
        check_name(work, "work name")
        if label is not None:
            check_name(label, "label")
        meta = _check_meta(ref, meta or {})
        work_meta = _check_work_meta(work, work_meta or {})
        for key in unset:
            if key in COMPUTED or not _META_KEY.fullmatch(key):
                raise TextverError(f"{ref}: --unset {key}: not a metadata field textver lets go")
        with self._writing(work) as (w, path):
            for key, value in work_meta.items():
                setattr(w, key, value)
            if label is not None:
                ed = w.edition(label)
                if ed is None:
                    raise TextverError(f"{ref}: no edition labelled {label!r}{_labels_of(w)}")
                new = _with_meta(ed, meta)
                new = replace(
                    new, provenance={k: v for k, v in new.provenance.items() if k not in unset}
                )
                _put(w, ed, new)
            elif meta or unset:
                raise TextverError(f"{work}: edition metadata needs WORK:LABEL")
            data = _manifest_bytes(w)
            if data == path.read_bytes():
                return Outcome.UNCHANGED
            write_atomic(path, data)
            return Outcome.UPDATED

    def remove(self, work: str, label: str) -> Outcome:
        """Remove edition ``label`` of ``work``: its manifest entry, then its text file.

        The journal names the file first, so a remove killed after the manifest was rewritten
        leaves a file that ``verify`` reports and ``verify --repair`` (or the next write to the
        work) removes; killed before, nothing changed.  Returns REMOVED.
        """
        check_name(work, "work name")
        check_name(label, "label")
        with self._writing(work) as (w, path):
            ed = w.edition(label)
            if ed is None:
                raise TextverError(f"{work}:{label}: no edition labelled {label!r}{_labels_of(w)}")
            shared = any(e is not ed and e.stored and e.file == ed.file for e in w.editions)
            retired = ed.file if ed.stored and not shared else ""
            w.editions.remove(ed)
            manifest = _manifest_bytes(w)
            work_dir = path.parent
            journal = work_dir / JOURNAL
            if retired:
                record = {"op": "rm", "label": label, "new": "", "old": retired}
                write_atomic(journal, json.dumps(record).encode())
            try:
                write_atomic(path, manifest)
            except BaseException:
                with contextlib.suppress(OSError):
                    if path.read_bytes() != manifest:
                        journal.unlink()
                raise
            if retired:
                with contextlib.suppress(FileNotFoundError):
                    (work_dir / retired).unlink()
                journal.unlink()
                _fsync_dir(work_dir)
            return Outcome.REMOVED

    @contextlib.contextmanager
    def _writing(self, work: str) -> Iterator[tuple[Work, Path]]:
        """Hold the lock of an existing work for a metadata write: its stale temporary files
        and provable leftovers removed first, as an add does."""
        path = self._manifest_path(work)
        if not path.is_file():
            raise TextverError(f"{self.root / work}: no such work{self._known_works()}")
        try:
            with self._locked(work):
                self._remove_stale_temps(path.parent)
                w = _parse_manifest(work, path)
                for leftover in _leftovers(path.parent, w):
                    leftover.unlink()
                yield w, path
        except OSError as e:
            where = e.filename or path.parent
            raise TextverError(f"{where}: cannot write to the store: {e.strerror or e}") from e

    @contextlib.contextmanager
    def _locked(self, work: str, *, reading: bool = False) -> Iterator[None]:
        """Hold the work's lock.  A reader of a store it cannot write (a read-only copy, nobody
        writing it) reads without the lock rather than failing."""
        from filelock import FileLock, Timeout

        path = self.root / work / LOCK
        if reading and not path.exists() and not os.access(path.parent, os.W_OK):
            yield
            return
        lock = FileLock(path, timeout=LOCK_TIMEOUT)
        try:
            lock.acquire()
            held = True
        except Timeout:
            raise TextverError(
                f"{self.root / work}: could not lock the manifest within {LOCK_TIMEOUT:.0f}s "
                "(is another textver add or verify running?)"
            ) from None
        except OSError:
            if not reading:
                raise
            held = False
        try:
            yield
        finally:
            if held:
                lock.release()

    @staticmethod
    def _remove_stale_temps(work_dir: Path) -> None:
        """Delete temporary files of interrupted writes; only the lock holder writes them."""
        for p in _temps(work_dir):
            with contextlib.suppress(OSError):
                p.unlink()

    # --- history ---------------------------------------------------------------------------

    def history(self, work: str, *, strict: bool = False, meaning: str = Mode.AUTO) -> list[Step]:
        """The editions of ``work`` in :func:`history_order`, each stored one with what
        changed from the stored one before it (``textver log``).

        An edition whose text is identical to an earlier one's is marked ``same_as`` that
        edition and not compared again."""
        from textver.compare import compare

        w = self.work(work)
        steps: list[Step] = []
        previous: Version | None = None
        seen: dict[str, str] = {}  # sha256 -> label of the first edition with that text
        for ed in history_order(w.editions):
            if not ed.stored:
                steps.append(Step(ed))
                continue
            current = self.get(work, ed.label)
            same_as = seen.setdefault(ed.sha256, ed.label)
            stats = None
            if previous is not None and same_as == ed.label:
                c = compare(previous, current, strict=strict, meaning=meaning)
                stats = c.stats
            steps.append(
                Step(
                    ed,
                    previous=previous.label if previous else None,
                    stats=stats,
                    same_as=same_as if same_as != ed.label else None,
                )
            )
            previous = current
        return steps

    # --- checking --------------------------------------------------------------------------

    def verify(self) -> list[Problem]:
        """Check every work against its manifest: each text's sha256, UTF-8 and word count,
        the manifest itself, and any file it does not list.  Each work is checked under its
        lock, so an add in progress is never mistaken for damage."""
        problems: list[Problem] = []
        for work_dir in self._work_dirs():
            with self._locked(work_dir.name, reading=True):
                problems.extend(_verify_work(work_dir))
        return problems

    def verified_count(self) -> int:
        """How many stored texts a clean ``verify`` checked."""
        return sum(1 for name in self.works() for e in self.work(name).editions if e.stored)

    def repair(self) -> list[Repair]:
        """Remove what interrupted writes provably left behind, and nothing else.

        That is: temporary files (only the lock holder writes them, and we hold the lock) and
        the files named by the journal of a killed add that the manifest does not refer to.
        Files nobody can prove are leftovers (say, a text put there by hand) are left alone.
        """
        done: list[Repair] = []
        for work_dir in self._work_dirs():
            try:
                with self._locked(work_dir.name):
                    done.extend(_repair_work(work_dir))
            except OSError as e:
                where = e.filename or work_dir
                raise TextverError(f"{where}: cannot repair: {e.strerror or e}") from e
        return done

    def _work_dirs(self) -> list[Path]:
        """The folders verify and repair look at; a store that is not there is an error (a
        typing mistake must not verify as "ok")."""
        if not _exists(self.root):
            raise TextverError(f"{self.root}: no such store folder")
        if not self.root.is_dir():
            raise TextverError(f"{self.root}: not a folder (a store is a folder of works)")
        return sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))


def history_order(editions: list[Edition]) -> list[Edition]:
    """Editions in date order, for ``log``: dated ones by their date as written, so a date
    known only to the year or month comes before the fuller dates within it ("1859" before
    "1859-11" before "1859-11-24"); editions with the same date, and the undated ones (listed
    after all dated ones), keep their order in the manifest, which is the order they were
    added unless edited by hand.  The same manifest always gives the same order."""
    dated = sorted((e for e in editions if e.date), key=lambda e: e.date)  # stable
    return dated + [e for e in editions if not e.date]


@dataclass(frozen=True)
class Step:
    """One edition in a work's history: ``previous`` is the stored edition it was compared
    with and ``stats`` what changed (textver.compare.Comparison.stats); ``same_as`` names an
    earlier edition with the identical text (then ``stats`` is None)."""

    edition: Edition
    previous: str | None = None
    stats: dict[str, int | float] | None = None
    same_as: str | None = None


@dataclass(frozen=True)
class Repair:
    """Something ``repair`` did: the path concerned and what was done with it."""

    path: Path
    action: str

    def __str__(self) -> str:
        return f"{self.path}: {self.action}"


class _TextFileError(TextverError):
    """A stored text file that is missing, changed or unreadable (worth a re-read under lock)."""


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _temps(work_dir: Path) -> list[Path]:
    return sorted(work_dir.glob(f".*{_TMP_SUFFIX}"))


def _text_files(work_dir: Path) -> list[Path]:
    return sorted(p for p in work_dir.glob("*.txt") if not p.name.startswith("."))


def _free_file_name(w: Work, work_dir: Path, label: str, sha: str) -> str:
    """A file name for a new text of ``label`` that no edition refers to.

    Labels may contain dots, so ``<label>.<sha12>.txt`` of one edition can be ``<label>.txt``
    of another: names are checked, never assumed free.  An existing file that no edition
    refers to is only reused when it already holds exactly this text (a killed add's file).
    """
    taken = {e.file for e in w.editions if e.stored}
    names = itertools.chain(
        (f"{label}.txt", f"{label}.{sha[:12]}.txt"),
        (f"{label}.{sha[:12]}-{n}.txt" for n in itertools.count(2)),
    )
    for name in names:
        path = work_dir / name
        if name in taken:
            continue
        if not _exists(path):
            return name
        if path.is_file() and not path.is_symlink() and _sha_of_file(path) == sha:
            return name
    raise AssertionError("unreachable")  # pragma: no cover


def _leftovers(work_dir: Path, w: Work | None) -> dict[Path, str]:
    """The files a killed add provably left behind, with why, read from its journal.

    The journal names the file the add was writing (a leftover unless the manifest refers to
    it) and the file it was replacing (a leftover once the manifest refers to the new one).
    Nothing an add acknowledged can be among them: an add removes its journal before it
    reports success.  ``w`` is the parsed manifest, None when there is none.
    """
    journal = work_dir / JOURNAL
    if not _exists(journal):
        return {}
    out: dict[Path, str] = {}
    try:
        record = json.loads(journal.read_bytes())
        label, new, old = record["label"], record["new"], record["old"]
        if not all(isinstance(v, str) for v in (label, new, old)):
            raise TypeError
    except (OSError, ValueError, TypeError, KeyError):
        return {journal: "unreadable record of an interrupted add"}
    referenced = {e.file for e in w.editions if e.stored} if w is not None else set()
    for name in (new, old):
        if not name or name in referenced or not _NAME.fullmatch(name) or ".." in name:
            continue
        path = work_dir / name
        if not path.is_file() or path.is_symlink():
            continue
        if name == new:
            out[path] = f"leftover of an interrupted add of {label!r} (never in the manifest)"
        elif record.get("op") == "rm":
            if w is not None and w.edition(label) is None:
                out[path] = f"leftover of an interrupted rm of {label!r} (the text it removed)"
        elif w is not None and (ed := w.edition(label)) is not None and ed.file == new:
            out[path] = f"leftover of an interrupted add of {label!r} (the text it replaced)"
    out[journal] = f"record of an interrupted {record.get('op', 'add')} of {label!r}"
    return out


def _labels_of(w: Work) -> str:
    return f" (editions: {', '.join(e.label for e in w.editions) or 'none'})"


def _refuse_new_metadata(w: Work, path: Path, old: Edition, meta: dict[str, str]) -> None:
    """Re-adding a stored text with metadata that would change its entry is refused with what
    to run instead, never dropped in silence.  Fields an import sets itself (when a page was
    retrieved, its content type) are not metadata the user gave and do not count."""
    given = {f.name for f in FIELDS if f.option}
    changed = [k for k, v in meta.items() if k in given and old.provenance.get(k) != v]
    if changed:
        ref = f"{w.name}:{old.label}"
        options = " ".join(f"{f.option} ..." for f in FIELDS if f.name in changed and f.option)
        raise TextverError(
            f"{ref}: this text is already stored; to change its metadata run: "
            f"textver edit {ref} {options}"
        )


def _no_manifest(w: Work | None, texts: int) -> str:
    what = "missing" if w is None else "lists no editions"
    return (
        f"{what}, but the folder holds {plural(texts, 'text file')}; restore "
        "the manifest from a backup (textver will not start a new one over them)"
    )


def _verify_work(work_dir: Path) -> list[Problem]:
    """What is wrong in one work folder; the caller holds the work's lock."""
    manifest = work_dir / MANIFEST
    w: Work | None = None
    if _exists(manifest):
        try:
            w = _parse_manifest(work_dir.name, manifest)
        except TextverError as e:
            return [Problem(manifest, f"damaged manifest: {_after_path(str(e), manifest)}")]
    problems: list[Problem] = []
    leftovers = _leftovers(work_dir, w)
    listed = {MANIFEST, LOCK}
    if w is None or not w.editions:
        texts = [p for p in _text_files(work_dir) if p not in leftovers]
        if texts:
            problems.append(Problem(manifest, _no_manifest(w, len(texts))))
            listed.update(p.name for p in texts)
    else:
        owners: dict[str, list[str]] = {}
        for ed in w.editions:
            if ed.stored:
                owners.setdefault(ed.file, []).append(ed.label)
        for file, labels in owners.items():
            listed.add(file)
            if len(labels) > 1:
                problems.append(
                    Problem(
                        work_dir / file,
                        f"one file for several editions ({', '.join(map(repr, labels))}); "
                        "at most one of them can have its text there",
                    )
                )
        for ed in w.editions:
            if ed.stored:
                problems.extend(_verify_text(work_dir / ed.file, ed))
    temps = set(_temps(work_dir))
    for p in sorted(work_dir.iterdir()):
        if p.name in listed:
            continue
        if p in leftovers:
            problems.append(Problem(p, f"{leftovers[p]}; textver verify --repair removes it"))
        elif p in temps:
            problems.append(
                Problem(
                    p,
                    "leftover temporary file of an interrupted write; "
                    "textver verify --repair removes it",
                )
            )
        elif p.is_dir() and not p.is_symlink():
            problems.append(Problem(p, "stray folder: not listed in the manifest"))
        else:
            problems.append(
                Problem(
                    p,
                    "incomplete add or stray file: not listed in the manifest (not provably a "
                    "leftover, so --repair leaves it)",
                )
            )
    return problems


def _verify_text(path: Path, ed: Edition) -> list[Problem]:
    """What is wrong with the stored text of one edition."""
    what = f"edition {ed.label!r}"
    if not _exists(path):
        return [Problem(path, f"missing text file of {what}")]
    if path.is_dir():
        return [Problem(path, f"a folder where the text file of {what} should be")]
    if not path.is_file():
        return [Problem(path, f"not a regular file: the text of {what}")]
    try:
        data = path.read_bytes()
    except OSError as e:
        return [Problem(path, f"cannot read the text of {what}: {e.strerror or e}")]
    got = hashlib.sha256(data).hexdigest()
    if got != ed.sha256:
        return [
            Problem(
                path,
                f"text of {what} has changed (sha256 {got[:12]}, manifest says {ed.sha256[:12]})",
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return [Problem(path, f"text of {what} is not valid UTF-8 (byte {e.start})")]
    if ed.words is not None and (n := count_words(text)) != ed.words:
        return [
            Problem(path, f"text of {what} has {plural(n, 'word')}; the manifest says {ed.words}")
        ]
    return []


def _repair_work(work_dir: Path) -> list[Repair]:
    """Remove the provable leftovers in one work folder; the caller holds the work's lock."""
    done = []
    for p in _temps(work_dir):
        p.unlink()
        done.append(Repair(p, "removed leftover temporary file of an interrupted write"))
    manifest = work_dir / MANIFEST
    try:
        w = _parse_manifest(work_dir.name, manifest) if _exists(manifest) else None
    except TextverError:
        return done  # which files it refers to is unknown: touch nothing else
    for p, why in _leftovers(work_dir, w).items():
        p.unlink()
        done.append(Repair(p, f"removed {why}"))
    if done:
        _fsync_dir(work_dir)
    return done


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
    return replace(ed, provenance=ed.provenance | {k: v for k, v in meta.items() if v})


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
    unknown = set(out) - set(WORK_NAMES)
    if unknown:
        raise TextverError(f"{work}: unknown work metadata {', '.join(sorted(unknown))}")
    lang = out.get("language", "")
    if lang and not _LANGUAGE.fullmatch(lang):
        raise TextverError(f"{work}: invalid original language {lang!r}: use a code such as ru")
    return out


# --- the manifest file ---------------------------------------------------------------------

_STRING_FIELDS = ("file", "sha256")


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
    for key in WORK_NAMES:
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
        ed = Edition(label, status=Status(status))
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
                ed.provenance[key] = value
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
    head = {k: getattr(w, k) for k in WORK_NAMES if getattr(w, k)}
    import tomli_w

    parts = [_HEADER, tomli_w.dumps(head, multiline_strings=True)]
    for ed in w.editions:
        parts.append("\n[[editions]]\n" + tomli_w.dumps(_edition_doc(ed), multiline_strings=True))
    text = "".join(parts)
    _work_from_doc(w.name, tomllib.loads(text))  # never write a manifest we could not read back
    return text.encode("utf-8")


def _edition_doc(ed: Edition) -> dict:
    doc: dict = {"label": ed.label, "status": ed.status}
    doc.update(ordered(ed.provenance))
    if ed.stored:
        doc["file"] = ed.file
        doc["sha256"] = ed.sha256
        if ed.words is not None:
            doc["words"] = ed.words
    return doc
