"""The README is the project's front page: its commands must be the ones CI runs, and it must
read as written (an editing script once repeated one paragraph through it 60,000 times)."""

import re
from collections import Counter

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readme_test_command_is_the_one_ci_runs() -> None:
    commands = re.findall(r"^```sh\n(.*?)\n```", README, flags=re.MULTILINE | re.DOTALL)
    (test_command,) = [c for c in commands if "pytest" in c]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_no_paragraph_of_the_readme_is_repeated() -> None:
    paragraphs = [p.strip() for p in README.split("\n\n") if len(p.strip()) > 40]
    repeated = [p[:60] for p, n in Counter(paragraphs).items() if n > 1]
    assert repeated == []
    assert len(README) < 60_000
