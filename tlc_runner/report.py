"""From a kept run folder (or a fresh result) to rendered output in any format."""

from __future__ import annotations

import re
from pathlib import Path

from .check import CheckResult, counterexample
from .errors import UsageError
from .model_state import ModelFacts
from .outcome import tlc_version
from .output.itf import render_itf
from .output.json_out import render_json
from .output.markdown import render_markdown, render_no_violation_markdown
from .output.summary import no_violation
from .output.text import render_text
from .run_dirs import RAW_LOG, read_manifest
from .timeline import build_timeline
from .tool_frames import parse_frames
from .trace_parse import ErrorTrace


def _spec_text(run_dir: Path, module: str | None) -> str | None:
    """The rendered spec the run checked, kept next to its log (ITF reads its variables)."""
    if not isinstance(module, str) or not re.fullmatch(r"[A-Za-z0-9_]+", module):
        return None  # a module name is an identifier: never a path out of the run folder
    path = run_dir / f"{module}.tla"
    try:
        return path.read_text() if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None


def report_context(run_dir: Path, version: str | None) -> dict:
    manifest = read_manifest(run_dir)
    model = manifest.get("model", {})
    return {
        "spec_tla": _spec_text(run_dir, manifest.get("module")),
        "label": model.get("hypothesis") or model.get("variant"),
        "procs": model.get("procs"),
        "command": model.get("command", ["dsqspec", "check", *manifest.get("options", [])]),
        "module": manifest.get("module"),
        "tlc_version": version,
        "facts": model,
    }


def trace_from_run_dir(run_dir: Path) -> tuple[ErrorTrace, str | None]:
    log = run_dir / RAW_LOG
    if not log.is_file():
        raise UsageError(f"{run_dir} has no {RAW_LOG}: not a kept dsqspec run")
    messages = parse_frames(log.read_text())
    found = counterexample(messages, log)
    if found is None:
        raise UsageError(f"{run_dir} holds no counterexample (its run found no violation)")
    return found, tlc_version(messages)


def render_trace(trace: ErrorTrace, context: dict, fmt: str, full: bool = False) -> str:
    if fmt == "itf":
        if not context.get("spec_tla"):
            raise UsageError(f"ITF needs the run's rendered spec ({context.get('module')}.tla) to tell "
                             "functions from records, and the run folder has none")
        return render_itf(trace, context)
    timeline = build_timeline(trace, ModelFacts.from_dict(context["facts"]))
    if fmt == "json":
        return render_json(timeline, context)
    if fmt == "markdown":
        return render_markdown(timeline, context, full)
    return render_text(timeline, context, full)


def no_violation_report(result: CheckResult, fmt: str) -> str:
    """A clean pass: the model, the properties TLC checked and its state counts.
    Markdown is the reply to paste; every other format gets the plain lines."""
    opts, stats = result.opts, result.stats
    title, checked = no_violation(opts.hypothesis or opts.variant, opts.procs, opts.shrinkers,
                                  opts.folios, opts.properties, stats.distinct, stats.generated,
                                  stats.depth, result.elapsed, result.tlc_version)
    if fmt == "markdown":
        return render_no_violation_markdown(title, checked, ["dsqspec", "check", *opts.cli_args()])
    return (f"no violation: {opts.describe()}; {stats.distinct:,} distinct states, "
            f"{stats.generated:,} generated, depth {stats.depth}, {result.elapsed:.1f}s "
            f"[{result.tlc_version}]\nproperties checked: {', '.join(opts.properties)}\n")
