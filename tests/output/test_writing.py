"""-o semantics: atomic for files, streams for devices/FIFOs/stdout, symlinks followed, modes kept, full disks reported."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from summarise.errors import OutputError
from summarise.output._writing import check_output, remove_stale_temporaries, write_output
from tests.support.faults import ROOT, small_disk_run

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def test_a_regular_file_is_replaced_whole_and_keeps_its_mode(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o640)
    assert write_output(target, "new") == "atomic"
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_new_file_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_output(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


def test_a_symlink_is_followed_and_stays_a_link(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_output(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_fifo_is_written_as_a_stream_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    assert write_output(fifo, "through the pipe") == "stream"
    reader.join(10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_is_written_as_a_stream_not_replaced(tmp_path):
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private /dev/null
    assert write_output(null, "gone") == "stream"
    assert stat.S_ISCHR(os.stat(null).st_mode)


def _write_to_dev_stdout(**kwargs) -> subprocess.CompletedProcess:
    script = "from summarise.output._writing import write_output; print(write_output('/dev/stdout', 'to stdout\\n'), file=__import__('sys').stderr)"
    return subprocess.run([sys.executable, "-c", script], env=ENV, **kwargs)


def test_dev_stdout_into_a_pipe_reaches_the_reader():
    done = _write_to_dev_stdout(capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "to stdout\n" and done.stderr.strip() == "stream"


def test_dev_stdout_redirected_to_a_file_appends_to_that_same_file(tmp_path):
    target = tmp_path / "log.txt"
    target.write_text("before\n")
    inode = target.stat().st_ino
    with open(target, "a") as out:
        done = _write_to_dev_stdout(stdout=out, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 0, done.stderr
    assert target.read_text() == "before\nto stdout\n"
    assert target.stat().st_ino == inode


def test_stale_temporaries_of_dead_runs_are_removed_live_ones_kept(tmp_path):
    target = tmp_path / "out.txt"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    stale = tmp_path / f".out.txt.{dead}.abcd.tmp"
    live = tmp_path / f".out.txt.{os.getppid()}.efgh.tmp"
    other = tmp_path / f".other.txt.{dead}.ijkl.tmp"
    for path in (stale, live, other):
        path.write_text("half")
    write_output(target, "whole")
    assert not stale.exists()
    assert live.exists() and other.exists()
    assert remove_stale_temporaries(target) == 0


def test_output_equal_to_the_input_is_refused_whatever_the_spelling(tmp_path, monkeypatch):
    article = tmp_path / "a.txt"
    article.write_text("Le texte.")
    (tmp_path / "alias.txt").symlink_to(article)
    monkeypatch.chdir(tmp_path)
    for spelling in (article, Path("a.txt"), Path("./sub/../a.txt"), tmp_path / "alias.txt"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(OutputError, match="is the input file"):
            check_output(spelling, inputs=(str(article),))
    check_output(tmp_path / "b.txt", inputs=(str(article),))
    check_output(tmp_path / "b.txt", inputs=("-",))


def test_a_full_device_is_one_output_error():
    with pytest.raises(OutputError, match="no space left on the device while writing /dev/full"):
        write_output("/dev/full", "x" * 100_000)


def test_a_full_disk_leaves_the_old_file_and_no_temporary(tmp_path):
    script = """
import sys
from pathlib import Path
from summarise.errors import OutputError
target = Path(sys.argv[1]) / "out.txt"
target.write_text("old")
try:
    from summarise.output._writing import write_output
    write_output(target, "x" * 200_000)
except OutputError as exc:
    print("ERROR", exc)
print("CONTENT", target.read_text())
print("FILES", sorted(p.name for p in target.parent.iterdir()))
"""
    done = small_disk_run(tmp_path / "small", script, args=[str(tmp_path / "small")])
    assert done.returncode == 0, done.stderr
    assert "ERROR no space left on the device while writing" in done.stdout
    assert "CONTENT old" in done.stdout
    assert "FILES ['out.txt']" in done.stdout
