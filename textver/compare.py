"""Compare two versions of a text: the library entry point behind ``textver compare``.

``compare(left, right)`` segments both texts, aligns them (textver.align) and returns a
:class:`Comparison`: plain data that the JSON, terminal and HTML renderers all read, so the three
outputs can never disagree about what changed.
"""

from __future__ import annotations

import gc
import json
import math
import re
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, repeat
from json.encoder import encode_basestring
from operator import sub

from textver.align import DEFAULT_PARAMS, AlignParams, Link, LinkKind, SentenceLink, align
from textver.diff import DELETE, EQUAL, INSERT, RENUMBERED, TRANSLATED, Op, Opcode
from textver.language import detect, language_of, recorded
from textver.meaning import MODES, Mode, Stage
from textver.numbering import Number, numbering_dict
from textver.provenance import COMPUTED, WorkInfo, ordered
from textver.segment import Segmented, segment
from textver.version import Version

FORMAT = "textver.comparison"
FORMAT_VERSION = 1

_FLAGGED = re.compile(rb"\x01+")  # a run of flagged tokens (see Comparison._flags)

# Two sides whose languages were both detected (none recorded by the store) and differ, but
# which share at least this share of the shorter side's sentences word for word, are one text
# in one language: a translation repeats names and numbers, not whole sentences, while a
# detection can be misled by a foreign preface or a short text ("Die Hard is a film.").
SAME_TEXT_SHARE = 0.2
# Only sentences of at least this many words count for that share: headings ("I.", "1907.")
# and names stay the same in a translation.
SAME_TEXT_MIN_WORDS = 3


@dataclass(frozen=True)
class Change:
    """A run of words on one side with no counterpart on the other, within one paragraph."""

    op: Op  # DELETE (left offsets) | INSERT (right offsets)
    start: int
    end: int
    words: int


