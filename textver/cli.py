"""The ``textver`` command line: parse options, call the library, print the result.

Commands stay thin; the work happens in :mod:`textver.store`, :mod:`textver.ingest`,
:mod:`textver.compare`, :mod:`textver.collate` and :mod:`textver.report`.  Those heavier modules
are imported inside the commands that need them so ``textver --help`` and ``textver list`` start
fast and do not need jinja2 or lxml.
"""

from __future__ import annotations

import gc
import json
import os
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from textver import __version__
from textver.errors import TextverError
from textver.provenance import FIELDS, WORK_FIELDS, ordered, parse_ref
from textver.store import DEFAULT_STORE, Edition, Store, check_date, check_name, write_atomic
from textver.visible import UNSAFE, visible

if TYPE_CHECKING:
    from textver.version import Version

FORMATS = ("text", "json", "html", "tei", "collatex-json")


@dataclass
class _State:
    """What the group options set for every command."""

    store_option: str | None = None

    @property
    def store(self) -> Store:
        return Store.from_env(self.store_option)


class _UserError(click.ClickException):
    """A TextverError on its way out: one line on stderr, exit 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"textver: error: {visible(self.message)}", err=True)


class _InternalError(click.ClickException):
    """A bug in textver: one line on stderr, exit 1 (``--debug`` shows the traceback)."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(
            f"textver: internal error: {visible(self.message)} (run with --debug for a traceback)",
            err=True,
        )


class _Group(click.Group):
    """Turns exceptions from any command into one-line messages unless ``--debug`` is given."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        # click itself reports usage errors and quietly exits on a closed pipe (``| head``).
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise
        except TextverError as e:
            if ctx.params.get("debug"):
                raise
            raise _UserError(_one_line(str(e))) from e
        except Exception as e:
            if ctx.params.get("debug"):
                raise
            raise _InternalError(_one_line(f"{type(e).__name__}: {e}")) from e


def _one_line(message: str) -> str:
    return re.sub(r"\s*\n\s*", " ", message.strip())


def _set_store(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        ctx.ensure_object(_State).store_option = value
    return value


_store_option = click.option(
    "--store",
    metavar="DIR",
    callback=_set_store,
    expose_value=False,
    help=f"Version store folder (default: $TEXTVER_STORE, else ./{DEFAULT_STORE}).",
)

_timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=20.0,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a URL that sends nothing for this long.",
)
_deadline_option = click.option(
    "--deadline",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a URL that takes longer than this in all, redirects included.",
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@_store_option
@click.option("--debug", is_flag=True, help="Show a traceback instead of a one-line error.")
@click.version_option(version=__version__, prog_name="textver")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Compare and version published texts: what each edition kept, cut, reworded, moved or
    added."""
    ctx.ensure_object(_State)


def _store(ctx: click.Context) -> Store:
    return ctx.ensure_object(_State).store


def _provenance_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """One option per settable provenance field (textver.provenance.FIELDS), then the work's."""
    for fld in reversed(FIELDS):
        if fld.option:
            f = click.option(fld.option, fld.name, help=_OPTION_HELP.get(fld.name, fld.help))(f)
    return f


def _work_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for wf in reversed(WORK_FIELDS):
        f = click.option(wf.option, f"work_{wf.name}", help=wf.help)(f)
    return f


_OPTION_HELP = {"url": "Fetch the text from URL (without FILE), or record where it is."}


# --- add ------------------------------------------------------------------------------------


