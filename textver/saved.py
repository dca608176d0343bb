"""Read a saved result back: ``textver.comparison`` JSON as the Comparison it was written from
(and ``textver.collation`` JSON as its Collation).

A report can so be made later, elsewhere, from the saved file alone: ``render(load_saved(path),
fmt)`` gives, byte for byte, what rendering the original comparison gave.  What the file says is
what is shown, never a recomputation by the textver reading it: paragraphs and sentences are the
saved spans, the word diff of each group is its saved ``ops`` (or the one its kind implies, see
:func:`textver.compare.implied_ops`), and the changes and figures are the saved ones.  Only the
word tokens are found again, by today's tokenizer, as the units the saved spans are cut into (a
span that does not fall on them is refused), and the clause numbers, in the saved paragraphs
(a file whose ``numbering`` says otherwise is refused).

A collation is its pairs read so, with its rows as saved.  It holds each edition's comparison
with the base only, so the retention matrix of its HTML and text reports (every pair of
editions) cannot be made from it: those are refused, never computed anew; its JSON, TEI and
CollateX renderings are byte for byte the original's.

The file is checked before anything is built: it must be JSON, of a format and version this
textver reads, valid against the shipped schema (``textver/schemas/``), with every span inside
its text and each text matching its sha256.  Anything else is a TextverError naming the file and
the problem in one line.
"""

from __future__ import annotations

import json
import sys
from array import array
from bisect import bisect_left, bisect_right
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from textver.align import Link, LinkKind, Method, SentenceLink
from textver.collate import FORMAT as COLLATION
from textver.collate import Collation, Row
from textver.compare import (
    FORMAT,
    FORMAT_VERSION,
    Change,
    Comparison,
    implied_ops,
    without_cycle_collector,
)
from textver.diff import EQUAL, Op, Opcode
from textver.errors import TextverError
from textver.numbering import numbering_dict
from textver.provenance import WorkInfo
from textver.segment import Ranges, Segmented, Spans, count_words, segment
from textver.version import Version

Result = Comparison | Collation

_MESSAGE = 160  # characters of a schema error's message kept in the one-line error
_OPS = {op.value: op for op in Op}


def load_saved(path: str | Path) -> Result:
    """The comparison (or collation) saved at ``path`` by ``textver compare --format json``
    (``-``: read from standard input)."""
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else Path(path).read_bytes()
    except OSError as e:
        raise TextverError(f"{path}: cannot read: {e.strerror or e}") from None
    return from_json(data, str(path))


def from_json(data: str | bytes, name: str = "JSON") -> Result:
    """The comparison or collation in ``data`` (its JSON text); ``name`` names it in errors."""
    # Parsing and building make millions of small objects and no cycles (see compare.py).
    with without_cycle_collector():
        try:
            obj = json.loads(data)
        except UnicodeDecodeError as e:
            raise TextverError(f"{name}: not UTF-8 JSON: {e.reason} at byte {e.start}") from None
        except ValueError as e:
            raise TextverError(f"{name}: not JSON: {e}") from None
        return from_dict(obj, name)


def from_dict(obj: Any, name: str = "JSON") -> Result:
    """The comparison or collation in ``obj`` (the parsed JSON), checked first (see the
    module's doc)."""
    if not isinstance(obj, dict):
        raise TextverError(f"{name}: not a textver result (a JSON object with a format)")
    fmt, version = obj.get("format"), obj.get("version")
    schemas = {FORMAT: "comparison.schema.json", COLLATION: "collation.schema.json"}
    if fmt not in schemas:
        raise TextverError(
            f"{name}: format {fmt!r}: textver reads back {FORMAT} and {COLLATION} files"
        )
    if version != FORMAT_VERSION:
        raise TextverError(
            f"{name}: {fmt} version {version!r}: this textver reads version {FORMAT_VERSION}"
        )
    _validate(obj, schemas[fmt], name)
    with without_cycle_collector():
        if fmt == FORMAT:
            return _Reader(obj, name).comparison()
        return _collation(obj, name)


