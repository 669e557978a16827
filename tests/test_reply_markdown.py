"""The reply a kernel developer pastes (`--format markdown`), held to mailing-list rules.

The counterexamples are real TLC runs (tests/fixtures, captured by capture.sh);
the clean verdict is a real TLC run of a small model that holds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tlc_runner.model_options import PROPERTIES
from tlc_runner.report import render_trace
from tlc_runner.timeline import build_timeline
from tlc_runner.tool_frames import parse_frames
from tlc_runner.trace_parse import trace_from_messages

from conftest import dsqspec, fixture_context, fixture_facts, fixture_text

CASES = ["underused-2x2", "safe-prev-2x3", "fixed-3x3"]
WIDTH = 72
HOLDS = ["--variant", "fixed", "--procs", "2", "--folios", "2", "--actors", "free,migrate",
         "--atomic-init", "--quiet", "--workers", "1"]


def load(name):
    return trace_from_messages(parse_frames(fixture_text(f"{name}.tool.log")))


def markdown(name: str) -> str:
    return render_trace(load(name), fixture_context(name), "markdown")


def diagram(text: str) -> list[str]:
    return re.findall(r"```\n(.*?)```", text, re.S)[0].splitlines()


def prose(text: str) -> str:
    """The markdown with fenced blocks and code spans taken out: what a renderer reads as text."""
    return re.sub(r"`[^`]*`", "", re.sub(r"```\n.*?```", "", text, flags=re.S))


def cells(lines: list[str], ncols: int) -> list[list[str]]:
    """The diagram's body split into its CPU columns (below the `----` rule), blank cells dropped."""
    width = (WIDTH - 2 * (ncols - 1)) // ncols
    body = lines[lines.index(next(l for l in lines if l.startswith("----"))) + 1:]
    body = body[:body.index("")] if "" in body else body
    out: list[list[str]] = [[] for _ in range(ncols)]
    for line in body:
        for col in range(ncols):
            piece = line[col * (width + 2):(col + 1) * (width + 2)].rstrip()
            if piece.strip():
                out[col].append(piece)
    return out


@pytest.mark.parametrize("name", CASES)
def test_every_line_of_the_reply_fits_72_columns(name):
    too_long = [line for line in markdown(name).splitlines() if len(line) > WIDTH]
    assert not too_long, too_long


@pytest.mark.parametrize("name", CASES)
def test_no_bare_angle_bracket_outside_code(name):
    text = prose(markdown(name))
    assert "<" not in text, [line for line in text.splitlines() if "<" in line]


@pytest.mark.parametrize("name", CASES)
def test_every_step_line_sits_under_the_kernel_function_that_ran_it(name):
    lines = diagram(markdown(name))
    ncols = len(lines[0].split())
    timeline = build_timeline(load(name), fixture_facts(name))
    functions = {e.fn for e in timeline.events}
    for column in cells(lines, ncols):
        assert column and column[0].endswith("():"), column[:2]
        for line in column:
            if not line.startswith(" "):
                assert line.endswith("():") and line[:-3] in functions, line
            else:
                assert line.startswith("  "), line


@pytest.mark.parametrize("name", CASES)
def test_steps_cited_in_the_prose_are_steps_the_diagram_shows(name):
    text = markdown(name)
    shown = {int(n) for n in re.findall(r"^\s*(\d+)\s", "\n".join(diagram(text)), re.M)}
    cited = {int(n) for n in re.findall(r"\bsteps? (\d+)", prose(text))}
    assert cited <= shown, f"cites steps {sorted(cited - shown)} the diagram does not show"


def _marked_cell(name: str) -> str:
    lines = diagram(markdown(name))
    column = next(c for c in cells(lines, len(lines[0].split())) if any("<==" in l for l in c))
    start = next(i for i, l in enumerate(column) if "<==" in l)
    while start > 0 and column[start - 1].startswith("    "):  # the wrapped step above the marker
        start -= 1
    start -= 1
    return " ".join(l.strip() for l in column[start:start + 8])


@pytest.mark.parametrize("name", ["underused-2x2", "safe-prev-2x3"])
def test_the_marked_step_says_what_config_debug_list_reports(name):
    """list_del_init(F1) on the unlocked local list: prev = L1, whose next the owner left
    pointing at its own folio; the message is lib/list_debug.c's, with the trace's values."""
    trace = load(name)
    before = trace.states[-2].variables
    entry = str(trace.states[-1].variables["evt"].as_dict()["obj"])
    prev = str(before["prv"].as_dict()[entry])
    was = str(before["nxt"].as_dict()[prev])
    expected = f"list_del corruption. prev->next should be {entry}, but was {was}. (prev={prev})"
    assert expected in _marked_cell(name)
    assert "<== ListIntegrity" in _marked_cell(name)
    assert expected in prose(markdown(name)).replace("\n", " ")


def test_the_marked_free_says_the_folio_is_freed_while_still_linked():
    trace = load("fixed-3x3")
    last = trace.states[-1].variables
    freed = str(last["evt"].as_dict()["obj"])
    prev = str(last["prv"].as_dict()[freed])
    assert prev != freed  # the second INIT_LIST_HEAD() store has not landed
    cell = _marked_cell("fixed-3x3")
    assert "<== NoUseAfterFree" in cell
    assert f"freed while linked: {freed}->prev is still {prev}" in cell


def test_clean_verdict_lists_the_properties_and_state_counts(runs_dir, jar):
    text = dsqspec("check", *HOLDS)
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("no violation:") and "distinct states" in text.stdout
    assert f"properties checked: {', '.join(PROPERTIES)}\n" in text.stdout
    reply = dsqspec("check", *HOLDS, "--format", "markdown")
    assert reply.returncode == 0, reply.stderr
    flat = reply.stdout.replace("\n", " ")
    assert "no violation" in flat and "distinct states" in flat
    assert f"{', '.join(PROPERTIES[:-1])} and {PROPERTIES[-1]}" in flat
    assert all(len(line) <= WIDTH for line in reply.stdout.splitlines())
    assert "dsqspec check --variant fixed" in reply.stdout and "<" not in prose(reply.stdout)


FINDINGS = {
    "F-1": ["--variant", "v6.11", "--procs", "2", "--folios", "2", "--actors", "free",
            "--property", "NoUseAfterFree"],
    "F-2": ["--variant", "fixed", "--procs", "2", "--folios", "2", "--actors", "unmap",
            "--property", "ListIntegrity"],
}


@pytest.mark.parametrize("finding", sorted(FINDINGS))
def test_findings_quote_the_reply_exactly_as_printed(finding, runs_dir, jar):
    """docs/findings.md says its traces are dsqspec's output, unedited: hold it to that."""
    proc = dsqspec("check", *FINDINGS[finding], "--format", "markdown", "--quiet", "--workers", "1")
    assert proc.returncode == 1, proc.stderr
    doc = (Path(__file__).resolve().parent.parent / "docs" / "findings.md").read_text()
    assert proc.stdout in doc, f"re-render {finding} into docs/findings.md"


@pytest.mark.parametrize("name", ["underused-2x2", "safe-prev-2x3"])
def test_the_lockless_peek_and_the_locked_recheck_name_their_own_functions(name):
    """The owner's free path tests list_empty() twice: first in the inline wrapper without
    the lock, then under split_queue_lock in the __ function it calls."""
    lines = diagram(markdown(name))
    owner = cells(lines, 2)[1]
    under = []
    header = None
    for line in owner:
        if not line.startswith(" "):
            header = line
        elif line.strip().startswith("list_empty("):
            under.append(header)
    assert len(under) == 2 and under[1] == "__" + under[0], under
