"""Shared fixtures: a fresh store, the textver command as a subprocess, a store's fingerprint."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import launch
from tests.http_pages import Handler, Server
from textver.store import Store

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """An empty store in a temporary folder (created by its first add)."""
    return Store(tmp_path / "versions")


@pytest.fixture
def textver_cmd() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m textver ARGS...`` in a child process, as a user would."""
    paths = [str(REPO), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    env.pop("TEXTVER_STORE", None)

    def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "textver", *map(str, args)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=cwd,
            timeout=120,
        )

    return run


@pytest.fixture
def tree_digest() -> Callable[[Path], str]:
    """A hash of every file name, mode and content under a folder, to show nothing changed."""

    def digest(root: Path) -> str:
        h = hashlib.sha256()
        for p in sorted(root.rglob("*")):
            if p.suffix == ".lock":  # lock files are not store content (and are git-ignored)
                continue
            if p.is_file():
                h.update(f"{p.relative_to(root)}\0{p.stat().st_mode:o}\0".encode())
                h.update(p.read_bytes())
            else:
                h.update(f"{p.relative_to(root)}/\0".encode())
        return h.hexdigest()

    return digest


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """A local HTTP server (tests/http_pages.py), shut down after the module's tests."""
    srv = Server(("127.0.0.1", 0), Handler)
    srv.release = threading.Event()
    srv.user_agents = []
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.release.set()  # let stalled handlers finish at once
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


@pytest.fixture
def base(server: Server) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


# Test modules that drive Chromium, and the ones that take minutes: ``-m "not browser and not
# slow"`` runs the fast set (markers registered in setup.cfg).
_MARKED = {
    "browser": {"test_browser.py", "test_collation_browser.py"},
    "slow": {"test_soak.py"},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for marker, modules in _MARKED.items():
            if item.path.name in modules:
                item.add_marker(getattr(pytest.mark, marker))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium, one per test module (skips when Playwright is absent)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


class Recorder:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.failed: list[tuple[str, str | None]] = []


@pytest.fixture
def page(browser: object) -> Iterator[tuple[object, Recorder]]:
    """A fresh page (own storage) that records console errors, page errors, requests, dialogs."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    pg = context.new_page()
    rec = Recorder()
    pg.on("console", lambda m: m.type in ("error", "warning") and rec.errors.append(m.text))
    pg.on("pageerror", lambda e: rec.errors.append(str(e)))
    pg.on("request", lambda r: rec.requests.append(r.url))
    pg.on("requestfailed", lambda r: rec.failed.append((r.url, r.failure)))

    def on_dialog(d: object) -> None:
        rec.dialogs.append(d.message)  # type: ignore[attr-defined]
        d.dismiss()  # type: ignore[attr-defined]

    pg.on("dialog", on_dialog)
    yield pg, rec
    assert not rec.dialogs, f"a dialog opened: {rec.dialogs}"
    context.close()
