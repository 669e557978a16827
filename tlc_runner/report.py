"""From a kept run folder (or a fresh result) to rendered output in any format."""

from __future__ import annotations

from pathlib import Path

from .kept_run import kept_counterexample, load_kept_run
from .model_state import ModelFacts
from .output.itf import render_itf
from .output.json_out import render_json
from .output.markdown import render_markdown
from .output.text import render_text
from .run_dirs import read_manifest
from .timeline import build_timeline
from .trace_parse import ErrorTrace


def report_context(run_dir: Path, version: str | None) -> dict:
    return context_from_manifest(read_manifest(run_dir), version)


def context_from_manifest(manifest: dict, version: str | None) -> dict:
    model = manifest.get("model", {})
    return {
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
    return trace, context_from_manifest(run.manifest, version)


def render_trace(trace: ErrorTrace, context: dict, fmt: str, full: bool = False) -> str:
    if fmt == "itf":
        return render_itf(trace, context)
    timeline = build_timeline(trace, ModelFacts.from_dict(context["facts"]))
    if fmt == "json":
        return render_json(timeline, context)
    if fmt == "markdown":
        return render_markdown(timeline, context, full)
    return render_text(timeline, context, full)
