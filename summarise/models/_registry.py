"""The model registry: the only module that reads ``models.toml``.

A registry maps names to model specs and source languages to translation
models.  It is a plain value: build it with :meth:`Registry.load` and pass it
around; nothing here is cached globally.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import LanguageError, RegistryError, SummariseError, UnknownModelError
from ..support import NotRegular, TooLarge, read_settings_file
from .engines import BACKEND_NAMES, check_precision
from ._spec import ModelSpec

ENV_VAR = "SUMMARISE_MODELS"
TASKS = ("translation", "summarisation")
# Other spellings of a task that models.toml accepts: Hugging Face's pipeline tags spell it the American way.
TASK_ALIASES = {"summarization": "summarisation"}
ANY_LANGUAGE = "*"


@dataclass(frozen=True)
class Registry:
    """The models named in one ``models.toml``."""

    path: Path
    models: dict[str, ModelSpec]
    summariser: str
    translation_fallback: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    keep: tuple[str, ...] = ()  # defaults.keep: terms every run keeps verbatim (summarise.text._protecting)

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> Registry:
        """Read ``path``, else ``$SUMMARISE_MODELS``, else the registry shipped with the package."""
        resolved = resolve_path(path)
        try:
            raw = tomllib.loads(read_settings_file(resolved).decode("utf-8"))
        except TooLarge as exc:
            raise RegistryError(f"model registry {resolved} is larger than {exc.limit} bytes: a models.toml is a few kilobytes, check the path") from None
        except NotRegular as exc:
            if exc.kind == "a folder":
                hint = f": pass the file inside it, --models {resolved / 'models.toml'}" if (resolved / "models.toml").is_file() else ""
                raise RegistryError(f"model registry {resolved} is a folder, not a models.toml file{hint or ': pass --models PATH/models.toml'}") from None
            raise RegistryError(f"model registry {resolved} is {exc.kind}, not a file: pass --models PATH to a models.toml") from None
        except FileNotFoundError:
            raise RegistryError(
                f"model registry {resolved} does not exist: pass --models PATH or set {ENV_VAR} to a models.toml"
            ) from None
        except IsADirectoryError:
            hint = f": pass the file inside it, --models {resolved / 'models.toml'}" if (resolved / "models.toml").is_file() else ""
            raise RegistryError(f"model registry {resolved} is a folder, not a models.toml file{hint or ': pass --models PATH/models.toml'}") from None
        except OSError as exc:
            raise RegistryError(f"model registry {resolved} cannot be read ({exc.strerror or exc}): check the path given to --models or {ENV_VAR}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise RegistryError(f"{resolved} is not valid TOML ({exc}): fix the file or pass --models PATH") from None
        return cls.from_dict(raw, resolved)

    @classmethod
    def from_dict(cls, raw: dict[str, Any], path: Path) -> Registry:
        entries = raw.get("models")
        if not isinstance(entries, dict) or not entries:
            raise RegistryError(f"{path} has no [models.NAME] entries: see the shipped models.toml for the format")
        models = {name: _parse_spec(name, entry, path) for name, entry in entries.items()}
        defaults = raw.get("defaults", {})
        if not isinstance(defaults, dict):
            raise RegistryError(f"{path}: [defaults] must be a table")
        summariser = defaults.get("summariser")
        fallback = defaults.get("translation_fallback")
        for key, value, task in (("summariser", summariser, "summarisation"), ("translation_fallback", fallback, "translation")):
            if value is None:
                continue
            if value not in models:
                raise RegistryError(f"{path}: defaults.{key} names '{value}', which has no [models.{value}] entry")
            if models[value].task != task:
                raise RegistryError(f"{path}: defaults.{key} must name a {task} model, '{value}' is {models[value].task}")
        if summariser is None:
            candidates = [m.name for m in models.values() if m.task == "summarisation"]
            summariser = candidates[0] if candidates else ""
        keep = defaults.get("keep", [])
        if not isinstance(keep, list) or not all(isinstance(term, str) and term.strip() for term in keep):
            raise RegistryError(f"{path}: defaults.keep must be a list of terms, e.g. keep = [\"Renaissance\", \"Le Monde\"]")
        return cls(path=path, models=models, summariser=summariser, translation_fallback=fallback, keep=tuple(keep))

    def get(self, name: str) -> ModelSpec:
        try:
            return self.models[name]
        except KeyError:
            raise UnknownModelError(
                f"unknown model '{name}', expected one of: {', '.join(sorted(self.models))} (or a hub id / local directory)"
            ) from None

    def translation_model(self, source_lang: str, target_lang: str = "en") -> ModelSpec:
        """The model for ``source_lang`` → ``target_lang``; the fallback only for targets it serves."""
        for spec in self.models.values():
            if spec.task == "translation" and spec.target == target_lang and source_lang in spec.languages:
                return spec
        if target_lang == "en" and self.translation_fallback:
            return self.models[self.translation_fallback]
        for spec in self.models.values():
            if spec.task == "translation" and spec.target == target_lang and ANY_LANGUAGE in spec.languages:
                return spec
        known = sorted({f"{lang}-{m.target}" for m in self.models.values() if m.task == "translation" for lang in m.languages})
        raise LanguageError(
            f"no translation model for {source_lang}-{target_lang} in {self.path}: "
            f"add one to the registry (pairs known: {', '.join(known)})"
        )

    def summarisation_model(self) -> ModelSpec:
        if not self.summariser:
            raise RegistryError(f"{self.path} names no summarisation model: add one, or set defaults.summariser")
        return self.models[self.summariser]

    def resolve(self, name_or_path: str, task: str, **overrides: Any) -> ModelSpec:
        """A registry name, a local ``save_pretrained`` directory, or a hub id, as one spec.

        Like faster-whisper's name-or-path: the user never has to say which it is.
        """
        if name_or_path in self.models:
            spec = self.models[name_or_path]
            if spec.task != task:
                raise RegistryError(f"'{name_or_path}' is a {spec.task} model, not a {task} model")
            return replace(spec, **overrides) if overrides else spec
        path = Path(name_or_path).expanduser()
        if path.exists() and not path.is_dir():
            raise RegistryError(f"{name_or_path} is a file: give a model directory (made by save_pretrained) or a hub id")
        if not path.is_dir() and not _looks_like_hub_id(name_or_path):
            raise UnknownModelError(
                f"unknown model '{name_or_path}': not in {self.path}, not a directory, not a hub id (owner/name); "
                f"see `summarise models list`"
            )
        template = self._template(task)
        source = str(path.resolve()) if path.is_dir() else name_or_path
        spec = replace(template, name=name_or_path, source=source, revision=None, quantization=None, backend=None)
        return replace(spec, **overrides) if overrides else spec

    def _template(self, task: str) -> ModelSpec:
        """Settings to borrow for an ad-hoc model: the registry's own default for that task."""
        if task == "summarisation" and self.summariser:
            return self.models[self.summariser]
        for spec in self.models.values():
            if spec.task == task:
                return spec
        return ModelSpec(name="", task=task, source="", languages=(ANY_LANGUAGE,))