@dataclass
class Comparison:
    """The result of comparing ``left`` (usually the fuller text) with ``right``."""

    left: Version
    right: Version
    left_seg: Segmented
    right_seg: Segmented
    links: list[Link]
    strict: bool = False
    meaning: dict | None = None  # model and languages, when the meaning stage ran (see to_dict)
    work: WorkInfo | None = None  # the stored work both sides are editions of, for reports

    @cached_property
    def deleted_tokens(self) -> bytearray:
        """1 for each left token without a counterpart on the right."""
        return self._flags[0]

    @cached_property
    def inserted_tokens(self) -> bytearray:
        """1 for each right token without a counterpart on the left."""
        return self._flags[1]

    @cached_property
    def _flags(self) -> tuple[bytearray, bytearray]:
        """Deleted and inserted tokens, both found in one pass over every run."""
        deleted, inserted = (
            bytearray(len(self.left_seg.tokens)),
            bytearray(len(self.right_seg.tokens)),
        )
        for link in self.links:
            for sl in link.sentences:
                for op, a0, a1, b0, b1 in sl.ops:
                    if op == DELETE:
                        deleted[a0:a1] = b"\x01" * (a1 - a0)
                    elif op == INSERT:
                        inserted[b0:b1] = b"\x01" * (b1 - b0)
        return deleted, inserted

    @cached_property
    def changes(self) -> list[Change]:
        """Deletions in left-text order, then insertions in right-text order.

        Each is a maximal run of unmatched tokens inside one paragraph, so changes never overlap
        and a renderer can place each within its paragraph.
        """
        out = self._runs(DELETE, self.left_seg, self.deleted_tokens)
        return out + self._runs(INSERT, self.right_seg, self.inserted_tokens)

    @staticmethod
    def _runs(op: Op, seg: Segmented, flags: bytearray) -> list[Change]:
        runs: list[Change] = []
        # Runs over the whole text, cut where they cross into another paragraph: a long text
        # with few changes is not walked paragraph by paragraph.
        found = _FLAGGED.finditer(flags)
        first = next(found, None)
        if first is None:
            return runs
        st_bounds, ps_bounds = seg.sentence_tokens._bounds, seg.paragraph_sentences._bounds
        # As seg.paragraph_tokens gives them, gathered by C-level maps (a paragraph a line).
        p_starts = list(map(st_bounds[0::2].__getitem__, ps_bounds[0::2]))
        p_stops = list(map(st_bounds[1::2].__getitem__, map(sub, ps_bounds[1::2], repeat(1))))
        for m in chain((first,), found):
            start, stop = m.span()
            while start < stop:
                p = bisect_right(p_starts, start) - 1
                if p < 0 or start >= p_stops[p]:  # in no paragraph
                    start = p_starts[p + 1] if p + 1 < len(p_starts) else stop
                    continue
                end = min(stop, p_stops[p])
                words = sum(seg.is_word[start:end])
                runs.append(Change(op, seg.tokens.start(start), seg.tokens.end(end - 1), words))
                start = end
        return runs

    @cached_property
    def stats(self) -> dict[str, int | float]:
        lw, rw = self.left_seg.word_count, self.right_seg.word_count
        removed = sum(c.words for c in self.changes if c.op == DELETE)
        inserted = sum(c.words for c in self.changes if c.op == INSERT)
        return {
            "left_words": lw,
            "right_words": rw,
            "removed_words": removed,
            "inserted_words": inserted,
            "retained": round((lw - removed) / lw, 4) if lw else 1.0,
            "moved_paragraphs": sum(len(lk.right) for lk in self.links if lk.moved),
        }

    def to_dict(self) -> dict:
        """The ``textver.comparison`` JSON object (the contract other programs read)."""
        return {
            **self._head(),
            "alignment": [self._link_dict(lk) for lk in self.links],
            **self._tail(),
        }

    def to_json(self) -> str:
        """``to_dict()`` as compact JSON, byte for byte what ``json.dumps(self.to_dict(),
        ensure_ascii=False, separators=(",", ":"))`` writes, in a fraction of the time.

        A file of short paragraphs has a record per line, and building and encoding a dict per
        record cost more than aligning them: records of the common shape (one paragraph and one
        sentence a side) are written from a template (_link_json), the rest by json.
        """
        head, tail = _dumps(self._head()), _dumps(self._tail())
        records = ",".join(map(self._link_json, self.links))
        return f'{head[:-1]},"alignment":[{records}],{tail[1:]}'

    def _head(self) -> dict:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            **work_dict(self.work),
            **({"strict": True} if self.strict else {}),
            "left": _side(self.left, self.left_seg),
            "right": _side(self.right, self.right_seg),
            **({"meaning": self.meaning} if self.meaning else {}),
        }

    def _tail(self) -> dict:
        return {
            "changes": [
                {"op": c.op, ("left" if c.op == DELETE else "right"): [c.start, c.end]}
                for c in self.changes
            ],
            "stats": self.stats,
            **numbering_dict(self),
        }

    def _link_json(self, link: Link) -> str:
        """One record as _dumps(self._link_dict(link)) writes it.

        A file of short paragraphs has a record a line, and one long paragraph a sentence group
        a sentence, so a record of one paragraph a side is written from a template, its groups
        too (_sentence_json); any other record, or a value of a type the template does not
        write as json would, by json.
        """
        moved, sim = link.moved, link.similarity
        if (
            len(link.left) == 1
            and len(link.right) == 1
            and type(link.left[0]) is int
            and type(link.right[0]) is int
            and type(moved) is bool
            and type(sim) is float
            and math.isfinite(sim)
            and isinstance(link.kind, str)
        ):
            (p,), (q,) = link.left, link.right
            sentences = ",".join(map(self._sentence_json, link.sentences))
            return (
                f'{{"left":[{p}],"right":[{q}],"kind":{_string(link.kind)},'
                f'"moved":{"true" if moved else "false"},"similarity":{sim!r},'
                f'"sentences":[{sentences}]}}'
            )
        return _dumps(self._link_dict(link))

    def _sentence_json(self, sl: SentenceLink) -> str:
        """One sentence group as _dumps(self._sentence_dict(sl)) writes it: from a template
        when it has at most one sentence a side, else by json."""
        if len(sl.left) > 1 or len(sl.right) > 1 or not isinstance(sl.kind, str):
            return _dumps(self._sentence_dict(sl))
        how = ""
        if self.meaning:
            method, similarity = sl.method, sl.similarity
            if not (method is None or isinstance(method, str)) or not (
                similarity is None or (type(similarity) is float and math.isfinite(similarity))
            ):
                return _dumps(self._sentence_dict(sl))
            how = (
                f',"method":{"null" if method is None else _string(method)}'
                f',"similarity":{"null" if similarity is None else repr(similarity)}'
            )
        if sl.kind is not _KEPT or len(sl.ops) != 1:  # else implied_ops: no ops
            ops = self._ops_list(sl)
            if ops is not None:
                how += f',"ops":{_dumps(ops)}'
        lb, rb = self.left_seg.sentences._bounds, self.right_seg.sentences._bounds
        left = f"[{lb[2 * sl.left[0]]},{lb[2 * sl.left[0] + 1]}]" if sl.left else ""
        right = f"[{rb[2 * sl.right[0]]},{rb[2 * sl.right[0] + 1]}]" if sl.right else ""
        return f'{{"left":[{left}],"right":[{right}],"kind":{_string(sl.kind)}{how}}}'

    def _link_dict(self, link: Link) -> dict:
        return {
            "left": link.left,
            "right": link.right,
            "kind": link.kind,
            "moved": link.moved,
            "similarity": link.similarity,
            "sentences": list(map(self._sentence_dict, link.sentences)),
        }

    def _sentence_dict(self, sl: SentenceLink) -> dict:
        lb, rb = self.left_seg.sentences._bounds, self.right_seg.sentences._bounds
        return {
            "left": [[lb[2 * s], lb[2 * s + 1]] for s in sl.left],
            "right": [[rb[2 * s], rb[2 * s + 1]] for s in sl.right],
            "kind": sl.kind,
            # Only once the meaning stage ran, so a lexical comparison is unchanged.
            **({"method": sl.method, "similarity": sl.similarity} if self.meaning else {}),
            **self._ops_member(sl),
        }

    @cached_property
    def renumbered(self) -> dict[tuple[int, int], tuple[Number, Number]]:
        """The left and right numbers of each renumbered clause (a sentence group opening with
        a RENUMBERED run, see textver.numbering.renumber), keyed by the indices of its record
        in ``links`` and of the group in the record's ``sentences``."""
        ln, rn = self.left_seg.numbers, self.right_seg.numbers
        if not ln or not rn:
            return {}
        lsp, rsp = self.left_seg.sentence_paragraph, self.right_seg.sentence_paragraph
        return {
            (k, g): (ln[lsp[sl.left[0]]], rn[rsp[sl.right[0]]])
            for k, link in enumerate(self.links)
            if link.kind != LinkKind.EQUAL
            for g, sl in enumerate(link.sentences)
            if sl.ops and sl.ops[0][0] == RENUMBERED
        }

    def _ops_member(self, sl: SentenceLink) -> dict:
        """``{"ops": ...}`` for a group whose word diff its kind and spans do not imply, else
        {}: what a report of the saved JSON needs to show the words as they were diffed."""
        ops = self._ops_list(sl)
        return {} if ops is None else {"ops": ops}

    def _ops_list(self, sl: SentenceLink) -> list[dict] | None:
        """The group's word diff as character spans (see :func:`ops_json`), None when
        :func:`implied_ops` gives it: a group kept whole, dropped, added or translated."""
        if sl.ops == implied_ops(sl, self.left_seg, self.right_seg):
            return None
        return ops_json(sl.ops, self.left_seg, self.right_seg)

    def pieces(self, sl: SentenceLink) -> list[tuple[Op, str]]:
        """The sentence group as one run of text: ``(kind, text)`` pieces, kind EQUAL, DELETE,
        INSERT or RENUMBERED; equal text is taken from the left side, and so is a renumbered
        clause's number and a
        group linked across languages (its right text is the right side's own sentences).

        This is the single place that turns token runs back into readable text for the inline
        views of every renderer.
        """
        out: list[tuple[Op, str]] = []
        lt, rt = self.left_seg.tokens, self.right_seg.tokens
        ltext, rtext = self.left.text, self.right.text
        for op, a0, a1, b0, b1 in sl.ops:
            if op == INSERT:
                out.append((INSERT, rtext[rt.start(b0) : rt.end(b1 - 1)]))
            else:
                kind = EQUAL if op == TRANSLATED else op
                out.append((kind, ltext[lt.start(a0) : lt.end(a1 - 1)]))
        return out


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_dumps = _ENCODER.encode  # the compact JSON textver writes (json's C encoder)
_string = encode_basestring  # a string as that encoder writes it


