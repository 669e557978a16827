"""Judge every claim and hypothesis against its expected result, and sweep one
model over a grid of sizes.

Like the LKMM's judgelitmus.sh: the expectations live in files, not here. The
claims are `specs/claims/*.claim` (tlc_runner/claims.py); a hypothesis carries
its own `expect` in its header and is its own claim. `unknown` hypotheses are
run and reported, never judged.

Size overrides (`verify --procs N --folios M`) replace each case's own size.
A claim states the sizes its expectation is claimed for (`sizes:`); at a size
outside them it is not run but listed as not claimed there, so safe-prev's
"violates with 3 folios" and "holds with 2" are two claims, each with its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .check import CheckResult, RunSettings, run_check
from .claims import CLAIMS_DIR, Claim, load_claims, parse_range
from .errors import UsageError
from .hypothesis import Expectation, Hypothesis, bundled_hypotheses, render_hypothesis
from .model_options import ModelOptions

# parse_range is imported from here by `dsqspec sweep`; it lives in claims.py, which reads sizes too.


@dataclass
class Case:
    name: str
    opts: ModelOptions | None  # None: not claimed (or not possible) at the size asked for
    expect: Expectation
    source: str
    hypothesis: Hypothesis | None = None
    skipped: str | None = None  # why it is not run


def claim_case(claim: Claim, procs: int | None, folios: int | None) -> Case:
    """The claim at its own size, or at the size asked for if it is claimed there."""
    wanted = (procs or claim.procs, folios or claim.folios)
    case = Case(claim.name, None, claim.expect, claim.source, claim.hypothesis)
    if not claim.sizes.admits(*wanted):
        case.skipped = f"not claimed at {wanted[0]}x{wanted[1]} (claimed for {claim.sizes})"
        return case
    try:
        case.opts = claim.model_options(procs, folios)
    except UsageError as err:
        case.skipped = f"not possible at {wanted[0]}x{wanted[1]}: {err}"
    return case


def hypothesis_case(hyp: Hypothesis, procs: int | None, folios: int | None) -> Case:
    case = Case(f"hypothesis {hyp.name}", None, hyp.expect, hyp.source.split(":")[0], hyp)
    try:
        case.opts = hyp.model_options(procs=procs, folios=folios)
    except UsageError as err:
        case.skipped = f"not possible at this size: {err}"
    return case


def all_cases(procs: int | None = None, folios: int | None = None,
              extra: list[Hypothesis] | None = None, claims_dir: Path | None = None) -> list[Case]:
    """Every claim (in file-name order), then every hypothesis, bundled and extra."""
    hypotheses = bundled_hypotheses() + (extra or [])
    claims = load_claims(claims_dir or CLAIMS_DIR, hypotheses)
    return ([claim_case(c, procs, folios) for c in claims]
            + [hypothesis_case(h, procs, folios) for h in hypotheses])


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
