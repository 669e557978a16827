"""Real underused and safe-prev counterexamples (fixtures captured from TLC by
tests/fixtures/capture.sh) rendered in all four formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from click.testing import CliRunner

from tlc_runner.cli import main
from tlc_runner.report import render_trace
from tlc_runner.spec_shapes import lifted_constants, variable_kinds, variables
from tlc_runner.timeline import build_timeline
from tlc_runner.tool_frames import parse_frames
from tlc_runner.trace_parse import trace_from_messages

from conftest import FIXTURES, dsqspec, fixture_context, fixture_facts, fixture_text

DOCS = Path(__file__).resolve().parent.parent / "docs"
CASES = ["underused-2x2", "safe-prev-2x3", "fixed-3x3"]


def load(name):
    return trace_from_messages(parse_frames(fixture_text(f"{name}.tool.log")))


def fenced_blocks(markdown: str) -> list[list[str]]:
    return [block.splitlines() for block in re.findall(r"```\n(.*?)```", markdown, re.S)]


@pytest.mark.parametrize("name", CASES)
def test_markdown_is_a_cpu_column_diagram_within_80_columns(name):
    out = render_trace(load(name), fixture_context(name), "markdown")
    diagram = fenced_blocks(out)[0]
    assert diagram[0].startswith("CPU0") and "CPU1" in diagram[0]
    assert all(len(line) <= 80 for block in fenced_blocks(out) for line in block)
    assert any("<==" in line for line in diagram)
    assert re.search(r"\*\*\* \w+ VIOLATED \*\*\*", "\n".join(diagram))
    assert "dsqspec check --variant" in out and "before  Q: F1 F2" in out


@pytest.mark.parametrize("name", CASES)
def test_text_table_marks_the_breaking_step(name):
    trace = load(name)
    out = render_trace(trace, fixture_context(name), "text")
    assert f"{trace.violation.name} broken" in out and "what happened" in out


@pytest.mark.parametrize("name", CASES)
def test_json_timeline_has_the_documented_fields(name):
    trace = load(name)
    data = json.loads(render_trace(trace, fixture_context(name), "json"))
    assert data["schema"] == "dsqspec-timeline" and data["version"] == 1
    assert data["verdict"] == "violation"
    assert data["violation"]["property"] == trace.violation.name
    assert data["first_break"]["step"] == trace.states[-1].index
    event = data["events"][0]
    assert set(event) >= {"step", "proc", "cpu", "fn", "prim", "op", "effect", "changes", "lists", "broken"}
    assert len(data["events"]) == len(trace.states) - 1


def rendered_spec(name: str, folder: Path) -> Path:
    """The real spec the fixture's run checked, rendered again from its command line."""
    args = json.loads((FIXTURES / f"{name}.model.json").read_text())["command"][2:]
    result = CliRunner().invoke(main, ["render", *args, "--out", str(folder)])
    assert result.exit_code == 0, result.output
    return next(folder.glob("*.tla"))


def itf(name: str, folder: Path) -> dict:
    context = {**fixture_context(name), "spec_tla": rendered_spec(name, folder).read_text()}
    return json.loads(render_trace(load(name), context, "itf"))


def decode(value):
    """An ITF value back into plain Python: #map -> dict, #set -> frozenset."""
    if isinstance(value, list):
        return tuple(decode(v) for v in value)
    if isinstance(value, dict) and "#map" in value:
        return {decode(k): decode(v) for k, v in value["#map"]}
    if isinstance(value, dict) and "#set" in value:
        return frozenset(decode(v) for v in value["#set"])
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("name", CASES)
def test_itf_writes_the_specs_functions_as_maps_and_its_records_as_records(name, tmp_path):
    trace = load(name)
    data = itf(name, tmp_path)
    tla = next(tmp_path.glob("*.tla")).read_text()
    assert data["#meta"]["format"] == "ITF" and data["#meta"]["history"] == ["evt"]
    assert len(data["states"]) == len(trace.states)
    # every variable the fixture's TLC run printed, each one the spec's (a fixture captured
    # before a variable was added, as swc and cand, lacks only that one)
    assert set(data["vars"]) == set(trace.states[0].variables)
    assert set(data["vars"]) <= set(variables(tla)) | set(lifted_constants(tla))
    kinds = variable_kinds(tla)
    first = data["states"][0]
    for var in data["vars"]:
        value = first[var]
        if kinds[var] == "function":
            assert set(value) == {"#map"}, var
        elif kinds[var] == "set":
            assert set(value) == {"#set"}, var
    assert {"nxt", "prv", "ref", "st", "pm", "pc", "batch"} <= {v for v, k in kinds.items() if k == "function"}
    assert kinds["evt"] == "record" and kinds["faults"] == "set"
    assert set(first["evt"]) == {"p", "fn", "prim", "op", "obj", "fld", "val"}  # a record stays an object
    assert first["faults"] == {"#set": []} and isinstance(first["len"], int)
    assert all(isinstance(v, list) for _, v in first["batch"]["#map"])  # a function to sequences
    for state, parsed in zip(data["states"], trace.states):  # the map holds what TLC printed
        assert decode(state["nxt"]) == {k: str(v) for k, v in parsed.variables["nxt"].as_dict().items()}
        assert decode(state["ref"]) == parsed.variables["ref"].as_dict()