def work_dict(work: WorkInfo | None) -> dict:
    """The optional ``work`` member of the JSON: the stored work the result is of (its name,
    and its title, author and original language where the store has them); {} without one."""
    if work is None:
        return {}
    fields = ("name", "title", "author", "language")
    return {"work": {k: getattr(work, k) for k in fields if getattr(work, k)}}


def _side(version: Version, seg: Segmented) -> dict:
    meta = provenance(version)
    return {
        "label": version.label,
        "source": version.source,
        "sha256": version.sha256,
        "words": seg.word_count,
        **({"provenance": meta} if meta else {}),
        "text": version.text,
        "paragraphs": [[start, end] for start, end in seg.paragraphs],
    }


def provenance(version: Version) -> dict[str, str]:
    """The side's ``provenance`` member: the edition's fields as its report shows them (in the
    order of textver.provenance.FIELDS, then other keys sorted; computed fields and empty
    values left out), so a report made from the saved JSON shows the same card."""
    meta = version.meta
    if not meta:
        return {}
    shown = {k: str(v) for k, v in meta.items() if v not in (None, "") and k not in COMPUTED}
    return dict(ordered(shown))


_KEPT = LinkKind.EQUAL  # bound once: _link_json asks it of every record


def implied_ops(sl: SentenceLink, left: Segmented, right: Segmented) -> list[Opcode] | None:
    """The word diff a group's kind and sentences imply, or None (a changed group's diff is
    its own): one run over the group's tokens, kept (equal), dropped, added or translated.

    The JSON writes a group's ``ops`` only where they differ from these, so a file of kept
    sentences carries nothing more; the loader (textver.saved) rebuilds them from the same
    rule."""
    kind = sl.kind
    if kind == LinkKind.CHANGED:
        return None
    a0 = a1 = b0 = b1 = 0
    if sl.left:
        a0, a1 = left.sentence_tokens.start(sl.left[0]), left.sentence_tokens.stop(sl.left[-1])
    if sl.right:
        b0, b1 = right.sentence_tokens.start(sl.right[0]), right.sentence_tokens.stop(sl.right[-1])
    op = {
        LinkKind.EQUAL: EQUAL,
        LinkKind.DELETED: DELETE,
        LinkKind.INSERTED: INSERT,
        LinkKind.TRANSLATED: TRANSLATED,
    }.get(kind)
    return None if op is None else [(op, a0, a1, b0, b1)]


