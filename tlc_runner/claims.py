"""Claims: what the model must say, one small file per claim in `specs/claims/`.

Like an LKMM litmus test, whose header carries the expected result that
judgelitmus.sh compares against herd7, a claim file states one expected verdict
for one model and where that expectation comes from. `dsqspec verify`,
`dsqspec variants` and the tests read the claims from here; nothing restates
them in Python. The format (docs/claims.md):

    # F-2 in v6.12: a partial unmap queues a folio inside the unlocked INIT_LIST_HEAD()
    name: F-2
    variant: fixed
    options: procs=2 folios=2 actors=unmap properties=ListIntegrity
    sizes: procs=2..4
    expect: violates ListIntegrity
    source: docs/findings.md F-2

Every error is one line naming the file and the line; a claim file is data, it
names a bundled variant or a known hypothesis, never a path to read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .hypothesis import Expectation, Hypothesis, parse_expectation, parse_options
from .model_options import MAX_FOLIOS, MAX_PROCS, ModelOptions
from .render import SPECS_DIR
from .variants import VARIANTS

CLAIMS_DIR = SPECS_DIR / "claims"
SUFFIX = ".claim"
KEYS = ("name", "description", "variant", "hypothesis", "options", "sizes", "expect", "slow", "source")
REQUIRED = ("name", "options", "expect", "source")
_KEY_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):(.*)$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def parse_range(text: str, lowest: int, highest: int, what: str) -> list[int]:
    """`3` or `1..3`, within lowest..highest."""
    try:
        low, _, high = text.partition("..")
        first, last = int(low), int(high or low)
    except ValueError:
        raise UsageError(f"{what} must be N or A..B, got {text!r}") from None
    if not lowest <= first <= last <= highest:
        raise UsageError(f"{what} must lie within {lowest}..{highest}, got {text!r}")
    return list(range(first, last + 1))


@dataclass(frozen=True)
class Sizes:
    """The CPU and folio counts a claim's expectation is claimed for."""

    procs: tuple[int, int] = (1, MAX_PROCS)
    folios: tuple[int, int] = (1, MAX_FOLIOS)

    def admits(self, procs: int, folios: int) -> bool:
        return self.procs[0] <= procs <= self.procs[1] and self.folios[0] <= folios <= self.folios[1]

    def __str__(self) -> str:
        parts = [f"{what} {low}..{high}" if low != high else f"{what} {low}"
                 for what, (low, high), full in (("procs", self.procs, (1, MAX_PROCS)),
                                                 ("folios", self.folios, (1, MAX_FOLIOS)))
                 if (low, high) != full]
        return ", ".join(parts) or "any size"


def parse_sizes(text: str, where: str) -> Sizes:
    """`procs=2..4 folios=3..5` (either may be left out: then any count)."""
    spans: dict[str, tuple[int, int]] = {}
    for word in text.split():
        key, _, value = word.partition("=")
        highest = {"procs": MAX_PROCS, "folios": MAX_FOLIOS}.get(key)
        if highest is None or key in spans:
            raise UsageError(f"{where}bad sizes entry {word!r} (procs=A..B, folios=A..B, each once)")
        try:
            counts = parse_range(value, 1, highest, key)
        except UsageError as err:
            raise UsageError(f"{where}sizes: {err}") from None
        spans[key] = (counts[0], counts[-1])
    return Sizes(**spans)


@dataclass(frozen=True)
class Claim:
    """One expected verdict: a model (a variant or a hypothesis, with options) and its result."""

    path: Path
    name: str
    description: str
    variant: str  # the kernel version; for a hypothesis claim, the hypothesis's base
    hypothesis: Hypothesis | None
    options: dict
    sizes: Sizes
    expect: Expectation
    source: str
    slow: bool = False

    @property
    def procs(self) -> int:
        return self.options["procs"]

    @property
    def folios(self) -> int:
        return self.options["folios"]

    def model_options(self, procs: int | None = None, folios: int | None = None) -> ModelOptions:
        """The claim's model, with the sizes verify was asked for (if given)."""
        values = {**self.options, **{k: v for k, v in (("procs", procs), ("folios", folios)) if v is not None}}
        if self.hypothesis is not None:
            return self.hypothesis.model_options(**values)
        return ModelOptions(variant=self.variant, **values)

    def check_args(self) -> list[str]:
        """The `dsqspec check` options after --variant/--hypothesis that give this model."""
        args = self.model_options().cli_args()
        return args[2:]


