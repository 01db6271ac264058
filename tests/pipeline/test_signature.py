"""Signatures as values, model identity in one place, and resume across versions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from summarise import Summariser
from summarise.bulk import summarise_archive
from summarise.pipeline import Options
from summarise.models import ModelSpec
from summarise.pipeline._signature import ModelIdentity, Signature

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize(
    "text, parts",
    [
        ("mt:none|bp:removed|v:0.1.0", (("mt", "none"), ("bp", "removed"), ("v", "0.1.0"))),
        (
            "mt:Helsinki-NLP/opus-mt-fr-en@abc+ctranslate2+int8|beams:4|sum:x/y@unpinned|sbeams:4|len:tok0-auto|slang:fr:z@r|bp:kept|v:0.1.0",
            (("mt", "Helsinki-NLP/opus-mt-fr-en@abc+ctranslate2+int8"), ("beams", "4"), ("sum", "x/y@unpinned"), ("sbeams", "4"),
             ("len", "tok0-auto"), ("slang", "fr:z@r"), ("bp", "kept"), ("v", "0.1.0")),
        ),
        ("", ()),
    ],
)
def test_signatures_parse_and_format_back(text, parts):
    signature = Signature.parse(text)
    assert signature.parts == parts
    assert signature.format() == str(signature) == text
    if parts:
        assert signature.get("v") == "0.1.0" and signature.keys()[0] == "mt"


@pytest.mark.parametrize("bad", ["mt", "mt:a||v:1", ":x"])
def test_a_part_without_a_key_is_refused(bad):
    with pytest.raises(ValueError, match="not a signature part"):
        Signature.parse(bad)


@pytest.mark.parametrize(
    "spec, label, cache_key",
    [
        (ModelSpec("m", "translation", "a/b", backend="transformers"), "a/b@unpinned+transformers", "a/b@unpinned|transformers|None"),
        (ModelSpec("m", "translation", "a/b", revision="r1", backend="transformers", quantization="int8"), "a/b@r1+transformers+int8",
         "a/b@r1|transformers|int8"),
        (ModelSpec("m", "translation", "a/b", backend="ctranslate2", quantization="int8"), "a/b@unpinned+ctranslate2+int8",
         "a/b@unpinned|ctranslate2|int8"),
    ],
)
def test_model_identity_is_computed_in_one_place(spec, label, cache_key):
    from summarise.pipeline import ModelUsed

    identity = ModelIdentity.of(spec)
    assert identity.label == label and identity.cache_key == cache_key
    assert ModelUsed.of("translation", spec, 4).label == label  # what signatures show


def test_signature_of_a_result_parses_and_names_its_options(summariser):
    result = summariser.summarise("Le président condamne la guerre.", Options(length="medium"), source_lang="fr")
    signature = Signature.parse(result.signature)
    assert signature.format() == result.signature
    assert signature.get("len") == "medium" and signature.get("bp") == "removed"
    from summarise.models.engines import runnable_spec

    assert signature.get("mt") == ModelIdentity.of(runnable_spec(summariser.translation_spec("fr"), "cpu")).label
    assert result.signature == summariser.signature_for("fr", summary=True, options=Options(length="medium"))


def _old_out(tmp_path: Path, forced_registry: Path) -> tuple[Path, Path]:
    """records.jsonl as summarise 0.1.0 (before the bulk package) wrote it, for the test's own models."""
    archive = shutil.copy(FIXTURES / "archive-0.1.0.jsonl", tmp_path / "archive.jsonl")
    out = tmp_path / "out"
    out.mkdir()
    text = (FIXTURES / "records-0.1.0.jsonl").read_text(encoding="utf-8")
    text = text.replace("{MODELS}", str(forced_registry.parent)).replace("{ARCHIVE}", str(archive))
    (out / "records.jsonl").write_text(text, encoding="utf-8")
    return Path(archive), out


def test_records_written_by_the_previous_version_still_resume(tmp_path, forced_registry):
    """Lines as 0.1.0 wrote them (no "options", no backend in model labels, no ``gen``/``sgen``) resume as they are.

    0.1.0 ran PyTorch only, with the models' own generation settings: under ``--backend transformers``
    with equal settings, today's run gives the same output, so nothing is redone or rewritten.
    """
    archive, out = _old_out(tmp_path, forced_registry)
    summariser = Summariser(forced_registry, device="cpu", backend="transformers")
    records = out / "records.jsonl"
    current = summariser.signature_for("fr", summary=True, options=Options(length="short"))
    assert "+transformers|" in current and "gen:model" in current and "sgen:model" in current
    lines = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
    assert all("options" not in line and line["signature"] != current for line in lines)  # the old format, as written
    assert all("+transformers" not in line["signature"] and "gen:" not in line["signature"] for line in lines)
    before = records.read_bytes()
    stats = summarise_archive([archive], summariser=summariser, out=out, source_lang="fr", options=Options(length="short")).run()
    assert (stats.skipped, stats.ok, stats.failed) == (3, 0, 0)
    assert records.read_bytes() == before  # nothing redone, nothing rewritten


