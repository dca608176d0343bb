"""The language of a text: what the store says, or a cheap guess from the text itself.

The aligner stems words and sets function words aside by language (textver.align), and a
comparison across two languages cannot use word overlap at all, so every comparison needs to
know the language of each side.  The store's ``language`` field says it when an edition was
recorded with one; otherwise :func:`detect` guesses, in two cheap steps over a sample of the
text (no model, no dictionary, linear in the sample).  The sample is ``WINDOWS`` windows spread
evenly from the start of the text to its end, their evidence summed: a translator's preface, a
foreign epigraph or a licence at the end fills one window, and cannot decide for the whole book.

1. Unicode script counts.  Most scripts name one language (Greek, Hebrew, Armenian, Georgian,
   Thai, Hangul) or a small family told apart by a few letters of its own: kana among Han
   characters is Japanese; Persian's پ چ ژ گ among Arabic letters; Ukrainian's і ї є ґ and
   Russian's ы э ъ ё among Cyrillic letters.
2. For the Latin and Cyrillic scripts, a score per language: the share of the sample's words
   found in a short list of that language's commonest function words (articles, pronouns,
   prepositions, conjunctions; our own lists, not copied from anywhere).  Function words make
   up a third to a half of running text in these languages and are few, so a sentence or two
   is enough.  The best language must reach ``MIN_SHARE`` of the words and beat the runner-up
   by ``MIN_LEAD``; otherwise the answer is None ("unsure"), as it is for fewer than
   ``MIN_WORDS`` words or ``MIN_LETTERS`` letters.
"""

from __future__ import annotations

import re
from collections import Counter

from textver.version import Version

# Heuristic parameters (chosen on our own sentences in tests/test_language.py and on the
# Debian FAQ and Reference in their translations).
SAMPLE_CHARS = 6_000  # the text read: a few pages decide as well as the whole book ...
WINDOWS = 6  # ... read as this many windows spread evenly over it (start, ..., end)
MIN_LETTERS = 12  # fewer letters than this: None
MIN_WORDS = 4  # fewer words than this (for Latin and Cyrillic): None
MIN_SHARE = 0.12  # the best language's function words must be this share of the words ...
MIN_LEAD = 1.25  # ... and this many times the runner-up's share
DISTINCT_LETTERS = 0.002  # share of letters that marks a Cyrillic or Arabic variant
KANA_SHARE = 0.02  # share of letters in kana that makes a text in Han characters Japanese

_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")

# Function words per language, written for textver: the commonest articles, pronouns,
# prepositions, conjunctions and auxiliaries.  A word shared by several languages ("de",
# "la", "en") counts for each of them; the words a language has alone decide.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to in is that it for was with as on be are this by not or but from "
        "which have has had at an they we you he she his her their there were been would will "
        "can could should what who when if all also its than then these those",
        "es": "el la los las de del y en que un una es por con para no se su sus al lo como "
        "más pero o este esta son ser hay está muy también sin sobre entre cuando donde ya "
        "porque todo le les nos",
        "pt": "o a os as de do da dos das e em no na nos nas um uma é que por para com não se "
        "seu sua ao à mais mas ou como este esta são ser há está também sem sobre entre "
        "quando onde já porque pelo pela isso",
        "fr": "le la les de des du et en un une est que qui dans pour par pas sur au aux ne se "
        "ce cette il elle ils nous vous sont avec plus ou mais comme être été tout leur "
        "l'on c'est qu'il d'un d'une",
        "it": "il lo la i gli le di del della dei delle e è che un una per con non si in al "
        "alla nel nella sono come più ma o anche questo questa essere ha gli suo sua da dal "
        "dalla tra fra",
        "de": "der die das den dem des und ist ein eine einen einem nicht zu mit von für auf "
        "im in sich es sie er wir ich auch als an bei aus wird werden sind oder aber dass "
        "wie nur noch kann wenn so zum zur",
        "nl": "de het een en van in is dat op te met voor niet zijn er aan ook als bij door "
        "maar om of wordt worden uit tot die deze dit wat kan naar hij zij we ze nog",
        "sv": "och i att det som en på är av för med till den har de inte om ett var jag han "
        "hon vi men så kan från eller när sig också vid",
        "da": "og i at det som en på er af for med til den har de ikke om et var jeg han hun "
        "vi men så kan fra eller når sig også ved",
        "no": "og i at det som en på er av for med til den har de ikke om et var jeg han hun "
        "vi men så kan fra eller når seg også ved",
        "pl": "i w z na się nie do to że jest o jak po co za od a ale tak przez dla jego są "
        "być może już tylko lub oraz czy który która które przy",
        "cs": "a v se na je že to s z do o k i ale jako pro od by jsou být jeho po tak jak "
        "nebo který která které při ve za",
        "ro": "și în de la a cu pe un o este că nu din care se mai pentru sunt ca ce sau dar "
        "al ale lui fost fi prin",
        "fi": "ja on ei se että oli ovat mutta kun tai joka myös kuin niin jos sen ole hän "
        "me he ne tämä siitä",
        "tr": "ve bir bu da de için ile ne çok daha gibi olan olarak ama ya veya her kadar "
        "sonra en mi değil",
        "ru": "и в не на что с как по это он она они я к из у за от же так для или только "
        "его её ее но все был была было были бы то а мы вы их уже если когда чтобы при также "
        "наш наша наше наши о об до однако поэтому тоже ещё",
        "uk": "і в не на що з як по це він вона вони я до за від же так для або тільки його "
        "але все був була було були би та а ми ви їх вже якщо коли щоб при також й чи про є",
        "bg": "и в не на че се да е от за с като по са това но ще който която които той тя те "
        "аз ние вие му ги или при",
        "sr": "и у не на да је се за са од као по су то али што из или који која које он она",
    }.items()
}

