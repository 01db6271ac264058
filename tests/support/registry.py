"""The registry the tests write for their tiny models."""

from __future__ import annotations

from pathlib import Path


# The copy model was trained on up to 30 tokens plus </s>; longer sentences must be re-split, never cut.
COPY_WINDOW = 31


def write_registry(path: Path, model_dirs: dict[str, Path], *, fr_model: str = "copy", extra: str = "",
                   summariser: str = "tiny-bart", fallback: str = "tiny-random") -> Path:
    """The tiny models' registry; ``extra``: more entries (such as a trained summariser, named by ``summariser``)."""
    path.write_text(
        f"""
[defaults]
summariser = "{summariser}"
translation_fallback = "{fallback}"

[models.tiny-copy]
task = "translation"
source = "{model_dirs[fr_model]}"
languages = ["fr"]
max_input_tokens = {COPY_WINDOW}
num_beams = 2

[models.tiny-random]
task = "translation"
source = "{model_dirs['marian']}"
languages = ["*"]
max_input_tokens = 64
num_beams = 2

[models.tiny-bart]
task = "summarisation"
source = "{model_dirs['bart']}"
max_input_tokens = 64
num_beams = 2
min_new_tokens = 4
max_new_tokens = 24
{extra}
""",
        encoding="utf-8",
    )
    return path


def window_summariser(name: str, source: Path | str) -> str:
    """A registry entry for a summariser trained on the copy model's window (tests/factmodels.py): greedy,
    which its training made exact (a beam may end a hypothesis early), and up to 30 new tokens."""
    return f"""
[models.{name}]
task = "summarisation"
source = "{source}"
max_input_tokens = {COPY_WINDOW}
num_beams = 1
min_new_tokens = 0
max_new_tokens = 30
"""


def write_french_only_registry(path: Path, model_dirs: dict[str, Path]) -> Path:
    """A registry whose one translation model is French, with no fallback: other languages have no model."""
    path.write_text(
        f"""
[defaults]
summariser = "tiny-bart"

[models.tiny-copy]
task = "translation"
source = "{model_dirs['copy']}"
languages = ["fr"]
max_input_tokens = {COPY_WINDOW}

[models.tiny-bart]
task = "summarisation"
source = "{model_dirs['bart']}"
max_input_tokens = 64
""",
        encoding="utf-8",
    )
    return path
