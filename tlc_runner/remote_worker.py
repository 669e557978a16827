"""`dsqspec worker`: this machine joins a `check --distributed` TLC server as a worker.

The worker JVM runs in the foreground with its output on the terminal, in its
own process group and dying with dsqspec, in a scratch folder for the spec
files it fetches from the server; it ends when the server releases it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .distributed import Endpoint, check_bindable, worker_command
from .errors import Interrupted, TlcFailed
from .launcher import launcher_classpath
from .tlc_process import _kill_group, _start


def run_worker(java: str, jar: Path, server: Endpoint, listen: Endpoint, threads: int, heap: str) -> int:
    """Run one worker until the server releases it: 0, else TlcFailed or Interrupted."""
    check_bindable(listen, "--listen")
    scratch = Path(tempfile.mkdtemp(prefix="dsqspec-worker-"))
    process: subprocess.Popen | None = None
    try:
        launcher = launcher_classpath(java, jar, scratch / "launcher")
        command = worker_command(java, jar, launcher, server, listen, threads, heap, scratch)
        print(f"dsqspec: joining the TLC server at {server}; called back on {listen.host} only", flush=True)
        process = _start(command, scratch, dict(os.environ, LC_ALL="C.UTF-8"), stdout=None)
        try:
            code = process.wait()
        except KeyboardInterrupt:
            raise Interrupted("interrupted; TLC worker stopped") from None
        except Interrupted as err:
            raise Interrupted(f"{err}; TLC worker stopped", err.exit_code) from None
        if code != 0:
            raise TlcFailed(f"the TLC worker exited {code} (its reason is printed above)")
        return 0
    finally:
        if process is not None and process.poll() is None:
            _kill_group(process)
        shutil.rmtree(scratch, ignore_errors=True)