def _collation(obj: dict, name: str) -> Collation:
    """A saved collation: each edition's comparison with the base read as a comparison is,
    the rows as saved."""
    pairs = [_Reader(p, name, f"pairs/{k}/").comparison() for k, p in enumerate(obj["pairs"])]
    if not pairs:
        raise TextverError(f"{name}: pairs: none (a collation compares the base with another)")
    base = pairs[0].left
    editions = [base, *(p.right for p in pairs)]
    segs = {base.label: pairs[0].left_seg, **{p.right.label: p.right_seg for p in pairs}}
    saved = obj["editions"]
    same = obj["base"] == base.label and len(saved) == len(editions) == len(segs)
    same = same and all(p.left.sha256 == base.sha256 and p.strict == pairs[0].strict for p in pairs)
    for e, v in zip(saved, editions, strict=False):
        seg = segs[v.label]
        same = same and (e["label"], e["sha256"], e["words"]) == (v.label, v.sha256, seg.word_count)
        same = same and e["paragraphs"] == [list(span) for span in seg.paragraphs]
    if not same:
        raise TextverError(f"{name}: editions: do not match the base and editions of its pairs")
    rows = []
    for k, row in enumerate(obj["rows"]):
        cells = row["cells"]
        if set(cells) != set(segs) or any(
            p >= len(segs[label].paragraphs) for label, ps in cells.items() for p in ps
        ):
            raise TextverError(f"{name}: rows/{k}: not paragraphs of its editions")
        rows.append(Row({label: list(ps) for label, ps in cells.items()}))
    work = WorkInfo(**obj["work"]) if "work" in obj else None
    return Collation(
        base, editions[1:], segs, pairs, rows, pairs[0].strict, work=work, saved_in=name
    )


@cache
def _validator(schema_name: str) -> Any:
    # jsonschema-rs: the pure-Python jsonschema took 68 s on a file of 100,000 records, this 0.07 s.
    import jsonschema_rs

    def read(name: str) -> dict:
        return json.loads(resources.files("textver").joinpath("schemas", name).read_text("utf-8"))

    pairwise = read("comparison.schema.json")  # the collation's pairs refer to it by its $id
    registry = jsonschema_rs.Registry([(pairwise["$id"], pairwise)])
    return jsonschema_rs.validator_for(read(schema_name), registry=registry)


def _validate(obj: dict, schema_name: str, name: str) -> None:
    import jsonschema_rs

    try:
        _validator(schema_name).validate(obj)
    except jsonschema_rs.ValidationError as error:
        where = "/".join(map(str, error.instance_path)) or "top level"
        message = " ".join(error.message.split())
        if len(message) > _MESSAGE:
            message = message[: _MESSAGE - 1] + "…"
        fmt = obj.get("format")
        raise TextverError(f"{name}: {where}: {message} (against the {fmt} schema)") from None


