"""Language detection, and the lexical pass in the language of the text (stems, function words)."""

import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.helpers import english_chronicle
from tests.texts import FRENCH_PREFACE
from textver.compare import compare
from textver.language import detect, language_of, normalise
from textver.version import Version

# One sentence each, written for these tests: the same news item in each language.
SENTENCES = {
    "en": "The committee met on Tuesday and decided that the new rules would apply to all "
    "members of the club.",
    "es": "El comité se reunió el martes y decidió que las nuevas normas se aplicarán a todos "
    "los miembros del club.",
    "pt": "O comitê reuniu-se na terça-feira e decidiu que as novas regras serão aplicadas a "
    "todos os membros do clube.",
    "fr": "Le comité s'est réuni mardi et a décidé que les nouvelles règles seraient appliquées "
    "à tous les membres du club.",
    "it": "Il comitato si è riunito martedì e ha deciso che le nuove regole si applicheranno a "
    "tutti i membri del club.",
    "de": "Der Ausschuss traf sich am Dienstag und beschloss, dass die neuen Regeln für alle "
    "Mitglieder des Vereins gelten.",
    "nl": "De commissie kwam dinsdag bijeen en besloot dat de nieuwe regels voor alle leden van "
    "de club gelden.",
    "pl": "Komitet zebrał się we wtorek i zdecydował, że nowe zasady będą obowiązywać "
    "wszystkich członków klubu.",
    "ru": "Комитет собрался во вторник и решил, что новые правила будут применяться ко всем "
    "членам клуба.",
    "uk": "Комітет зібрався у вівторок і вирішив, що нові правила застосовуватимуться до всіх "
    "членів клубу.",
    "el": "Η επιτροπή συνεδρίασε την Τρίτη και αποφάσισε ότι οι νέοι κανόνες θα ισχύουν για "
    "όλα τα μέλη.",
    "zh": "委员会星期二开会，决定新规则适用于俱乐部的所有成员。",
    "ja": "委員会は火曜日に会合を開き、新しい規則をクラブのすべての会員に適用することを決定した。",
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_detect_one_sentence(lang: str) -> None:
    assert detect(SENTENCES[lang]) == lang


@pytest.mark.parametrize("text", ["", "OK", "Debian GNU/Linux", "12.3 4.5", "Yes, no."])
def test_detect_is_unsure_on_too_little_text(text: str) -> None:
    assert detect(text) is None


def test_detect_is_unsure_between_languages_it_cannot_tell_apart() -> None:
    # Words of no function-word list: a list of names and numbers decides nothing.
    assert detect("Tallinn Riga Vilnius Helsinki Stockholm Oslo Copenhagen Reykjavik") is None


def test_language_of_prefers_the_store_and_normalises_it() -> None:
    text = SENTENCES["es"]
    assert language_of(Version("a", "a.txt", text, {"language": "pt-BR"})) == "pt"
    assert language_of(Version("a", "a.txt", text, {"language": " EN_us"})) == "en"
    assert language_of(Version("a", "a.txt", text, {"language": ""})) == "es"
    assert language_of(Version("a", "a.txt", text)) == "es"
    assert normalise("") is None


# A Russian text of our own and an abridgement that rewords one sentence only by inflection:
# "страну", "леса", "реки", "горы" become "стране", "лесам", "рекам", "горам".
RU_FULL = (
    "Каждое лето мы уезжаем из города в деревню к бабушке и дедушке.\n\n"
    "Мы любим нашу страну и её леса, реки и горы. Весной здесь цветут сады.\n\n"
    "Осенью дети возвращаются в школу, и дом снова становится тихим."
)
RU_SHORT = (
    "Каждое лето мы уезжаем из города в деревню к бабушке и дедушке.\n\n"
    "Любовь к нашей стране, к её лесам, рекам и горам.\n\n"
    "Осенью дети возвращаются в школу, и дом снова становится тихим."
)


def _reworded_link(meta: dict[str, str]):
    c = compare(Version("full", "a.txt", RU_FULL, meta), Version("short", "b.txt", RU_SHORT, meta))
    middle = c.left_seg.paragraph_sentences[1][0]
    return c, [sl for lk in c.links for sl in lk.sentences if middle in sl.left]


@pytest.mark.parametrize("meta", [{}, {"language": "ru"}])
def test_russian_inflections_match_through_the_stemmer(meta: dict[str, str]) -> None:
    c, groups = _reworded_link(meta)
    (group,) = groups
    assert group.right == [c.right_seg.paragraph_sentences[1][0]]
    assert group.kind == "changed"
    assert [(lk.left, lk.right) for lk in c.links] == [([0], [0]), ([1], [1]), ([2], [2])]
    # The sentence the abridgement dropped is still reported dropped.
    dropped = [sl for lk in c.links for sl in lk.sentences if sl.kind == "deleted"]
    assert [c.left.text[slice(*c.left_seg.sentences[sl.left[0]])] for sl in dropped] == [
        "Весной здесь цветут сады."
    ]


def test_english_comparisons_do_not_load_the_stemmer() -> None:
    code = (
        "import sys\n"
        "from textver import Version, compare\n"
        f"t = {SENTENCES['en']!r}\n"
        "compare(Version('a', 'a', t), Version('b', 'b', t + ' And more words here.'))\n"
        "print('Stemmer' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert out.stdout.strip() == "False", out.stderr


def test_words_written_alike_meet_across_languages() -> None:
    # Each side is stemmed in its own language ("update": English "update", German "updat"),
    # but a word both texts write alike must still be one feature on both sides.
    en = (
        "Debian keeps its packages in archives.\n\n"
        "Use apt-get update and apt-get upgrade with security.debian.org for updates.\n\n"
        "The end of the chapter comes here."
    )
    de = (
        "Debian bewahrt seine Pakete in Archiven auf.\n\n"
        "Nutzen Sie apt-get update und apt-get upgrade mit security.debian.org für Updates.\n\n"
        "Hier endet das Kapitel."
    )
    c = compare(
        Version("en", "en.txt", en, {"language": "en"}),
        Version("de", "de.txt", de, {"language": "de"}),
    )
    assert ([1], [1]) in [(lk.left, lk.right) for lk in c.links]


def test_detect_samples_the_whole_text_not_its_preface() -> None:
    # The preface is more than the first 5,000 characters would have shown of the English.
    text = "\n\n".join(FRENCH_PREFACE + english_chronicle(60))
    assert len("\n\n".join(FRENCH_PREFACE)) > 3_000 and len(text) > 15_000
    assert detect(text) == "en"
    # And the other way round: a French book with an English preface is French.
    french = "\n\n".join(english_chronicle(2) + FRENCH_PREFACE * 4)
    assert detect(french) == "fr"
