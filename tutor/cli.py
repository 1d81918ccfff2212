"""The ``restutor`` command line: headless commands that never import the UI.

Every error a learner can cause ends as one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from tutor import paths

if TYPE_CHECKING:
    from rich.console import Console

    from tutor.sim import Progress, SimParams, TrainParams

EXIT_BAD_INPUT = 2

#: Runs estimated to take longer than this get a progress bar on a terminal.
PROGRESS_AFTER_SECONDS = 1.0


class UsageError(Exception):
    """Bad input from the command line: reported as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the problem, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _common_options() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help=f"the SQLite file for notes and progress (env {paths.DB_ENV})",
    )
    common.add_argument(
        "--lessons",
        metavar="DIR",
        action="append",
        default=argparse.SUPPRESS,
        help=f"a lesson folder searched before the built-ins; repeatable (env {paths.LESSONS_ENV})",
    )
    return common


def _add_sim_options(parser: argparse.ArgumentParser) -> None:
    from tutor.sim import ACTIVATIONS, NORMS, SimParams

    defaults = SimParams()
    add = parser.add_argument
    add(
        "--depth",
        type=int,
        default=defaults.depth,
        metavar="N",
        help="layers L (default %(default)s)",
    )
    add(
        "--width",
        type=int,
        default=defaults.width,
        metavar="D",
        help="units per layer d (default %(default)s)",
    )
    add(
        "--alpha",
        type=float,
        default=defaults.alpha,
        metavar="A",
        help="residual branch scale α (default %(default)s)",
    )
    add(
        "--activation",
        choices=ACTIVATIONS,
        default=defaults.activation,
        help="the branch nonlinearity φ (default %(default)s)",
    )
    add(
        "--sigma-w",
        type=float,
        default=defaults.sigma_w,
        metavar="S",
        help="weight scale: W entries ~ N(0, S²/d) (default %(default)s)",
    )
    add(
        "--norm",
        choices=NORMS,
        default=defaults.norm,
        help="RMS normalization: none, pre (on the branch input) or post (after the sum)",
    )
    add("--plain", action="store_true", help="no skip connection: h_l = F_l(h_{l-1})")
    add(
        "--inputs",
        type=int,
        default=defaults.inputs,
        metavar="K",
        help="input vectors per network (default %(default)s)",
    )
    add(
        "--networks",
        type=int,
        default=defaults.networks,
        metavar="M",
        help="independent networks in the ensemble (default %(default)s)",
    )
    add(
        "--seed",
        type=int,
        default=defaults.seed,
        metavar="S",
        help="random seed (default %(default)s)",
    )
    add("--json", action="store_true", help="print the result as one JSON object")


def _depth_list(text: str) -> list[int]:
    """``4,16,48`` → ``[4, 16, 48]``; the limits are TrainParams' to check."""
    try:
        return [int(word) for word in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"takes integers separated by commas, like 4,16,48 (got '{text}')"
        ) from None


