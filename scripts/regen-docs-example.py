"""Rewrite the dsqspec output in docs/example-safe-prev.md from the committed fixture.

Run after changing the markdown renderer:  .venv/bin/python scripts/regen-docs-example.py
(tests/test_outputs.py fails until the page matches what dsqspec prints).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import fixture_context, fixture_text  # noqa: E402

from tlc_runner.report import render_trace  # noqa: E402
from tlc_runner.tool_frames import parse_frames  # noqa: E402
from tlc_runner.trace_parse import trace_from_messages  # noqa: E402

page = ROOT / "docs" / "example-safe-prev.md"
trace = trace_from_messages(parse_frames(fixture_text("safe-prev-2x3.tool.log")))
printed = render_trace(trace, fixture_context("safe-prev-2x3"), "markdown")
text = page.read_text()
head = text[: text.index("---\n\n") + len("---\n\n")]
page.write_text(head + printed + "\n---\n")
print(f"rewrote {page}")
