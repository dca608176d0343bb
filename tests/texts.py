"""Small texts written for these tests (our own prose, free to commit), and where the
third-party corpora that tests read at run time live."""

import os
from pathlib import Path

import pytest

HARBOUR = [
    "The harbour town of Vellmoor was built on three hills. Its fishermen sailed before dawn "
    "every day. Their boats were painted blue and yellow.",
    "In 1893 a storm destroyed the northern pier. The council voted to rebuild it in stone. "
    "Work took eleven years and cost forty thousand crowns.",
    "The lighthouse keeper, Edda Marsh, kept a diary for thirty years. She recorded every ship "
    "that passed the cape. Her diaries are now in the town museum.",
    "Tourism arrived with the railway in 1921. Hotels replaced the net lofts along the quay. "
    "Many old families moved inland.",
    "Today the town hosts a festival of sea songs each August. Choirs come from all over the "
    "coast. The festival ends with lanterns floating on the harbour.",
]


def join(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def shared_dir() -> Path:
    """The workplace's shared/ folder (beside the repo in CI), or $TEXTVER_SHARED."""
    return Path(os.environ.get("TEXTVER_SHARED") or Path(__file__).resolve().parents[2] / "shared")


def darwin_dir() -> Path:
    """The Darwin variorum corpus, or skip the test that needs it."""
    path = shared_dir() / "corpora" / "darwin-origin-ch1"
    if not (path / "alignment.json").exists():
        pytest.skip(f"Darwin variorum corpus not found at {path} (set TEXTVER_SHARED)")
    return path


def licenses_dir() -> Path:
    """Debian's common licences (real revised documents), or skip the test that needs them."""
    path = Path("/usr/share/common-licenses")
    if not (path / "MPL-2.0").is_file():
        pytest.skip(f"{path} not found (the common licences come with Debian and Ubuntu)")
    return path


# Our own prose.  RIGHT_KEEPER is LEFT_KEEPER edited so that the aligner sees each kind of change:
# a shortened sentence (¶1), a dropped sentence (¶2), a reworded sentence (¶3), a dropped paragraph
# (¶4), a moved paragraph (¶6 now before ¶5), and unchanged paragraphs (¶7-¶9).
LEFT_KEEPER = [
    "The lighthouse keeper rose before dawn every morning. He climbed the spiral staircase "
    "with a lantern in hand. The gulls were already circling the rocks below.",
    "Ships passed the headland in every season of the year. Captains trusted the beam more "
    "than their charts. Nobody remembered a wreck on that coast.",
    "His daughter kept the logbook in careful copperplate handwriting. She recorded the "
    "weather, the tides and every passing vessel.",
    "In winter the storms tore slates from the cottage roof. The keeper mended them with tar "
    "and borrowed timber.",
    "Supplies arrived by boat once a fortnight from the mainland harbour. Flour, lamp oil and "
    "newspapers were carried up the cliff path.",
    "When the light was finally automated the family moved inland. The tower still stands, "
    "white against the grey Atlantic sky.",
    "Visitors now climb the same staircase on summer afternoons. A small museum shows the "
    "logbooks behind glass.",
    "The keeper's lantern hangs above the museum door. Children are allowed to ring the old "
    "fog bell once each.",
    "A plaque by the gate lists every keeper since the tower was lit in 1791.",
]
RIGHT_KEEPER = [
    "The lighthouse keeper rose before dawn. He climbed the spiral staircase with a lantern in "
    "hand. The gulls were already circling the rocks below.",
    "Ships passed the headland in every season of the year. Nobody remembered a wreck on that "
    "coast.",
    "His daughter kept the logbook in neat copperplate script. She recorded the weather, the "
    "tides and every passing vessel.",
    LEFT_KEEPER[5],
    LEFT_KEEPER[4],
    *LEFT_KEEPER[6:],
]

# Hostile input for the reports: markup and script that must come out as text.
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'

# An added paragraph (our own prose) for the collations of HARBOUR's editions.
LIFEBOAT = (
    "A lifeboat station opened beside the lighthouse in 1931. Its crews rowed out in every "
    "winter gale and saved more than two hundred sailors."
)

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

# Unchanged paragraphs between the first change and the others, so that stepping must scroll.
FILLER = [
    f"Entry {n} of the harbour ledger records {n * 7 + 3} barrels of herring landed at the quay. "
    f"The clerk signed page {n * 11 + 2} before the evening tide."
    for n in range(1, 31)
]


# A same-language rewording and a translation pair (the Russian is our own translation of the
# English), for the meaning stage (textver.meaning).
REWORDED_LEFT = join(
    [
        "Our town has always lived from the sea. Fishermen leave the port long before "
        "sunrise. The harbour is the heart of every family here.",
        "The old lighthouse was repaired last spring. Volunteers painted it white and red. "
        "Tourists now climb the tower every weekend.",
    ]
)
REWORDED_RIGHT = join(
    [
        "Our town has always lived from the sea. Before dawn, the fishing boats have already "
        "left the harbour. The harbour is the heart of every family here.",
        "The old lighthouse was repaired last spring. Tourists now climb the tower every weekend.",
    ]
)

EN = join(
    [
        "The village of Korsby lies at the mouth of a cold river. Its people have fished for "
        "salmon for four hundred years. Every spring the whole village repairs the nets "
        "together.",
        "In 1907 a fire destroyed the wooden church. The villagers rebuilt it in stone within "
        "three years. The new bell was cast in a distant city and brought by sledge.",
        "The school has only eleven pupils today. Their teacher also runs the small library. "
        "Children learn to swim before they can read.",
        "Winter nights are long and dark. Families gather in the old hall to sing and tell "
        "stories. The oldest singer knows more than two hundred songs, and she learned most of "
        "them from her grandmother.",
        "The road to the town was paved in 1968. Before that, the journey took a whole day.",
    ]
)
# Abridged (a sentence, a paragraph and two sentences of another dropped), reordered (the
# school paragraph comes first), one sentence added, one split in two.
RU = join(
    [
        "Деревня Корсбю стоит в устье холодной реки. Её жители ловят лосося уже четыреста лет.",
        "Сегодня в школе учатся всего одиннадцать детей. Дети здесь учатся плавать раньше, "
        "чем читать.",
        "В 1907 году пожар уничтожил деревянную церковь. Жители за три года отстроили её из "
        "камня. Новый колокол отлили в далёком городе и привезли на санях. Туристы приезжают "
        "посмотреть на церковь каждое лето.",
        "Старейшая певица знает больше двухсот песен. Большинство из них она выучила у своей "
        "бабушки.",
    ]
)
