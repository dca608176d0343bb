"""Language detection, and the lexical pass in the language of the text (stems, function words)."""

import subprocess
import sys

import pytest

from tests.conftest import REPO
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


# A translator's preface in French and an English chronicle, both written for these tests: the
# preface fills more than the first few thousand characters, which alone decided before.
FRENCH_PREFACE = [
    "Préface du traducteur. Ce petit livre est une chronique de la ville de Vellmoor, écrite "
    "en anglais par un instituteur qui a passé toute sa vie dans le port. Nous avons voulu le "
    "présenter aux lecteurs français tel qu'il a été publié, sans rien changer au texte.",
    "Le lecteur trouvera dans ces pages une suite de notes sur les années et les saisons. "
    "L'auteur ne cherche pas à plaire : il écrit ce qu'il a vu, ce que les anciens lui ont "
    "raconté et ce que les registres de la mairie conservent. C'est pour cela que nous "
    "aimons ce livre, et c'est aussi pour cela qu'il est parfois un peu sec.",
    "Il faut dire un mot de la langue. L'anglais de l'auteur est simple, mais il emploie des "
    "mots de pêcheurs que les dictionnaires ne donnent pas. Nous les avons laissés dans le "
    "texte, et le lecteur curieux en trouvera le sens dans les notes à la fin du volume.",
    "Nous remercions les habitants de la ville, qui nous ont reçus avec une grande patience "
    "pendant nos deux séjours. Ils nous ont montré les vieux filets, les cartes marines et "
    "les lettres de leurs grands-parents. Sans eux, ce travail n'aurait pas été possible.",
    "Nous remercions aussi la bibliothèque municipale, qui a bien voulu nous prêter les "
    "premières éditions de la chronique, et le musée du port, où sont gardés les journaux "
    "de la gardienne du phare. Les erreurs qui restent sont les nôtres.",
    "Une dernière remarque. La chronique ne suit pas toujours l'ordre des années : l'auteur "
    "revient souvent en arrière, il compare, il se souvient. Nous avons gardé cet ordre, "
    "qui est celui d'une mémoire plus que celui d'un livre d'histoire, et nous espérons que "
    "le lecteur y trouvera le même plaisir que nous.",
    "Enfin, nous avons choisi de ne pas traduire le titre, qui est le nom de la ville dans "
    "la langue de ses habitants. Il n'y a pas de mot français pour dire ce que ce nom veut "
    "dire pour eux : c'est à la fois le port, la colline et la mer qui les entoure.",
    "Quelques mots sur l'auteur. Il est né dans une maison du vieux quai, fils d'un pêcheur "
    "et d'une couturière. Il a enseigné pendant quarante ans dans la seule école de la "
    "ville, et il a commencé sa chronique le jour où il a pris sa retraite.",
    "Il écrivait le soir, à la lumière d'une lampe à pétrole, dans des cahiers d'écolier "
    "qu'il achetait chez l'épicier. Sa fille nous a montré ces cahiers : ils sont couverts "
    "de ratures, de dessins de bateaux et de petites cartes du port.",
    "La première édition a paru chez un imprimeur de la côte, en trois cents exemplaires. "
    "Elle a été vendue en quelques semaines, surtout aux familles de la ville, qui y "
    "retrouvaient les noms de leurs parents et les histoires de leur enfance.",
    "Nous avons suivi le texte de la seconde édition, que l'auteur a revue avant sa mort. "
    "Il y a ajouté deux chapitres sur la tempête et sur l'arrivée du chemin de fer, et il a "
    "corrigé un grand nombre de dates que sa mémoire avait trahies.",
    "Les notes sont de nous. Elles expliquent les mots du métier, les noms des lieux et les "
    "coutumes qui ont disparu depuis. Nous avons essayé de les garder courtes, pour ne pas "
    "alourdir un texte qui se lit d'abord comme un récit.",
    "Nous dédions cette traduction à la mémoire de la gardienne du phare, dont les journaux "
    "ont inspiré tant de pages de ce livre, et à tous ceux qui vivent encore de la mer.",
]
_TRADES = ["fishermen", "net makers", "boat builders", "school teachers", "farmers", "bakers"]
_PLACES = ["the northern pier", "the old quay", "the market square", "the chapel", "the mill"]


def english_chronicle(years: int) -> list[str]:
    """Paragraphs of an English town chronicle, one a year, every sentence different."""
    out = []
    for k in range(years):
        year = 1850 + k
        trade, place = _TRADES[k % len(_TRADES)], _PLACES[k % len(_PLACES)]
        out.append(
            f"In {year} the {trade} of Vellmoor met at {place} to choose their elders. "
            f"They chose {k % 7 + 2} men and {k % 5 + 1} women, and the vote was held in the "
            f"evening after the boats had come back. The weather that year was "
            f"{'wet' if k % 2 else 'dry'}, and the catch was {'poor' if k % 3 else 'good'}."
        )
    return out


def test_detect_samples_the_whole_text_not_its_preface() -> None:
    # The preface is more than the first 5,000 characters would have shown of the English.
    text = "\n\n".join(FRENCH_PREFACE + english_chronicle(60))
    assert len("\n\n".join(FRENCH_PREFACE)) > 3_000 and len(text) > 15_000
    assert detect(text) == "en"
    # And the other way round: a French book with an English preface is French.
    french = "\n\n".join(english_chronicle(2) + FRENCH_PREFACE * 4)
    assert detect(french) == "fr"
