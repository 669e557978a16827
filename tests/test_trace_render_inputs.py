"""`dsqspec trace render RUN_DIR` on run folders that are cut short, binary, malformed or absent.

Run folders are built from logs captured from real TLC runs (tests/fixtures/*.tool.log,
made by tests/fixtures/capture.sh) and the run.json fields `dsqspec check` writes.
The contract for each: one line on stderr, the documented exit code (2 bad input,
4 an incomplete run), never a traceback, never a partial trace shown as a result.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tlc_runner.cli import main

from conftest import FIXTURES, dsqspec, fixture_text

RUNS = ("underused-2x2", "safe-prev-2x3", "fixed-3x3")


def make_run(folder: Path, name: str = "underused-2x2", log: str | bytes | None = None,
             **manifest) -> Path:
    """A kept run folder as `dsqspec check` leaves it after a violation."""
    folder.mkdir(parents=True, exist_ok=True)
    model = json.loads((FIXTURES / f"{name}.model.json").read_text())
    data = {"options": model["command"][2:], "describe": name, "module": f"DeferredSplit_{name}",
            "model": model, "command": ["java", "tlc2.TLC"], "exit_code": 12, "elapsed": 1.5,
            "outcome": "violation", "distinct": 1, "generated": 1, "depth": 1}
    data.update(manifest)
    (folder / "run.json").write_text(json.dumps({k: v for k, v in data.items() if v is not None}))
    log = fixture_text(f"{name}.tool.log") if log is None else log
    (folder / "tlc.log").write_bytes(log.encode() if isinstance(log, str) else log)
    return folder


def render(folder: Path, *extra: str):
    return CliRunner().invoke(main, ["trace", "render", str(folder), *extra])


def assert_one_line_error(result, code: int, needle: str = "") -> str:
    """The exit code, no exception escaped, and a single 'dsqspec: ...' line as the whole output."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, result.output
    lines = result.output.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("dsqspec: "), result.output
    assert needle in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("name", RUNS)
