"""The model's parameters, validated once, before anything is rendered.

The CLI options `--procs`, `--shrinkers`, `--folios`, `--actors`, `--property`,
`--atomic-init` and `--granularity` map one to one onto `ModelOptions`; every
range check lives here so that a bad value fails with one line, not a TLC error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import UsageError
from .variants import VARIANTS

ACTORS = ("free", "migrate", "unmap")
PROPERTIES = ("TypeOK", "ListIntegrity", "NoUseAfterFree", "LenAccurate", "RefcountSane", "NoWarn")
# Checked only when asked for (--property NoLostSplit): every version with underused THPs
# before 3bac01168982 loses a candidate by design, which would hide the default verdicts.
OPTIONAL_PROPERTIES = ("NoLostSplit",)
ALL_PROPERTIES = PROPERTIES + OPTIONAL_PROPERTIES
GRANULARITIES = ("pointer", "primitive")
MAX_PROCS = 4
MAX_FOLIOS = 5


@dataclass(frozen=True)
class ModelOptions:
    variant: str = "fixed"
    procs: int = 2
    shrinkers: int = 1
    folios: int = 3
    actors: tuple[str, ...] = ACTORS
    properties: tuple[str, ...] = PROPERTIES
    atomic_init: bool = False
    granularity: str = "pointer"
    hypothesis: str | None = None  # the hypothesis's name
    hypothesis_file: str | None = None  # and the file it came from
    settings: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise UsageError(
                f"unknown variant {self.variant!r}; valid: {', '.join(VARIANTS)}"
            )
        if not 1 <= self.procs <= MAX_PROCS:
            raise UsageError(f"--procs must be 1..{MAX_PROCS}, got {self.procs}")
        if not 1 <= self.shrinkers <= self.procs:
            raise UsageError(
                f"--shrinkers must be 1..procs ({self.procs}), got {self.shrinkers}"
            )
        if not 1 <= self.folios <= MAX_FOLIOS:
            raise UsageError(f"--folios must be 1..{MAX_FOLIOS}, got {self.folios}")
        unknown = [a for a in self.actors if a not in ACTORS]
        if unknown:
            raise UsageError(
                f"unknown actor {unknown[0]!r}; valid: {', '.join(ACTORS)}"
            )
        bad = [p for p in self.properties if p not in ALL_PROPERTIES]
        if bad:
            raise UsageError(
                f"unknown property {bad[0]!r}; valid: {', '.join(ALL_PROPERTIES)}"
            )
        if not self.properties:
            raise UsageError("at least one --property is needed")
        if self.granularity not in GRANULARITIES:
            raise UsageError(
                f"--granularity must be one of {', '.join(GRANULARITIES)}"
            )

    @property
    def third_party_cpus(self) -> int:
        return self.procs - self.shrinkers

    def module_name(self) -> str:
        """A TLA+ module name that says what was rendered (SANY wants [A-Za-z0-9_])."""
        base = self.hypothesis or self.variant
        tag = "".join(ch if ch.isalnum() else "_" for ch in base)
        return f"DeferredSplit_{tag}_{self.procs}p{self.folios}f"

    def describe(self) -> str:
        parts = [
            f"variant={self.hypothesis or self.variant}",
            f"procs={self.procs}",
            f"shrinkers={self.shrinkers}",
            f"folios={self.folios}",
            f"actors={','.join(self.actors)}",
        ]
        if self.atomic_init:
            parts.append("atomic-init")
        if self.granularity != "pointer":
            parts.append(f"granularity={self.granularity}")
        return " ".join(parts)

    def cli_args(self) -> list[str]:
        """The `dsqspec check` arguments that reproduce this model."""
        args = (
            ["--hypothesis", self.hypothesis_file or self.hypothesis]
            if self.hypothesis
            else ["--variant", self.variant]
        )
        if self.hypothesis_file and self.hypothesis_file.endswith((".diff", ".patch")):
            args = ["--base", self.variant, "--patch", self.hypothesis_file]
        args += ["--procs", str(self.procs), "--folios", str(self.folios)]
        if self.shrinkers != 1:
            args += ["--shrinkers", str(self.shrinkers)]
        if tuple(self.actors) != ACTORS:
            args += ["--actors", ",".join(self.actors)]
        if self.atomic_init:
            args.append("--atomic-init")
        if self.granularity != "pointer":
            args += ["--granularity", self.granularity]
        if tuple(self.properties) != PROPERTIES:
            for prop in self.properties:
                args += ["--property", prop]
        return args
