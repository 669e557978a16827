"""When dsqspec's own output cannot be written: a pipe closed early, a full disk.

`dsqspec check ... | head -3` closes stdout before dsqspec is done; `> /dev/full` or
a full disk fails the write.  Neither is a verdict (so neither exits 0 or 1) nor a
bug in dsqspec (exit 5): a closed pipe exits 141, as a process killed by SIGPIPE
does, and a failed write is an environment error, exit 3.  Either way stdout is
then pointed at /dev/null, so that Python's final flush at exit cannot add a
second complaint to the one line on stderr.
"""

from __future__ import annotations

import errno
import os
import sys

from .errors import EXIT_ENVIRONMENT

EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE


def from_output_write(err: BaseException) -> bool:
    """Was `err` raised while click wrote dsqspec's output (click.echo, help, usage)?"""
    tb = err.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "echo" and code.co_filename.replace("\\", "/").endswith("click/utils.py"):
            return True
        tb = tb.tb_next
    return err.errno == errno.EPIPE


def silence_stdout() -> None:
    """Point stdout at /dev/null: nothing more can reach a reader that has gone."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def output_failure(err: OSError, kept: str | None = None) -> tuple[str, int]:
    """(one line, exit code) for a failed write of dsqspec's output."""
    silence_stdout()
    where = f"; run kept in {kept}" if kept else ""
    if err.errno == errno.EPIPE:
        return f"stdout was closed before dsqspec wrote all of its output{where}", EXIT_PIPE_CLOSED
    return (f"cannot write dsqspec's output: {err.strerror or err}{where}", EXIT_ENVIRONMENT)
