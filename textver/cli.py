"""The ``textver`` command line: parse options, call the library, print the result.

Commands stay thin; the work happens in :mod:`textver.store`, :mod:`textver.ingest`,
:mod:`textver.compare`, :mod:`textver.collate` and :mod:`textver.report`.  Those heavier modules
are imported inside the commands that need them so ``textver --help`` and ``textver list`` start
fast and do not need jinja2 or lxml.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from textver import __version__
from textver.errors import TextverError
from textver.meaning import Mode
from textver.provenance import FIELDS, WORK_FIELDS, ordered, parse_ref
from textver.render import NAMES as FORMAT_NAMES
from textver.report.common import percent, plural
from textver.store import DEFAULT_STORE, Edition, Store, check_date, check_name, write_atomic
from textver.visible import visible


@dataclass
class _State:
    """What the group options set for every command."""

    store_option: str | None = None
    # Set by main(): the process ends when the command returns, so what it built need not be
    # freed (see _keep_to_exit).
    ends_process: bool = False

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


def _seconds_option(name: str, default: float, help: str) -> Callable[..., Any]:
    """A URL time limit in seconds (at least 0.1)."""
    return click.option(
        name,
        type=click.FloatRange(min=0.1),
        default=default,
        show_default=True,
        metavar="SECONDS",
        help=help,
    )


_timeout_option = _seconds_option(
    "--timeout", 20.0, "Give up on a URL that sends nothing for this long."
)
_deadline_option = _seconds_option(
    "--deadline", 60.0, "Give up on a URL that takes longer than this in all, redirects included."
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@_store_option
@click.option("--debug", is_flag=True, help="Show a traceback instead of a one-line error.")
@click.version_option(version=__version__, prog_name="textver")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Compare and version published texts: what each edition kept, cut, reworded, moved or
    added.

    \b
    Examples:
      textver compare old.txt new.txt                 # HTML report in reports/, path printed
      textver compare old.txt new.txt --format text   # summary and word diff here
      textver add essay page.html --label reprint --date 2012-02
      textver compare essay:reprint essay:full -o changes.json
      textver log essay                               # editions in date order, what changed

    \b
    Exit status: 0 done, 1 "different" (compare --exit-code) or problems found (verify),
    2 an error (one line on stderr).  Shell completion (works, WORK:LABEL, files):
      eval "$(_TEXTVER_COMPLETE=bash_source textver)"   # zsh_source, fish_source
    """
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


