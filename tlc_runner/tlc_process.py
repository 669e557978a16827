"""Run TLC as the real, fallible Java process it is.

One run = one folder (working directory, `-metadir`, `java.io.tmpdir`), TLC in
`-tool` mode with its frames parsed as they stream, the raw output written to
`tlc.log` as it arrives so that nothing is lost if TLC, the JVM or the user
stops the run.  TLC runs in its own process group: a timeout, Ctrl-C, SIGTERM
or SIGHUP kills the whole JVM within two seconds, and the kernel kills it if
dsqspec itself is killed (signals.die_with_parent).  The pipe is read as bytes
and drained to the end whatever TLC prints and whether or not the log can be
written, so TLC never blocks on a full pipe.
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
from typing import BinaryIO, TextIO

from .errors import EnvironmentProblem, Interrupted, TlcFailed
from . import aot_cache
from .distributed import Distributed
from .jvm_heap import DEFAULT_HEAP, young_gen_options
from .launcher import LAUNCHER_CLASS, tlc_classpath
from .outcome import Progress, parse_progress
from .run_dirs import RAW_LOG
from .signals import die_with_parent
from .toolchain import JAR_SHA256
from .tool_frames import PROGRESS, FrameReader, Message

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
    launcher: Path | None = None  # jar of the compiled DsqspecTLC (launcher.py); None: plain TLC
    distributed: Distributed | None = None  # run TLCServer (needs the launcher) instead of tlc2.TLC
    jvm_extra: list[str] | None = None  # None: the java's AOT cache for the classpath, if trained

    def classpath(self) -> str:
        return tlc_classpath(self.launcher, self.jar)

    def command(self, run_dir: Path) -> list[str]:
        classpath = self.classpath()
        main_class = LAUNCHER_CLASS if self.launcher is not None else "tlc2.TLC"
        extra = self.jvm_extra if self.jvm_extra is not None else aot_cache.jvm_options(self.java, classpath)
        jvm, launcher_args, workers = [], [], ["-workers", str(self.workers)]
        if self.distributed is not None:  # TLCServer has no threads of its own: its workers do the work
            jvm, launcher_args, workers = (self.distributed.server_jvm_options(),
                                           self.distributed.server_launcher_args(), [])
        return [
            self.java,
            "-XX:+UseParallelGC",
            f"-Xmx{self.heap}",
            *young_gen_options(self.heap),
            *extra,
            f"-Djava.io.tmpdir={run_dir / 'tmp'}",
            "-Dutil.FileUtil.milliseconds=true",
            "-Duser.language=en",
            "-Duser.country=US",
            *jvm,
            "-cp", classpath,
            main_class,
            *launcher_args,
            "-tool",
            *workers,
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


class RawLog:
    """tlc.log, written as raw bytes; the first write error is kept, not raised.

    A full disk must not stop the pump (TLC would block on the pipe), so after
    a failed write the log stops writing and `error` says why."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.error: OSError | None = None
        self._file: BinaryIO | None = None
        try:
            self._file = path.open("wb")
        except OSError as err:
            self.error = err

    def write(self, data: bytes) -> None:
        if self._file is None or self.error is not None:
            return
        try:
            self._file.write(data)
            self._file.flush()
        except OSError as err:
            self.error = err

    def close(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except OSError as err:
                self.error = self.error or err
            self._file = None

    def failure(self) -> str:
        reason = self.error.strerror or str(self.error) if self.error else "unknown"
        return f"cannot write TLC's output to {self.path}: {reason}"


class Pump:
    """Copies TLC's output pipe into the log and the frame reader until EOF, whatever happens.

    Bytes that are not UTF-8 are decoded with replacement for the reader and
    kept as they are in the log.  An exception in the reader is kept in
    `error`; the pipe is still drained so that TLC can finish or be killed."""

    def __init__(self, stream: BinaryIO, log: RawLog, reader: FrameReader,
                 status: StatusLine | None) -> None:
        self.stream, self.log, self.reader, self.status = stream, log, reader, status
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="tlc-pump", daemon=True)

    def _run(self) -> None:
        for raw in iter(self.stream.readline, b""):
            self.log.write(raw)
            if self.error is not None:
                continue
            try:
                message = self.reader.feed(raw.decode("utf-8", errors="replace"))
                if message is not None and message.code == PROGRESS and self.status is not None:
                    self.status.progress = parse_progress(message.body)
            except Exception as err:  # noqa: BLE001 - kept and reported after the run
                self.error = err

    def start(self) -> None:
        self.thread.start()

    def join(self, timeout: float) -> None:
        self.thread.join(timeout)


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


def _start(command: list[str], run_dir: Path, env: dict, stdout=subprocess.PIPE) -> subprocess.Popen:
    """TLC in its own session (a Ctrl-C on the terminal reaches only dsqspec), dying with dsqspec."""
    try:
        return subprocess.Popen(
            command, cwd=run_dir, stdout=stdout, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True, env=env, preexec_fn=die_with_parent(),
        )
    except OSError as err:
        raise EnvironmentProblem(
            f"cannot run java {command[0]}: {err.strerror or err}; install a JDK >= 11 or fix DSQSPEC_JAVA or JAVA_HOME"
        ) from err


WORKER_EXIT_GRACE = 5.0  # a worker released by the server exits within this


