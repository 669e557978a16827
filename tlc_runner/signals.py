"""SIGTERM and SIGHUP end dsqspec the way Ctrl-C does, and TLC dies with dsqspec.

timeout(1), a cancelled CI job and a dropped ssh session send SIGTERM or SIGHUP.
Python's default for both is to die on the spot, which leaves TLC's JVM (in its
own process group) running to the end.  Here they raise `Interrupted` in the
main thread instead, so the same cleanup as for Ctrl-C runs: TLC's group is
killed, only its raw log is kept, one line goes to stderr, and dsqspec exits
128 + the signal's number.  Against `kill -9` of dsqspec no handler can run;
`die_with_parent` makes the kernel kill the JVM then (Linux PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from .errors import Interrupted

STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
_PR_SET_PDEATHSIG = 1


def _raise_interrupted(signum: int, _frame) -> None:
    # A second signal while TLC is being stopped must not cut the cleanup short.
    for sig in STOPPING_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    name = signal.Signals(signum).name
    raise Interrupted(f"stopped by {name}", exit_code=128 + signum)


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """Within: SIGTERM/SIGHUP raise Interrupted; afterwards the previous handlers return.

    A signal the caller chose to ignore (`nohup` ignores SIGHUP) stays ignored;
    outside the main thread (where Python allows no handlers) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in STOPPING_SIGNALS}
    for sig, handler in previous.items():
        if handler != signal.SIG_IGN:
            signal.signal(sig, _raise_interrupted)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn for Popen that asks Linux to SIGKILL the child when its parent dies.

    The kernel sends it when the *thread* that forked exits, so call Popen from
    the main thread (dsqspec does).  libc is loaded here, before the fork, so the
    child runs nothing but the prctl call and a check that the parent still lives.
    None where prctl does not exist (not Linux)."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def in_child() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return in_child