def resolve_path(path: str | os.PathLike | None = None) -> Path:
    """Which registry file is in force: the argument, the environment, or the shipped one."""
    if path:
        return Path(path).expanduser().resolve()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    return default_path()


def default_path() -> Path:
    """The shipped ``models.toml``: inside the wheel, or at the repository top in a checkout."""
    package = Path(__file__).resolve().parents[1]  # the wheel's summarise/; in a checkout, next to the repository's
    packaged = package / "models.toml"
    return packaged if packaged.is_file() else package.parent / "models.toml"


def _looks_like_hub_id(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 2 and all(parts) and not name.startswith((".", "~"))


_INT_FIELDS = ("max_input_tokens", "num_beams", "min_new_tokens", "max_new_tokens")


def _parse_spec(name: str, entry: Any, path: Path) -> ModelSpec:
    where = f"{path}: [models.{name}]"
    if not isinstance(entry, dict):
        raise RegistryError(f"{where} must be a table")
    known = {"task", "source", "revision", "backend", "quantization", "languages", "target", *_INT_FIELDS}
    unknown = sorted(set(entry) - known)
    if unknown:
        raise RegistryError(f"{where} has unknown keys {unknown}: expected some of {sorted(known)}")
    task = entry.get("task")
    task = TASK_ALIASES.get(task, task) if isinstance(task, str) else task
    if task not in TASKS:
        raise RegistryError(f"{where} needs task = one of {list(TASKS)}, got {task!r}")
    source = entry.get("source")
    if not isinstance(source, str) or not source:
        raise RegistryError(f"{where} needs source = a hub id or a local directory")
    if source.startswith((".", "/", "~")) or (path.parent / source).is_dir():
        source = str((path.parent / Path(source).expanduser()).resolve())
    backend = entry.get("backend")
    if backend is not None and backend not in BACKEND_NAMES:
        raise RegistryError(f"{where}: backend must be one of {list(BACKEND_NAMES)}, got {backend!r}")
    if backend is not None:
        try:
            check_precision(backend, entry.get("quantization"), where)
        except SummariseError as exc:
            raise RegistryError(str(exc)) from None
    ints: dict[str, int] = {}
    for key in _INT_FIELDS:
        if key in entry:
            value = entry[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0 or (value == 0 and key != "min_new_tokens"):
                raise RegistryError(f"{where}: {key} must be a positive whole number, got {value!r}")
            ints[key] = value
    languages = entry.get("languages", [])
    if not isinstance(languages, list) or not all(isinstance(lang, str) for lang in languages):
        raise RegistryError(f"{where}: languages must be a list of language codes")
    if task == "translation" and not languages:
        raise RegistryError(f"{where}: a translation model needs languages = [\"xx\", …] (or [\"*\"])")
    revision = entry.get("revision")
    if revision is not None and not isinstance(revision, str):
        raise RegistryError(f"{where}: revision must be a string")
    return ModelSpec(
        name=name,
        task=task,
        source=source,
        revision=revision,
        backend=backend,
        quantization=entry.get("quantization"),
        languages=tuple(languages),
        target=entry.get("target", "en"),
        **ints,
    )
