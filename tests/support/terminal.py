"""Running the installed command with stderr on a pseudo-terminal, as a user's shell does."""

from __future__ import annotations

import os
import subprocess


def on_a_terminal(args: list[str], env: dict[str, str], timeout: float = 300) -> tuple[int, str, str]:
    """Run ``args`` with stderr on a pseudo-terminal: (status, stdout, what the terminal showed)."""
    import fcntl
    import pty
    import struct
    import termios
    import threading

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a real terminal has a size; tqdm draws to it
    shown = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, env={**env, "COLUMNS": "100"}) as proc:
        os.close(slave)
        stdout, _ = proc.communicate(timeout=timeout)
    reader.join(10)
    os.close(master)
    return proc.returncode, stdout.decode(), shown.decode(errors="replace")
