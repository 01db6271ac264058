"""The Hugging Face hub: where a model's files come from, fetched once, failing fast.

:func:`resolve` turns a registry entry into a local directory that the engines load
with ``local_files_only``, so no loader ever talks to the network itself:

- a ``source`` that is a directory is used as it is;
- offline (``local_files_only``, or ``HF_HUB_OFFLINE``): the cached snapshot, or an error
  saying how to get one;
- otherwise one short reachability check comes first.  The hub client retries a dead
  network with back-off, about 25 s per file (50 s for a run's first model), and logs every
  retry.  Reachable: the snapshot is fetched or brought up to date, with a byte-counting
  progress bar.  Unreachable: the cached snapshot when it is complete, else one error that
  says what to do.

Every hub failure becomes a :class:`ModelLoadError` with one line of text.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from ..errors import ModelLoadError

if TYPE_CHECKING:  # pragma: no cover
    from ._spec import ModelSpec

logger = logging.getLogger("summarise")

PROBE_SECONDS = 3.0  # one connection to the hub; DNS included, which no socket timeout bounds
PROBE_MEMORY_SECONDS = 60.0  # a verdict is reused this long: two models, one check
# What a model needs besides its weights: configs, tokenizer files (sentencepiece, vocab, merges).
META_PATTERNS = ["*.json", "*.model", "*.spm", "*.txt", "vocab*", "merges*"]
WEIGHT_PATTERNS = ["*.safetensors", "*.bin"]  # in order of preference: safetensors when the repo has it
_TRUE = {"1", "ON", "YES", "TRUE"}

_show_progress: ContextVar[bool | None] = ContextVar("summarise_hub_progress", default=None)
_probes: dict[str, tuple[float, str | None]] = {}
_probes_lock = threading.Lock()


@contextlib.contextmanager
def progress_bars(enabled: bool | None) -> Iterator[None]:
    """Download bars on (True), off (False), or shown when stderr is a terminal (None, the default)."""
    token = _show_progress.set(enabled)
    try:
        yield
    finally:
        _show_progress.reset(token)


def endpoint() -> str:
    """The hub in use: ``HF_ENDPOINT`` (a mirror), else huggingface.co."""
    from huggingface_hub import constants

    return constants.ENDPOINT


def offline(local_files_only: bool = False) -> bool:
    from huggingface_hub import constants

    return local_files_only or constants.HF_HUB_OFFLINE or os.environ.get("HF_HUB_OFFLINE", "").upper() in _TRUE


def resolve(spec: ModelSpec, *, local_files_only: bool = False) -> str:
    """A local directory with ``spec``'s files (see the module docstring); raises :class:`ModelLoadError`."""
    if spec.is_local:
        return spec.source
    if offline(local_files_only):
        return _cached(spec, _offline_message(spec))
    problem = probe(endpoint())
    if problem is not None:
        return _cached(spec, _unreachable_message(spec, problem))
    return download(spec)


def pull(spec: ModelSpec) -> str:
    """``summarise models pull``: fetch into the cache; returns the commit it resolved to ("local" for a directory)."""
    if spec.is_local:
        return "local"
    problem = probe(endpoint())
    if problem is not None:
        raise ModelLoadError(f"cannot reach the Hugging Face hub at {endpoint()} ({problem}): check your network, proxy or HF_ENDPOINT")
    return os.path.basename(download(spec))


def probe(url: str, timeout: float = PROBE_SECONDS) -> str | None:
    """None when ``url`` answers at all (any HTTP status), else what went wrong; at most ``timeout`` (+1 s) seconds.

    One request through the hub client's own session (its proxies and certificates), in a
    thread, so a hanging DNS lookup is bounded too.  Verdicts are remembered for a minute.
    """
    now = time.monotonic()
    with _probes_lock:
        seen = _probes.get(url)
        if seen is not None and now - seen[0] < PROBE_MEMORY_SECONDS:
            return seen[1]
    outcome: list[str | None] = []

    def attempt() -> None:
        from huggingface_hub import get_session

        try:
            get_session().head(url, timeout=timeout, follow_redirects=False)
            outcome.append(None)
        except Exception as exc:  # noqa: BLE001 - any failure to get an answer means "unreachable"
            outcome.append(_describe(exc))

    worker = threading.Thread(target=attempt, name="summarise-hub-probe", daemon=True)
    worker.start()
    worker.join(timeout + 1.0)
    verdict = outcome[0] if outcome else f"no answer within {timeout:.0f} s"
    with _probes_lock:
        _probes[url] = (time.monotonic(), verdict)
    return verdict