def ops_json(ops: list[Opcode], left: Segmented, right: Segmented) -> list[dict]:
    """A word diff as the JSON's ``ops``: each run (never empty) with its character span in the
    left text (``left``: kept, dropped, translated, renumbered) and in the right (``right``:
    kept, added, translated, renumbered), in the order of the runs."""
    lt, rt = left.tokens, right.tokens
    out: list[dict] = []
    for op, a0, a1, b0, b1 in ops:
        run: dict = {"op": op}
        if op != INSERT:
            run["left"] = [lt.start(a0), lt.end(a1 - 1)]
        if op != DELETE:
            run["right"] = [rt.start(b0), rt.end(b1 - 1)]
        out.append(run)
    return out


def compare(
    left: Version,
    right: Version,
    *,
    strict: bool = False,
    meaning: str = Mode.AUTO,
    params: AlignParams = DEFAULT_PARAMS,
) -> Comparison:
    """Compare two versions; ``strict`` makes differences of typography count as changes,
    ``params`` are the aligner's thresholds (textver.align.AlignParams).

    Each side's language (textver.language.language_of: the store's ``language`` field, else
    detected) chooses the stemmer and function words the aligner uses for it.  ``meaning``
    says when sentences are linked by meaning (textver.meaning): ``"auto"`` where words do not
    decide and whenever the two versions are in different languages, ``"on"`` also for weakly
    linked sentences, ``"off"`` never.
    """
    if meaning not in MODES:
        raise ValueError(f"meaning must be one of {', '.join(MODES)}, not {meaning!r}")
    with without_cycle_collector():
        left_seg = segment(left.text, strict=strict)
        right_seg = segment(right.text, strict=strict)
    return compare_segmented(
        left, right, left_seg, right_seg, strict, meaning=meaning, params=params
    )