def _complete_ref(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of REFs: works and WORK:LABEL from the store, then file names."""
    from click.shell_completion import CompletionItem

    try:
        store = Store.from_env(_store_from_args(ctx))
        if ":" in incomplete:
            work = incomplete.partition(":")[0]
            labels = [e.label for e in store.work(work).editions if e.stored]
            items = [CompletionItem(f"{work}:{x}") for x in labels]
        else:
            items = [CompletionItem(f"{w}:", type="plain") for w in store.works()]
            items += [CompletionItem(w) for w in store.works()]
    except (TextverError, OSError):
        items = []
    items = [i for i in items if i.value.startswith(incomplete)]
    return [*items, CompletionItem(incomplete, type="file")]


def _store_from_args(ctx: click.Context) -> str | None:
    obj = ctx.find_root().obj
    return obj.store_option if isinstance(obj, _State) else None


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
        given = ingest.merge_meta(version.meta, given)
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


def _check_utf8(options: Mapping[str, str | None]) -> None:
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
    return f"({plural(ed.words or 0, 'word')}, sha256 {ed.sha256[:12]})"


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
                f"{name}{title}  ({plural(len(w.editions), 'edition')}: {stored} stored, "
                f"{len(w.editions) - stored} known)"
            )
        if failed:
            ctx.exit(2)
        return
    w = store.work(work)
    rows: list[tuple[str, ...]] = [("LABEL", "STATUS", "DATE", "PUBLICATION", "LANG", "WORDS")]
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
@click.argument("ref", metavar="WORK[:LABEL]", shell_complete=_complete_ref)
@click.option("--text", "show_text", is_flag=True, help="Print the text of a stored edition.")
@_store_option
@click.pass_context
def show(ctx: click.Context, ref: str, show_text: bool) -> None:
    """Show the metadata of WORK or of one edition, or (--text) an edition's text."""
    store = _store(ctx)
    work, label = _parse(ref)
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
        _echo(f"{plural(len(problems), 'problem')} in {store.root}")
        ctx.exit(1)
    n = store.verified_count()
    click.echo(f"ok: {plural(n, 'text')} verified")


# --- compare / log --------------------------------------------------------------------------


_COMPARE_HELP = """Compare versions: two REFs, a WORK's editions, or three or more REFs (collation).

A REF is a file (- for standard input; pipes such as <(git show REV:file) work too), an
http(s) URL, or WORK:LABEL in the store.  The report goes to reports/LEFT-vs-RIGHT.html
unless -o FILE or --format says otherwise; -o's extension (.html, .txt, .json, .xml or .tei)
chooses the format when --format is not given.

\b
Examples:
  textver compare a.txt b.txt                     # HTML report in reports/, path printed
  textver compare a.txt b.txt --format text       # summary and word diff here
  textver compare old/article.txt new/article.txt -o out.json
  git show HEAD~1:essay.txt | textver compare - essay.txt --labels before,after
  textver compare essay:draft essay:final --exit-code --format text
  textver compare essay --format tei -o essay.xml  # every stored edition, collated

\b
Exit status: 0 done (with --exit-code: the versions are the same), 1 with --exit-code: they
differ, 2 an error (a one-line message on stderr).
"""


# The report options of compare and render: the format, and where the report goes.
_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_NAMES),
    help="Output format (default: from -o's extension, else html).",
)
_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write the report to FILE (- for standard output).",
)
_color_option = click.option(
    "--color/--no-color", default=None, help="Colour text output (default: on a TTY)."
)


def _label_list(values: tuple[str, ...]) -> list[str]:
    """Names given with --label (repeated) or --labels (comma-separated)."""
    return [x.strip() for v in values for x in v.split(",")]


@cli.command(help=_COMPARE_HELP)
@click.argument("refs", nargs=-1, required=True, metavar="REF...", shell_complete=_complete_ref)
@click.option("--base", metavar="LABEL", help="Edition the others are compared against.")
@_format_option
@_output_option
@click.option(
    "--label",
    "-l",
    "labels",
    multiple=True,
    metavar="NAME",
    help="Name of each REF's side, in order (repeat it; default: the file names, told apart "
    "by the differing part of their paths).",
)
@click.option("--labels", "labels_csv", metavar="A,B,...", help="The same, comma-separated.")
@click.option(
    "--exit-code", is_flag=True, help="Exit 1 if the versions differ, 0 if not (2: an error)."
)
@click.option("--strict", is_flag=True, help="Count typographic differences (quotes, dashes).")
@click.option(
    "--meaning",
    type=click.Choice([m.value for m in Mode]),  # plain strings: click takes an enum by name
    default=Mode.AUTO.value,
    show_default=True,
    help="Link sentences by meaning: where words do not decide and across languages (auto), "
    "also for weakly linked sentences (on), or never (off).",
)
@_color_option
@click.option("--selector", metavar="CSS", help="CSS selector of the article in HTML pages.")
@click.option("--encoding", metavar="ENC", help="Encoding of text files, if not detectable.")
@_timeout_option
@_deadline_option
@_store_option
@click.pass_context
def compare(ctx: click.Context, **options: Any) -> None:
    from textver.compare import without_cycle_collector

    # The collector is paused for the whole command and switched back on for an in-process
    # caller.  Re-enabled between steps, its first pass would rescan every object the
    # comparison made (0.1 s at 70k words, 0.8 s at 1.1M; see compare.py).
    with without_cycle_collector():
        _compare(ctx, **options)