def download(spec: ModelSpec) -> str:
    """Fetch (or update) ``spec``'s snapshot from the hub: configs, tokenizer and one kind of weights."""
    from huggingface_hub import HfApi, snapshot_download

    try:
        info = HfApi().model_info(spec.source, revision=spec.revision, timeout=PROBE_SECONDS * 10)
        names = [sibling.rfilename for sibling in info.siblings or []]
        weights = next((p for p in WEIGHT_PATTERNS if any(n.endswith(p[1:]) for n in names)), WEIGHT_PATTERNS[-1])
        return snapshot_download(
            spec.source,
            revision=info.sha or spec.revision,
            allow_patterns=[*META_PATTERNS, weights],
            tqdm_class=_tqdm_class(),
        )
    except Exception as exc:  # noqa: BLE001 - the hub client raises many kinds; each becomes one line below
        raise ModelLoadError(_hub_error_message(spec, exc)) from None


def cached_snapshot(spec: ModelSpec) -> str | None:
    """The folder of ``spec``'s files when the Hugging Face cache holds them (a local model: its folder), else None; no network."""
    if spec.is_local:
        return spec.source
    try:
        return _cached(spec, "")
    except ModelLoadError:
        return None


def _cached(spec: ModelSpec, message: str) -> str:
    """The cached snapshot of ``spec`` when it holds its configs; else :class:`ModelLoadError` with ``message``."""
    from huggingface_hub import snapshot_download

    try:
        return snapshot_download(spec.source, revision=spec.revision, allow_patterns=META_PATTERNS, local_files_only=True)
    except Exception:  # noqa: BLE001 - not cached, partly cached, or not a valid id: the caller's message says what to do
        raise ModelLoadError(message) from None


def _tqdm_class() -> Any:
    from tqdm.auto import tqdm

    wanted = _show_progress.get()
    if wanted is None:
        wanted = _stderr_is_terminal() and os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS", "").upper() not in _TRUE
    if wanted:
        return tqdm  # tqdm's own class: the hub client leaves it alone, whatever its global switches say

    class Silent(tqdm):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.pop("name", None)
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)

    return Silent


def _stderr_is_terminal() -> bool:
    import sys

    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _offline_message(spec: ModelSpec) -> str:
    return (
        f"model '{spec.name}' ({spec.source}) is not in the local Hugging Face cache and offline mode is on: "
        f"run `summarise models pull {spec.name}` on a connected machine, or pass --models with local directories"
    )


def _unreachable_message(spec: ModelSpec, problem: str) -> str:
    return (
        f"cannot reach the Hugging Face hub at {endpoint()} ({problem}) and model '{spec.name}' ({spec.source}) "
        f"is not in the local cache: check your network (or proxy, HF_ENDPOINT), or run `summarise models pull "
        f"{spec.name}` on a connected machine and use --offline, or pass --models with local directories"
    )


def _hub_error_message(spec: ModelSpec, exc: Exception) -> str:
    from huggingface_hub.errors import (
        GatedRepoError,
        HFValidationError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    if isinstance(exc, GatedRepoError):
        return f"{spec.source} is gated on the hub: accept its terms on the model page and log in (`hf auth login`)"
    if isinstance(exc, RevisionNotFoundError):
        return f"{spec.source} has no revision '{spec.revision}' on the hub: fix `revision` in the registry"
    if isinstance(exc, RepositoryNotFoundError):
        return f"no model '{spec.source}' on the hub (or it is private): check the id in the registry or --mt-model/--sum-model"
    if isinstance(exc, HFValidationError):
        return f"'{spec.source}' is neither a directory nor a hub id (owner/name): check the path or the id"
    return f"could not download {spec.label} from {endpoint()} ({_describe(exc)}): check your network and try again"
