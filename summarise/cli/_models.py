"""``models``: the registry in force, and the models it names (list, path, pull, convert)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..models.engines import quiet_backend_logging
from ..text import DEFAULT_LANGUAGES
from ._common import CT2_TYPES, ModelsOpt, OfflineOpt, errors, stderr

app = typer.Typer(no_args_is_help=True, add_completion=False, help="The model registry: list, locate, download, convert, prune.")


@app.command("list")
def models_list(models: ModelsOpt = None, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The models in the registry in force, what of each is on disk (downloaded, converted, sizes), and this CPU's int8 class."""
    from ..models.engines import cpu_int8, precision_for_cpu
    from ..models import Registry, on_disk

    with errors():
        registry = Registry.load(models)
        disk = {entry.name: entry for entry in on_disk(registry)}
        if as_json:
            import json

            typer.echo(json.dumps([spec.to_dict() | {"on_disk": disk[spec.name].to_dict()} for spec in registry.models.values()], indent=2))
            return
        typer.echo(f"# {registry.path}")
        cpu = cpu_int8()  # what int8 means on this machine: it decides the default precision on a CPU
        typer.echo(f"# CPU int8 class {cpu.describe()}; CTranslate2 int8 runs here as {precision_for_cpu('int8', cpu)}")
        for spec in registry.models.values():
            role = spec.task
            if spec.task == "translation":
                role = f"{','.join(spec.languages)}->{spec.target}"
                if spec.name == registry.translation_fallback:
                    role += " (fallback)"
            elif spec.name == registry.summariser:
                role += " (default)"
            here = disk[spec.name]
            files = ("local " if spec.is_local else "downloaded ") + human_bytes(here.download_bytes) if here.downloaded else "not downloaded"
            converted = f"converted {human_bytes(here.conversion_bytes)}" if here.converted else "not converted"
            typer.echo(f"{spec.name:<24} {role:<28} {spec.label}  [{spec.backend or 'auto'}{'+' + spec.quantization if spec.quantization else ''}]  {files}, {converted}")


@app.command("prune")
def models_prune(
    models: ModelsOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Remove without asking.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would be removed.")] = False,
) -> None:
    """Remove the CTranslate2 conversions no registry entry uses, after showing them (the shared Hugging Face cache is left alone)."""
    import sys

    from ..models import Registry, remove, unused_conversions

    with errors():
        registry = Registry.load(models)
        unused = unused_conversions(registry)
        if not unused:
            stderr().print("nothing to prune: every conversion is used by the registry in force", markup=False)
            return
        for entry in unused:
            typer.echo(f"{human_bytes(entry.size):>9}  {entry.path}  ({entry.reason})")
        total = human_bytes(sum(entry.size for entry in unused))
        if dry_run:
            stderr().print(f"would remove {len(unused)} conversion(s), {total} (--dry-run)", markup=False)
            return
        if not yes:
            if not sys.stdin.isatty():
                stderr().print(f"nothing removed: pass --yes to remove these {len(unused)} conversion(s), {total}", markup=False)
                return
            typer.confirm(f"remove these {len(unused)} conversion(s), {total}?", abort=True, err=True)
        remove(unused)
        stderr().print(f"removed {len(unused)} conversion(s), {total}", markup=False)


def human_bytes(size: int) -> str:
    """``1.2 GB``, ``340 MB``, ``12 kB``: sizes on disk for people (decimal units, as du -h --si)."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


@app.command("path")
def models_path(models: ModelsOpt = None) -> None:
    """Which models.toml is in force (--models, then $SUMMARISE_MODELS, then the shipped one)."""
    from ..models import resolve_path

    typer.echo(str(resolve_path(models)))


@app.command("pull")
def models_pull(
    names: Annotated[Optional[list[str]], typer.Argument(help="Registry names (default: the summariser and the fr, de, es translators).")] = None,
    models: ModelsOpt = None,
    all_models: Annotated[bool, typer.Option("--all", help="Every model in the registry.")] = False,
) -> None:
    """Download models into the Hugging Face cache, for later use with --offline."""
    from ..models import pull, Registry

    with errors():
        registry = Registry.load(models)
        if all_models:
            chosen = list(registry.models)
        elif names:
            chosen = [registry.get(name).name for name in names]
        else:
            chosen = [registry.summariser, *(registry.translation_model(lang).name for lang in DEFAULT_LANGUAGES)]
        for name in chosen:
            spec = registry.get(name)
            stderr().print(f"pulling {spec.source} …")
            commit = pull(spec)
            typer.echo(f"{name}\t{spec.source}\t{commit}")


@app.command("convert")
def models_convert(
    name: Annotated[str, typer.Argument(help="Registry name, hub id, or local save_pretrained directory.")],
    quantization: Annotated[str, typer.Option("--quantization", help=f"Stored weights: int8, bf16, none (float32), or a CTranslate2 type ({CT2_TYPES}).")] = "int8",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Folder to write; default: the cache that backend = \"ctranslate2\" reads.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Convert again even if a converted copy exists.")] = False,
    models: ModelsOpt = None,
    offline: OfflineOpt = False,
) -> None:
    """Convert a model for the CTranslate2 backend ahead of its first use, with CTranslate2's own converter."""
    from ..models import Registry, convert_model

    with errors():
        quiet_backend_logging()
        registry = Registry.load(models)
        spec = registry.models.get(name) or registry.resolve(name, "translation")
        conversion = convert_model(spec, quantization, output, force=force, offline=offline)
        if conversion.changed:
            stderr().print(f"this CPU's int8 sums saturate (no VNNI): int8 runs here as {conversion.quantization}, so that is what was "
                            "converted; --quantization int8_w7 for 7-bit int8", markup=False, highlight=False)
        typer.echo(str(conversion.path))

