"""State-space size and wall time of each variant at the sizes docs/model.md records.

Usage:  .venv/bin/python benchmarks/model_sizes.py [--sizes 2x2,2x3,3x3] [--variants fixed,...]
        [--actor-sets free,migrate:all] [--atomic-init both|on|off] [--timeout 1800]
Prints one markdown table row per run: outcome, distinct and generated states,
depth, wall time and the TLC JVM's peak resident memory (from /proc, sampled).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tlc_runner import toolchain  # noqa: E402
from tlc_runner.check import RunSettings, run_check  # noqa: E402
from tlc_runner.errors import TlcFailed  # noqa: E402
from tlc_runner.model_options import ACTORS, ModelOptions  # noqa: E402
from tlc_runner.variants import VARIANTS  # noqa: E402


def peak_rss_of_java_under(folder: Path, stop: threading.Event, result: list[int]) -> None:
    """Sample the VmHWM of java processes whose command line names `folder`."""
    peak = 0
    while not stop.is_set():
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                if ("tlc2.TLC" in cmd or "DsqspecTLC" in cmd) and str(folder) in cmd:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
            except OSError:
                continue
        stop.wait(0.2)
    result.append(peak)


PROGRESS = re.compile(r"Progress\(\d+\) at [\d-]+ [\d:]+: ([\d,]+) states generated \([^)]*\), ([\d,]+) distinct")


def last_progress(out: Path) -> tuple[int, int] | None:
    """Generated and distinct states of TLC's last progress report in a kept run's log: what a
    run cut off by --timeout had seen (TLC reports about once a minute)."""
    found = None
    for log in out.rglob("tlc.log"):
        for match in PROGRESS.finditer(log.read_text(errors="replace")):
            found = tuple(int(x.replace(",", "")) for x in match.groups())
    return found


def measure(opts: ModelOptions, timeout: float, workdir: Path) -> dict:
    out = workdir / f"{opts.module_name()}-{int(time.time() * 1000)}"
    settings = RunSettings(java=toolchain.java_executable(), jar=toolchain.verified_jar(),
                           workers=os.cpu_count() or 1, heap="8g", timeout=timeout, out=out)
    stop, peak = threading.Event(), []
    sampler = threading.Thread(target=peak_rss_of_java_under, args=(out, stop, peak), daemon=True)
    sampler.start()
    started = time.monotonic()
    try:
        result = run_check(opts, settings)
        row = {"outcome": (f"violates {result.trace.violation.name}" if result.violation else "holds"),
               "distinct": result.stats.distinct, "generated": result.stats.generated,
               "depth": result.stats.depth}
    except TlcFailed as err:
        timed_out = "timed out" in str(err)
        seen = last_progress(out) if timed_out else None
        row = {"outcome": "timeout" if timed_out else "TLC failed",
               "distinct": f">= {seen[1]}" if seen else None,
               "generated": f">= {seen[0]}" if seen else None, "depth": None}
    row["seconds"] = round(time.monotonic() - started, 1)
    stop.set()
    sampler.join()
    row["peak_mib"] = round(peak[0] / 1024) if peak and peak[0] else None
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2x2,2x3,3x3")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--actor-sets", default="free,migrate:all")
    parser.add_argument("--atomic-init", default="on", choices=["on", "off", "both"])
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--workdir", default="/tmp/dsqspec-bench")
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    inits = {"on": [True], "off": [False], "both": [True, False]}[args.atomic_init]
    print(f"machine: {os.cpu_count()} CPUs; TLC workers = all CPUs; {toolchain.TLC_VERSION}")
    print("| variant | CPUs x folios | actors | INIT | outcome | distinct | generated | depth | wall s | peak MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for variant in args.variants.split(","):
        for size in args.sizes.split(","):
            procs, folios = (int(x) for x in size.split("x"))
            for actor_set in args.actor_sets.split(":"):
                actors = ACTORS if actor_set == "all" else tuple(actor_set.split(","))
                for atomic in inits:
                    opts = ModelOptions(variant=variant, procs=procs, folios=folios, actors=actors,
                                        atomic_init=atomic)
                    row = measure(opts, args.timeout, workdir)
                    print(f"| {variant} | {size} | {','.join(actors)} | {'atomic' if atomic else 'two stores'} "
                          f"| {row['outcome']} | {row['distinct']} | {row['generated']} | {row['depth']} "
                          f"| {row['seconds']} | {row['peak_mib']} |", flush=True)


if __name__ == "__main__":
    main()
