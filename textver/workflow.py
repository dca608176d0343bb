"""What ``textver compare`` does, as library calls a program can make: :func:`resolve` the
references, :func:`run` a pairwise comparison or a collation (whichever fits), then
:func:`textver.render.render` it; :func:`differs` answers ``--exit-code``.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import PurePath
from typing import TYPE_CHECKING

from textver.align import LinkKind
from textver.errors import TextverError
from textver.meaning import Mode
from textver.provenance import WorkInfo, parse_ref
from textver.report.common import plural
from textver.store import Store
from textver.version import Version

if TYPE_CHECKING:
    from textver.collate import Collation
    from textver.compare import Comparison

    Result = Comparison | Collation

STDIN = "-"
STDIN_LABEL = "stdin"


def resolve(
    refs: list[str] | tuple[str, ...],
    store: Store | None = None,
    *,
    labels: list[str] | None = None,
    selector: str | None = None,
    encoding: str | None = None,
    timeout: float | None = None,
    deadline: float | None = None,
) -> tuple[list[Version], WorkInfo | None]:
    """The versions ``refs`` name, and the stored work they all come from (else None).

    A lone REF naming a work of ``store`` means all its stored editions.  Each other REF is a
    file (``-`` for standard input, read once), an http(s) URL or ``WORK:LABEL``.  Versions are
    labelled by ``labels`` when given (one per version), else by :func:`distinct_labels`.
    """
    from textver import ingest

    store = store if store is not None else Store.from_env()
    if list(refs).count(STDIN) > 1:
        raise TextverError("-: standard input can be read only once; give - as one REF")
    if len(refs) == 1:
        versions = _work_editions(store, refs[0])
    else:
        options: dict = {"selector": selector, "encoding": encoding}
        options |= {k: v for k, v in (("timeout", timeout), ("deadline", deadline)) if v}
        versions = [ingest.load(r, store=store, **options) for r in refs]
    versions = _relabelled(versions, labels) if labels is not None else distinct_labels(versions)
    return versions, _work_of(store, versions)


def _work_editions(store: Store, ref: str) -> list[Version]:
    parsed = parse_ref(ref)
    if parsed is None or parsed.label is not None or ref not in store.works():
        raise TextverError(
            f"{ref}: compare needs two or more REFs, or the name of a work in {store.root}"
        )
    w = store.work(ref)
    stored = [e.label for e in w.editions if e.stored]
    if len(stored) < 2:
        raise TextverError(
            f"{ref}: {plural(len(stored), 'stored edition')}; comparing needs at least two"
        )
    return [store.get(ref, label) for label in stored]


def _relabelled(versions: list[Version], labels: list[str]) -> list[Version]:
    if len(labels) != len(versions):
        raise TextverError(
            f"--label {','.join(labels)}: {plural(len(labels), 'label')} "
            f"for {plural(len(versions), 'version')}; give one per version, in order"
        )
    if any(not label.strip() for label in labels) or len(set(labels)) != len(labels):
        raise TextverError(f"--label {','.join(labels)}: labels must be distinct and not empty")
    return [replace(v, label=label) for v, label in zip(versions, labels, strict=True)]


def distinct_labels(versions: list[Version]) -> list[Version]:
    """``versions`` with labels that tell them apart.

    Labels that are already distinct are kept.  Files that share a name (``old/article.txt``,
    ``new/article.txt``) are labelled by the part of their paths that differs, before the name
    (``old/article``, ``new/article``); any other clash gets the version's source as its label,
    and a clash that remains (the same file twice) a number (``article-2``).
    """
    labels = [v.label for v in versions]
    for label in sorted(set(labels)):
        clash = [i for i, x in enumerate(labels) if x == label]
        if len(clash) < 2:
            continue
        files = [i for i in clash if _is_file(versions[i].source)]
        if len(files) > 1:
            for i, part in zip(
                files, _differing_dirs([versions[i].source for i in files]), strict=True
            ):
                if part:
                    labels[i] = f"{part}/{label}"
        for i in clash:
            if i not in files:
                labels[i] = versions[i].source
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):
        if labels.count(label) > 1:
            seen[label] = seen.get(label, 0) + 1
            if seen[label] > 1:
                labels[i] = f"{label}-{seen[label]}"
    return [
        v if v.label == x else replace(v, label=x) for v, x in zip(versions, labels, strict=True)
    ]


def _is_file(source: str) -> bool:
    return "://" not in source and source != STDIN and parse_ref(source) is None


def _differing_dirs(paths: list[str]) -> list[str]:
    """The folders of each path once the folders all of them share at the start and the end
    are left out: ``a/x/t.txt`` and ``b/x/t.txt`` give ``a`` and ``b``."""
    parts = [PurePath(os.path.normpath(p)).parent.parts for p in paths]
    head = 0
    while all(len(p) > head for p in parts) and len({p[head] for p in parts}) == 1:
        head += 1
    tail = 0
    while (
        all(len(p) - head > tail for p in parts) and len({p[len(p) - 1 - tail] for p in parts}) == 1
    ):
        tail += 1
    return ["/".join(p[head : len(p) - tail]) for p in parts]


def _work_of(store: Store, vs: list[Version]) -> WorkInfo | None:
    """The stored work every version comes from, if they all come from one."""
    names = set()
    for v in vs:
        parsed = parse_ref(v.source)
        if parsed is None or parsed.label is None:
            return None
        names.add(parsed.work)
    if len(names) != 1:
        return None
    w = store.work(names.pop())
    return WorkInfo(w.name, title=w.title, author=w.author, language=w.language)


def wants_collation(count: int, fmt: str | None = None, *, whole_work: bool = False) -> bool:
    """Whether ``count`` versions are collated rather than compared pairwise.

    Two versions are compared pairwise unless they are a work's editions taken as a set, or
    the format is one only a collation has (TEI, CollateX JSON); three or more are collated."""
    from textver.render import FORMATS

    pairwise_format = fmt is None or any(f.name == fmt and f.pairwise for f in FORMATS)
    return count != 2 or whole_work or not pairwise_format


def run(
    versions: list[Version],
    *,
    base: str | None = None,
    strict: bool = False,
    meaning: str = Mode.AUTO,
    collation: bool | None = None,
    work: WorkInfo | None = None,
) -> Result:
    """Compare two versions (``base``, when given, on the left) or collate several.

    ``collation`` None chooses by number (see :func:`wants_collation`); ``work`` is what the
    result's reports say of the work (``result.work``).
    """
    from textver.collate import collate
    from textver.compare import compare

    if collation is None:
        collation = wants_collation(len(versions))
    result: Result
    if not collation:
        if len(versions) != 2:
            raise TextverError(f"{len(versions)} versions: a pairwise comparison needs two")
        left, right = versions
        if base is not None:
            if base not in (left.label, right.label):
                raise TextverError(f"--base {base}: not one of {left.label}, {right.label}")
            if base == right.label:
                left, right = right, left
        result = compare(left, right, strict=strict, meaning=meaning)
    else:
        result = collate(versions, base=base, strict=strict, meaning=meaning)
    result.work = work
    return result


def differs(result: Result) -> bool:
    """Whether the versions differ, as ``--exit-code`` reports it: any word removed or added,
    any paragraph moved, split or merged (differences ``strict`` left out do not count)."""
    from textver.collate import Collation

    pairs = result.pairs if isinstance(result, Collation) else [result]
    return any(lk.kind != LinkKind.EQUAL or lk.moved for c in pairs for lk in c.links)
