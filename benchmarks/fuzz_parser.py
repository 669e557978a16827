"""The trace parser fuzzed for longer than CI does, and timed on large corrupt logs.

    .venv/bin/python benchmarks/fuzz_parser.py                      # 5 minutes, 0.5..5 MB logs
    .venv/bin/python benchmarks/fuzz_parser.py --seconds 20 --sizes 0.5,1   # a short check

Part 1 damages logs captured from real TLC runs (tests/fixtures/) with the edits of
tests/log_damage.py, parses each, and counts inputs per second; any outcome but a
result or TraceParseError is a broken contract (printed, exit 1).  It names the
slowest input.  Part 2 builds corrupt logs of several sizes from a real trace and
times each, once: time per MB stays flat when parsing is linear in the input.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from log_damage import random_edits, mutate  # noqa: E402

from tlc_runner.tool_frames import parse_frames  # noqa: E402
from tlc_runner.trace_parse import _PARSED, TraceParseError, parse_plain_trace, trace_from_messages  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
TOOL_LOGS = ("Values", "Dead", "Asrt", "InitBad", "Broken", "underused-2x2", "fixed-3x3", "safe-prev-2x3")
PLAIN_LOGS = ("Values", "Dead", "Asrt", "InitBad", "underused-2x2")


def parse_tool(text: str):
    return trace_from_messages(parse_frames(text))


def timed(parse, text: str) -> tuple[float, str]:
    """Seconds to parse text from a cold value cache, and the outcome."""
    _PARSED.clear()
    started = time.perf_counter()
    try:
        parse(text)
        outcome = "result"
    except TraceParseError:
        outcome = "TraceParseError"
    return time.perf_counter() - started, outcome


def fuzz(seconds: float, seed: int) -> tuple[list[str], bool]:
    rng = random.Random(seed)
    logs = [(f"{n}.tool.log", parse_tool, (FIXTURES / f"{n}.tool.log").read_text()) for n in TOOL_LOGS]
    logs += [(f"{n}.plain.log", parse_plain_trace, (FIXTURES / f"{n}.plain.log").read_text())
             for n in PLAIN_LOGS]
    counts = {"result": 0, "TraceParseError": 0}
    slowest = (0.0, "", 0, [])
    broken = []
    count, parse_time, total_bytes = 0, 0.0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        name, parse, text = rng.choice(logs)
        edits = random_edits(rng, rng.randint(1, 6))
        start = max(text.find("@!@!@STARTMSG 21"), text.find("Error: "), 0) if rng.random() < 0.8 else 0
        damaged = mutate(text, edits, start)
        try:
            elapsed, outcome = timed(parse, damaged)
        except Exception as err:  # the contract is broken: say how to reproduce it
            broken.append(f"{type(err).__name__}: {err} -- {name}, seed {seed}, input {count}, edits {edits!r}"[:600])
            elapsed, outcome = 0.0, "broken"
        counts[outcome] = counts.get(outcome, 0) + 1
        count += 1
        parse_time += elapsed
        total_bytes += len(damaged)
        if elapsed > slowest[0]:
            slowest = (elapsed, name, len(damaged), [e[0] for e in edits])
    lines = [
        f"inputs: {count:,} in {seconds:g} s (seed {seed}); {count / max(parse_time, 1e-9):,.0f} inputs/s of "
        f"parsing, {total_bytes / max(parse_time, 1e-9) / 2**20:.1f} MB/s",
        f"outcomes: {counts.get('result', 0):,} parsed, {counts.get('TraceParseError', 0):,} TraceParseError, "
        f"{len(broken)} other (contract broken)",
        f"slowest input: {slowest[0] * 1000:.1f} ms -- {slowest[1]}, {slowest[2]:,} bytes, edits {', '.join(slowest[3])}",
    ]
    lines += [f"BROKEN: {b}" for b in broken[:20]]
    return lines, not broken


# -- large corrupt logs --------------------------------------------------------------------

def _trace_part(log: str) -> tuple[str, list[str]]:
    """The log up to its first state frame, and the bodies of its state frames."""
    head = log[: log.index("@!@!@STARTMSG 2217:4 @!@!@")]
    bodies = [m.body.split("\n", 1)[1] for m in parse_frames(log) if m.code == 2217]
    return head, bodies


def corrupt_logs(size: int, log: str) -> dict[str, str]:
    """Logs of about `size` bytes, each damaged in one way that used to make parsing quadratic
    or that makes the parser read everything before it fails."""
    head, bodies = _trace_part(log)
    frame = "@!@!@STARTMSG 2217:4 @!@!@\n{n}: <Step line 1, col 1 to line 1, col 2 of module M>\n{body}\n@!@!@ENDMSG 2217 @!@!@\n"
    # one state whose conjunct markers were lost: every line continues the first variable
    lines = [line[3:] if line.startswith("/\\ ") else line for body in bodies for line in body.split("\n")]
    block, chunk = [], "\n".join(lines) + "\n"
    while sum(map(len, block)) < size:
        block.append(chunk)
    lost_markers = head + frame.format(n=1, body="/\\ " + "".join(block)[:size])
    # a trace of real states, renumbered, whose last state is cut inside a value
    states, n, total = [], 1, len(head)
    while total < size:
        states.append(frame.format(n=n, body=bodies[(n - 1) % len(bodies)]))
        total += len(states[-1])
        n += 1
    states.append(frame.format(n=n, body=bodies[0][: len(bodies[0]) // 2]))
    long_trace = head + "".join(states)
    # one value: a sequence of `size` bytes that never closes
    items, length, i = [], 0, 0
    while length < size:
        items.append(f"[a |-> {i}, b |-> \"x{i}\"]")
        length += len(items[-1]) + 2
        i += 1
    open_value = head + frame.format(n=1, body="/\\ x = <<" + ", ".join(items))
    return {"markers lost (one 'variable' of every line)": lost_markers,
            "real states, the last cut mid-value": long_trace,
            "one sequence that never closes": open_value}


def scaling(sizes_mb: list[float]) -> list[str]:
    log = (FIXTURES / "safe-prev-2x3.tool.log").read_text()
    rows: dict[str, list[tuple[float, float]]] = {}
    for size_mb in sizes_mb:
        for kind, text in corrupt_logs(int(size_mb * 2**20), log).items():
            elapsed, outcome = timed(parse_tool, text)
            assert outcome == "TraceParseError", (kind, outcome)
            rows.setdefault(kind, []).append((len(text) / 2**20, elapsed))
    out = ["| corrupt log (size within 1% of the heading) | " + " | ".join(f"{s:g} MB" for s in sizes_mb)
           + " | s per MB, smallest -> largest |",
           "|---|" + "---|" * len(sizes_mb) + "---|"]
    for kind, points in rows.items():
        per_mb = [t / mb for mb, t in points]
        out.append(f"| {kind} | " + " | ".join(f"{t:.2f} s" for _, t in points)
                   + f" | {per_mb[0]:.2f} -> {per_mb[-1]:.2f} |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300, help="how long to fuzz")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sizes", default="0.5,1,2,5", help="corrupt log sizes in MB, comma-separated")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",") if s]
    print(f"## Parser fuzzing\n\ncommand: benchmarks/fuzz_parser.py --seconds {args.seconds:g} "
          f"--seed {args.seed} --sizes {args.sizes}\n")
    lines, ok = fuzz(args.seconds, args.seed)
    print("\n".join(lines), flush=True)
    print("\n## Large corrupt logs (parse time, cold value cache)\n")
    print("\n".join(scaling(sizes)))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