def compare_segmented(
    left: Version,
    right: Version,
    left_seg: Segmented,
    right_seg: Segmented,
    strict: bool,
    *,
    meaning: str = Mode.OFF,
    params: AlignParams = DEFAULT_PARAMS,
) -> Comparison:
    """Compare versions already segmented (a collation segments each edition only once)."""
    languages = (language_of(left), language_of(right))
    if (
        None not in languages
        and languages[0] != languages[1]
        and not (recorded(left) or recorded(right))
        and shared_sentences(left_seg, right_seg) >= SAME_TEXT_SHARE
    ):
        # One language after all (see SAME_TEXT_SHARE): the one detected over both texts.
        same = detect(left.text + "\n\n" + right.text) or languages[0]
        languages = (same, same)
    stage = Stage(meaning, languages) if meaning != Mode.OFF else None
    with without_cycle_collector():
        links = align(left_seg, right_seg, languages, params, stages=(stage,) if stage else ())
    info = stage.info() if stage else None
    return Comparison(left, right, left_seg, right_seg, links, strict, info)


def shared_sentences(left: Segmented, right: Segmented) -> float:
    """The share of the shorter side's sentences of ``SAME_TEXT_MIN_WORDS`` words or more
    that the other side has word for word (same token keys); 0.0 when it has none such."""
    sigs = [_long_sentences(seg) for seg in (left, right)]
    short, other = sorted(sigs, key=len)
    if not short:
        return 0.0
    found = set(other)
    return sum(sig in found for sig in short) / len(short)


def _long_sentences(seg: Segmented) -> list[tuple[str, ...]]:
    """The token keys of each sentence of at least ``SAME_TEXT_MIN_WORDS`` words."""
    keys, is_word = seg.keys, seg.is_word
    return [
        tuple(keys[r.start : r.stop])
        for r in seg.sentence_tokens
        if sum(is_word[r.start : r.stop]) >= SAME_TEXT_MIN_WORDS
    ]


@contextmanager
def without_cycle_collector() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a big comparison is built.

    Segmenting and aligning a book allocates millions of small tuples and lists; the collector
    rescans them again and again, which made time grow faster than the text (16 times the text
    took 24 times as long).  The structures built hold no reference cycles, so reference
    counting frees them all and nothing is lost by pausing it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
