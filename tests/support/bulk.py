"""Generated archives for the bulk tests, and the CLI as they call it."""

from __future__ import annotations

import json
import random
from pathlib import Path

from typer.testing import CliRunner

from summarise.cli import app
from tests import tinymodels

runner = CliRunner()
_WORDS = [w for w in tinymodels.VOCAB_WORDS if w.isalpha() and w.islower() and len(w) > 3]
SHARED = "Le président condamne la guerre."  # in every article of some archives: what a cache is for


def sentence(rng: random.Random, words: int = 6) -> str:
    chosen = [rng.choice(_WORDS) for _ in range(words)]
    return " ".join([chosen[0].capitalize(), *chosen[1:]]) + "."


def article_text(rng: random.Random, sentences: int = 3, shared: bool = False) -> str:
    parts = [sentence(rng) for _ in range(sentences)]
    if shared:
        parts.insert(1, SHARED)
    return " ".join(parts)


def write_jsonl(path: Path, rows: list) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
    return path


def make_archive(path: Path, count: int, *, seed: int = 0, shared: bool = False, sentences: int = 3) -> Path:
    rng = random.Random(seed)
    rows = [{"id": f"art-{i:04d}", "text": article_text(rng, sentences, shared)} for i in range(count)]
    return write_jsonl(path, rows)


def read_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)