_LATIN = ("en", "es", "pt", "fr", "it", "de", "nl", "sv", "da", "no", "pl", "cs", "ro", "fi", "tr")
_CYRILLIC = ("ru", "uk", "bg", "sr")
# Languages written in another script than the Latin one (Serbian in its Cyrillic form).
NON_LATIN = frozenset(
    {*_CYRILLIC, "el", "hy", "he", "ar", "fa", "hi", "th", "ka", "zh", "ja", "ko"}
)

# The letters of each script, as character classes.
_SCRIPTS = {
    name: re.compile(f"[{ranges}]+")
    for name, ranges in {
        "latin": "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f",
        "greek": "\u0370-\u03ff\u1f00-\u1fff",
        "cyrillic": "\u0400-\u052f",
        "armenian": "\u0530-\u058f",
        "hebrew": "\u0590-\u05ff",
        "arabic": "\u0600-\u06ff",
        "devanagari": "\u0900-\u097f",
        "thai": "\u0e00-\u0e7f",
        "georgian": "\u10a0-\u10ff",
        "kana": "\u3040-\u30ff",
        "han": "\u3400-\u9fff",
        "hangul": "\uac00-\ud7af",
    }.items()
}
_ONE_LANGUAGE = {
    "greek": "el",
    "armenian": "hy",
    "hebrew": "he",
    "devanagari": "hi",
    "thai": "th",
    "georgian": "ka",
    "hangul": "ko",
}


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in, or None when unsure.

    Cheap: script counts over a sample of ``SAMPLE_CHARS`` characters (:func:`_sample`), then,
    for Latin and Cyrillic, function-word shares (see the module docstring).
    """
    sample = _sample(text)
    scripts = Counter({name: sum(map(len, run.findall(sample))) for name, run in _SCRIPTS.items()})
    letters = sum(scripts.values())
    if letters < MIN_LETTERS:
        return None
    script, count = scripts.most_common(1)[0]
    if script in ("han", "kana"):
        # Japanese writes Han characters among its kana; Chinese uses no kana.
        return "ja" if scripts["kana"] >= KANA_SHARE * letters else "zh"
    if script in _ONE_LANGUAGE:
        return _ONE_LANGUAGE[script]
    if script == "arabic":
        persian = sum(sample.count(c) for c in "پچژگ")
        return "fa" if persian >= DISTINCT_LETTERS * count else "ar"
    letter = _SCRIPTS[script]
    words = [w.lower() for w in _WORDS.findall(sample) if letter.match(w)]
    if len(words) < MIN_WORDS:
        return None
    shares = _shares(words, _CYRILLIC if script == "cyrillic" else _LATIN)
    if script == "cyrillic":
        _letter_evidence(sample, count, shares)
    ranked = sorted(shares.items(), key=lambda kv: kv[1], reverse=True)
    (best, first), (_, second) = ranked[0], ranked[1]
    if first < MIN_SHARE or first < MIN_LEAD * second:
        return None
    return best


def _sample(text: str) -> str:
    """``WINDOWS`` windows of the text spread evenly over it, first at the start and last at
    the end, joined: the whole text when it is no longer than ``SAMPLE_CHARS``.

    Each window after the first starts past the word it would cut, so no half word counts.
    """
    if len(text) <= SAMPLE_CHARS:
        return text
    width = SAMPLE_CHARS // WINDOWS
    step = (len(text) - width) / (WINDOWS - 1)
    windows = []
    for k in range(WINDOWS):
        start = round(k * step)
        if k:
            space = _SPACE.search(text, start, start + width)
            start = space.end() if space else start
        windows.append(text[start : round(k * step) + width])
    return "\n".join(windows)


def _shares(words: list[str], langs: tuple[str, ...]) -> dict[str, float]:
    """For each language, the share of ``words`` that are among its function words."""
    counts = Counter(words)
    n = len(words)
    return {lang: sum(counts[w] for w in FUNCTION_WORDS[lang] if w in counts) / n for lang in langs}


def _letter_evidence(sample: str, letters: int, shares: dict[str, float]) -> None:
    """Set aside the Cyrillic languages whose alphabet lacks letters the sample uses often."""
    threshold = DISTINCT_LETTERS * letters
    lower = sample.lower()
    ukrainian = sum(lower.count(c) for c in "іїєґ") >= threshold
    russian = sum(lower.count(c) for c in "ыэъё") >= threshold
    if ukrainian:
        for lang in ("ru", "bg", "sr"):
            shares[lang] = 0.0
    if russian:
        for lang in ("uk", "bg", "sr"):
            shares[lang] = 0.0


def normalise(code: str) -> str | None:
    """An ISO 639-1 code from a language tag as stores and pages write it ("pt-BR", "en_US",
    "RU"): the primary subtag, lower-cased; None for an empty tag."""
    primary = re.split(r"[-_\s]", code.strip(), maxsplit=1)[0].lower()
    return primary or None


def recorded(version: Version) -> str | None:
    """The language the store recorded for a version (``meta["language"]``, normalised), or
    None when it recorded none."""
    return normalise(version.meta.get("language") or "")


def language_of(version: Version) -> str | None:
    """The language of a version: its ``meta["language"]`` (normalised) when recorded, else
    :func:`detect` on its text."""
    return recorded(version) or detect(version.text)
