"""How textver's scripts and tests start Debian's headless Chromium through Playwright.

As root, in a sandbox with no network: no Chromium sandbox, no GPU, and none of the background
connections Chromium would otherwise try (they are refused here, many at a time).
"""

from __future__ import annotations

from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright: Any) -> Any:
    """A headless Chromium browser from a started ``sync_playwright()``."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