def test_old_records_are_redone_under_the_default_ctranslate2_backend(tmp_path, forced_registry):
    """The same settings on another backend are another output: 0.1.0's PyTorch records are redone."""
    from summarise.models.engines import CPU_DEFAULT

    assert CPU_DEFAULT == "ctranslate2"
    archive, out = _old_out(tmp_path, forced_registry)
    run = summarise_archive([archive], summariser=Summariser(forced_registry, device="cpu"), out=out, source_lang="fr",
                            options=Options(length="short"))
    assert [record.id for record in run] == ["a1", "a2", "a3"] and (run.stats.skipped, run.stats.ok) == (0, 3)
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a1", "a2", "a3"] and all("+ctranslate2" in r["signature"] for r in records)


OLD = "mt:m/a@unpinned|beams:2|sum:m/b@unpinned|sbeams:2|len:short|bp:removed|v:0.1.0"
NEW = "mt:m/a@unpinned+transformers|beams:2|gen:model|sum:m/b@unpinned+transformers|sbeams:2|len:short|sgen:model|bp:removed|v:0.1.0"


def test_an_old_signature_reads_as_todays_with_its_implied_defaults():
    from summarise.pipeline import same_settings

    assert Signature.parse(OLD).normalised() == Signature.parse(NEW)
    assert Signature.parse(NEW).normalised() == Signature.parse(NEW)  # today's form is already normal
    assert same_settings(OLD, NEW) and same_settings(NEW, OLD) and same_settings(OLD, OLD)
    old_quantized = "mt:m/a@r1+int8|beams:2|bp:removed|v:0.1.0"
    assert Signature.parse(old_quantized).normalised().format() == "mt:m/a@r1+transformers+int8|beams:2|gen:model|bp:removed|v:0.1.0"
    assert Signature.parse("mt:none|sum:m/b@x|len:short|slang:fr:m/c@unpinned|v:0.1.0").normalised().format() == (
        "mt:none|sum:m/b@x+transformers|len:short|sgen:model|slang:fr:m/c@unpinned+transformers|v:0.1.0")


@pytest.mark.parametrize(
    "current",
    [
        NEW.replace("+transformers", "+ctranslate2+int8"),  # another backend
        NEW.replace("m/a@unpinned+transformers", "m/a@unpinned+transformers+float16"),  # another precision
        NEW.replace("beams:2", "beams:4"),  # other beams
        NEW.replace("sbeams:2", "sbeams:4"),
        NEW.replace("m/b@unpinned", "m/c@unpinned"),  # another model
        NEW.replace("v:0.1.0", "v:0.2.0"),  # another version
        NEW.replace("gen:model", "gen:model+rp1.2"),  # generation settings set here
        NEW.replace("sgen:model", "sgen:model+lp2.0"),
        NEW.replace("len:short", "len:long"),
        NEW + "|keep:abc",
        "not a signature",
    ],
)
def test_old_signatures_still_differ_from_other_settings(current):
    from summarise.pipeline import same_settings

    assert not same_settings(OLD, current) and not same_settings(current, OLD)


def test_old_signatures_are_redone_not_dropped(tmp_path, forced_registry):
    archive, out = _old_out(tmp_path, forced_registry)
    run = summarise_archive([archive], summariser=Summariser(forced_registry, device="cpu"), out=out, source_lang="fr")
    assert [record.id for record in run] == ["a1", "a2", "a3"] and (run.stats.skipped, run.stats.ok) == (0, 3)
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a1", "a2", "a3"] and all("gen:model" in r["signature"] for r in records)


def test_other_options_redo_old_records(tmp_path, forced_registry):
    archive, out = _old_out(tmp_path, forced_registry)
    run = summarise_archive([archive], summariser=Summariser(forced_registry, device="cpu"), out=out, source_lang="fr",
                            options=Options(length="long"))
    assert [record.id for record in run] == ["a1", "a2", "a3"]
    assert (run.stats.skipped, run.stats.ok) == (0, 3)
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a1", "a2", "a3"]  # compacted: one line per id
    assert all("len:long" in r["signature"] and r["options"]["length"] == "long" for r in records)
