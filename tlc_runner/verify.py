"""Judge every bundled variant, finding and hypothesis against its expected result,
and sweep one model over a grid of sizes.

Like the LKMM's judgelitmus.sh: each case carries its expectation and where that
expectation comes from; `unknown` ones are run and reported, never judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from .check import CheckResult, RunSettings, run_check
from .hypothesis import Expectation, Hypothesis, bundled_hypotheses, render_hypothesis
from .model_options import ModelOptions

HISTORICAL = dict(actors=("free", "migrate"), atomic_init=True)


@dataclass
class Case:
    name: str
    opts: ModelOptions
    expect: Expectation
    source: str
    hypothesis: Hypothesis | None = None


def _variant_cases(procs: int, folios: int | None) -> list[Case]:
    """The kernel's history (reference sections 6.1-6.5, 9) with the historical actors."""
    def opts(variant: str, default_folios: int, **extra) -> ModelOptions:
        return ModelOptions(variant=variant, procs=procs, folios=folios or default_folios,
                            **{**HISTORICAL, **extra})
    holds = Expectation("holds")
    corrupts = Expectation("violates", ("ListIntegrity", "NoUseAfterFree"))
    return [
        Case("v6.11", opts("v6.11", 3), holds, "6.1: every list write under the lock"),
        Case("underused", opts("underused", 2), corrupts, "6.2: unlocked list_del_init (e66f3185fa04)"),
        Case("underused/len", opts("underused", 2, properties=("LenAccurate",)),
             Expectation("violates", ("LenAccurate",)), "6.3: unlocked split_queue_len--"),
        Case("safe-prev", opts("safe-prev", 3), corrupts if (folios or 3) >= 3 else holds,
             "6.4: needs 3 folios (kept, split, deleted); a3477c9e02cc"),
        Case("fixed", opts("fixed", 3), holds, "6.5: a3477c9e02cc"),
        Case("locked", opts("locked", 3), holds, "section 7: Zi Yan's locked version; Hugh: 'worked fine'"),
        Case("folio-batch", opts("folio-batch", 3), holds, "6.5: every list write under a queue lock"),
    ]


def _finding_cases(folios: int | None) -> list[Case]:
    """Expected findings of the full pointer-level model (docs/findings.md)."""
    return [
        Case("finding F-1", ModelOptions(variant="v6.11", procs=2, folios=folios or 2, actors=("free",),
                                         properties=("NoUseAfterFree",)),
             Expectation("violates", ("NoUseAfterFree",)), "docs/findings.md F-1"),
        Case("finding F-2", ModelOptions(variant="fixed", procs=2, folios=folios or 2, actors=("unmap",),
                                         properties=("ListIntegrity",)),
             Expectation("violates", ("ListIntegrity",)), "docs/findings.md F-2"),
    ]


def _hypothesis_cases(procs: int | None, folios: int | None, extra: list[Hypothesis]) -> list[Case]:
    cases = []
    for hyp in bundled_hypotheses() + extra:
        opts = hyp.model_options(procs=procs, folios=folios)
        cases.append(Case(f"hypothesis {hyp.name}", opts, hyp.expect, hyp.source.split(":")[0], hyp))
    return cases


def all_cases(procs: int | None = None, folios: int | None = None,
              extra: list[Hypothesis] | None = None) -> list[Case]:
    return (_variant_cases(procs or 2, folios) + _finding_cases(folios)
            + _hypothesis_cases(procs, folios, extra or []))


def run_case(case: Case, settings: RunSettings) -> CheckResult:
    spec = render_hypothesis(case.hypothesis, case.opts) if case.hypothesis else None
    return run_check(case.opts, settings, spec=spec)


def verdict_text(result: CheckResult) -> str:
    return f"violates {result.trace.violation.name or result.trace.violation.kind}" if result.violation else "holds"


def violated_name(result: CheckResult) -> str | None:
    if not result.violation:
        return None
    return result.trace.violation.name or result.trace.violation.kind


@dataclass
class SweepRow:
    procs: int
    folios: int
    outcome: str
    distinct: int
    seconds: float


def sweep(make: Callable[[int, int], ModelOptions], procs: Iterable[int], folios: Iterable[int],
          settings: RunSettings, render_one=None) -> list[SweepRow]:
    rows = []
    for p in procs:
        for f in folios:
            opts = make(p, f)
            result = run_check(opts, settings, spec=render_one(opts) if render_one else None)
            rows.append(SweepRow(p, f, verdict_text(result), result.stats.distinct, round(result.elapsed, 1)))
    return rows


def smallest_failing(rows: list[SweepRow]) -> SweepRow | None:
    failing = [r for r in rows if r.outcome != "holds"]
    return min(failing, key=lambda r: (r.procs + r.folios, r.procs)) if failing else None


def parse_range(text: str, lowest: int, highest: int, what: str) -> list[int]:
    """`3` or `1..3`."""
    from .errors import UsageError

    try:
        low, _, high = text.partition("..")
        first, last = int(low), int(high or low)
    except ValueError:
        raise UsageError(f"{what} must be N or A..B, got {text!r}") from None
    if not lowest <= first <= last <= highest:
        raise UsageError(f"{what} must lie within {lowest}..{highest}, got {text!r}")
    return list(range(first, last + 1))
