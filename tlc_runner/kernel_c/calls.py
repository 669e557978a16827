"""Reads calls.def: the meaning of every kernel call, and the model's registers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("calls.def")


@dataclass(frozen=True)
class Register:
    c_name: str  # "folio", or "sc->nr_to_scan"
    var: str  # the TLA+ variable
    reset: str  # its value when dead


@dataclass(frozen=True)
class Table:
    kinds: dict[str, str]
    registers: dict[str, Register]

    def kind(self, name: str) -> str | None:
        return self.kinds.get(name)


@lru_cache(maxsize=1)
def table() -> Table:
    kinds: dict[str, str] = {}
    registers: dict[str, Register] = {}
    for raw in TABLE.read_text().splitlines():
        line = raw.split("#", 1)[0].split()
        if not line:
            continue
        if line[0] == "register":
            registers[line[1]] = Register(line[1], line[2], line[3])
        else:
            kinds[line[0]] = line[1]
    return Table(kinds, registers)


def table_path() -> str:
    """How errors name the table: relative to the checkout."""
    return "tlc_runner/kernel_c/calls.def"
