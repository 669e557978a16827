"""The value grammar and trace extraction, on TLC output captured from real runs
(tests/fixtures/*.log, made by tests/fixtures/capture.sh) and on generated values."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tlc_runner.tool_frames import parse_frames
from tlc_runner.trace_parse import (ModelValue, TlaFunction, TlaInterval, TlaRecord, TlaSeq, TlaSet,
                                    TraceParseError, format_value, parse_plain_trace, parse_state_block,
                                    parse_value, trace_from_messages)

from conftest import fixture_text


def test_fixtures_name_their_command_and_jar():
    for name in ("underused-2x2.tool.log", "Values.tool.log", "Dead.plain.log"):
        head = fixture_text(name).splitlines()[:2]
        assert head[0].startswith("# ") and "sha256 fc0a7b69b35076b4" in head[1]


def test_values_fixture_types_are_kept_apart():
    trace = trace_from_messages(parse_frames(fixture_text("Values.tool.log")))
    assert trace.violation.kind == "invariant" and trace.violation.name == "Inv"
    last = trace.states[-1].variables
    assert last["x"] == 2
    assert last["str"] == 'he said "hi"\n'
    assert last["fn"] == TlaFunction(((2, "x"), (3, "y")))
    assert last["rec"].as_dict() == {"a": -1, "b": "two"}
    assert last["seq"] == TlaSeq((TlaSet((-1, 0)), TlaSet((-1, 1))))
    assert last["st"] == TlaSet((TlaSeq((0, "s")), TlaSeq((1, "s"))))
    assert last["iv"] == TlaInterval(1, 3)
    # wrapped over four lines at 80 columns by TLC
    assert len(last["big"].items) == 4 and last["big"].items[3]["flags"] == TlaSet((False, True))
    assert [s.index for s in trace.states] == [1, 2, 3]
    assert trace.states[1].action == "Next" and "module Values" in trace.states[1].location


def test_plain_and_tool_output_give_the_same_trace():
    tool = trace_from_messages(parse_frames(fixture_text("Values.tool.log")))
    plain = parse_plain_trace(fixture_text("Values.plain.log"))
    assert [s.variables for s in plain.states] == [s.variables for s in tool.states]
    big_tool = trace_from_messages(parse_frames(fixture_text("underused-2x2.tool.log")))
    big_plain = parse_plain_trace(fixture_text("underused-2x2.plain.log"))
    assert big_plain.violation.name == big_tool.violation.name == "ListIntegrity"
    assert len(big_plain.states) == len(big_tool.states) > 10


@pytest.mark.parametrize("mode", ["tool", "plain"])
def test_initial_state_violation_has_no_state_header(mode):
    text = fixture_text(f"InitBad.{mode}.log")
    trace = trace_from_messages(parse_frames(text)) if mode == "tool" else parse_plain_trace(text)
    assert trace.violation.kind == "invariant-initial" and trace.violation.name == "Inv"
    assert len(trace.states) == 1 and trace.states[0].variables == {"x": 5, "y": TlaSeq(("a",))}


@pytest.mark.parametrize("mode", ["tool", "plain"])
def test_deadlock_trace(mode):
    text = fixture_text(f"Dead.{mode}.log")
    trace = trace_from_messages(parse_frames(text)) if mode == "tool" else parse_plain_trace(text)
    assert trace.violation.kind == "deadlock"
    assert [s.variables["x"] for s in trace.states] == [0, 1, 2]  # one variable: no "/\ "


@pytest.mark.parametrize("mode", ["tool", "plain"])
def test_assert_failure_trace(mode):
    text = fixture_text(f"Asrt.{mode}.log")
    trace = trace_from_messages(parse_frames(text)) if mode == "tool" else parse_plain_trace(text)
    assert trace.violation.kind == "assert"
    assert trace.states[-1].variables == {"x": 1}


def test_spec_error_output_has_no_trace():
    assert trace_from_messages(parse_frames(fixture_text("Broken.tool.log"))) is None


def test_variables_are_keyed_by_name_not_position():
    trace = trace_from_messages(parse_frames(fixture_text("underused-2x2.tool.log")))
    state = trace.states[-1].variables
    assert set(state) >= {"nxt", "prv", "lock", "len", "ref", "pc", "evt", "faults"}
    assert state["nxt"]["Q"] in ("Q", "F1", "F2", "L1")
    assert isinstance(state["lock"], str) and not isinstance(state["lock"], ModelValue)


@pytest.mark.parametrize("text, line", [
    ("[a |-> ]", 7), ("<<1, 2", 7), ('"unterminated', 7), ("{1 2}", 7), ("(1 :> )", 7),
])
def test_malformed_values_raise_with_a_line_number(text, line):
    with pytest.raises(TraceParseError) as err:
        parse_value(text, first_line=line)
    assert err.value.line == line and "line 7" in str(err.value)


def test_malformed_state_block_names_its_line():
    with pytest.raises(TraceParseError) as err:
        parse_state_block("/\\ x = 1\n/\\ y = [a |-> \n/\\ = 3", first_line=10)
    assert err.value.line in (11, 12)


def test_truncated_trace_frame_is_an_error_with_a_line():
    text = fixture_text("Dead.tool.log").replace("2: <Next", "2: <Next\n/\\ x = <<")
    with pytest.raises(TraceParseError):
        trace_from_messages(parse_frames(text))


# -- property-based: print values the way TLC does, parse them back --------------------

identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True).filter(
    lambda s: s not in ("TRUE", "FALSE"))
scalars = st.one_of(
    st.integers(min_value=-10**9, max_value=10**9),
    st.booleans(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8),
    identifiers.map(ModelValue),
)


def _values(children):
    return st.one_of(
        st.lists(children, max_size=4).map(lambda xs: TlaSeq(tuple(xs))),
        st.lists(children, max_size=4).map(lambda xs: TlaSet(tuple(xs))),
        st.lists(st.tuples(identifiers, children), min_size=1, max_size=4,
                 unique_by=lambda kv: kv[0]).map(lambda kvs: TlaRecord(tuple(kvs))),
        st.lists(st.tuples(children, children), min_size=1, max_size=3).map(lambda kvs: TlaFunction(tuple(kvs))),
        st.tuples(st.integers(-5, 5), st.integers(-5, 5)).map(lambda ab: TlaInterval(*ab)),
    )


values = st.recursive(scalars, _values, max_leaves=12)


def _split_outside_strings(text: str) -> list[str]:
    """`text` split at every ', ' that is not inside a string literal (with its escapes)."""
    pieces, start, i, quoted = [], 0, 0, False
    while i < len(text):
        if quoted and text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            quoted = not quoted
        elif not quoted and text.startswith(", ", i):
            pieces.append(text[start:i])
            start = i + 2
            i += 2
            continue
        i += 1
    return pieces + [text[start:]]


def _wrap_like_tlc(text: str) -> str:
    """Break at ', ' past column 80 and indent continuation lines, as TLC's printer does:
    between values, never inside a string (hypothesis found strings holding ', ')."""
    out, line = [], ""
    for piece in _split_outside_strings(text):
        if line and len(line) + len(piece) > 78:
            out.append(line + ",")
            line = "   " + piece
        else:
            line = f"{line}, {piece}" if line else piece
    return "\n".join(out + [line])


@settings(max_examples=300, deadline=None)
@given(values)
def test_values_round_trip(value):
    assert parse_value(format_value(value)) == value


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(identifiers, values, min_size=1, max_size=5))
@example({"A": TlaSeq(("a" * 76 + ", b", 1))})  # past column 78 at the ', ' inside the string
def test_state_blocks_round_trip_even_when_wrapped(variables):
    text = "\n".join("/\\ " + _wrap_like_tlc(f"{k} = {format_value(v)}") for k, v in variables.items())
    assert parse_state_block(text) == variables


@settings(max_examples=50, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["x", "y", "z"]), values, min_size=3, max_size=3),
                min_size=1, max_size=4))
def test_generated_tool_traces_round_trip(states):
    frames = ["@!@!@STARTMSG 2110:1 @!@!@", "Invariant Inv is violated.", "@!@!@ENDMSG 2110 @!@!@"]
    for i, variables in enumerate(states, start=1):
        header = "<Initial predicate>" if i == 1 else "<Next line 5, col 9 to line 5, col 27 of module T>"
        body = "\n".join(f"/\\ {k} = {format_value(v)}" for k, v in variables.items())
        frames += ["@!@!@STARTMSG 2217:4 @!@!@", f"{i}: {header}", body, "", "@!@!@ENDMSG 2217 @!@!@"]
    trace = trace_from_messages(parse_frames("\n".join(frames)))
    assert [s.variables for s in trace.states] == states


# -- the contract on malformed input: TraceParseError with a line, and nothing else -------

def _frames(*frames: tuple[int, str]) -> str:
    """Frames as TLC -tool prints them, below the two '#' lines dsqspec writes in tlc.log."""
    out = ["# java tlc2.TLC -tool", "# jar sha256 fc0a7b69"]
    for code, body in frames:
        out += [f"@!@!@STARTMSG {code}:1 @!@!@", *body.split("\n"), f"@!@!@ENDMSG {code} @!@!@"]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("code", [2110, 2107, 2114, 2132])
def test_an_empty_violation_frame_is_a_parse_error_at_its_line(code):
    with pytest.raises(TraceParseError) as err:
        trace_from_messages(parse_frames(_frames((2262, "TLC2 Version 2.18"), (code, ""))))
    assert err.value.line == 7 and "empty" in str(err.value)  # the frame's (empty) body line


def test_errors_in_a_state_name_the_line_of_the_log():
    text = fixture_text("Values.tool.log")
    lines = text.split("\n")
    target = next(i for i, l in enumerate(lines) if l.startswith("/\\ rec = ") and i > 40)
    lines[target] = "/\\ rec = [a |-> ]"
    with pytest.raises(TraceParseError) as err:
        trace_from_messages(parse_frames("\n".join(lines)))
    assert err.value.line == target + 1
    assert "column" not in str(err.value)  # lark's position inside the value is not the file's


@pytest.mark.parametrize("digits", [4300, 4301, 5000, 20_000, 100_000])
def test_integers_past_pythons_4300_digit_limit_parse_exactly(digits):
    literal = ("9" + "0123456789" * digits)[:digits]
    assert len(literal) == digits
    value = parse_value(literal)
    assert value % 10**9 == int(literal[-9:]) and value.bit_length() > digits * 3.3
    assert format_value(value) == literal
    assert format_value(parse_value(f"-{literal}")) == f"-{literal}"
    assert parse_value(f"<<{literal}, 1>>") == TlaSeq((value, 1))
    assert parse_value(f"1..{literal}") == TlaInterval(1, value)


def test_an_integer_beyond_the_bound_is_a_parse_error_with_its_line():
    with pytest.raises(TraceParseError) as err:
        parse_state_block("/\\ x = 1\n/\\ y = <<1,\n" + "7" * 100_001 + ">>", first_line=20)
    assert err.value.line == 22 and "100,001 digits" in str(err.value)


def test_values_nested_too_deeply_are_a_parse_error():
    assert parse_value("<<" * 200 + ">>" * 200) is not None
    with pytest.raises(TraceParseError) as err:
        parse_value("<<" * 5000 + "1" + ">>" * 5000, first_line=3)
    assert err.value.line == 3 and "nested" in str(err.value)


def test_giant_numbers_in_frame_codes_and_state_headers_are_not_value_errors():
    huge = "1" * 5000
    messages = parse_frames(f"@!@!@STARTMSG {huge}:1 @!@!@\nx\n@!@!@ENDMSG {huge} @!@!@\n")
    assert all(m.code is None for m in messages)  # not a frame: kept as loose text
    text = _frames((2110, "Invariant Inv is violated."), (2217, f"{huge}: <Initial predicate>\n/\\ x = 1"))
    with pytest.raises(TraceParseError) as err:
        trace_from_messages(parse_frames(text))
    assert err.value.line == 7 and "state header" in str(err.value)
    plain = parse_plain_trace(f"Error: Invariant Inv is violated.\nState {huge}: <Initial predicate>\n/\\ x = 1\n")
    assert plain.states == []  # not a state header: plain output's other lines are ignored too


def test_a_corrupt_multi_megabyte_state_parses_in_linear_time():
    """5.5 MB of continuation lines below one bad conjunct: read once, not once per line."""
    import time

    text = _frames((2110, "Invariant Inv is violated."),
                   (2217, "1: <Initial predicate>\n/\\ x = )\n" + "  1, 2, 3,\n" * 500_000))
    started = time.monotonic()
    with pytest.raises(TraceParseError) as err:
        trace_from_messages(parse_frames(text))
    assert err.value.line == 8
    assert time.monotonic() - started < 30  # well under a second here; quadratic: many minutes