@cli.command()
@click.argument("work")
@click.argument("file", required=False)
@click.option("--label", "-l", required=True, help="Edition label (lowercase slug).")
@_provenance_options
@click.option("--replace", is_flag=True, help="Replace a different text stored under LABEL.")
@click.option("--known", is_flag=True, help="Record an edition whose text is not held.")
@click.option("--selector", metavar="CSS", help="CSS selector of the article in an HTML page.")
@click.option("--encoding", metavar="ENC", help="Encoding of FILE, if not detectable.")
@_timeout_option
@_deadline_option
@_work_options
@_store_option
@click.pass_context
def add(
    ctx: click.Context,
    work: str,
    file: str | None,
    label: str,
    replace: bool,
    known: bool,
    selector: str | None,
    encoding: str | None,
    timeout: float,
    deadline: float,
    **options: str | None,
) -> None:
    """Add an edition of WORK from FILE (text or saved HTML page), from --url, or as --known.

    Re-adding identical text is a no-op; a different text under an existing label is refused
    unless --replace is given.  Adding text to a known edition keeps its metadata.
    """
    store = _store(ctx)
    check_name(work, "work name")  # before reading or fetching anything
    check_name(label, "label")
    given, work_meta = _given(options)
    text: str | None = None
    if known:
        if file is not None:
            raise TextverError(f"{file}: a --known edition has no text; drop FILE or --known")
    else:
        from textver import ingest

        if file is not None:
            version = ingest.load_file(Path(file), selector=selector, encoding=encoding)
        elif given.get("url"):
            # record the address the page was finally fetched from (after any redirects)
            version = ingest.fetch_url(
                given.pop("url"),
                selector=selector,
                encoding=encoding,
                timeout=timeout,
                deadline=deadline,
            )
        else:
            raise TextverError(f"{work}:{label}: give a FILE, --url URL, or --known")
        text = version.text
        given = {**version.meta, **given}
    outcome = store.add(work, label, text, given, replace=replace, known=known, work_meta=work_meta)
    ed = store.work(work).edition(label)
    assert ed is not None
    _echo(f"{outcome}: {work}:{label} {_edition_summary(ed)}")


def _given(options: dict[str, str | None]) -> tuple[dict[str, str], dict[str, str]]:
    """The edition's and the work's metadata given as options, checked to be UTF-8 text."""
    fields = {f.name: f for f in FIELDS}
    given = {k: v for k, v in options.items() if v and k in fields}
    work_fields = {f"work_{f.name}": f for f in WORK_FIELDS}
    work_meta = {work_fields[k].name: v for k, v in options.items() if v and k in work_fields}
    _check_utf8(
        {str(fields[k].option): v for k, v in given.items()}
        | {work_fields[f"work_{k}"].option: v for k, v in work_meta.items()}
    )
    check_date(given.get("date", ""))
    return given, work_meta


def _check_utf8(options: dict[str, str | None]) -> None:
    """Refuse option values that were not UTF-8 on the command line.

    click hands such bytes over as lone surrogates ("surrogateescape"), which no manifest can
    store; the value is named as given, with the bad bytes shown.
    """
    for name, value in options.items():
        if value and re.search("[\ud800-\udfff]", value):
            raise TextverError(f"{name} {value}: not valid UTF-8 text")


def _edition_summary(ed: Edition) -> str:
    if not ed.stored:
        return "(known edition, text not held)"
    return f"({ed.words} words, sha256 {ed.sha256[:12]})"


# --- list / show / verify -------------------------------------------------------------------


@cli.command("list")
@click.argument("work", required=False)
@_store_option
@click.pass_context
def list_(ctx: click.Context, work: str | None) -> None:
    """List the works in the store, or the editions of WORK.

    A work whose manifest cannot be read is named on stderr and the others are still listed;
    the exit status is then 2.
    """
    store = _store(ctx)
    if work is None:
        names = store.works()
        if not names:
            _echo(f"no works in {store.root}")
        failed = 0
        for name in names:
            try:
                w = store.work(name)
            except TextverError as err:
                failed += 1
                click.echo(f"textver: error: {visible(_one_line(str(err)))}", err=True)
                continue
            stored = sum(e.stored for e in w.editions)
            title = f"  {w.title}" if w.title else ""
            _echo(
                f"{name}{title}  ({len(w.editions)} editions: {stored} stored, "
                f"{len(w.editions) - stored} known)"
            )
        if failed:
            ctx.exit(2)
        return
    w = store.work(work)
    rows = [("LABEL", "STATUS", "DATE", "PUBLICATION", "LANG", "WORDS")]
    for e in w.editions:
        words = str(e.words) if e.stored and e.words is not None else "-"
        rows.append(
            (e.label, e.status, e.date or "-", e.publication or "-", e.language or "-", words)
        )
    click.echo(_table(rows))


