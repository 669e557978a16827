"""From a kept run folder (or a fresh result) to rendered output in any format."""

from __future__ import annotations

import re
from pathlib import Path

from .check import CheckResult
from .errors import UsageError
from .kept_run import kept_counterexample, load_kept_run
from .model_state import ModelFacts
from .output.itf import render_itf, render_itf_no_violation
from .output.json_out import render_json, render_no_violation_json
from .output.markdown import render_markdown, render_no_violation_markdown
from .output.summary import no_violation
from .output.text import render_text
from .run_dirs import read_manifest
from .timeline import build_timeline
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
    return context_from_manifest(read_manifest(run_dir), version, run_dir)


def context_from_manifest(manifest: dict, version: str | None, run_dir: Path) -> dict:
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


def trace_from_run_dir(run_dir: Path) -> tuple[ErrorTrace, dict]:
    """A kept run's counterexample and its report context; bad or incomplete folders raise."""
    run = load_kept_run(run_dir)
    trace, version = kept_counterexample(run)
    return trace, context_from_manifest(run.manifest, version, run.folder)


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
    Markdown is the reply to paste, json and itf one document a program reads
    (docs/trace-json.md), text the plain lines."""
    opts, stats = result.opts, result.stats
    label = opts.hypothesis or opts.variant
    command = ["dsqspec", "check", *opts.cli_args()]
    title, checked = no_violation(label, opts.procs, opts.shrinkers,
                                  opts.folios, opts.properties, stats.distinct, stats.generated,
                                  stats.depth, result.elapsed, result.tlc_version)
    if fmt == "markdown":
        return render_no_violation_markdown(title, checked, command)
    if fmt == "json":
        model = {"label": label, "procs": opts.procs,
                 "shrinkers": [f"S{i}" for i in range(1, opts.shrinkers + 1)],
                 "folios": [f"F{i}" for i in range(1, opts.folios + 1)],
                 "properties": list(opts.properties)}
        counts = {"distinct": stats.distinct, "generated": stats.generated, "depth": stats.depth}
        return render_no_violation_json(model, counts, result.elapsed, result.tlc_version, command)
    if fmt == "itf":
        return render_itf_no_violation(opts.module_name(), f"{title}. {checked}", result.tlc_version)
    return (f"no violation: {opts.describe()}; {stats.distinct:,} distinct states, "
            f"{stats.generated:,} generated, depth {stats.depth}, {result.elapsed:.1f}s "
            f"[{result.tlc_version}]\nproperties checked: {', '.join(opts.properties)}\n")
