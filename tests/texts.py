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