class _Reader:
    """Builds the Comparison of one checked JSON object, naming the file in every error."""

    def __init__(self, obj: dict, name: str, prefix: str = "") -> None:
        self.obj = obj
        self.name = name
        self.prefix = prefix  # where the comparison is in the file ("pairs/2/" in a collation)

    def fail(self, where: str, problem: str) -> TextverError:
        return TextverError(f"{self.name}: {self.prefix}{where}: {problem}")

    def comparison(self) -> Comparison:
        d = self.obj
        strict = bool(d.get("strict", False))
        records = d["alignment"]
        left, right = self.version("left"), self.version("right")
        segs = [
            self.segmented(
                side, strict, [s for lk in records for g in lk["sentences"] for s in g[side]]
            )
            for side in ("left", "right")
        ]
        self.segs = segs
        self.index = [{span: i for i, span in enumerate(seg.sentences)} for seg in segs]
        self.starts = [seg.tokens._bounds[0::2] for seg in segs]
        links = [self.link(f"alignment/{k}", lk) for k, lk in enumerate(records)]
        lseg, rseg = segs
        work = WorkInfo(**d["work"]) if "work" in d else None
        c = Comparison(left, right, lseg, rseg, links, strict, d.get("meaning"), work)
        # The saved changes and figures, as saved (cached_property reads them from __dict__).
        c.__dict__["changes"] = self.changes()
        c.__dict__["stats"] = dict(d["stats"])
        # Clause numbers are found again in the saved paragraphs (what the file holds of them
        # leaves out how each is written); a file saying otherwise is not shown as something else.
        if "numbering" in d and numbering_dict(c).get("numbering") != d["numbering"]:
            raise self.fail("numbering", "differs from the clause numbers of its texts")
        return c

    def version(self, side: str) -> Version:
        s = self.obj[side]
        v = Version(s["label"], s["source"], s["text"], dict(s.get("provenance", {})))
        if v.sha256 != s["sha256"]:
            raise self.fail(f"{side}/sha256", "does not match its text (the text was changed)")
        return v

    def segmented(self, side: str, strict: bool, sentence_spans: list[list[int]]) -> Segmented:
        """The side's text cut as saved: its paragraphs and the sentences its groups name, on
        the tokens of today's tokenizer."""
        s = self.obj[side]
        text = s["text"]
        paragraphs = self.spans(f"{side}/paragraphs", s["paragraphs"], len(text))
        sentences = self.spans(
            f"{side}/sentences", sorted(set(map(tuple, sentence_spans))), len(text)
        )
        seg = segment(text, strict=strict)
        if seg.word_count != s["words"]:
            raise self.fail(f"{side}/words", f"{s['words']}, but its text has {seg.word_count}")
        if seg.paragraphs._bounds.tolist() != _flat(
            paragraphs
        ) or seg.sentences._bounds.tolist() != _flat(sentences):
            seg = self.resegmented(side, seg, paragraphs, sentences)
        return seg

    def spans(self, where: str, spans: list, size: int) -> list[tuple[int, int]]:
        """``spans`` checked: each inside the text, non-empty, in order, none overlapping."""
        out: list[tuple[int, int]] = []
        end = 0
        for k, (a, b) in enumerate(spans):
            if not a < b <= size:
                raise self.fail(
                    f"{where}/{k}", f"[{a}, {b}] is not a span of its text ({size} characters)"
                )
            if a < end:
                raise self.fail(f"{where}/{k}", f"[{a}, {b}] overlaps the span before it")
            out.append((a, b))
            end = b
        return out

    def resegmented(
        self,
        side: str,
        seg: Segmented,
        paragraphs: list[tuple[int, int]],
        sentences: list[tuple[int, int]],
    ) -> Segmented:
        """``seg``'s tokens under the saved paragraphs and sentences, which differ from what
        today's segmenter finds (a file written by another version of textver)."""
        starts = seg.tokens._bounds[0::2]
        p_starts = [a for a, _ in paragraphs]
        sentence_paragraph = []
        sentence_tokens = Ranges()
        for a, b in sentences:
            t0, t1 = bisect_left(starts, a), bisect_left(starts, b)
            if not (t0 < t1 and seg.tokens.start(t0) == a and seg.tokens.end(t1 - 1) == b):
                raise self.fail(f"{side}/sentences", f"[{a}, {b}] does not start and end at a word")
            p = bisect_right(p_starts, a) - 1
            if p < 0 or b > paragraphs[p][1]:
                raise self.fail(f"{side}/sentences", f"[{a}, {b}] lies in no paragraph")
            sentence_paragraph.append(p)
            sentence_tokens.append(range(t0, t1))
        paragraph_sentences = Ranges()
        for p in range(len(paragraphs)):
            first, stop = bisect_left(sentence_paragraph, p), bisect_right(sentence_paragraph, p)
            if first == stop:
                raise self.fail(f"{side}/paragraphs/{p}", "holds no sentence of the alignment")
            paragraph_sentences.append(range(first, stop))
        return Segmented(
            seg.text,
            Spans(array("q", _flat(paragraphs))),
            Spans(array("q", _flat(sentences))),
            array("q", sentence_paragraph),
            paragraph_sentences,
            seg.tokens,
            seg.keys,
            seg.is_word,
            sentence_tokens,
        )

    def link(self, where: str, lk: dict) -> Link:
        for side, seg in zip(("left", "right"), self.segs, strict=True):
            if any(p >= len(seg.paragraphs) for p in lk[side]):
                raise self.fail(f"{where}/{side}", "names a paragraph past the last")
        groups = []
        for j, g in enumerate(lk["sentences"]):
            method = g.get("method")
            sl = SentenceLink(
                [self.index[0][tuple(s)] for s in g["left"]],
                [self.index[1][tuple(s)] for s in g["right"]],
                LinkKind(g["kind"]),
                [],
                None if method is None else Method(method),
                g.get("similarity"),
            )
            if "ops" in g:
                sl.ops = self.ops(f"{where}/sentences/{j}/ops", g["ops"], sl)
            else:
                implied = implied_ops(sl, *self.segs)
                if implied is None:
                    raise self.fail(
                        f"{where}/sentences/{j}",
                        "a changed group without its word diff (ops), as textver wrote "
                        "before it saved them: compare the texts again",
                    )
                sl.ops = implied
            groups.append(sl)
        kind = LinkKind(lk["kind"])
        return Link(lk["left"], lk["right"], kind, lk["moved"], lk["similarity"], groups)

    def ops(self, where: str, runs: list[dict], sl: SentenceLink) -> list[Opcode]:
        """Saved runs as opcodes over today's tokens.  A one-sided run (dropped, added) stands
        on the other side where the run before it ended, as the diff places it."""
        lseg, rseg = self.segs
        a = lseg.sentence_tokens.start(sl.left[0]) if sl.left else 0
        b = rseg.sentence_tokens.start(sl.right[0]) if sl.right else 0
        out: list[Opcode] = []
        for n, run in enumerate(runs):
            op = _OPS[run["op"]]
            a0, a1 = self.tokens(f"{where}/{n}/left", 0, run["left"]) if "left" in run else (a, a)
            b0, b1 = (
                self.tokens(f"{where}/{n}/right", 1, run["right"]) if "right" in run else (b, b)
            )
            if op == EQUAL and a1 - a0 != b1 - b0:
                raise self.fail(f"{where}/{n}", "an equal run with more words on one side")
            out.append((op, a0, a1, b0, b1))
            a, b = a1, b1
        return out

    def tokens(self, where: str, side: int, span: list[int]) -> tuple[int, int]:
        """The token range whose text is the character span ``span``."""
        a, b = span
        starts, tokens = self.starts[side], self.segs[side].tokens
        t0, t1 = bisect_left(starts, a), bisect_left(starts, b)
        if not (t0 < t1 and tokens.start(t0) == a and tokens.end(t1 - 1) == b):
            raise self.fail(where, f"[{a}, {b}] does not start and end at a word of its text")
        return t0, t1

    def changes(self) -> list[Change]:
        out = []
        for k, ch in enumerate(self.obj["changes"]):
            side = "left" if ch["op"] == "delete" else "right"
            text = self.obj[side]["text"]
            a, b = ch[side]
            if not a < b <= len(text):
                raise self.fail(f"changes/{k}", f"[{a}, {b}] is not a span of the {side} text")
            out.append(Change(_OPS[ch["op"]], a, b, count_words(text[a:b])))
        return out


def _flat(spans: list[tuple[int, int]]) -> list[int]:
    return [x for span in spans for x in span]
