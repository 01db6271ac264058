"""The ``summarise`` command group: each command is loaded from its own module when it is used.

:data:`COMMANDS` is the one table of commands.  ``summarise --help`` lists them from the table
alone, so it loads no command module; ``summarise run`` loads ``run`` (and the pipeline it
needs), never ``bulk`` or ``serve``; ``summarise models list`` loads no pipeline.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple, Optional

import typer
from typer.core import TyperCommand, TyperGroup


class CommandEntry(NamedTuple):
    """One command: the module that defines it, and the line ``summarise --help`` shows for it."""

    module: str  # under summarise.cli; its `app` holds the command (or is the group, for a group)
    summary: str


COMMANDS: dict[str, CommandEntry] = {
    "run": CommandEntry("run", "Translate an article and summarise it: summary first, then original and English side by side."),
    "translate": CommandEntry("run", "Translate an article sentence by sentence, without a summary."),
    "bulk": CommandEntry("bulk", "Translate and summarise whole archives: streaming, resumable, one JSONL record per article."),
    "serve": CommandEntry("serve", "Serve a LibreTranslate-compatible API, the /v1 summarise API and a web page (pip install 'summarise-news\\[serve]')."),
    "models": CommandEntry("models", "The model registry: list, locate, download, convert."),
}


def load_command(name: str) -> Any:
    """The click command for ``name``, built from its module (imported now, not before)."""
    entry = COMMANDS[name]
    module = importlib.import_module(f"{__package__}.{entry.module}")
    built = typer.main.get_command(module.app)
    commands = getattr(built, "commands", None)
    if commands is None or name not in commands:
        return built  # a module with one command, or a group such as `models`
    return commands[name]


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
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(cls=CommandTable, no_args_is_help=True, add_completion=False, help="Translate news articles into English and summarise them.")


@app.callback()
def _group() -> None:
    """Translate news articles into English and summarise them."""


def main() -> None:
    app()
