"""The ``summarise`` command group: each command is loaded from its own module when it is used.

:data:`COMMANDS` is the one table of commands.  ``summarise --help`` lists them from the table
alone, so it loads no command module; ``summarise run`` loads ``run`` (and the pipeline it
needs), never ``bulk`` or ``serve``; ``summarise models list`` loads no pipeline.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Annotated, Any, NamedTuple, Optional

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from .._version import __version__


class CommandEntry(NamedTuple):
    """One command: the module that defines it, and the line ``summarise --help`` shows for it."""

    module: str  # under summarise.cli; its `app` holds the command (or is the group, for a group)
    summary: str


COMMANDS: dict[str, CommandEntry] = {
    "run": CommandEntry("_run", "Translate an article and summarise it: summary first, then original and English side by side."),
    "translate": CommandEntry("_run", "Translate an article sentence by sentence, without a summary."),
    "bulk": CommandEntry("_bulk", "Translate and summarise whole archives: streaming, resumable, one JSONL record per article."),
    "serve": CommandEntry("_serve", "Serve a LibreTranslate-compatible API, the /v1 summarise API and a web page (pip install 'summarise-news\\[serve]')."),
    "models": CommandEntry("_models", "The model registry: list, locate, download, convert, prune."),
}


def load_command(name: str) -> Any:
    """The click command for ``name``, built from its module (imported now, not before)."""
    entry = COMMANDS[name]
    module = importlib.import_module(f"{__package__}.{entry.module}")
    built = typer.main.get_command(module.app)
    commands = getattr(built, "commands", None)
    if commands is not None and name in commands:
        built = commands[name]  # one of several commands in its module
    _add_version(built)
    plain_help(built, [ENVVAR_PREFIX, name])
    return built


def _add_version(command: Any) -> None:
    """--version on every command, as on the group: the group's own option, shared."""
    version = next(param for param in typer.main.get_command(app).params if param.name == "version")
    for sub in (getattr(command, "commands", None) or {}).values():
        _add_version(sub)
    if not any(param.name == "version" for param in command.params):
        command.params.append(version)


def plain_help(command: Any, path: list[str]) -> None:
    """One metavar style in every --help, and no Python type names (typer prints ``<str>``, ``<bool>``, ``<path>``).

    Flags show no value; choices show ``a|b|c``; other values an upper-case word (TEXT, N, NUMBER, PATH,
    FILE).  An option whose parameter is named otherwise than its flag (``--format`` held in ``fmt``) reads
    the variable named after the flag: SUMMARISE_RUN_FORMAT, as users read it in --help.
    """
    for sub_name, sub in (getattr(command, "commands", None) or {}).items():
        plain_help(sub, [*path, sub_name])
    helper = command.get_help_option(SimpleNamespace(help_option_names=CONTEXT["help_option_names"]))  # built once, then cached
    for param in [*command.params, *([helper] if helper is not None else [])]:
        described = param.type_descriptor
        if isinstance(param, TyperArgument):
            if param.metavar is None:
                param.metavar = param.name.upper().rstrip("S") + ("..." if described.is_list else "")
            param.display_type_rich = lambda ctx: None  # the metavar is already in the name column
            continue
        flag = next((opt for opt in param.opts if opt.startswith("--")), None)
        if flag is not None and param.envvar is None and param.name != flag[2:].replace("-", "_"):
            param.envvar = "_".join(path).upper() + "_" + flag[2:].replace("-", "_").upper()
        if param.metavar is not None:
            continue
        if param.is_flag:
            param.metavar = ""
        elif described.is_choice:
            param.metavar = "|".join(str(getattr(choice, "value", choice)) for choice in described.choices)
        elif described.is_path:
            param.metavar = "FILE" if not param.type_descriptor.parameter_info.dir_okay else "PATH"
        else:
            base = described.annotation
            inner = getattr(base, "__args__", (base,))[0]
            param.metavar = {int: "N", float: "NUMBER"}.get(inner, "TEXT")


class CommandTable(TyperGroup):
    """A group whose commands come from :data:`COMMANDS`, each imported on first use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False
        self._loaded: dict[str, Any] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Optional[Any]:
        if cmd_name not in COMMANDS:
            return None
        if self._listing:  # the group's own help: the table's line, no import
            return TyperCommand(name=cmd_name, callback=None, help=COMMANDS[cmd_name].summary)
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = load_command(cmd_name)
        return self._loaded[cmd_name]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        plain_help(self, [ENVVAR_PREFIX])
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


# Every option of every command also reads SUMMARISE_<COMMAND>_<OPTION> (SUMMARISE_RUN_FORMAT=json,
# SUMMARISE_SERVE_PORT=8080), shown in --help: a server or a container is configured without flags.
ENVVAR_PREFIX = "SUMMARISE"
CONTEXT = {"help_option_names": ["-h", "--help"], "auto_envvar_prefix": ENVVAR_PREFIX}

app = typer.Typer(cls=CommandTable, no_args_is_help=True, context_settings=CONTEXT, help="Translate news articles into English and summarise them.")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"summarise {__version__}")
        raise typer.Exit()


@app.callback()
def _group(
    version: Annotated[Optional[bool], typer.Option("--version", "-V", is_eager=True, expose_value=False, callback=_print_version, allow_from_autoenv=False, show_envvar=False, help="Print the version and exit.")] = None,
) -> None:
    """Translate news articles into English and summarise them."""


def main() -> None:
    app()