def test_a_complete_run_renders(tmp_path, name):
    result = render(make_run(tmp_path / "run", name), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["violation"]["kind"] == "invariant"


# -- class 1: a log cut short is an incomplete run (exit 4), never a counterexample -------

def _cut_points(text: str) -> list[int]:
    """Many places to cut: evenly spread, plus the interesting frame boundaries near the end."""
    header = text.index("\n", text.index("\n") + 1) + 1  # after the two '#' lines
    end_line = text.rindex("@!@!@ENDMSG 2186 @!@!@")
    points = {header + (len(text) - header) * i // 40 for i in range(40)}
    last_state = text.rindex("@!@!@ENDMSG 2217 @!@!@")
    points |= {header, last_state, last_state + len("@!@!@ENDMSG 2217 @!@!@\n"),
               text.index("@!@!@STARTMSG 2110"), end_line - 1, end_line, end_line + 10}
    return sorted(p for p in points if header <= p <= end_line + 10)


@pytest.mark.parametrize("name", RUNS)
def test_truncated_logs_are_incomplete_runs_at_every_cut(tmp_path, name):
    text = fixture_text(f"{name}.tool.log")
    points = _cut_points(text)
    assert len(points) > 40
    for i, point in enumerate(points):
        result = render(make_run(tmp_path / f"cut{i}", name, log=text[:point]))
        line = assert_one_line_error(result, 4, "is incomplete")
        assert "Finished in" in line and "no counterexample shown" in line


def test_a_log_cut_after_tlc_finished_still_renders(tmp_path):
    text = fixture_text("underused-2x2.tool.log")
    end = text.rindex("@!@!@ENDMSG 2186 @!@!@") + len("@!@!@ENDMSG 2186 @!@!@")
    assert render(make_run(tmp_path / "run", log=text[:end])).exit_code == 0


def test_run_json_without_an_outcome_is_an_incomplete_run(tmp_path):
    """What run.json holds while TLC runs; dsqspec killed then leaves it so."""
    folder = make_run(tmp_path / "run", exit_code=None, outcome=None)
    assert_one_line_error(render(folder), 4, "records no outcome")


def test_truncated_log_through_the_real_command(tmp_path):
    text = fixture_text("safe-prev-2x3.tool.log")
    folder = make_run(tmp_path / "run", "safe-prev-2x3", log=text[: len(text) * 2 // 3])
    proc = dsqspec("trace", "render", str(folder), timeout=120)
    assert proc.returncode == 4 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "is incomplete" in proc.stderr


# -- class 2: binary, malformed or missing inputs are input errors (exit 2) --------------

BINARY = bytes(range(256)) * 8


@pytest.mark.parametrize("case, needle", [
    ("no folder", "does not exist"),
    ("a file", "is not a folder"),
    ("empty folder", "no run.json"),
    ("only tlc.log", "interrupted run"),
    ("no tlc.log", "has no tlc.log"),
    ("binary tlc.log", "is not text"),
    ("empty tlc.log", "not a TLC log written by dsqspec"),
    ("text tlc.log", "not a TLC log written by dsqspec"),
    ("binary run.json", "is not text"),
    ("bad JSON", "is not valid JSON"),
    ("JSON list", "not a JSON object"),
    ("deep JSON", "nested too deeply"),
    ("no model", "no \"model\" object"),
    ("folios a string", "model.folios is not a list of strings"),
    ("procs a string", "model.procs is not an integer"),
    ("bad outcome", "outcome is 'maybe'"),
    ("no violation", "found no violation"),
    ("failed run", "its run failed (TLC exit 150"),
    ("spec error log", "holds no counterexample"),
    ("no state frames", "holds no counterexample states"),
])
def test_bad_run_folders_exit_2_with_one_line(tmp_path, case, needle):
    folder = tmp_path / "run"
    if case == "a file":
        folder.write_text("x")
    elif case == "empty folder":
        folder.mkdir()
    elif case == "only tlc.log":
        folder.mkdir()
        (folder / "tlc.log").write_text(fixture_text("underused-2x2.tool.log"))
    elif case != "no folder":
        make_run(folder)
        manifest = json.loads((folder / "run.json").read_text())
        edits = {
            "no tlc.log": lambda: (folder / "tlc.log").unlink(),
            "binary tlc.log": lambda: (folder / "tlc.log").write_bytes(BINARY),
            "empty tlc.log": lambda: (folder / "tlc.log").write_text(""),
            "text tlc.log": lambda: (folder / "tlc.log").write_text("hello\nworld\n" * 50),
            "binary run.json": lambda: (folder / "run.json").write_bytes(BINARY),
            "bad JSON": lambda: (folder / "run.json").write_text('{"model": '),
            "JSON list": lambda: (folder / "run.json").write_text("[1, 2]"),
            "deep JSON": lambda: (folder / "run.json").write_text("[" * 100_000 + "]" * 100_000),
            "no model": lambda: (folder / "run.json").write_text('{"outcome": "violation"}'),
            "folios a string": lambda: _edit(folder, manifest, ("model", "folios"), "F1"),
            "procs a string": lambda: _edit(folder, manifest, ("model", "procs"), "2"),
            "bad outcome": lambda: _edit(folder, manifest, ("outcome",), "maybe"),
            "no violation": lambda: _edit(folder, manifest, ("outcome",), "no violation"),
            "failed run": lambda: (_edit(folder, manifest, ("outcome",), "failed"),
                                   _edit(folder, manifest, ("exit_code",), 150)),
            "spec error log": lambda: (folder / "tlc.log").write_text(fixture_text("Broken.tool.log")),
            "no state frames": lambda: (folder / "tlc.log").write_text(_without_states()),
        }
        edits[case]()
    line = assert_one_line_error(render(folder), 2, needle)
    assert "Traceback" not in line


def _without_states() -> str:
    """The captured log with every state frame (2217) taken out, TLC's end left in place."""
    kept, skipping = [], False
    for line in fixture_text("underused-2x2.tool.log").split("\n"):
        if line == "@!@!@STARTMSG 2217:4 @!@!@":
            skipping = True
        elif not skipping:
            kept.append(line)
        elif line == "@!@!@ENDMSG 2217 @!@!@":
            skipping = False
    return "\n".join(kept)


def _edit(folder: Path, manifest: dict, path: tuple, value) -> None:
    target = manifest
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    (folder / "run.json").write_text(json.dumps(manifest))


def test_corrupt_value_in_the_log_names_its_line(tmp_path):
    text = fixture_text("underused-2x2.tool.log")
    lines = text.split("\n")
    target = next(i for i, l in enumerate(lines) if l.startswith("/\\ len = ") and i > 200)
    lines[target] = "/\\ len = [a |-> "
    line = assert_one_line_error(render(make_run(tmp_path / "run", log="\n".join(lines))), 2,
                                 f"line {target + 1}: cannot parse TLC value")
    assert "tlc.log" in line


@pytest.mark.parametrize("old, new, needle", [
    ('/\\ nxt = [L1 |-> "L1", Q |-> "F1", F1 |-> "F2", F2 |-> "Q"]', "/\\ nxt = <<1>>", "nxt is not a record"),
    ('Q |-> "F1", F1 |-> "F2"', 'Q |-> "nowhere", F1 |-> "F2"', "nxt points to 'nowhere'"),
    ("/\\ faults = {}", "/\\ faults = 3", "faults is not a set"),
    ('fn |-> "deferred_split_scan"', "fn |-> 7", "must be strings"),
    ('/\\ pc = [S1 |-> "sh_entry"', '/\\ pc = [X9 |-> "sh_entry"', "pc has no entry for S1"),
])
def test_a_trace_that_does_not_fit_the_model_is_an_input_error(tmp_path, old, new, needle):
    """Well-formed TLC values of the wrong shape (a hand-edited log, or another model's run.json)."""
    text = fixture_text("underused-2x2.tool.log")
    head, sep, tail = text.partition("@!@!@STARTMSG 2110:1 @!@!@")
    assert old in tail
    edited = head + sep + tail.replace(old, new, 1)
    line = assert_one_line_error(render(make_run(tmp_path / "run", log=edited)), 2, needle)
    assert "does not fit the model in run.json" in line


def test_another_models_run_json_is_an_input_error(tmp_path):
    folder = make_run(tmp_path / "run", "underused-2x2",
                      log=fixture_text("fixed-3x3.tool.log"))
    assert_one_line_error(render(folder), 2, "does not fit the model in run.json")


def test_binary_log_through_the_real_command(tmp_path):
    folder = make_run(tmp_path / "run", log=BINARY)
    proc = dsqspec("trace", "render", str(folder), timeout=120)
    assert proc.returncode == 2 and proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "is not text" in proc.stderr


@pytest.mark.parametrize("name", RUNS)
def test_check_refuses_a_violation_whose_output_stops_before_tlc_finished(tmp_path, name):
    """The same rule where `check` reads TLC's stream: exit 12 with a cut-off output is a TLC failure."""
    from tlc_runner.check import interpret
    from tlc_runner.errors import TlcFailed
    from tlc_runner.tool_frames import parse_frames

    text = fixture_text(f"{name}.tool.log")
    assert interpret(12, parse_frames(text), tmp_path / "tlc.log")[0] is True
    cut = text[: text.rindex("@!@!@ENDMSG 2217 @!@!@")]
    with pytest.raises(TlcFailed, match="stops before its final"):
        interpret(12, parse_frames(cut), tmp_path / "tlc.log")


def test_run_json_with_an_integer_past_the_int_string_limit_is_bad_input(tmp_path):
    """Found by the CI fuzz: json.loads raises ValueError, not JSONDecodeError, on a
    5,000-digit number, which escaped as a traceback."""
    from tlc_runner.errors import UsageError
    from tlc_runner.kept_run import _manifest

    path = tmp_path / "run.json"
    path.write_text('{"outcome": ' + "1" * 5000 + "}")
    with pytest.raises(UsageError, match="too long"):
        _manifest(path)
