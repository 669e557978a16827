"""docs/findings.md and docs/model.md describe the kernel in the project's own words.

Identifiers, signatures and one-call snippets such as `list_del_init(&folio->_deferred_list)`
are fine; a kernel comment quoted word for word, or a run of kernel statements copied into
an inline code span, is not (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PROSE_DOCS = ["findings.md", "model.md"]

# Kernel comments that were once quoted here, in fragments that no paraphrase needs.
KERNEL_COMMENTS = ["safe to check without acquiring", "we lost race with"]


def inline_code(text: str) -> list[str]:
    """Every inline code span outside fenced blocks (dsqspec's own output and commands)."""
    outside = re.sub(r"^[ \t]*```.*?^[ \t]*```", "", text, flags=re.S | re.M)  # fences may sit in a list item
    return re.findall(r"`([^`\n]+)`", outside.replace("`\n", "` ").replace("\n", " "))


@pytest.mark.parametrize("name", PROSE_DOCS)
def test_no_kernel_statements_copied_into_code_spans(name):
    """A `;` or a `{ ... }` block in a code span is a run of C statements: say it in words."""
    spans = [s for s in inline_code((DOCS / name).read_text()) if ";" in s or "{" in s]
    assert spans == [], f"{name}: rewrite in the project's own words: {spans}"


@pytest.mark.parametrize("name", PROSE_DOCS)
def test_no_kernel_comment_quoted(name):
    text = " ".join((DOCS / name).read_text().split()).lower()
    assert [c for c in KERNEL_COMMENTS if c in text] == []
