"""The `dsqspec` console script, guarded from the first import on.

cli.py imports the renderer, which finds the bundled templates when it is
imported; an installed package that lost them must still end in one line and
exit 3, which no handler inside cli.py can catch because cli.py never loads.
Ctrl-C, SIGTERM or SIGHUP while the imports run (a good part of a second on a
loaded machine) end the same way as later: one line, exit 128 + the signal.
"""

from __future__ import annotations

import os
import signal
import sys

from .errors import EXIT_INTERRUPTED, EnvironmentProblem, Interrupted
from .signals import STOPPING_SIGNALS, _raise_interrupted


def run() -> None:
    """Console entry point: import the CLI, then run it."""
    _open_closed_standard_streams()
    previous = {sig: signal.getsignal(sig) for sig in STOPPING_SIGNALS}
    for sig, handler in previous.items():
        if handler != signal.SIG_IGN:
            signal.signal(sig, _raise_interrupted)
    try:
        from .cli import main
    except EnvironmentProblem as err:
        _exit(str(err), err.exit_code)
    except KeyboardInterrupt:
        _exit("interrupted", EXIT_INTERRUPTED)
    except Interrupted as err:
        _exit(str(err), err.exit_code)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
    main(prog_name="dsqspec")


def _exit(line: str, code: int) -> None:
    print(f"dsqspec: {line}", file=sys.stderr)
    sys.exit(code)


def _open_closed_standard_streams() -> None:
    """`dsqspec ... 2>&-` starts with no stderr: Python sets sys.stderr to None (the status
    line then crashed, exit 5), and the next file opened would take fd 2 and get the bytes
    meant for it.  A closed fd 0, 1 or 2 is pointed at /dev/null instead."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
        if getattr(sys, name) is None:
            setattr(sys, name, open(fd, mode, closefd=False, errors="backslashreplace"))