def _table(rows: list[tuple[str, ...]]) -> str:
    rows = [tuple(map(visible, row)) for row in rows]  # before measuring: symbols are wider
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows)
    return "\n".join(line.rstrip() for line in lines)


@cli.command()
@click.argument("ref", metavar="WORK[:LABEL]")
@click.option("--text", "show_text", is_flag=True, help="Print the text of a stored edition.")
@_store_option
@click.pass_context
def show(ctx: click.Context, ref: str, show_text: bool) -> None:
    """Show the metadata of WORK or of one edition, or (--text) an edition's text."""
    store = _store(ctx)
    parsed = parse_ref(ref)
    if parsed is None:
        raise TextverError(f"{ref}: not WORK or WORK:LABEL")
    work, label = parsed
    if show_text:
        if not label:
            raise TextverError(f"{ref}: --text needs WORK:LABEL")
        text = store.get(work, label).text
        if sys.stdout.isatty():  # piped or redirected, the text is passed on exactly as stored
            text = visible(text, lines=True)
        click.echo(text, nl=not text.endswith("\n"), color=True)  # click would strip "\x1b["
        return
    w = store.work(work)
    if label:
        _echo_lines(_edition_lines(store, w.name, store.edition(work, label)))
        return
    lines = [f"work: {w.name}"]
    lines.extend(f"{wf.title}: {getattr(w, wf.name)}" for wf in WORK_FIELDS if getattr(w, wf.name))
    lines.append(f"store: {store.root / w.name}")
    for ed in w.editions:
        lines.append("")
        lines.extend(_edition_lines(store, w.name, ed))
    _echo_lines(lines)


def _echo(line: str) -> None:
    """Print one line built from input values: nothing in it can act on the terminal."""
    click.echo(visible(line))


def _echo_lines(lines: list[str]) -> None:
    click.echo("\n".join(map(visible, lines)))


def _edition_lines(store: Store, work: str, ed: Edition) -> list[str]:
    lines = [f"[{work}:{ed.label}] {ed.status}"]
    # notes last, being free text over several lines
    lines.extend(f"  {key}: {value}" for key, value in ordered(ed.provenance) if key != "notes")
    if ed.stored:
        lines.append(f"  words: {ed.words}")
        lines.append(f"  file: {store.root / work / ed.file}")
        lines.append(f"  sha256: {ed.sha256}")
    if ed.notes:
        first, *rest = ed.notes.splitlines() or [""]
        lines.append(f"  notes: {first}")
        lines.extend(f"    {line}" if line else "" for line in rest)
    if not ed.stored:
        prefix = "textver" if store.root == Path(DEFAULT_STORE) else f"textver --store {store.root}"
        lines.append("  text not held; to add it from a saved page or a URL:")
        lines.append(f"    {prefix} add {work} PAGE.html --label {ed.label}")
        lines.append(f"    {prefix} add {work} --url {ed.url or 'URL'} --label {ed.label}")
    return lines


@cli.command()
@click.option(
    "--repair",
    is_flag=True,
    help="First remove what killed or crashed adds provably left behind (and nothing else).",
)
@_store_option
@click.pass_context
def verify(ctx: click.Context, repair: bool) -> None:
    """Re-hash every stored text and check the manifests; exit 1 if anything is wrong."""
    store = _store(ctx)
    if repair:
        repairs = store.repair()
        for r in repairs:
            _echo(f"repaired: {r}")
        if not repairs:
            click.echo("repaired: nothing to repair")
    problems = store.verify()
    for p in problems:
        _echo(str(p))
    if problems:
        _echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {store.root}")
        ctx.exit(1)
    n = store.verified_count()
    click.echo(f"ok: {n} text{'s' if n != 1 else ''} verified")


# --- compare / log --------------------------------------------------------------------------


