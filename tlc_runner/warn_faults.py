"""The names of the faults a compiled WARN records, and how a reply says them.

A fault name is a TLA+ string in the rendered module, deep inside the IF chain of the
step that tests the assertion, so it is kept short: `VM_WARN_ON_FOLIO
deferred_split_folio:39` (the macro, the function, the line the module's header quotes).
The other faults are lower-case phrases, so a name that starts with a macro is a WARN's.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"([A-Z][A-Z0-9_]*) (\w+):(\d+)")


def warn_fault(macro: str, function: str, line: int) -> str:
    """The fault `macro` at `line` (of its source file) in `function` records when it fires."""
    return f"{macro} {function}:{line}"


def is_warn_fault(fault: str) -> bool:
    return _NAME.fullmatch(fault) is not None


def warn_text(fault: str) -> str:
    """The fault in a sentence: `VM_WARN_ON_FOLIO() in deferred_split_folio() line 39 fired`."""
    m = _NAME.fullmatch(fault)
    return f"{m.group(1)}() in {m.group(2)}() line {m.group(3)} fired" if m else fault