def _compare(
    ctx: click.Context,
    refs: tuple[str, ...],
    base: str | None,
    fmt: str | None,
    output: Path | None,
    labels: tuple[str, ...],
    labels_csv: str | None,
    exit_code: bool,
    strict: bool,
    meaning: str,
    color: bool | None,
    **load: Any,
) -> None:
    from textver import workflow
    from textver.render import render

    fmt = _output_format(fmt, output)
    names = _label_list(labels) if labels else None
    if labels_csv is not None:
        if names is not None:
            raise TextverError("--label and --labels: give the names one way")
        names = _label_list((labels_csv,))
    versions, work = workflow.resolve(refs, _store(ctx), labels=names, **load)
    collation = workflow.wants_collation(len(refs), fmt, whole_work=len(refs) == 1)
    result = workflow.run(
        versions, base=base, strict=strict, meaning=meaning, collation=collation, work=work
    )
    if color is None:
        color = output is None and sys.stdout.isatty()
    text = render(result, fmt, color=color)
    if fmt == "html":
        _emit_html(output, text, [refs[0]] if len(refs) == 1 else [v.label for v in versions])
    else:
        _emit(output, text)
    if isinstance(ctx.obj, _State) and ctx.obj.ends_process:
        _keep_to_exit(result)
    if exit_code:
        ctx.exit(1 if workflow.differs(result) else 0)


@cli.command("render")
@click.argument(
    "saved", metavar="SAVED.json", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path)
)
@_format_option
@_output_option
@_color_option
def render_saved(saved: Path, fmt: str | None, output: Path | None, color: bool | None) -> None:
    """Render a comparison saved by compare --format json (- for standard input) in any
    format: the report is byte for byte the one compare writes, made from the saved file alone.
    A saved collation renders as json, tei or collatex-json (its html and text reports need
    every pair of editions compared; it holds their comparisons with the base only).

    \b
    Examples:
      textver compare old.txt new.txt -o changes.json
      textver render changes.json                  # HTML report in reports/, path printed
      textver render changes.json --format text    # summary and word diff here
    """
    from textver.compare import without_cycle_collector
    from textver.render import render
    from textver.saved import load_saved

    fmt = _output_format(fmt, output)
    with without_cycle_collector():
        result = load_saved(saved)
        if color is None:
            color = output is None and sys.stdout.isatty()
        text = render(result, fmt, color=color)
    if fmt == "html":
        _emit_html(output, text, [saved.stem if str(saved) != "-" else "saved"])
    else:
        _emit(output, text)


def _output_format(fmt: str | None, output: Path | None) -> str:
    """The format asked for, else the one -o's extension implies, else HTML; a clash of the
    two is an error."""
    from textver.render import DEFAULT, format_for, suffix_allows

    if output is None or str(output) == "-":
        return fmt or DEFAULT
    if fmt is None:
        return format_for(output) or DEFAULT
    if not suffix_allows(output, fmt):
        raise TextverError(
            f"-o {output}: its extension means --format {format_for(output)}, not {fmt}; "
            "drop one of them or make them agree"
        )
    return fmt


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
@click.argument("work", shell_complete=_complete_ref)
@click.option("--strict", is_flag=True, help="Count typographic differences (quotes, dashes).")
@_store_option
@click.pass_context
def log(ctx: click.Context, work: str, strict: bool) -> None:
    """The editions of WORK in date order, with what changed from the previous stored one.

    Dated editions come first, by date as given (1859 before 1859-11 before 1859-11-24);
    editions with the same date and undated ones (last) keep the order of the manifest, which
    is the order they were added.  An edition whose text is identical to an earlier one's says
    so ("identical to LABEL").
    """
    for step in _store(ctx).history(work, strict=strict):
        ed = step.edition
        head = f"{ed.date or 'undated':<10}  {ed.label}"
        if ed.publication:
            head += f" ({ed.publication})"
        if not ed.stored:
            _echo(f"{head}: (text not held)")
            continue
        line = f"{head}: {plural(ed.words or 0, 'word')}"
        if step.same_as is not None:
            line += f"; identical to {step.same_as}"
        elif step.stats is None:
            line += ", first stored edition"
        else:
            stats = step.stats
            line += (
                f"; from {step.previous}: -{stats['removed_words']} +{stats['inserted_words']}"
                f" words, {percent(stats['retained'])} retained"
            )
        _echo(line)