class LocalWorkers:
    """The TLC worker JVMs dsqspec starts beside a TLCServer: each in its own folder and
    process group, its output in `worker-N.log` of the run folder, dying with dsqspec."""

    def __init__(self, commands: list[tuple[list[str], Path]], env: dict) -> None:
        self.commands, self.env = commands, env
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    def start(self) -> None:
        for command, folder in self.commands:
            folder.mkdir(parents=True, exist_ok=True)
            log = folder.parent / f"{folder.name}.log"
            with log.open("wb") as out:
                out.write(("# " + " ".join(command) + "\n").encode("utf-8", errors="replace"))
                out.flush()
                self.processes.append(_start(command, folder, self.env, stdout=out))
            self.logs.append(log)

    def all_failed(self) -> str | None:
        """Why every local worker died before the server finished, or None."""
        if not self.processes or any(p.poll() in (None, 0) for p in self.processes):
            return None
        log = self.logs[0]
        lines = [l for l in log.read_text(errors="replace").splitlines() if l.strip() and not l.startswith("#")]
        return f"every local TLC worker failed (exit {self.processes[0].returncode}: " \
               f"{lines[-1].strip()[:200] if lines else 'no output'}; see {log})"

    def stop(self, grace: float) -> None:
        """Let released workers exit on their own for `grace` seconds, then kill what is left."""
        deadline = time.monotonic() + grace
        for process in self.processes:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            if process.poll() is None:
                _kill_group(process)


def run_tlc(invocation: TlcInvocation, run_dir: Path, status: StatusLine | None = None,
            workers: list[tuple[list[str], Path]] = ()) -> TlcResult:
    """Run TLC on the spec already written into run_dir; return its frames and exit code.

    `workers`: commands (and their folders) of local TLC workers to start once a
    TLCServer runs; they are stopped with it, whatever happens.  Call from the
    main thread: TLC is killed by the kernel when the thread that started it exits."""
    try:
        (run_dir / "tmp").mkdir(exist_ok=True)
    except OSError as err:
        raise TlcFailed(f"cannot create {run_dir / 'tmp'}: {err.strerror or err}; TLC not started") from err
    command = invocation.command(run_dir)
    log_path = run_dir / RAW_LOG
    reader = FrameReader(first_line=3)  # tlc.log's line numbers: two header lines come first
    env = dict(os.environ, LC_ALL="C.UTF-8")
    log = RawLog(log_path)
    log.write(("# " + " ".join(command) + "\n").encode("utf-8", errors="replace"))
    log.write(f"# jar sha256 {invocation.jar_sha256}\n".encode())
    if log.error is not None:
        log.close()
        raise TlcFailed(f"{log.failure()}; TLC not started")
    started = time.monotonic()
    process: subprocess.Popen | None = None
    pump: Pump | None = None
    helpers = LocalWorkers(list(workers), env)
    try:
        process = _start(command, run_dir, env)
        pump = Pump(process.stdout, log, reader, status)
        pump.start()
        helpers.start()
        while True:
            try:
                process.wait(timeout=1.0)
                break
            except subprocess.TimeoutExpired:
                elapsed = time.monotonic() - started
                if status is not None:
                    status.show(elapsed)
                if log.error is not None:
                    _kill_group(process)
                    pump.join(timeout=2)
                    raise TlcFailed(f"{log.failure()}; TLC stopped")
                failed = helpers.all_failed()
                if failed is not None:
                    _kill_group(process)
                    pump.join(timeout=2)
                    raise TlcFailed(f"{failed}; TLC server stopped, raw output kept in {log_path}")
                if invocation.timeout is not None and elapsed > invocation.timeout:
                    _kill_group(process)
                    pump.join(timeout=2)
                    raise TlcFailed(
                        f"TLC timed out after {invocation.timeout:g}s; raw output kept in {log_path}"
                    )
        pump.join(timeout=5)
    except KeyboardInterrupt:
        _stop(process)
        raise Interrupted(f"interrupted; TLC stopped, raw output kept in {log_path}") from None
    except Interrupted as err:
        _stop(process)
        raise Interrupted(f"{err}; TLC stopped, raw output kept in {log_path}", err.exit_code) from None
    finally:
        if status is not None:
            status.clear()
        if process is not None and process.poll() is None:
            _kill_group(process)  # any other way out of here must not leave TLC running
        helpers.stop(WORKER_EXIT_GRACE if process is not None and process.returncode in (0, 11, 12, 13, 14)
                     else 0.0)
        if process is not None and pump is not None and not pump.thread.is_alive():
            process.stdout.close()
        log.close()
    if log.error is not None:
        raise TlcFailed(f"{log.failure()}; TLC's verdict is not trusted without its log")
    if pump.error is not None:
        raise TlcFailed(f"cannot read TLC's output ({type(pump.error).__name__}: {pump.error}); "
                        f"raw output kept in {log_path}")
    return TlcResult(process.returncode, reader.close(), time.monotonic() - started, command, log_path)


def _stop(process: subprocess.Popen | None) -> None:
    if process is not None:
        _kill_group(process)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def status_for(stream: TextIO, quiet: bool, label: str) -> StatusLine | None:
    return None if quiet or not stream.isatty() else StatusLine(stream, label)

