"""Run TLC as the real, fallible Java process it is.

One run = one folder (working directory, `-metadir`, `java.io.tmpdir`), TLC in
`-tool` mode with its frames parsed as they stream, the raw output written to
`tlc.log` line by line so that nothing is lost if TLC, the JVM or the user
stops the run.  TLC runs in its own process group: a timeout or Ctrl-C kills
the whole JVM within two seconds and leaves no java process behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .errors import Interrupted, TlcFailed
from .outcome import Progress, parse_progress
from .run_dirs import RAW_LOG
from .toolchain import JAR_SHA256
from .tool_frames import PROGRESS, FrameReader, Message

DEFAULT_HEAP = "6g"  # a quarter of a 24 GiB machine: room for two runs and the OS
KILL_GRACE_SECONDS = 1.0


@dataclass
class TlcInvocation:
    java: str
    jar: Path
    module: str
    workers: int
    heap: str = DEFAULT_HEAP
    timeout: float | None = None
    extra_args: list[str] = field(default_factory=list)
    jar_sha256: str = JAR_SHA256  # the jar was verified against the pin before any run

    def command(self, run_dir: Path) -> list[str]:
        return [
            self.java,
            "-XX:+UseParallelGC",
            f"-Xmx{self.heap}",
            f"-Djava.io.tmpdir={run_dir / 'tmp'}",
            "-Dutil.FileUtil.milliseconds=true",
            "-Duser.language=en",
            "-Duser.country=US",
            "-cp", str(self.jar),
            "tlc2.TLC",
            "-tool",
            "-workers", str(self.workers),
            "-metadir", str(run_dir / "states"),
            "-config", f"{self.module}.cfg",
            *self.extra_args,
            f"{self.module}.tla",
        ]


@dataclass
class TlcResult:
    exit_code: int
    messages: list[Message]
    elapsed: float
    command: list[str]
    log_path: Path


class StatusLine:
    """Elapsed time every second, plus TLC's latest progress figures, on one line."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.progress: Progress | None = None
        self._width = 0

    def show(self, elapsed: float) -> None:
        text = f"[{self.label}] {int(elapsed) // 60:02d}:{int(elapsed) % 60:02d}"
        if self.progress:
            p = self.progress
            text += (f"  {p.generated:,} generated, {p.distinct:,} distinct, "
                     f"{p.left:,} on queue, {p.rate_per_min:,}/min, depth {p.depth}")
        else:
            text += "  (TLC reports progress about once a minute)"
        text = text[: max(20, shutil.get_terminal_size((100, 24)).columns - 1)]
        pad = max(0, self._width - len(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self._width = len(text)

    def clear(self) -> None:
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def _pump(stream, log: TextIO, reader: FrameReader, status: StatusLine | None) -> None:
    for line in stream:
        log.write(line)
        log.flush()
        message = reader.feed(line)
        if message is not None and message.code == PROGRESS and status is not None:
            status.progress = parse_progress(message.body)


def _kill_group(process: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=KILL_GRACE_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue


def run_tlc(invocation: TlcInvocation, run_dir: Path, status: StatusLine | None = None) -> TlcResult:
    """Run TLC on the spec already written into run_dir; return its frames and exit code."""
    (run_dir / "tmp").mkdir(exist_ok=True)
    command = invocation.command(run_dir)
    log_path = run_dir / RAW_LOG
    reader = FrameReader()
    started = time.monotonic()
    env = dict(os.environ, LC_ALL="C.UTF-8")
    with log_path.open("w") as log:
        log.write("# " + " ".join(command) + "\n")
        log.write(f"# jar sha256 {invocation.jar_sha256}\n")
        process = subprocess.Popen(
            command, cwd=run_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, text=True, bufsize=1, start_new_session=True, env=env,
        )
        pump = threading.Thread(target=_pump, args=(process.stdout, log, reader, status), daemon=True)
        pump.start()
        try:
            while True:
                try:
                    process.wait(timeout=1.0)
                    break
                except subprocess.TimeoutExpired:
                    elapsed = time.monotonic() - started
                    if status is not None:
                        status.show(elapsed)
                    if invocation.timeout is not None and elapsed > invocation.timeout:
                        _kill_group(process)
                        pump.join(timeout=2)
                        raise TlcFailed(
                            f"TLC timed out after {invocation.timeout:g}s; raw output kept in {log_path}"
                        )
        except KeyboardInterrupt:
            _kill_group(process)
            pump.join(timeout=2)
            raise Interrupted("interrupted; TLC stopped") from None
        finally:
            if status is not None:
                status.clear()
        pump.join(timeout=5)
    return TlcResult(process.returncode, reader.close(), time.monotonic() - started, command, log_path)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def status_for(stream: TextIO, quiet: bool, label: str) -> StatusLine | None:
    return None if quiet or not stream.isatty() else StatusLine(stream, label)