def _read_fields(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """`key: value` lines; indented lines continue the previous value; `#` starts a comment line."""
    if path.exists() and not path.is_file():  # a FIFO would block the read for ever
        raise UsageError(f"{path}: not a regular file (a claim is a text file)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}:1: a claim file is UTF-8 text") from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read: {err.strerror}") from None
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    key = None
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{path}:{number}: "
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t":
            if key is None:
                raise UsageError(f"{where}an indented line continues a 'key: value' line; there is none above")
            values[key] += " " + line.strip()
            continue
        match = _KEY_LINE.match(line)
        if not match:
            raise UsageError(f"{where}expected 'key: value' (keys: {', '.join(KEYS)})")
        key = match.group(1)
        if key not in KEYS:
            raise UsageError(f"{where}unknown key {key!r} (keys: {', '.join(KEYS)})")
        if key in values:
            raise UsageError(f"{where}{key!r} given twice (first on line {lines[key]})")
        values[key], lines[key] = match.group(2).strip(), number
    for key, value in values.items():
        if not value:
            raise UsageError(f"{path}:{lines[key]}: {key!r} has no value")
    return values, lines


def load_claim(path: Path, hypotheses: dict[str, Hypothesis] | None = None) -> Claim:
    """Parse and check one claim file; `hypotheses` are the ones a `hypothesis:` key may name."""
    values, lines = _read_fields(path)

    def at(key: str) -> str:
        return f"{path}:{lines.get(key, 1)}: "

    missing = [k for k in REQUIRED if k not in values]
    if missing:
        raise UsageError(f"{path}:1: claim lacks {', '.join(missing)}")
    if ("variant" in values) == ("hypothesis" in values):
        raise UsageError(f"{path}:1: a claim names exactly one of 'variant:' or 'hypothesis:'")
    name = values["name"]
    if not _NAME.match(name) or name != path.name.removesuffix(SUFFIX):
        raise UsageError(f"{at('name')}name {name!r} must be the file's name without {SUFFIX} "
                         f"({path.name.removesuffix(SUFFIX)!r}; letters, digits, . _ -)")
    hyp = None
    if "hypothesis" in values:
        hyp = (hypotheses or {}).get(values["hypothesis"])
        if hyp is None:
            raise UsageError(f"{at('hypothesis')}no hypothesis named {values['hypothesis']!r} "
                             f"(known: {', '.join(sorted(hypotheses or {})) or 'none'})")
        variant = hyp.base
    else:
        variant = values["variant"]
        if variant not in VARIANTS:
            raise UsageError(f"{at('variant')}variant {variant!r} is not one of {', '.join(VARIANTS)}")
    options = parse_options(values["options"], at("options"))
    if "procs" not in options or "folios" not in options:
        raise UsageError(f"{at('options')}options must give the claim's size: procs=N folios=M")
    try:
        hyp.model_options(**options) if hyp else ModelOptions(variant=variant, **options)
    except UsageError as err:
        raise UsageError(f"{at('options')}{err}") from None
    expect = parse_expectation(values["expect"], at("expect"))
    if expect.kind == "unknown" or (expect.kind == "violates" and not expect.properties):
        raise UsageError(f"{at('expect')}a claim expects 'holds' or 'violates PROPERTY[, ...]' "
                         f"(an open question is a hypothesis with expect: unknown)")
    sizes = parse_sizes(values.get("sizes", ""), at("sizes"))
    if not sizes.admits(options["procs"], options["folios"]):
        raise UsageError(f"{at('sizes')}the claim's own size ({options['procs']}x{options['folios']}) "
                         f"lies outside its sizes ({sizes})")
    slow = values.get("slow", "false")
    if slow not in ("true", "false"):
        raise UsageError(f"{at('slow')}slow must be 'true' or 'false', got {slow!r}")
    return Claim(path, name, values.get("description", ""), variant, hyp, options, sizes, expect,
                 values["source"], slow == "true")


def load_claims(folder: Path = CLAIMS_DIR, hypotheses: list[Hypothesis] | None = None) -> list[Claim]:
    """Every `*.claim` in `folder`, in file-name order."""
    if not folder.is_dir():
        raise UsageError(f"claims folder {folder} is not a folder")
    known = {h.name: h for h in hypotheses or []}
    claims = [load_claim(p, known) for p in sorted(folder.glob(f"*{SUFFIX}"))]
    if not claims:
        raise UsageError(f"{folder}: no *{SUFFIX} files")
    return claims


def claims_by_variant(claims: list[Claim]) -> dict[str, list[Claim]]:
    """The claims on each kernel version itself (hypothesis claims are left out)."""
    grouped: dict[str, list[Claim]] = {name: [] for name in VARIANTS}
    for claim in claims:
        if claim.hypothesis is None:
            grouped[claim.variant].append(claim)
    return grouped