# --- edit / rm ------------------------------------------------------------------------------


@cli.command()
@click.argument("ref", metavar="WORK[:LABEL]", shell_complete=_complete_ref)
@_provenance_options
@click.option(
    "--unset",
    multiple=True,
    metavar="FIELD",
    help="Remove a metadata field (e.g. --unset translator); repeatable.",
)
@_work_options
@_store_option
@click.pass_context
def edit(ctx: click.Context, ref: str, unset: tuple[str, ...], **options: str | None) -> None:
    """Change the metadata of an edition (WORK:LABEL) or of the work (WORK).

    The text is never touched; the manifest is rewritten atomically under the work's lock.

    \b
    Examples:
      textver edit darwin:ed-1859 --date 1859 --publication "John Murray"
      textver edit darwin --title "On the Origin of Species" --author "Charles Darwin"
      textver edit essay:reprint --unset translator
    """
    work, label = _parse(ref)
    given, work_meta = _given(options)
    if not (given or work_meta or unset):
        raise TextverError(f"{ref}: nothing to change; give an option such as --date")
    outcome = _store(ctx).edit(work, label, given, unset=unset, work_meta=work_meta)
    _echo(f"{outcome}: {ref}")


@cli.command()
@click.argument("ref", metavar="WORK:LABEL", shell_complete=_complete_ref)
@_store_option
@click.pass_context
def rm(ctx: click.Context, ref: str) -> None:
    """Remove an edition from the store: its manifest entry and its text.

    Safe if killed: the entry goes first, then the text; a text left behind is reported by
    textver verify and removed by textver verify --repair.
    """
    work, label = _parse(ref)
    if label is None:
        raise TextverError(f"{ref}: rm needs WORK:LABEL (one edition)")
    outcome = _store(ctx).remove(work, label)
    _echo(f"{outcome}: {ref}")


def _parse(ref: str) -> tuple[str, str | None]:
    parsed = parse_ref(ref)
    if parsed is None:
        raise TextverError(f"{ref}: not WORK or WORK:LABEL")
    return parsed


# What a command built, left for the process's end to reclaim: see _keep_to_exit.
_KEPT_TO_EXIT: list[Any] = []


def _keep_to_exit(obj: Any) -> None:
    """Leave ``obj`` unfreed: the process ends after this command (main() says when).

    Freeing a comparison of a large repetitive file (millions of small lists and tuples) one by
    one took 0.2-0.3 s at exit, after the output was written and closed.  The list holding it
    holds itself, so the interpreter's module teardown frees nothing, and every object alive is
    frozen (gc.freeze) so no later collection visits them: called while the collector is paused
    (see compare), before a first pass would scan them all.  Exit handlers still run and
    standard streams are still flushed and closed: only the freeing is skipped.
    """
    import gc

    if not _KEPT_TO_EXIT:
        _KEPT_TO_EXIT.append(_KEPT_TO_EXIT)  # a cycle: dropping the module global frees nothing
    _KEPT_TO_EXIT.append(obj)
    gc.freeze()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (``textver`` and ``python -m textver``).

    Without ``argv`` (the command line is sys.argv) the process ends when this returns, so what
    the command built is left unfreed (see _keep_to_exit); a caller passing ``argv`` may run
    many commands in one process (bench.same_output) and gets everything freed.
    """
    import warnings

    from textver.errors import TextverWarning

    def show(message, category, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        if issubclass(category, TextverWarning):
            click.echo(str(message), err=True)  # one line that names the file
        else:
            default(message, category, *_args, **_kwargs)

    default = warnings.showwarning
    warnings.showwarning = show
    try:
        cli.main(args=argv, prog_name="textver", obj=_State(ends_process=argv is None))
    finally:
        warnings.showwarning = default
