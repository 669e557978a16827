"""The benchmark harness at its smallest size: it runs and prints every section with figures.
(The full run is not a test: `python benchmarks/run_all.py --write docs/performance.md`.)"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_smoke_prints_every_section(jar, tmp_path):
    out = tmp_path / "perf.md"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--smoke", "--write", str(out)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    report = out.read_text()
    for heading in ("State space per variant and size", "Time to the first counterexample",
                    "Wrapper overhead", "Parse and render", "Reductions"):
        assert f"## {heading}" in report
    assert re.search(r"\| fixed \| 2x2 \| free,migrate \| holds \| \d+", report)
    ratio = re.search(r"\| (\d+\.\d+) \| <= 1\.05 \|", report)
    assert ratio and float(ratio.group(1)) > 0
    assert re.search(r"\d+\.\d+ MB/s", report)
