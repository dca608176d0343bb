"""Running and timing whole processes, the one way every benchmark under bench/ does it: wall
and CPU seconds and the program's own peak resident set size (GNU time), killed at a time
limit.  A :class:`Task` collects one program's runs, so a benchmark can interleave several (run
1 of each, then run 2, ...) on this shared, noisy machine and report medians.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# GNU time reports the peak RSS of exactly the program it runs.  Without it we fall back on
# ``os.wait4``, whose figure also counts the benchmark's own memory at the fork (~30 MB): Linux
# carries a process's high-water mark across exec.
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def textver_env(tree: Path = REPO, **extra: str) -> dict[str, str]:
    """The environment that runs ``tree``'s textver from source (it goes first on the path)."""
    path = os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, **extra}


def textver_argv(*args: str | Path) -> list[str]:
    """``python -m textver ARGS``, as a user runs the command."""
    return [sys.executable, "-m", "textver", *map(str, args)]


def run_textver(*args: str, cwd: Path) -> float:
    """Run this checkout's ``textver ARGS`` in ``cwd`` (it must succeed); the seconds it took."""
    run = measure(textver_argv(*args), cwd=cwd, env=textver_env())
    if not run.ok:
        raise SystemExit(f"textver {' '.join(args)}: exit {run.returncode}: {run.error}")
    return run.seconds


@dataclass
class Run:
    """One finished (or killed) process: wall seconds, its own peak RSS, how it ended."""

    seconds: float
    max_rss_mb: float
    returncode: int
    timed_out: bool
    ok: bool  # the exit status is one the program gives on success
    cpu_seconds: float  # user + system time: less disturbed by a busy machine than wall
    error: str = ""  # the last line written to stderr by a program that failed


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def measure(
    argv: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    timeout: float = 600,
    stdout_path: Path | None = None,
    ok: tuple[int, ...] = (0,),
) -> Run:
    """Run ``argv`` to the end (or kill it after ``timeout`` s) and report time and memory.

    On a timeout the program itself is killed first, so GNU time still reports how much memory
    it had reached (a lower bound of its peak).  An exit status outside ``ok`` is printed with
    the last line the program wrote to stderr.
    """
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL  # noqa: SIM115
    killed = threading.Event()
    with tempfile.TemporaryDirectory(prefix="textver-bench-") as scratch:
        rss_file, err_file = Path(scratch, "maxrss"), Path(scratch, "stderr")
        cmd = [TIME, "-f", "%M", "-o", str(rss_file), *argv] if TIME else argv
        try:
            err = open(err_file, "wb")  # noqa: SIM115
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                cmd, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True
            )

            def kill() -> None:
                killed.set()
                for pid in _children(proc.pid) if TIME else [proc.pid]:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, 9)

            timer = threading.Timer(timeout, kill)
            timer.start()
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - t0
            timer.cancel()
            code = os.waitstatus_to_exitcode(status)
        finally:
            err.close()
            if stdout_path:
                out.close()
        max_kb = usage.ru_maxrss
        if TIME:  # GNU time passes the exit status on, or 128 + signal when it was killed
            numbers = [ln for ln in rss_file.read_text().split("\n") if ln.strip().isdigit()]
            max_kb = int(numbers[-1]) if numbers else 0
        run = Run(seconds, max_kb / 1024, code, killed.is_set(), code in ok,
                  usage.ru_utime + usage.ru_stime)  # fmt: skip
        if not run.ok and not run.timed_out:
            tail = err_file.read_text("utf-8", "replace").strip().splitlines()[-1:]
            run.error = (tail or ["no message"])[0]
            print(f"    ! {' '.join(argv[:4])}... exit {code}: {run.error}", file=sys.stderr)
    return run


@dataclass
class Task:
    """One program on one input, and its runs so far."""

    name: str
    argv: list[str]
    stdout: Path | None = None  # where the process's standard output goes (else discarded)
    ok: tuple[int, ...] = (0,)  # exit statuses that mean success (git diff: 1 = differences)
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    def measure(self, timeout: float, cwd: Path, env: dict[str, str]) -> Run:
        run = measure(self.argv, timeout=timeout, cwd=cwd, env=env, stdout_path=self.stdout,
                      ok=self.ok)  # fmt: skip
        self.runs.append(run)
        return run

    @property
    def gave_up(self) -> bool:
        return any(r.timed_out for r in self.runs)

    @property
    def failed(self) -> bool:
        return any(not r.ok and not r.timed_out for r in self.runs)

    def median(self) -> float | None:
        if not self.runs or self.gave_up or self.failed:
            return None
        return statistics.median(r.seconds for r in self.runs)

    def peak_mb(self) -> float | None:
        return max((r.max_rss_mb for r in self.runs), default=None)


def verdict(ok: bool | None) -> str:
    """How every benchmark prints a target: met, MISSED, or n/a when it could not be judged."""
    return "n/a" if ok is None else ("met" if ok else "MISSED")