@cli.command()
@click.argument("refs", nargs=-1, required=True, metavar="REF...")
@click.option("--base", metavar="LABEL", help="Edition the others are compared against.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write the report to FILE (- for standard output).",
)
@click.option("--strict", is_flag=True, help="Count typographic differences (quotes, dashes).")
@click.option(
    "--meaning",
    type=click.Choice(["auto", "on", "off"]),
    default="auto",
    show_default=True,
    help="Link sentences by meaning: where words do not decide and across languages (auto), "
    "also for weakly linked sentences (on), or never (off).",
)
@click.option("--color/--no-color", default=None, help="Colour text output (default: on a TTY).")
@click.option("--selector", metavar="CSS", help="CSS selector of the article in HTML pages.")
@click.option("--encoding", metavar="ENC", help="Encoding of text files, if not detectable.")
@_timeout_option
@_deadline_option
@_store_option
@click.pass_context
def compare(
    ctx: click.Context,
    refs: tuple[str, ...],
    base: str | None,
    fmt: str,
    output: Path | None,
    strict: bool,
    meaning: str,
    color: bool | None,
    selector: str | None,
    encoding: str | None,
    timeout: float,
    deadline: float,
) -> None:
    """Compare versions: two REFs, or a WORK's editions, or three or more REFs (collation).

    A REF is a file, an http(s) URL, or WORK:LABEL in the store.
    """
    # A one-shot process over data with no reference cycles: the cyclic collector only costs
    # time here (it rescans the millions of small objects a book makes; see compare.py).
    gc.disable()
    store = _store(ctx)
    versions = _resolve(store, refs, selector, encoding, timeout, deadline)
    if color is None:
        color = output is None and sys.stdout.isatty()
    # One WORK means its editions as a set (a collation), even when it holds just two.
    if len(refs) == 2 and fmt in ("text", "json", "html"):
        left, right = versions
        if base is not None:
            if base not in (left.label, right.label):
                raise TextverError(f"--base {base}: not one of {left.label}, {right.label}")
            if base == right.label:
                left, right = right, left
        from textver.compare import compare as compare_versions

        comparison = compare_versions(left, right, strict=strict, meaning=meaning)
        if fmt == "json":
            _emit(output, _json(comparison.to_dict()))
        elif fmt == "text":
            from textver.report.text import render_text

            _emit(output, render_text(comparison, color=color))
        else:
            from textver.report.html import render_html

            _emit_html(output, render_html(comparison), [left.label, right.label])
        return
    from textver.collate import collate

    collation = collate(versions, base=base, strict=strict, meaning=meaning)
    if fmt == "json":
        _emit(output, _json(collation.to_dict()))
    elif fmt == "text":
        from textver.report.collation_text import render_collation_text

        _emit(output, render_collation_text(collation, color=color))
    elif fmt == "html":
        from textver.report.collation_html import render_collation_html

        name = [refs[0]] if len(refs) == 1 else [v.label for v in versions]
        _emit_html(output, render_collation_html(collation), name)
    elif fmt == "tei":
        from textver.report.tei import to_tei

        _emit(output, to_tei(collation))
    else:
        from textver.report.tei import to_collatex_json

        _emit(output, _json(to_collatex_json(collation)))


def _resolve(
    store: Store,
    refs: tuple[str, ...],
    selector: str | None,
    encoding: str | None,
    timeout: float,
    deadline: float,
) -> list[Version]:
    """The versions to compare: each REF loaded, or all stored editions of one WORK."""
    if len(refs) == 1:
        ref = refs[0]
        parsed = parse_ref(ref)
        if parsed is None or parsed.label is not None or ref not in store.works():
            raise TextverError(
                f"{ref}: compare needs two or more REFs, or the name of a work in {store.root}"
            )
        w = store.work(ref)
        labels = [e.label for e in w.editions if e.stored]
        if len(labels) < 2:
            raise TextverError(
                f"{ref}: {len(labels)} stored edition{'s' if len(labels) != 1 else ''}; "
                "comparing needs at least two"
            )
        return [store.get(ref, label) for label in labels]
    from textver import ingest

    return [
        ingest.load(
            r, store=store, selector=selector, encoding=encoding, timeout=timeout, deadline=deadline
        )
        for r in refs
    ]


