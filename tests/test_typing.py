"""mypy passes on the package, so the one test command (which CI runs) checks the types too."""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version

import pytest

from tests.conftest import REPO

# The test extra's type checker and the stubs it needs (setup.cfg); without the stubs mypy
# would report lxml and tqdm as untyped, not the package's own errors.  Exactly the test extra's
# names: one that is not there makes this test skip on every machine (it did, for a day).
_CHECKER = ("mypy", "types-lxml", "types-tqdm")


def _missing() -> list[str]:
    missing = []
    for name in _CHECKER:
        try:
            version(name)
        except PackageNotFoundError:
            missing.append(name)
    return missing


@pytest.mark.slow  # about 10 s of CPU without a cache, more on a busy machine
def test_mypy_passes_on_textver() -> None:
    missing = _missing()
    if missing and not os.environ.get("CI"):  # CI installs the test extra: there it must run
        pytest.skip(f"{', '.join(missing)} not installed: pip install -e '.[test]'")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "textver"],
        cwd=REPO,  # setup.cfg's [mypy] section is the configuration
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found"), done.stdout


def test_the_checker_names_are_in_the_test_extra() -> None:
    """Each name the mypy test needs is installed by ``pip install -e '.[test]'``, else that test
    skips everywhere and the types go unchecked."""
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg")
    extra = config["options.extras_require"]["test"].split()
    listed = {re.split(r"[<>=!~\[]", line, maxsplit=1)[0].lower() for line in extra}
    assert set(_CHECKER) <= listed, set(_CHECKER) - listed