@pytest.mark.parametrize("name", CASES)
def test_itf_var_types_follow_the_values_tlc_printed(name, tmp_path):
    types = itf(name, tmp_path)["#meta"]["varTypes"]
    assert types["nxt"] == types["prv"] == types["pc"] == "Str -> Str"
    assert types["ref"] == types["removed"] == "Str -> Int"
    assert types["pm"] == "Str -> Bool" and types["len"] == "Int" and types["lock"] == "Str"
    assert types["faults"] == "Set(Str)"  # empty at first; the trace ends with a fault in it
    assert "evt" not in types  # evt.val holds numbers (refcounts) and strings (nodes)
    assert "batch" not in types  # every batch stays <<>>: its element type never shows


def test_trace_render_itf_without_the_rendered_spec_is_an_input_error(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "tlc.log").write_text(fixture_text("underused-2x2.tool.log"))
    model = json.loads((FIXTURES / "underused-2x2.model.json").read_text())
    (run / "run.json").write_text(json.dumps({"model": model, "module": "DeferredSplit_underused_2p2f",
                                             "outcome": "violation"}))
    proc = dsqspec("trace", "render", str(run), "--format", "itf")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "functions from records" in proc.stderr
    rendered_spec("underused-2x2", run)
    proc = dsqspec("trace", "render", str(run), "--format", "itf")
    assert proc.returncode == 0, proc.stderr
    assert "#map" in json.loads(proc.stdout)["states"][0]["nxt"]


def test_underused_timeline_names_the_race():
    timeline = build_timeline(load("underused-2x2"), fixture_facts("underused-2x2"))
    cpus = {e.cpu for e in timeline.events}
    assert cpus == {"CPU0", "CPU1"}
    breaking = timeline.events[-1]
    assert breaking.broken == ["ListIntegrity"] and "list_del corruption" in breaking.effect


def test_safe_prev_timeline_shows_the_split_folio_becoming_prev():
    timeline = build_timeline(load("safe-prev-2x3"), fixture_facts("safe-prev-2x3"))
    swaps = [e for e in timeline.events if e.prim.startswith("swap(")]
    unfreeze = next(e for e in timeline.events if e.op == "unfreeze")
    late = [e for e in swaps if e.step > unfreeze.step]
    assert late and late[0].effect.startswith(f"swap(folio, prev): prev = {unfreeze.effect.split('(')[1].split(',')[0]}")


def test_docs_show_the_safe_prev_markdown_exactly_as_printed():
    printed = render_trace(load("safe-prev-2x3"), fixture_context("safe-prev-2x3"), "markdown")
    doc = (DOCS / "example-safe-prev.md").read_text()
    assert printed in doc, "regenerate docs/example-safe-prev.md (see its header)"


def _fields(value, parent: str = "") -> dict[str, set[str]]:
    """Every field of a JSON document: its name -> the ways the doc may spell it
    (`obj`, `violation.kind`, `changes[].what`).  The keys of `cpus` are data (CPU names)."""
    found: dict[str, set[str]] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            found.setdefault(key, set()).update({key, f"{parent}.{key}", f"{parent}[].{key}"})
            if key != "cpus":
                for name, spellings in _fields(item, key).items():
                    found.setdefault(name, set()).update(spellings)
    elif isinstance(value, list):
        for item in value:
            for name, spellings in _fields(item, parent).items():
                found.setdefault(name, set()).update(spellings)
    return found


@pytest.mark.parametrize("name", CASES)
def test_every_json_field_emitted_is_documented(name):
    data = json.loads(render_trace(load(name), fixture_context(name), "json"))
    doc = (DOCS / "trace-json.md").read_text()
    fields = _fields(data)
    missing = sorted(n for n, spellings in fields.items() if not any(f"`{s}`" in doc for s in spellings))
    assert not missing, f"fields emitted but not in docs/trace-json.md: {missing}"
    assert {"obj", "failed", "reason", "what"} <= set(fields)
