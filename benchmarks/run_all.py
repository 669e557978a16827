"""dsqspec's performance claims, measured: prints one report and writes docs/performance.md.

    .venv/bin/python benchmarks/run_all.py            # the full set (tens of minutes on 2 cores)
    .venv/bin/python benchmarks/run_all.py --smoke    # smallest sizes only; what CI runs

Sections: state space and wall time per variant and size; time to the first
counterexample, breadth-first vs -simulate; the wrapper's overhead against plain
`java tlc2.TLC`; parse + render time; the state-count saving of each reduction.
Timing is wall clock (time.monotonic); peak memory is the TLC JVM's VmHWM from /proc.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from model_sizes import measure  # noqa: E402

from tlc_runner import toolchain  # noqa: E402
from tlc_runner.model_options import ACTORS, ModelOptions  # noqa: E402
from tlc_runner.render import render  # noqa: E402
from tlc_runner.report import render_trace  # noqa: E402
from tlc_runner.tool_frames import parse_frames  # noqa: E402
from tlc_runner.trace_parse import _PARSED, trace_from_messages  # noqa: E402
from tlc_runner.variants import VARIANTS  # noqa: E402

HISTORICAL = dict(actors=("free", "migrate"), atomic_init=True)


def machine() -> str:
    mem = ""
    try:
        kib = int(next(l for l in Path("/proc/meminfo").read_text().splitlines()
                       if l.startswith("MemTotal")).split()[1])
        mem = f", {kib / 2**20:.0f} GiB"
    except (OSError, StopIteration):
        pass
    java = toolchain.java_version(toolchain.java_executable())
    return (f"{platform.machine()}, {os.cpu_count()} CPUs{mem}, Linux {platform.release()}, "
            f"Java {java}, TLC {toolchain.TLC_VERSION}, Python {platform.python_version()}")


def table(headers: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join("" if c is None else str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def tlc_command(module: str, folder: Path, extra: list[str]) -> list[str]:
    return [toolchain.java_executable(), "-XX:+UseParallelGC", "-Xmx6g", f"-Djava.io.tmpdir={folder}",
            "-Duser.language=en", "-cp", str(toolchain.verified_jar()), "tlc2.TLC", "-workers",
            str(os.cpu_count() or 1), "-metadir", str(folder / "states"), *extra,
            "-config", f"{module}.cfg", f"{module}.tla"]


def plain_tlc(opts: ModelOptions, extra: list[str], spec=None,
              timeout: float | None = None) -> tuple[float, int | None, str]:
    """Plain `java tlc2.TLC` on the rendered spec; exit code None if it ran out of time."""
    spec = spec or render(opts)
    folder = Path(tempfile.mkdtemp(prefix="dsqspec-bench-"))
    spec.write(folder)
    started = time.monotonic()
    try:
        done = subprocess.run(tlc_command(spec.module, folder, extra), cwd=folder, capture_output=True,
                              text=True, timeout=timeout)
        code, out = done.returncode, done.stdout
    except subprocess.TimeoutExpired as expired:
        code, out = None, (expired.stdout or b"").decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
    elapsed = time.monotonic() - started
    shutil.rmtree(folder, ignore_errors=True)
    return elapsed, code, out


# -- sections ------------------------------------------------------------------------------

def section_sizes(smoke: bool, timeout: float, work: Path) -> str:
    sizes = ["2x2"] if smoke else ["2x2", "2x3", "3x3", "3x4"]
    variants = ["fixed"] if smoke else list(VARIANTS)  # every version, the 2026 ones too
    rows = []
    for variant in variants:
        for size in sizes:
            procs, folios = (int(x) for x in size.split("x"))
            configs = [("free,migrate", HISTORICAL)]
            if not smoke:
                configs.append(("all, pointer", dict(actors=ACTORS)))
            for label, extra in configs:
                opts = ModelOptions(variant=variant, procs=procs, folios=folios, **extra)
                row = measure(opts, timeout, work)
                rows.append([variant, size, label, row["outcome"], row["distinct"], row["generated"],
                             row["depth"], row["seconds"], row["peak_mib"]])
                print(rows[-1], flush=True)
    return table(["variant", "CPUs x folios", "actors, INIT", "outcome", "distinct", "generated", "depth",
                  "wall s", "peak MiB"], rows)


def section_targets(timeout: float, work: Path) -> str:
    """The two exhaustive targets of issue 6."""
    rows = []
    opts = ModelOptions(variant="fixed", procs=3, folios=3, **HISTORICAL)
    row = measure(opts, timeout, work)
    rows.append(["fixed 3x3, free,migrate, --atomic-init, all properties", row["outcome"], row["distinct"],
                 row["seconds"], "<= 20 s"])
    holds_here = ("TypeOK", "RefcountSane")
    opts = ModelOptions(variant="fixed", procs=3, folios=3, properties=holds_here)
    row = measure(opts, timeout, work)
    rows.append([f"fixed 3x3, all actors, pointer level, {','.join(holds_here)}", row["outcome"],
                 row["distinct"], row["seconds"], "<= 120 s"])
    return table(["run", "outcome", "distinct", "wall s", "target"], rows)


def section_first_counterexample(smoke: bool) -> str:
    seeds = 1 if smoke else 5
    budget = 10 if smoke else 120  # seconds per -simulate seed
    rows = []
    for variant, folios in (("underused", 2), ("safe-prev", 3)):
        opts = ModelOptions(variant=variant, procs=2, folios=folios, **HISTORICAL)
        spec = render(opts)
        bfs, rc, _ = plain_tlc(opts, [], spec)
        sims = []
        for seed in range(1, seeds + 1):
            elapsed, rc_sim, out = plain_tlc(opts, ["-simulate", "-depth", "200", "-seed", str(seed)], spec,
                                             timeout=budget)
            sims.append(elapsed if rc_sim == 12 else None)
        found = [s for s in sims if s is not None]
        rows.append([f"{variant} 2x{folios}", f"{bfs:.1f} (exit {rc})",
                     f"{statistics.median(found):.1f}" if found else f"none within {budget} s",
                     f"{len(found)}/{seeds}", "<= 10 s"])
        print(rows[-1], flush=True)
    return table(["model (free,migrate, --atomic-init)", "breadth-first s", "-simulate median s",
                  "seeds that found it", "target"], rows)


def section_overhead(smoke: bool) -> str:
    pairs = 1 if smoke else 7
    opts = ModelOptions(variant="fixed", procs=2, folios=3, **HISTORICAL)
    spec = render(opts)
    ratios, ours, theirs = [], [], []
    for i in range(pairs):
        order = ("dsqspec", "plain") if i % 2 == 0 else ("plain", "dsqspec")
        times = {}
        for who in order:
            if who == "plain":
                times[who], _, _ = plain_tlc(opts, ["-tool"], spec)
            else:
                started = time.monotonic()
                subprocess.run([sys.executable, "-m", "tlc_runner.cli", "check", *opts.cli_args(), "--quiet"],
                               capture_output=True, text=True, cwd=tempfile.gettempdir())
                times[who] = time.monotonic() - started
        ours.append(times["dsqspec"])
        theirs.append(times["plain"])
        ratios.append(times["dsqspec"] / times["plain"])
    return table(["model", "pairs", "dsqspec median s", "plain TLC median s", "median ratio", "target"],
                 [["fixed 2x3 free,migrate atomic-init", pairs, f"{statistics.median(ours):.2f}",
                   f"{statistics.median(theirs):.2f}", f"{statistics.median(ratios):.3f}", "<= 1.05"]])


def parse_and_render(log: str, context: dict):
    """Parse a -tool log from scratch (value cache emptied) and render text, markdown, json."""
    _PARSED.clear()
    started = time.monotonic()
    trace = trace_from_messages(parse_frames(log))
    for fmt in ("text", "markdown", "json"):
        render_trace(trace, context, fmt)
    return trace, time.monotonic() - started


def section_parse(smoke: bool) -> str:
    rows = []
    opts = ModelOptions(variant="safe-prev", procs=3, folios=4, **HISTORICAL) if not smoke else \
        ModelOptions(variant="underused", procs=2, folios=2, **HISTORICAL)
    folder = Path(tempfile.mkdtemp(prefix="dsqspec-parse-"))
    spec = render(opts)
    spec.write(folder)
    done = subprocess.run(tlc_command(spec.module, folder, ["-tool"]), cwd=folder, capture_output=True, text=True)
    log = done.stdout
    shutil.rmtree(folder, ignore_errors=True)
    context = {"label": opts.variant, "procs": opts.procs, "command": ["dsqspec", "check", *opts.cli_args()],
               "tlc_version": "TLC", "facts": spec.facts, "module": spec.module}
    trace, elapsed = parse_and_render(log, context)
    rows.append([f"{opts.variant} {opts.procs}x{opts.folios} counterexample (the longest produced)",
                 len(trace.states), f"{len(log) / 2**20:.2f} MB", f"{elapsed:.3f}", "<= 0.3 s for 300 steps"])
    # 300 steps: the same real states cycled and renumbered, frames printed as TLC prints them
    frames = [m for m in parse_frames(log) if m.code == 2217]
    bodies = [f.body.split("\n", 1)[1] for f in frames]
    head = log[: log.index("@!@!@STARTMSG 2217:4 @!@!@")]
    synthetic = head + "".join(
        f"@!@!@STARTMSG 2217:4 @!@!@\n{i + 1}: <{'Initial predicate' if i == 0 else 'Step line 1, col 1 to line 1, col 2 of module M'}>\n"
        f"{bodies[i % len(bodies)]}\n@!@!@ENDMSG 2217 @!@!@\n" for i in range(300))
    long_trace, elapsed = parse_and_render(synthetic, context)
    rows.append(["300-step trace (those states cycled)", len(long_trace.states),
                 f"{len(synthetic) / 2**20:.2f} MB", f"{elapsed:.3f}", "<= 0.3 s for 300 steps"])
    # a large synthetic log: the same trace repeated, as -continue would print it; the
    # value cache is emptied before each copy so that no copy profits from the one before
    copies = 5 if smoke else 60
    big = "\n".join([log] * copies)
    started = time.monotonic()
    for chunk in big.split("@!@!@STARTMSG 2110:1 @!@!@")[1:]:
        _PARSED.clear()
        trace_from_messages(parse_frames("@!@!@STARTMSG 2110:1 @!@!@" + chunk))
    elapsed = time.monotonic() - started
    rows.append([f"synthetic log, {copies} traces", copies * len(trace.states), f"{len(big) / 2**20:.1f} MB",
                 f"{elapsed:.2f}", f"{len(big) / 2**20 / elapsed:.2f} MB/s"])
    return table(["input", "states", "size", "parse + render s", "note"], rows)


def section_reductions(smoke: bool) -> str:
    """History out of the VIEW: the same spec with VIEW removed from the cfg."""
    opts = ModelOptions(variant="fixed", procs=2, folios=2 if smoke else 3, **HISTORICAL)
    spec = render(opts)
    with_view = plain_tlc(opts, ["-tool"], spec)
    from dataclasses import replace
    no_view = replace(spec, cfg=spec.cfg.replace("VIEW View\n", ""))
    without = plain_tlc(opts, ["-tool"], no_view)

    def distinct(out: str) -> str:
        import re
        found = re.findall(r"([\d,]+) distinct states found", out)
        return found[-1] if found else "?"
    return table(["reduction", "distinct with", "distinct without", "wall s with", "wall s without"],
                 [[f"history variable evt out of VIEW (fixed {opts.procs}x{opts.folios})", distinct(with_view[2]),
                   distinct(without[2]), f"{with_view[0]:.1f}", f"{without[0]:.1f}"],
                  ["SYMMETRY", "not used: folios sit at distinct queue positions, CPUs run different code",
                   "", "", ""]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="smallest sizes only (CI)")
    parser.add_argument("--timeout", type=float, default=1800, help="per TLC run, seconds")
    parser.add_argument("--write", type=Path, default=None, help="write the report here")
    parser.add_argument("--only", default="sizes,targets,first,overhead,parse,reductions",
                        help="comma-separated sections to run")
    args = parser.parse_args()
    only = set(args.only.split(","))
    work = Path(tempfile.mkdtemp(prefix="dsqspec-bench-"))
    parts = [f"machine: {machine()}", ""]
    if "sizes" in only:
        parts += ["## State space per variant and size", "", section_sizes(args.smoke, args.timeout, work), ""]
    if "targets" in only and not args.smoke:
        parts += ["## Exhaustive targets", "", section_targets(args.timeout, work), ""]
    if "first" in only:
        parts += ["## Time to the first counterexample", "", section_first_counterexample(args.smoke), ""]
    if "overhead" in only:
        parts += ["## Wrapper overhead", "", section_overhead(args.smoke), ""]
    if "parse" in only:
        parts += ["## Parse and render", "", section_parse(args.smoke), ""]
    if "reductions" in only:
        parts += ["## Reductions", "", section_reductions(args.smoke), ""]
    report = "\n".join(parts)
    print(report)
    if args.write:
        args.write.write_text(report + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
