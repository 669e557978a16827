"""One model check from options to verdict: render, run TLC, read its answer.

The verdict is either "no violation" (with TLC's state counts) or a parsed
counterexample; anything else is a `TlcFailed` that names the kept raw log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import DsqspecError, Interrupted, TlcFailed, UsageError
from .distributed import Distributed, worker_command
from .hypothesis import sany_location
from .launcher import launcher_classpath
from .model_options import ModelOptions
from .outcome import VIOLATION_EXITS, Stats, failure_summary, stats_from, succeeded, tlc_version
from .render import RenderedSpec, render
from .run_dirs import keep_only_raw_log, new_run_dir, remove_run, write_manifest
from .tlc_process import StatusLine, TlcInvocation, run_tlc
from .tool_frames import FINISHED, VERSION, Message
from .trace_parse import ErrorTrace, TraceParseError, trace_from_messages


@dataclass
class CheckResult:
    opts: ModelOptions
    run_dir: Path
    kept: bool
    violation: bool
    stats: Stats
    trace: ErrorTrace | None
    tlc_version: str | None
    elapsed: float
    exit_code: int


@dataclass
class RunSettings:
    java: str
    jar: Path
    workers: int
    heap: str
    timeout: float | None = None
    out: Path | None = None
    keep: bool = False
    distributed: Distributed | None = None  # TLCServer and local workers instead of tlc2.TLC


def local_workers(settings: RunSettings, invocation: TlcInvocation, run_dir: Path) -> list[tuple[list[str], Path]]:
    """The command and folder of each worker JVM dsqspec starts beside the TLC server."""
    d = settings.distributed
    if d is None:
        return []
    folders = [run_dir / f"worker-{n}" for n in range(1, d.local_workers + 1)]
    return [(worker_command(settings.java, settings.jar, invocation.launcher, d.listen, d.local_worker_listen(),
                            d.threads, settings.heap, folder), folder) for folder in folders]


def counterexample(messages, log_path: Path) -> ErrorTrace | None:
    """The run's counterexample; output dsqspec cannot read, or that stops before TLC's
    end (so the trace may be partial), is a TLC failure (exit 4)."""
    if not any(m.code == FINISHED for m in messages):
        raise TlcFailed(f"TLC's output stops before its final \"Finished in\" message, so its "
                        f"counterexample may be partial; raw output kept in {log_path}")
    try:
        return trace_from_messages(messages)
    except TraceParseError as err:
        raise TlcFailed(f"cannot parse TLC's counterexample ({err}); raw output kept in {log_path}") from err


_JVM_BOILERPLATE = ("Error: Could not create the Java Virtual Machine.",
                    "Error: A fatal exception has occurred. Program will exit.")


def jvm_start_failure(messages: list[Message]) -> str | None:
    """The JVM's own reason when it died before TLC printed its banner, e.g.
    "Invalid maximum heap size: -Xmx1k"; None once TLC was running."""
    if tlc_version(messages) is not None:
        return None
    lines = [line.strip() for m in messages if m.code is None for line in m.body.splitlines()]
    reason = [line for line in lines if line and line not in _JVM_BOILERPLATE]
    return ": ".join(reason[:2])[:240] if reason else "it printed nothing"


def interpret(exit_code: int, messages, log_path: Path) -> tuple[bool, ErrorTrace | None]:
    """(violation found?, its trace) from a finished run; raises TlcFailed otherwise."""
    jvm = jvm_start_failure(messages) if exit_code != 0 else None
    if jvm is not None:
        raise TlcFailed(f"Java could not start TLC (exit {exit_code}): {jvm}; raw output kept in {log_path}")
    if exit_code == 0 and succeeded(messages):
        return False, None
    if exit_code in VIOLATION_EXITS:
        trace = counterexample(messages, log_path)
        if trace is None:
            raise TlcFailed(f"TLC exited {exit_code} but printed no counterexample; raw output kept in {log_path}")
        return True, trace
    if exit_code == 0:
        raise TlcFailed(f"TLC exited 0 without its success message; raw output kept in {log_path}")
    raise TlcFailed(f"TLC exit {exit_code}, {failure_summary(messages, exit_code)}; raw output kept in {log_path}")


def run_check(opts: ModelOptions, settings: RunSettings, status: StatusLine | None = None,
              spec: RenderedSpec | None = None) -> CheckResult:
    spec = spec or render(opts)
    run_dir = new_run_dir(f"{(opts.hypothesis or opts.variant)}-{opts.procs}p{opts.folios}f", settings.out)
    try:
        spec.write(run_dir)
        invocation = TlcInvocation(settings.java, settings.jar, spec.module, settings.workers,
                                   settings.heap, settings.timeout,
                                   launcher=launcher_classpath(settings.java, settings.jar, run_dir / "launcher"),
                                   distributed=settings.distributed)
        workers = local_workers(settings, invocation, run_dir)
        manifest = {
            "options": opts.cli_args(),
            "describe": opts.describe(),
            "module": spec.module,
            "model": spec.facts,
            "command": invocation.command(run_dir),
        }
        if settings.distributed is not None:
            manifest["distributed"] = {"listen": str(settings.distributed.listen),
                                       "worker_commands": [command for command, _ in workers]}
        write_manifest(run_dir, manifest)
    except OSError as err:
        raise TlcFailed(f"cannot write the run folder {run_dir}: {err.strerror or err}; TLC not started") from err
    except (Interrupted, KeyboardInterrupt):  # before TLC started: no raw log, nothing to keep
        if settings.out is None:  # a folder the user named keeps the spec written into it
            remove_run(run_dir)
        raise
    try:
        result = run_tlc(invocation, run_dir, status, workers)
        manifest.update(exit_code=result.exit_code, elapsed=round(result.elapsed, 3))
        if result.exit_code == 150 and spec.facts.get("hypothesis_file"):
            raise UsageError(sany_location(result.log_path.read_text(errors="replace"), spec.tla,
                                           Path(spec.facts["hypothesis_file"])))
        violation, trace = interpret(result.exit_code, result.messages, result.log_path)
    except Interrupted:
        keep_only_raw_log(run_dir)
        raise
    except DsqspecError:
        _try_write_manifest(run_dir, {**manifest, "outcome": "failed"})
        raise
    stats = stats_from(result.messages)
    manifest.update(outcome="violation" if violation else "no violation",
                    distinct=stats.distinct, generated=stats.generated, depth=stats.depth)
    try:
        write_manifest(run_dir, manifest)
    except OSError as err:
        raise TlcFailed(f"cannot write {run_dir / 'run.json'}: {err.strerror or err}; "
                        f"raw output kept in {result.log_path}") from err
    kept = violation or settings.keep or settings.out is not None
    if not kept:
        remove_run(run_dir)
    return CheckResult(opts, run_dir, kept, violation, stats, trace, tlc_version(result.messages),
                       result.elapsed, result.exit_code)


def _try_write_manifest(run_dir: Path, manifest: dict) -> None:
    """Record a failed run; the failure itself is what the user must hear about."""
    try:
        write_manifest(run_dir, manifest)
    except OSError:
        pass
