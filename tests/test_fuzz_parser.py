"""Fuzzing the parser and `trace render` (a small run; benchmarks/fuzz_parser.py runs longer).

Inputs are logs captured from real TLC runs (tests/fixtures/, made by capture.sh) and
printed TLC values, mutated the way logs get damaged: cut short, bytes flipped, spans
deleted or repeated, TLC's own tokens and frame lines spliced in at random places.
The only outcomes allowed: a result, or TraceParseError with a line inside the input
(for `trace render`: rendered output, or one DsqspecError with its exit code).
"""

from __future__ import annotations

import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tlc_runner.errors import DsqspecError
from tlc_runner.report import render_trace, trace_from_run_dir
from tlc_runner.tool_frames import parse_frames
from tlc_runner.trace_parse import (ErrorTrace, TraceParseError, format_value, parse_plain_trace,
                                    parse_value, trace_from_messages)

from conftest import FIXTURES, fixture_text
from log_damage import KINDS, TOKENS, mutate
from test_trace_parse import values

TOOL_LOGS = ("Values.tool.log", "Dead.tool.log", "Asrt.tool.log", "InitBad.tool.log", "Broken.tool.log",
             "underused-2x2.tool.log", "fixed-3x3.tool.log")
PLAIN_LOGS = ("Values.plain.log", "Dead.plain.log", "Asrt.plain.log", "InitBad.plain.log",
              "underused-2x2.plain.log")
MAX_SECONDS_PER_INPUT = 10.0  # generous on a loaded machine; each input parses in milliseconds

mutation = st.tuples(st.sampled_from(KINDS), st.floats(0, 1), st.floats(0, 1), st.sampled_from(TOKENS),
                     st.integers(0, 255))
swap = st.tuples(st.just("swap"), st.floats(0, 1), st.just(0.0), st.just(""), st.integers(0, 255))


def parses_or_fails_cleanly(parse, text: str):
    """parse(text) returns a result or raises TraceParseError with a line in the input, in bounded time."""
    started = time.monotonic()
    try:
        result = parse(text)
    except TraceParseError as err:
        assert isinstance(err.line, int) and 1 <= err.line <= text.count("\n") + 2, err
        result = err
    assert time.monotonic() - started < MAX_SECONDS_PER_INPUT
    return result


FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(st.sampled_from(TOOL_LOGS), st.lists(mutation, min_size=1, max_size=6))
def test_mutated_tool_logs_parse_or_raise_trace_parse_error(name, ops):
    text = fixture_text(name)
    trace_start = text.find("@!@!@STARTMSG 21")  # most edits land where the parser reads values
    result = parses_or_fails_cleanly(lambda t: trace_from_messages(parse_frames(t)),
                                     mutate(text, ops, max(trace_start, 0)))
    assert result is None or isinstance(result, (ErrorTrace, TraceParseError))


@FUZZ
@given(st.sampled_from(PLAIN_LOGS), st.lists(mutation, min_size=1, max_size=6))
def test_mutated_plain_logs_parse_or_raise_trace_parse_error(name, ops):
    text = fixture_text(name)
    result = parses_or_fails_cleanly(parse_plain_trace, mutate(text, ops, max(text.find("Error: "), 0)))
    assert result is None or isinstance(result, (ErrorTrace, TraceParseError))


@settings(FUZZ, max_examples=300)
@given(values, st.lists(mutation, max_size=3))
def test_mutated_printed_values_parse_or_raise_trace_parse_error(value, ops):
    parses_or_fails_cleanly(parse_value, mutate(format_value(value), ops))


@settings(FUZZ, max_examples=60)
@given(st.sampled_from(("underused-2x2", "fixed-3x3")), st.lists(st.one_of(swap, mutation), min_size=1, max_size=4),
       st.sampled_from(("text", "markdown", "json", "itf")))
def test_trace_render_of_a_damaged_run_renders_or_names_the_problem(tmp_path_factory, name, ops, fmt):
    """The whole of `trace render` past the CLI: a rendered trace or one DsqspecError, nothing else."""
    folder = tmp_path_factory.mktemp("run")
    model = json.loads((FIXTURES / f"{name}.model.json").read_text())
    (folder / "run.json").write_text(json.dumps({"model": model, "module": name, "outcome": "violation",
                                                 "exit_code": 12, "options": model["command"][2:]}))
    text = fixture_text(f"{name}.tool.log")
    head = text.index("@!@!@STARTMSG 2110")  # damage the trace, where the renderers read values
    (folder / "tlc.log").write_text(mutate(text, ops, head), encoding="utf-8")
    try:
        trace, context = trace_from_run_dir(folder)
        assert render_trace(trace, context, fmt)
    except DsqspecError as err:
        assert err.exit_code in (2, 4) and "\n" not in str(err)


@settings(FUZZ, max_examples=60)
@given(st.lists(st.one_of(swap, mutation), min_size=1, max_size=4))
def test_trace_render_of_a_damaged_run_json_renders_or_names_the_problem(tmp_path_factory, ops):
    folder = tmp_path_factory.mktemp("run")
    model = json.loads((FIXTURES / "underused-2x2.model.json").read_text())
    manifest = json.dumps({"model": model, "module": "m", "outcome": "violation", "exit_code": 12,
                           "options": model["command"][2:]}, indent=1)
    (folder / "run.json").write_text(mutate(manifest, ops), encoding="utf-8")
    (folder / "tlc.log").write_text(fixture_text("underused-2x2.tool.log"))
    try:
        trace, context = trace_from_run_dir(folder)
        assert render_trace(trace, context, "markdown")
    except DsqspecError as err:
        assert err.exit_code in (2, 4) and "\n" not in str(err)


def test_the_long_fuzz_benchmark_runs_and_reports_its_figures():
    """benchmarks/fuzz_parser.py at its smallest: it prints rate, slowest input and the size table."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "fuzz_parser.py"
    done = subprocess.run([sys.executable, str(script), "--seconds", "1", "--sizes", "0.05,0.1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert " inputs/s of parsing" in done.stdout and "slowest input: " in done.stdout
    assert "0 other (contract broken)" in done.stdout
    assert "| one sequence that never closes | " in done.stdout and "0.1 MB" in done.stdout
