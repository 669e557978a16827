"""A kept run folder read back for `trace render`, checked before anything is shown.

A run folder is input like any other file: it can be cut short (TLC or dsqspec
stopped, a full disk, a copy that did not finish), binary, hand-edited, or not a
run at all.  Every way it can be wrong ends in one DsqspecError with one line:
bad input is a UsageError (exit 2); a run that never reached TLC's end is
TlcFailed (exit 4), so a partial trace is never presented as a counterexample.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import TlcFailed, UsageError
from .outcome import tlc_version
from .run_dirs import MANIFEST, RAW_LOG
from .model_state import ModelFacts
from .tool_frames import FINISHED, Message, parse_frames
from .trace_fit import TraceMismatch, check_fits
from .trace_parse import ErrorTrace, TraceParseError, trace_from_messages

OUTCOMES = ("violation", "no violation", "failed")
# run.json's "model" fields the renderers read, with the JSON types they need
_MODEL_LISTS = ("folios", "shrinkers", "mid_labels", "post_labels", "properties")
_LOG_HEADER = ("# ", "# jar sha256 ")  # the two lines dsqspec writes above TLC's output


@dataclass
class KeptRun:
    folder: Path
    manifest: dict
    log_path: Path
    messages: list[Message]

    @property
    def model(self) -> dict:
        return self.manifest["model"]


def load_kept_run(folder: Path) -> KeptRun:
    """run.json and tlc.log of a finished run, each checked; raises UsageError or TlcFailed."""
    try:
        return _load(folder)
    except OSError as err:  # a folder dsqspec may not look into, a file that vanished
        raise UsageError(f"cannot read {err.filename or folder}: {err.strerror}") from None


def _load(folder: Path) -> KeptRun:
    if not folder.exists():
        raise UsageError(f"{folder} does not exist")
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder (trace render takes a run folder)")
    manifest_path, log_path = folder / MANIFEST, folder / RAW_LOG
    if not manifest_path.is_file():
        hint = " (it holds only tlc.log: an interrupted run keeps just TLC's raw output)" \
            if log_path.is_file() else ""
        raise UsageError(f"{folder} is not a dsqspec run folder: no {MANIFEST}{hint}")
    manifest = _manifest(manifest_path)
    if not log_path.is_file():
        raise UsageError(f"{folder} has no {RAW_LOG}: not a kept dsqspec run")
    text = _text(log_path)
    lines = text.split("\n")
    if len(lines) < 2 or not all(line.startswith(p) for line, p in zip(lines, _LOG_HEADER)):
        raise UsageError(f"{log_path} is not a TLC log written by dsqspec "
                         f"(its first lines are not the command and the jar's sha256)")
    if "outcome" not in manifest:
        raise TlcFailed(f"{folder} holds an incomplete run: its {MANIFEST} records no outcome "
                        f"(dsqspec was stopped before the run ended); no counterexample shown")
    messages = parse_frames(text)
    if not any(m.code == FINISHED for m in messages):
        last = len(lines) - (1 if text.endswith("\n") else 0)
        raise TlcFailed(f"{log_path} is incomplete: it ends at line {last} before TLC's final "
                        f"\"Finished in\" message (TLC was stopped or the log was cut short); "
                        f"no counterexample shown")
    return KeptRun(folder, manifest, log_path, messages)


def kept_counterexample(run: KeptRun) -> tuple[ErrorTrace, str | None]:
    """The run's counterexample, checked against its model; raises UsageError if there is none."""
    outcome = run.manifest["outcome"]
    if outcome != "violation":
        why = "found no violation" if outcome == "no violation" else \
            f"failed (TLC exit {run.manifest.get('exit_code', '?')}; its output is in {run.log_path})"
        raise UsageError(f"{run.folder} holds no counterexample: its run {why}")
    try:
        trace = trace_from_messages(run.messages)
    except TraceParseError as err:
        raise UsageError(f"{run.log_path}: {err}") from None
    if trace is None or not any(state.variables for state in trace.states):
        raise UsageError(f"{run.log_path} holds no counterexample states, though {MANIFEST} records a violation")
    try:
        check_fits(trace, ModelFacts.from_dict(run.model))
    except TraceMismatch as err:
        raise UsageError(f"{run.log_path}: {err}") from None
    return trace, tlc_version(run.messages)


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(f"{path} is not text: byte {err.start} is not UTF-8 (a binary or corrupt file?)") from None


def _manifest(path: Path) -> dict:
    """run.json, with the types of every field the renderers read checked."""
    try:
        data = json.loads(_text(path))
    except json.JSONDecodeError as err:
        raise UsageError(f"{path} is not valid JSON: {err}") from None
    except RecursionError:
        raise UsageError(f"{path} is not a dsqspec run.json: nested too deeply") from None
    except ValueError:  # an integer past Python's int-string limit: dsqspec never writes one
        raise UsageError(f"{path} is not a dsqspec run.json: a number too long to read") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} is not a dsqspec run.json: not a JSON object")
    problem = _manifest_problem(data)
    if problem:
        raise UsageError(f"{path} is not a dsqspec run.json: {problem}")
    return data


def _is_strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _manifest_problem(data: dict) -> str | None:
    model = data.get("model")
    if not isinstance(model, dict):
        return "no \"model\" object"
    for name in _MODEL_LISTS:
        if not _is_strings(model.get(name)):
            return f"model.{name} is not a list of strings"
    if not model["folios"] or not model["shrinkers"]:
        return "model.folios and model.shrinkers must not be empty"
    if not isinstance(model.get("local_list"), bool):
        return "model.local_list is not true or false"
    if not isinstance(model.get("procs"), int) or isinstance(model.get("procs"), bool):
        return "model.procs is not an integer"
    for name in ("variant", "hypothesis"):
        if model.get(name) is not None and not isinstance(model[name], str):
            return f"model.{name} is not a string"
    if "command" in model and not _is_strings(model["command"]):
        return "model.command is not a list of strings"
    if "command" in model and model["command"][:2] != ["dsqspec", "check"]:
        # the reply prints it under "Reproduce with:", for the reader to paste into a shell
        return "model.command is not a `dsqspec check` command"
    if "options" in data and not _is_strings(data["options"]):
        return "options is not a list of strings"
    if data.get("module") is not None and not isinstance(data["module"], str):
        return "module is not a string"
    if "outcome" in data and data["outcome"] not in OUTCOMES:
        return f"outcome is {data['outcome']!r}, not one of {', '.join(OUTCOMES)}"
    return None
