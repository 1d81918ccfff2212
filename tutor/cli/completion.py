"""``restutor completion bash|zsh|fish``: a shell's completion script, made by shtab from
``build_parser()``, so every command and option completes and none can be forgotten.

Beyond the parser's own words, three lists complete from the lesson path as it is when
the learner presses Tab: lesson ids (the word after ``restutor``, ``--lesson``), practice
item ids (``practice show|starter|grade``) and glossary terms with their aliases
(``glossary TERM``). The script asks ``restutor completion --list lessons|items|terms``
for them (a hidden option), so a lesson added later completes without a new script.
Paths (``--db``, ``--file``, ``--out``, ``validate PATH``) complete as files, ``--lessons``
as folders.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from tutor import paths
from tutor.cli.options import lesson_dirs
from tutor.cli.parser import Parser, UsageError
from tutor.text import visible

SHELLS = ("bash", "zsh", "fish")

#: The arguments (by ``dest``) that complete from a list of the lesson path.
LISTED = {"lesson": "lessons", "item_id": "items", "term": "terms"}
#: The arguments (by ``dest``) that name a file, and the one that names a folder.
FILES = ("db", "file", "out", "path", "paths")
FOLDERS = ("lessons",)

#: bash: each list's candidates quoted for the shell (a term may hold a space), kept when
#: they start with the word typed so far; the word after ``restutor`` may be a lesson id as
#: well as a command (shtab's variable for that word's own completion function).
BASH_LISTS = r"""
_restutor_list() {
  local candidate quoted
  while IFS= read -r candidate; do
    printf -v quoted '%q' "$candidate"
    [[ $quoted == "$2"* ]] && printf '%s\n' "$quoted"
  done < <(command restutor completion --list "$1" 2>/dev/null)
}
_restutor_lessons() { _restutor_list lessons "$1"; }
_restutor_items() { _restutor_list items "$1"; }
_restutor_terms() { _restutor_list terms "$1"; }
_shtab_restutor_pos_0_COMPGEN=_restutor_lessons
"""

#: zsh: each list's candidates added as they are (compadd quotes them); the commands shtab
#: offers after ``restutor`` are offered with the lesson ids.
ZSH_LISTS = r"""
_restutor_list() {
  local -a candidates
  candidates=(${(f)"$(command restutor completion --list $1 2>/dev/null)"})
  compadd -a candidates
}
_restutor_lessons() { _restutor_list lessons }
_restutor_items() { _restutor_list items }
_restutor_terms() { _restutor_list terms }
functions[_restutor_shtab_commands]=$functions[_shtab_restutor_commands]
_shtab_restutor_commands() { _restutor_shtab_commands; _restutor_lessons }
"""

#: fish: the word after ``restutor`` may be a lesson id as well as a command (shtab's
#: helpers say where on the command line the cursor is).
FISH_LESSON_IDS = """
complete -c restutor -n '_shtab_restutor_using; and test $_shtab_restutor_npos -eq 0' \
-ka '(command restutor completion --list lessons 2>/dev/null)' -d 'lesson'
"""


def add_completion_command(parser: Parser) -> None:
    """Hang ``completion`` from ``parser``."""
    command = parser.add_command(
        "completion",
        help="print the shell completion script for bash, zsh or fish",
        description="Print a completion script for SHELL: commands, options, lesson ids, "
        "practice item ids and glossary terms. bash: add 'eval \"$(restutor completion "
        "bash)\"' to ~/.bashrc; zsh: 'restutor completion zsh > ~/.zfunc/_restutor' with "
        "~/.zfunc on $fpath; fish: 'restutor completion fish > "
        "~/.config/fish/completions/restutor.fish'.",
    )
    command.add_argument("shell", nargs="?", choices=SHELLS, metavar="SHELL")
    command.add_argument("--list", choices=sorted(LISTED.values()), help=argparse.SUPPRESS)
    command.set_defaults(handler=run_completion)


def run_completion(args: argparse.Namespace) -> int:
    """The script for ``args.shell``, or (``--list``) one candidate a line."""
    if args.list is not None:
        for candidate in candidates(args.list, args):
            print(candidate)
        return 0
    if args.shell is None:
        raise UsageError(f"completion needs a shell: {', '.join(SHELLS)}")
    print(completion_script(args.shell))
    return 0


def completion_script(shell: str) -> str:
    """``shell``'s completion script for the whole command line."""
    import shtab

    from tutor.cli import build_parser

    parser = build_parser()
    for argument in _all_arguments(parser):
        if argument.dest in LISTED:
            kind = LISTED[argument.dest]
            argument.complete = {  # type: ignore[attr-defined]
                "bash": f"_restutor_{kind}",
                "zsh": f"_restutor_{kind}",
                "fish": f"(command restutor completion --list {kind} 2>/dev/null)",
            }
        elif argument.dest in FILES:
            argument.complete = shtab.FILE  # type: ignore[attr-defined]
        elif argument.dest in FOLDERS:
            argument.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
    preamble = {"bash": BASH_LISTS, "zsh": ZSH_LISTS}.get(shell, "")
    script = shtab.complete(parser, shell, preamble=preamble)
    return script + FISH_LESSON_IDS if shell == "fish" else script


def _all_arguments(parser: Parser) -> Iterator[argparse.Action]:
    yield from parser.arguments()
    for command in parser.commands.values():
        yield from _all_arguments(command)


def candidates(kind: str, args: argparse.Namespace) -> list[str]:
    """The lesson ids, practice item ids or glossary terms (and aliases) on the lesson path,
    sorted, each with its control characters made visible (a shell would run them)."""
    if kind == "terms":
        from tutor.lessons.catalog import load_catalog

        lessons = load_catalog(lesson_dirs(args)).lessons
        found = {name for lesson in lessons for t in lesson.terms for name in (t.term, *t.aliases)}
    else:
        from tutor.lessons.index import read_index

        summaries = read_index(lesson_dirs(args), cache=paths.cache_dir() / "lesson-index.json")
        if kind == "lessons":
            found = {summary.id for summary in summaries}
        else:
            found = {item for summary in summaries for item, _ in summary.item_concepts}
    return sorted({visible(name) for name in found})
