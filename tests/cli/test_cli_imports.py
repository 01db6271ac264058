"""The CLI imports per command: the help and `models list` load no pipeline; `run` loads neither bulk nor serve.

Checked from the child's own sys.modules (issue 22's split of the CLI, issue 29 item 4), not from timings.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = (
    "import json, sys\n"
    "from summarise.cli import main\n"
    "sys.argv = ['summarise', *sys.argv[1:]]\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as exc:\n"
    "    code = exc.code\n"
    "else:\n"
    "    code = 0\n"
    "sys.stderr.write('\\nMODULES ' + json.dumps([m for m in sys.modules if m.startswith('summarise') or m in ('torch', 'transformers', 'fastapi', 'uvicorn', 'ray')]) + ' CODE ' + json.dumps(code) + '\\n')\n"
)


def _loaded(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    line = done.stderr.rsplit("MODULES ", 1)[1]
    modules, code = line.split(" CODE ")
    assert json.loads(code) in (0, None), done.stderr
    return set(json.loads(modules))


def _under(modules: set[str], package: str) -> list[str]:
    return sorted(m for m in modules if m == package or m.startswith(package + "."))


@pytest.mark.parametrize("args", [("--help",), ("models", "list"), ("models", "path")], ids=" ".join)
def test_help_and_the_model_commands_load_no_pipeline(args):
    modules = _loaded(*args)
    assert "summarise.cli._app" in modules  # the probe really ran the command
    for package in ("summarise.pipeline", "summarise.output", "summarise.bulk", "summarise.serve", "torch", "transformers", "fastapi", "ray"):
        assert not _under(modules, package), (args, _under(modules, package))


def test_run_help_loads_neither_bulk_nor_serve():
    modules = _loaded("run", "--help")
    assert "summarise.output._rendering" in modules  # its --format choices were read from the one table
    for package in ("summarise.bulk", "summarise.serve", "torch", "transformers", "fastapi", "ray"):
        assert not _under(modules, package), _under(modules, package)


def test_the_command_table_lists_what_each_command_says_of_itself():
    from summarise.cli._app import COMMANDS, load_command

    for name, entry in COMMANDS.items():
        command = load_command(name)
        assert command.help.split("\n\n")[0].strip() == entry.summary, name
    assert set(COMMANDS) == {"run", "translate", "bulk", "serve", "models"}