def _json(obj: object) -> str:
    # Without indentation json uses its C encoder: several times faster on a book's comparison.
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"
    # json leaves C1 and bidi controls and lone surrogates (from non-UTF-8 file names) raw; as
    # \u escapes the document is the same JSON, safe on a terminal and encodable as UTF-8.
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _emit(output: Path | None, text: str) -> None:
    if output is None:
        # Reports are made safe as they are rendered; color=True keeps click from also deleting
        # what looks like styling (the --color the user asked for, when piped).
        click.echo(text, nl=not text.endswith("\n"), color=True)
    elif _write_output(output, text):
        _echo(str(output))


def _emit_html(output: Path | None, html: str, names: list[str]) -> None:
    if output is None:
        stem = "-vs-".join(_slug(n) for n in names)[:100].rstrip("-")
        try:
            Path("reports").mkdir(exist_ok=True)
        except OSError as e:
            raise TextverError(
                f"reports: cannot make the report folder here: {e.strerror or e}; give -o FILE"
            ) from None
        output = Path("reports") / f"{stem}.html"
    if _write_output(output, html):
        _echo(str(output))


# Names of an already open file descriptor: written to as the shell opened it (a pipe, a
# terminal, a file opened for appending), never opened anew or replaced.
_FD_PATH = re.compile(r"/dev/std(?P<std>out|err)|/dev/fd/(?P<fd>\d+)|/proc/self/fd/(?P<pfd>\d+)")


def _write_output(output: Path, text: str) -> bool:
    """Write a report to ``output``; true if it went to a named regular file (worth printing).

    ``-`` and the names of open descriptors (``/dev/stdout``) write to that descriptor; an
    existing target that is not a regular file (``/dev/null``, a FIFO, a terminal) is opened and
    written in place; a regular file is replaced atomically, through a symlink to it if given
    one (the link stays a link).  A device is never replaced by a rename.
    """
    data = text.encode("utf-8")
    alias = _FD_PATH.fullmatch(os.path.abspath(output)) if str(output) != "-" else None
    try:
        if str(output) == "-" or alias:
            fd = 1
            if alias and alias["std"] != "out":
                fd = 2 if alias["std"] else int(alias["fd"] or alias["pfd"])
            sys.stdout.flush()
            with os.fdopen(os.dup(fd), "wb") as f:
                f.write(data)
            return False
        try:
            regular = stat.S_ISREG(os.stat(output).st_mode)
        except FileNotFoundError:
            regular = True  # a new file (or a dangling link: its target is made)
        if not regular:
            with open(output, "wb") as f:
                f.write(data)
            return False
        write_atomic(Path(os.path.realpath(output)), data)
    except BrokenPipeError:
        raise  # the reader went away (``| head``): click exits quietly
    except OSError as e:
        raise TextverError(f"{output}: cannot write: {e.strerror or e}") from None
    return True


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "version"


@cli.command()
@click.argument("work")
@click.option("--strict", is_flag=True, help="Count typographic differences (quotes, dashes).")
@_store_option
@click.pass_context
def log(ctx: click.Context, work: str, strict: bool) -> None:
    """The editions of WORK in date order, with what changed from the previous stored one."""
    store = _store(ctx)
    w = store.work(work)
    order = sorted(range(len(w.editions)), key=lambda i: (w.editions[i].date or "9999-99-99", i))
    previous: Version | None = None
    for i in order:
        ed = w.editions[i]
        head = f"{ed.date or 'undated':<10}  {ed.label}"
        if ed.publication:
            head += f" ({ed.publication})"
        if not ed.stored:
            _echo(f"{head}: (text not held)")
            continue
        current = store.get(work, ed.label)
        line = f"{head}: {ed.words} words"
        if previous is None:
            line += ", first stored edition"
        else:
            from textver.compare import compare as compare_versions

            stats = compare_versions(previous, current, strict=strict).stats
            line += (
                f"; from {previous.label}: -{stats['removed_words']} +{stats['inserted_words']}"
                f" words, {stats['retained']:.1%} retained"
            )
        _echo(line)
        previous = current


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (``textver`` and ``python -m textver``)."""
    cli.main(args=argv, prog_name="textver", obj=_State())