def _add_train_options(parser: argparse.ArgumentParser) -> None:
    from tutor.sim import TrainParams

    defaults = TrainParams()
    add = parser.add_argument
    add(
        "--depths",
        type=_depth_list,
        default=list(defaults.depths),
        metavar="L,L,…",
        help="even numbers of weight layers, one plain and one residual network each "
        f"(default {','.join(map(str, defaults.depths))})",
    )
    add(
        "--width",
        type=int,
        default=defaults.width,
        metavar="D",
        help="units per layer (default %(default)s)",
    )
    add(
        "--steps",
        type=int,
        default=defaults.steps,
        metavar="S",
        help="Adam steps per network (default %(default)s)",
    )
    add(
        "--seed",
        type=int,
        default=defaults.seed,
        metavar="S",
        help="random seed: the task, the initializations and the batches (default %(default)s)",
    )
    add("--lr", type=float, default=defaults.lr, help="Adam's learning rate (default %(default)s)")
    add(
        "--batch",
        type=int,
        default=defaults.batch,
        metavar="B",
        help="examples per step, of the 512 (default %(default)s)",
    )
    add("--json", action="store_true", help="print the curves as one JSON object")


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = _Parser(
        prog="restutor",
        description="A terminal tutor for residual (skip) connections, y = x + F(x).",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sim = commands.add_parser(
        "sim",
        parents=[common],
        help="simulate forward and gradient norms across depth, plain vs residual",
        description="One run of the simulator: forward norms ‖h_l‖ and gradient norms "
        "‖∂ℒ/∂h_l‖ across depth over an ensemble, with the mean-field theory beside them.",
    )
    _add_sim_options(sim)
    sim.set_defaults(handler=_run_sim)

    lesion = commands.add_parser(
        "lesion",
        parents=[common],
        help="delete one block at a time: how far the output moves, plain vs residual",
        description="The unraveled view: for the network 'restutor sim' would show with the "
        "same options, delete each block in turn (h_k = h_{k-1}) in the plain and the residual "
        "stack, and plot the relative change of the output ‖h_L' − h_L‖/‖h_L‖ per block, "
        "with the path-length distribution C(L, k) of the residual stack. --plain changes "
        "nothing here: both variants are always lesioned.",
    )
    _add_sim_options(lesion)
    lesion.set_defaults(handler=_run_lesion)

    train = commands.add_parser(
        "train",
        parents=[common],
        help="train plain and residual MLPs of several depths: the degradation problem",
        description="Train a plain and a residual MLP per depth on the same regression task "
        "(NumPy backprop, Adam) and plot their training-loss curves: the deepest plain network "
        "ends worse than a shallow one, the residual networks do not.",
    )
    _add_train_options(train)
    train.set_defaults(handler=_run_train)

    validate = commands.add_parser(
        "validate",
        parents=[common],
        help="check lesson files: one line per problem, path:line: message",
        description="Lint lesson files or folders (default: every lesson on the lesson path). "
        "Exit 0 when there is no error, 1 otherwise; warnings do not fail.",
    )
    validate.add_argument("paths", nargs="*", metavar="PATH", type=Path)
    validate.set_defaults(handler=_run_validate)

    glossary = commands.add_parser(
        "glossary",
        parents=[common],
        help="the terms of all lessons, or one term's entry",
        description="Print the glossary of every lesson on the lesson path, or the entry for "
        "TERM (aliases match; close misspellings are suggested).",
    )
    glossary.add_argument("term", nargs="?", metavar="TERM")
    glossary.set_defaults(handler=_run_glossary)

    review = commands.add_parser(
        "review",
        parents=[common],
        help="review the practice items that are due (or --due: how many, per lesson)",
        description="Practice items come back on a spaced-review schedule (FSRS). "
        "Without options, opens the review screen; --due prints how many are due now in "
        "each lesson.",
    )
    review.add_argument("--due", action="store_true", help="print due counts per lesson")
    review.add_argument(
        "--stats",
        action="store_true",
        help="per lesson: items seen, retention now, and what comes due in the next 7 days",
    )
    review.add_argument("--json", action="store_true", help="print them as one JSON object")
    review.set_defaults(handler=_run_review)
    _add_notes_commands(commands, common)
    return parser


def _add_notes_commands(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    from tutor.notes import ANCHOR_KINDS

    notes = commands.add_parser(
        "notes",
        parents=[common],
        help="research-room notes: list, search, show, add, export, import",
        description="Notes anchored to the exact thing they are about, kept in the database.",
    )
    actions = notes.add_subparsers(
        dest="notes_action", metavar="ACTION", parser_class=_Parser, required=True
    )
    listing = actions.add_parser("list", parents=[common], help="every note, newest first")
    search = actions.add_parser(
        "search", parents=[common], help='full-text search (FTS5: "a phrase", prefix*, AND/OR/NOT)'
    )
    search.add_argument("query")
    for parser in (listing, search):
        parser.add_argument("--lesson", help="only notes of this lesson")
        parser.add_argument("--tag", help="only notes with this tag")
        parser.add_argument(
            "--anchor", choices=ANCHOR_KINDS, help="only notes on this kind of object"
        )
    show = actions.add_parser("show", parents=[common], help="one note in full")
    show.add_argument("id", type=int)
    add = actions.add_parser(
        "add", parents=[common], help="add a note (body from --body, --file or standard input)"
    )
    add.add_argument(
        "--anchor",
        required=True,
        metavar="KIND:ID",
        help=f"what the note is about; KIND is one of {', '.join(ANCHOR_KINDS)}",
    )
    add.add_argument("--lesson", help="the lesson the anchor belongs to")
    add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    add.add_argument("--next", default="", metavar="ACTION", help="the next action")
    add.add_argument("--body", help="the note's text (Markdown)")
    add.add_argument("--file", type=Path, help="read the note's text from this file")
    export = actions.add_parser("export", parents=[common], help="every note as Markdown or JSON")
    export.add_argument("--format", choices=("md", "json"), default="md")
    export.add_argument("--out", type=Path, help="write here instead of standard output")
    load = actions.add_parser(
        "import", parents=[common], help="add notes from a JSON export (no duplicates)"
    )
    load.add_argument("path", type=Path)
    notes.set_defaults(handler=_run_notes)


def _open_store(args: argparse.Namespace):  # noqa: ANN202
    from tutor.store import Store, StoreError

    try:
        store = Store(paths.db_path(getattr(args, "db", None)))
    except StoreError as error:
        raise UsageError(str(error)) from None
    for notice in store.notices():
        print(f"restutor: {notice}", file=sys.stderr)
    return store


def _run_notes(args: argparse.Namespace) -> int:
    from tutor import notes as notes_module

    store = _open_store(args)
    try:
        action = args.notes_action
        if action in ("list", "search"):
            query = args.query if action == "search" else ""
            _print_note_lines(store.notes(args.lesson, args.tag, args.anchor, query=query))
        elif action == "show":
            note = store.note(args.id)
            if note is None:
                raise UsageError(f"no note {args.id} (see 'restutor notes list')")
            print(notes_module.to_markdown([note], _anchored_content(args)), end="")
        elif action == "add":
            return _add_note(args, store)
        elif action == "export":
            everything = store.notes()
            text = (
                notes_module.to_json(everything)
                if args.format == "json"
                else notes_module.to_markdown(everything, _anchored_content(args))
            )
            _write_out(args.out, text)
        else:
            try:
                text = args.path.read_text(encoding="utf-8")
                added = store.import_notes(notes_module.from_json(text))
            except (OSError, UnicodeDecodeError) as error:
                raise UsageError(f"cannot read {args.path}: {error}") from None
            except notes_module.BadExport as error:
                raise UsageError(f"{args.path}: {error}") from None
            print(f"imported {added} new note(s) from {args.path}")
        return 0
    finally:
        store.close()


def _add_note(args: argparse.Namespace, store) -> int:  # noqa: ANN001
    from tutor.notes import ANCHOR_KINDS

    kind, _, anchor_id = args.anchor.partition(":")
    if kind not in ANCHOR_KINDS or not anchor_id:
        raise UsageError(
            f"--anchor must be KIND:ID with KIND one of {', '.join(ANCHOR_KINDS)} "
            f"(got '{args.anchor}')"
        )
    if args.body is not None:
        body = args.body
    elif args.file is not None:
        try:
            body = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read {args.file}: {error}") from None
    elif not sys.stdin.isatty():
        body = sys.stdin.read()
    else:
        raise UsageError("give the note's text with --body, --file, or on standard input")
    if not body.strip():
        raise UsageError("the note is empty")
    data = None
    if kind == "lab":
        data = _lab_params(anchor_id)
    from tutor.store import StoreError

    try:
        note = store.add_note(
            body,
            kind,
            anchor_id,
            lesson_id=args.lesson,
            tags=tuple(args.tag),
            next_action=args.next,
            anchor_data=data,
        )
    except StoreError as error:
        if args.body is not None or args.file is not None:
            raise  # the text is still where the learner gave it
        raise StoreError(f"{error}; your text is kept in {_keep_text(body)}") from None
    print(f"added note {note.id}")
    return 0


def _keep_text(body: str) -> Path:
    """Standard input is read once: when the database refuses it, put it somewhere safe."""
    import tempfile

    handle, name = tempfile.mkstemp(prefix="restutor-note-", suffix=".md")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(body)
    return Path(name)


def _lab_params(command: str) -> dict:
    """A lab anchor's id is its `restutor sim` options, e.g. 'lab:--depth=60 --plain'."""
    import shlex

    from tutor.sim import SimParamError

    try:
        parsed = build_parser().parse_args(["sim", *shlex.split(command)])
        return _sim_params(parsed).to_dict()
    except (SimParamError, ValueError) as error:
        raise UsageError(f"--anchor lab:OPTIONS takes 'restutor sim' options: {error}") from None


def _print_note_lines(found: list) -> None:
    if not found:
        print("no notes")
        return
    for note in found:
        first = " ".join(note.body.split())[:70]
        where = f"{note.anchor_kind}:{note.anchor_id}"
        tags = f" [{' '.join(note.tags)}]" if note.tags else ""
        print(f"{note.id:5d}  {where:32.32}  {first}{tags}")


def _anchored_content(args: argparse.Namespace):  # noqa: ANN202
    from tutor.lessons.index import read_index
    from tutor.lessons.loader import read_lesson
    from tutor.notes import anchored_content

    paths_by_id = {s.id: s.path for s in read_index(_lesson_dirs(args))}
    cache: dict = {}

    def content(note) -> str:  # noqa: ANN001
        lesson_id = note.lesson_id or (note.anchor_id if note.anchor_kind == "concept" else None)
        if lesson_id not in cache:
            path = paths_by_id.get(lesson_id)
            cache[lesson_id] = read_lesson(path).lesson if path else None
        return anchored_content(note, cache[lesson_id])

    return content


def _write_out(out: Path | None, text: str) -> None:
    if out is None:
        print(text, end="")
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {out}: {error.strerror or error}") from None
    print(f"wrote {out}")


def _print_stats(stats: dict, titles: dict[str, str], as_json: bool) -> int:
    if as_json:
        print(
            json.dumps(
                {
                    lesson_id: {
                        "seen": s.seen,
                        "retention": round(s.retention, 4),
                        "due_by_day": s.due_by_day,
                    }
                    for lesson_id, s in stats.items()
                }
            )
        )
        return 0
    if not stats:
        print("no practice items reviewed yet: press p in a lesson to start")
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("lesson", "seen", "retention", "due: today … +6 days"):
        table.add_column(column, justify="left" if column == "lesson" else "right")
    for lesson_id, s in sorted(stats.items()):
        table.add_row(
            titles.get(lesson_id, lesson_id),
            str(s.seen),
            f"{s.retention:.0%}",
            " ".join(f"{n:2d}" for n in s.due_by_day),
        )
    Console(no_color=not _color_wanted(sys.stdout), highlight=False).print(table)
    return 0


def _run_review(args: argparse.Namespace) -> int:
    if not (args.due or args.json or args.stats):
        return _run_tui(args, None, review=True)
    from tutor.lessons.index import read_index
    from tutor.practice.schedule import Reviewer

    store = _open_store(args)
    reviewer = Reviewer(store)
    counts = reviewer.due_counts()
    next_due = store.next_due()
    stats = reviewer.stats() if args.stats else {}
    store.close()
    titles = {s.id: s.title for s in read_index(_lesson_dirs(args))}
    if args.stats:
        return _print_stats(stats, titles, args.json)
    if args.json:
        print(json.dumps({"due": counts, "total": sum(counts.values()), "next_due": next_due}))
        return 0
    if not counts:
        later = f"; the next is due {next_due}" if next_due else ""
        print(f"nothing is due for review{later}")
        return 0
    for lesson_id, count in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"{count:4d}  {titles.get(lesson_id, lesson_id)}")
    print(f"{sum(counts.values()):4d}  due in all")
    return 0


def _lesson_dirs(args: argparse.Namespace) -> list[Path]:
    return paths.lesson_dirs(getattr(args, "lessons", None))


def _run_validate(args: argparse.Namespace) -> int:
    from tutor.lessons.catalog import load_catalog
    from tutor.lessons.index import lesson_files

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    targets = lesson_files(args.paths) if args.paths else None
    catalog = load_catalog([*(targets or []), *_lesson_dirs(args)])
    problems = catalog.problems_in(targets) if targets is not None else sorted(catalog.problems)
    for problem in problems:
        print(problem)
    errors = sum(p.severity == "error" for p in problems)
    checked = len(targets) if targets is not None else len(catalog.files)
    print(
        f"{checked} lesson file(s) checked: {errors} error(s), {len(problems) - errors} warning(s)",
        file=sys.stderr,
    )
    return 1 if errors else 0


def _run_glossary(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.markup import escape
    from rich.padding import Padding

    from tutor.lessons.catalog import load_catalog
    from tutor.lessons.glossary import entries, lookup, suggestions

    all_entries = entries(load_catalog(_lesson_dirs(args)).lessons)
    console = Console(no_color=not _color_wanted(sys.stdout), highlight=False)
    if args.term is None:
        if not all_entries:
            raise UsageError("no lessons found on the lesson path")
        for entry in all_entries:
            text = " ".join(entry.term.definition.split())
            first_sentence = text.split(". ")[0].rstrip(".") + "."
            aliases = f" [dim]({', '.join(entry.term.aliases)})[/]" if entry.term.aliases else ""
            console.print(f"[bold]{escape(entry.term.term)}[/]{aliases}  [dim]{entry.lesson.id}[/]")
            console.print(Padding(first_sentence, (0, 0, 1, 4)), markup=False)
        return 0
    found = lookup(all_entries, args.term)
    if not found:
        close = suggestions(all_entries, args.term)
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        print(f"restutor: no glossary term '{args.term}'{hint}", file=sys.stderr)
        return 1
    for entry in found:
        term = entry.term
        console.print(f"[bold]{term.term}[/]  ({entry.lesson.title})")
        if term.aliases:
            console.print(f"also called: {', '.join(term.aliases)}")
        console.print(Markdown(term.definition))
        if term.related:
            console.print(f"related: {', '.join(term.related)}")
        console.print()
    return 0


def _show(result: Any, as_json: bool, draw: Callable[[Any], None]) -> int:
    """An experiment's result as its fixed JSON (NaN as null), or drawn for a terminal."""
    if as_json:
        print(json.dumps(result.to_dict(), allow_nan=False))
    else:
        draw(result)
    return 0


def _stdout_console() -> tuple[Console, bool]:
    """A Rich console on standard output, and whether it (and the plots) may use colour."""
    from rich.console import Console

    color = _color_wanted(sys.stdout)
    return Console(no_color=not color, highlight=False, soft_wrap=True), color


def _color_wanted(stream: object) -> bool:
    return "NO_COLOR" not in os.environ and getattr(stream, "isatty", lambda: False)()


def _sim_params(args: argparse.Namespace) -> SimParams:
    """The simulator parameters the `sim` options name (raises SimParamError)."""
    from tutor.sim import SimParams

    return SimParams(
        depth=args.depth,
        width=args.width,
        alpha=args.alpha,
        activation=args.activation,
        sigma_w=args.sigma_w,
        norm=args.norm,
        residual=not args.plain,
        inputs=args.inputs,
        networks=args.networks,
        seed=args.seed,
    )


def _run_sim(args: argparse.Namespace) -> int:
    from tutor.sim import SimParamError, estimated_seconds, simulate

    try:
        params = _sim_params(args)
        with _progress_bar(
            sys.stderr.isatty() and estimated_seconds(params) > PROGRESS_AFTER_SECONDS
        ) as progress:
            result = simulate(params, progress)
    except SimParamError as error:
        raise UsageError(str(error)) from None
    except MemoryError:
        raise UsageError(
            "not enough memory for this run; lower depth, width, networks or inputs"
        ) from None

    return _show(result, args.json, _print_sim)


@contextmanager
def _progress_bar(enabled: bool, what: str = "simulating") -> Iterator[Progress | None]:
    """A ``progress(done, total)`` callback drawing a Rich bar on stderr, or None."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar

    with Bar(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _print_sim(result) -> None:
    from rich.table import Table

    from tutor.plot import render_sim

    console, color = _stdout_console()
    size = shutil.get_terminal_size((100, 40))
    p = result.params
    kind = "residual" if p.residual else "plain"
    console.print(
        f"[bold]{kind}[/] stack: depth {p.depth}, width {p.width}, "
        + (f"α {p.alpha:g}, " if p.residual else "")
        + f"{p.activation}, σ_w {p.sigma_w:g}, norm {p.norm}; "
        f"{p.networks} networks × {p.inputs} inputs, seed {p.seed}"
    )
    print(
        render_sim(
            result, width=min(size.columns, 120), height=max(size.lines - 12, 24), color=color
        )
    )

    table = Table(title=None, box=None, pad_edge=False)
    for column in ("rms", "layer 0", f"layer {p.depth}", "theory"):
        table.add_column(column, justify="left" if column == "rms" else "right")
    for name, stats, theory in (
        ("forward ‖h_l‖", result.forward, result.theory_forward),
        ("gradient ‖g_l‖", result.backward, result.theory_backward),
    ):
        table.add_row(
            name,
            _fmt(stats.rms[0]),
            _fmt(stats.rms[-1]),
            "not offered here" if theory is None else f"{_fmt(theory[0])} → {_fmt(theory[-1])}",
        )
    console.print(table)
    console.print(
        f"growth ‖h_L‖/‖h_0‖ = {_fmt(result.forward_growth)}    "
        f"gradient ratio ‖g_0‖/‖g_L‖ = {_fmt(result.gradient_ratio)}"
    )
    if result.diverged_at is not None:
        console.print(f"[bold red]diverged[/]: values overflowed at layer {result.diverged_at}")


def _fmt(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return "—"
    return f"{value:.4g}"


def _run_lesion(args: argparse.Namespace) -> int:
    from tutor.sim import SimParamError, lesion_blocks
    from tutor.sim import estimated_lesion_seconds as estimated_seconds

    try:
        params = _sim_params(args)
        with _progress_bar(
            sys.stderr.isatty() and estimated_seconds(params) > PROGRESS_AFTER_SECONDS,
            "lesioning",
        ) as progress:
            result = lesion_blocks(params, progress=progress)
    except SimParamError as error:
        raise UsageError(str(error)) from None
    except MemoryError:
        raise UsageError(
            "not enough memory for this lesion; lower depth, width, networks or inputs"
        ) from None
    return _show(result, args.json, _print_lesion)


def _print_lesion(result) -> None:
    from tutor.plot import lesion_summary, render_lesion

    console, color = _stdout_console()
    size = shutil.get_terminal_size((100, 40))
    p = result.params
    console.print(
        f"[bold]lesion[/], plain and residual: depth {p.depth}, width {p.width}, "
        f"α {p.alpha:g} (residual), {p.activation}, σ_w {p.sigma_w:g}, norm {p.norm}; "
        f"{p.networks} networks × {p.inputs} inputs, seed {p.seed}"
    )
    print(
        render_lesion(
            result, width=min(size.columns, 120), height=max(size.lines - 8, 24), color=color
        )
    )
    console.print(lesion_summary(result))


def _train_params(args: argparse.Namespace) -> TrainParams:
    """The training setup the `train` options name (raises SimParamError)."""
    from tutor.sim import TrainParams

    return TrainParams(
        depths=args.depths,
        width=args.width,
        steps=args.steps,
        seed=args.seed,
        lr=args.lr,
        batch=args.batch,
    )


def _run_train(args: argparse.Namespace) -> int:
    from tutor.sim import SimParamError

    try:
        params = _train_params(args)
    except SimParamError as error:
        raise UsageError(str(error)) from None
    from tutor.sim import train

    try:
        with _progress_bar(sys.stderr.isatty(), "training") as progress:
            result = train(params, progress)
    except MemoryError:
        raise UsageError("not enough memory for these networks; lower depths or width") from None
    return _show(result, args.json, _print_train)


def _print_train(result) -> None:
    from rich.table import Table

    from tutor.plot import render_training, training_inks
    from tutor.sim import SAMPLES, finding

    console, color = _stdout_console()
    size = shutil.get_terminal_size((100, 40))
    p = result.params
    console.print(
        f"[bold]plain vs residual[/] MLPs of depth {', '.join(map(str, p.depths))}, width "
        f"{p.width}: {p.steps} Adam steps each (lr {p.lr:g}, batch {p.batch}) on {SAMPLES} "
        f"points labelled by a random teacher network; seed {p.seed}"
    )
    height = min(max(size.lines - 12, 16), 32)
    print(render_training(result, min(size.columns, 120), height, color, legend=False))

    inks = training_inks(result)
    table = Table(title=None, box=None, pad_edge=False)
    for column in ("depth", "plain: final loss", "residual: final loss"):
        table.add_column(column, justify="right")
    for depth in p.depths:
        cells = []
        for residual in (False, True):
            ink = inks[depth, residual]
            mark = f"[color({ink.ansi})]━━[/]" if color else ink.plain_marker * 2
            cells.append(f"{mark} {_fmt(result.run(depth, residual).final_loss)}")
        table.add_row(str(depth), *cells)
    console.print(table)
    console.print(finding(result))


def _split_lesson_id(
    parser: argparse.ArgumentParser, argv: list[str]
) -> tuple[list[str], str | None]:
    """``restutor [global options] LESSON_ID``: take the lesson id out before argparse sees it."""
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    takes_value = {"--db", "--lessons"}
    index = 0
    while index < len(argv):
        token = argv[index]
        if token in takes_value:
            index += 2
            continue
        if token.startswith("-"):
            index += 1
            continue
        if token in commands.choices:
            return argv, None
        return argv[:index] + argv[index + 1 :], token
    return argv, None


def _run_tui(args: argparse.Namespace, lesson_id: str | None, review: bool = False) -> int:
    from tutor.lessons.index import read_index

    summaries = read_index(_lesson_dirs(args), cache=paths.cache_dir() / "lesson-index.json")
    ids = sorted(s.id for s in summaries)
    if not summaries:
        raise UsageError("no lessons found on the lesson path (see 'restutor validate')")
    if lesson_id is not None and lesson_id not in ids:
        import difflib

        close = difflib.get_close_matches(lesson_id, ids, n=3, cutoff=0.4)
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        known = "" if close else f"; lessons: {', '.join(ids)}"
        raise UsageError(f"no lesson '{lesson_id}'{hint}{known}")
    if not sys.stdout.isatty():
        raise UsageError("the tutor needs a terminal; headless commands: sim, validate, glossary")
    from tutor.ui.app import RestutorApp

    db = paths.db_path(getattr(args, "db", None))
    RestutorApp(summaries, db, lesson_id, start_review=review).run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``restutor`` console script and ``python -m tutor``."""
    from tutor.store import StoreError

    parser = build_parser()
    try:
        argv, lesson_id = _split_lesson_id(parser, list(sys.argv[1:] if argv is None else argv))
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
        if handler is None:
            return _run_tui(args, lesson_id)
        if lesson_id is not None:
            raise UsageError(f"unexpected argument '{lesson_id}'")
        return handler(args)
    except (UsageError, StoreError) as error:
        print(f"restutor: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("restutor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `restutor sim | head`): nothing more to say.
        sys.stderr.close()
        return 0
