"""py3langid's model, unpacked once into SUMMARISE_HOME: the same guesses as py3langid's own load, a file written
whole, read again by the next detector, and an unwritable folder that costs the run nothing but time."""

from __future__ import annotations

import os
import sys

import pytest
from py3langid import langid

from summarise.text._detecting import (
    LanguageDetector,
    default_cache,
    load_identifier,
    packed_model,
    unpack_model,
    unpacked_model_path,
)

TEXTS = [
    "Le secrétaire général a annoncé une aide militaire.",
    "The secretary general announced military aid on Tuesday.",
    "Der Generalsekretär kündigte am Dienstag Militärhilfe an.",
    "Генеральный секретарь объявил о военной помощи во вторник.",
    "秘书长周二宣布了军事援助。",
    "أعلن الأمين العام عن مساعدات عسكرية يوم الثلاثاء.",
    "Ο γενικός γραμματέας ανακοίνωσε στρατιωτική βοήθεια την Τρίτη.",
    "ok 12 %",
    "",
]


@pytest.fixture(scope="module")
def reference():
    return langid.LanguageIdentifier.from_modelpath(packed_model(), norm_probs=True)


def test_the_unpacked_model_ranks_as_py3langid_does(tmp_path, reference):
    unpacked = load_identifier(tmp_path / "langid")
    for text in TEXTS:
        assert unpacked.rank(text) == reference.rank(text), text
    assert unpacked.classify(TEXTS[0])[0] == "fr"


def test_unpacked_once_into_the_cache_and_reused(tmp_path):
    folder = tmp_path / "langid"
    path = unpack_model(folder)
    assert path == unpacked_model_path(folder, packed_model())
    assert path.stat().st_size > 10 * packed_model().stat().st_size  # really unpacked (68 MB from 4.6 MB)
    assert [p.name for p in folder.iterdir()] == [path.name]  # no temporary file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # as any file written here, not mkstemp's 0600
    written = path.stat().st_mtime_ns
    assert unpack_model(folder) == path and path.stat().st_mtime_ns == written  # the second call reads, writes nothing
    detector = LanguageDetector(cache=folder)
    assert detector.detect(TEXTS[2]).lang == "de"
    assert sorted(p.name for p in folder.iterdir()) == [path.name]


def test_the_default_cache_is_under_summarise_home(monkeypatch, tmp_path):
    monkeypatch.setenv("SUMMARISE_HOME", str(tmp_path))
    assert default_cache() == tmp_path / "langid"
    assert LanguageDetector().cache == tmp_path / "langid"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_cache_folder_falls_back_to_unpacking_in_memory(tmp_path, reference):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        detector = LanguageDetector(cache=locked / "langid")
        assert detector.detect(TEXTS[0]).lang == "fr"
        assert not (locked / "langid").exists()
    finally:
        locked.chmod(0o700)


def test_a_cache_path_that_is_a_file_falls_back_to_unpacking_in_memory(tmp_path, reference):
    blocker = tmp_path / "langid"
    blocker.write_text("not a folder", encoding="utf-8")
    identifier = load_identifier(blocker)
    assert identifier.rank(TEXTS[1]) == reference.rank(TEXTS[1])
    assert blocker.read_text(encoding="utf-8") == "not a folder"
