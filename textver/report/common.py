"""What the pairwise and collation reports, HTML and text, write the same way.

One definition each of how a count is written ("1 word", "2,000 words"), a share ("97.32%"),
how paragraph numbers are listed ("¶3, ¶4") and how changes are binned on the overview strip,
so the reports (and the command line, which writes counts and shares the same way) cannot
drift apart in wording or in where a tick stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

MINIMAP_BINS = 160  # ticks the overview strip can hold: fine enough on a book, light on the page


def number(n: int) -> str:
    """A count with thousands separated: 12,345."""
    return f"{n:,}"


def plural(n: int, word: str) -> str:
    """A count and its noun, in the plural unless it is one: "1 word", "2,000 words"."""
    return f"{number(n)} {word}" if n == 1 else f"{number(n)} {word}s"


def percent(share: float, places: int = 2) -> str:
    """A share as a percentage: "97.32%".  Two places for a comparison's retained share, so a
    few changed words in a book still show; one in the collation's matrix of many pairs."""
    return f"{share:.{places}%}"


def paragraph_numbers(numbers: Sequence[int]) -> str:
    """Paragraph numbers as the reports list them ("¶3, ¶4"), a dash for none."""
    return ", ".join(f"¶{n}" for n in numbers) if numbers else "—"


class Lane(StrEnum):
    """Where a tick stands on the overview strip (of both reports)."""

    CUT = "cut"  # text taken out
    ADD = "add"  # text put in
    MOVE = "move"  # a change of structure: a move, split or merge


@dataclass(frozen=True)
class Mark:
    """A tick on the overview strip: changes near one place of the left text."""

    lane: Lane
    top: float  # percent of the left text
    words: int
    count: int
    anchor: str  # the first change in the bin

    @property
    def weight(self) -> int:
        """How dark the mark is drawn, 1 to 4, by the words it stands for."""
        return 1 if self.words < 5 else 2 if self.words < 20 else 3 if self.words < 60 else 4


def minimap(ticks: Iterable[tuple[Lane, float, str, int]]) -> list[Mark]:
    """Changes binned along the text, so the strip stays small on a book.

    Each tick is (lane, position as a share of the text, the change's anchor, its words); a
    mark stands for the ticks of one lane in one bin, named by the first of them, in the order
    of the text (and of the lanes' names at one place)."""
    bins: dict[tuple[Lane, int], list[tuple[str, int]]] = {}
    for lane, pos, anchor, words in ticks:
        b = min(int(pos * MINIMAP_BINS), MINIMAP_BINS - 1)
        bins.setdefault((lane, b), []).append((anchor, words))
    return [
        Mark(lane, round(100 * b / MINIMAP_BINS, 3), sum(w for _, w in ts), len(ts), ts[0][0])
        for (lane, b), ts in sorted(bins.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]
