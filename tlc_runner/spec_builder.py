"""Book-keeping the templates call while they render one spec.

The Jinja macros in `specs/templates/kernel.tla.j2` emit one TLA+ action per
load or store; each also tells this builder its name, who runs it and whether
a CPU that stands at that label is *inside* an unlocked list primitive or
length update.  From that the base template generates `Next`, the set of pc
labels for `TypeOK`, and the `Quiet` predicate the properties are checked at,
so no list of labels is ever written twice by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """The C line a step was compiled from."""

    function: str
    file: str
    line: int


@dataclass(frozen=True)
class Action:
    name: str
    domain: str  # "Shrinkers" or "Folios"
    param: str  # the bound variable used in the action's definition
    starts: tuple[str, ...] = ()  # the pc labels it can start from (default: its own name)

    @property
    def start_labels(self) -> tuple[str, ...]:
        return self.starts or (self.name,)


@dataclass(frozen=True)
class StepGroup:
    """Consecutive steps of one process kind that `Next` tries only when the pc is at one of
    their start labels: TLC then tests one set membership instead of every step's guard."""

    name: str  # the TLA+ operator: "Steps_" + its first step's label
    domain: str
    param: str
    labels: tuple[str, ...]
    actions: tuple[Action, ...]


class SpecBuilder:
    def __init__(self, variables: list[str]) -> None:
        self.variables = list(variables)
        self.actions: list[Action] = []
        self.mid_labels: list[str] = []
        self.post_labels: list[str] = []
        self.extra_labels: list[str] = []
        self._phase = "pre"
        self._group: str | None = None
        self.groups: dict[str, list[str]] = {}
        # where the steps being rendered come from: one entry per kernel_c() being compiled
        self._where: list[Source | None] = []
        self.sources: dict[str, Source] = {}  # action label -> its C line
        self.calls: list[tuple[Source, str, str]] = []  # (the call's line, callee, first label)
        self.compiled: list[str] = []  # the C functions compiled into the module, first use first

    # -- called from templates; each returns "" so `{{ ... }}` prints nothing
    def action(self, name: str, domain: str, param: str, mid: bool = False,
               at: list[str] | None = None) -> str:
        if any(a.name == name for a in self.actions):
            raise ValueError(f"duplicate action label {name!r} in template")
        self.actions.append(Action(name, domain, param, tuple(at or ())))
        if mid:
            self.mid_labels.append(name)
        if self._phase == "post":
            self.post_labels.append(name)
        if self._group:
            self.groups[self._group].append(name)
        if self._where and self._where[-1] is not None:
            self.sources[name] = self._where[-1]
        return ""

    def source(self, function: str, file: str, line: int) -> str:
        """The steps that follow, up to the next call, come from this line of C."""
        self._where[-1] = Source(function, file, line)
        return ""

    def enter(self, function: str, label: str | None) -> None:
        """kernel_c() starts compiling `function`; its first step is `label`."""
        if self._where and self._where[-1] is not None and label:
            self.calls.append((self._where[-1], function, label))
        if function not in self.compiled:
            self.compiled.append(function)
        self._where.append(None)

    def leave(self) -> None:
        self._where.pop()

    def group(self, name: str | None) -> str:
        """Collect the labels of the actions that follow under `name` (None ends it)."""
        self._group = name
        if name:
            self.groups.setdefault(name, [])
        return ""

    def label(self, name: str) -> str:
        """A pc value that no action starts from (an idle or final state)."""
        if name not in self.extra_labels:
            self.extra_labels.append(name)
        return ""

    def phase(self, name: str) -> str:
        """'post' marks the steps after the local list was spliced back."""
        self._phase = name
        return ""

    def keep(self, changed: list[str]) -> str:
        unknown = [v for v in changed if v not in self.variables]
        if unknown:
            raise ValueError(f"template changes undeclared variable {unknown[0]!r}")
        rest = [v for v in self.variables if v not in changed]
        return f"UNCHANGED <<{', '.join(rest)}>>" if rest else "TRUE"

    # -- read by the base template after all actions were emitted
    def labels(self) -> list[str]:
        return [a.name for a in self.actions] + self.extra_labels

    def step_groups(self, domain: str) -> list[StepGroup]:
        """The steps of `domain` cut into about sqrt(n) groups for `Next` to dispatch on.

        A primitive's inner steps (labels `<root>_...`) stay in their root's group, so a
        group is a run of whole kernel calls in template order.  TLC evaluates the guard
        of every step of every process in every state; with groups it evaluates one
        membership per group and the guards of one group, about 2*sqrt(n) instead of n."""
        actions = [a for a in self.actions if a.domain == domain]
        # Steps that start from idle labels (`at`, e.g. o_start) are the ones tried in most
        # states: they form one group of their own, so an idle process costs one membership.
        entries = [a for a in actions if a.starts]
        families: list[list[Action]] = []
        for a in (a for a in actions if not a.starts):
            if families and a.name.startswith(families[-1][0].name + "_"):
                families[-1].append(a)
            else:
                families.append([a])
        target = max(1, math.isqrt(len(actions) - len(entries)))
        chunks: list[list[Action]] = []
        for family in families:
            if chunks and len(chunks[-1]) + len(family) <= target:
                chunks[-1].extend(family)
            else:
                chunks.append(list(family))
        if entries:
            chunks.append(entries)
        position = {a.name: i for i, a in enumerate(actions)}
        chunks.sort(key=lambda chunk: position[chunk[0].name])
        groups = []
        for chunk in chunks:
            labels = list(dict.fromkeys(l for a in chunk for l in a.start_labels))
            groups.append(StepGroup(f"Steps_{chunk[0].name}", domain, chunk[0].param,
                                    tuple(labels), tuple(chunk)))
        return groups

    def tla_set(self, names: list[str]) -> str:
        return "{" + ", ".join(f'"{n}"' for n in names) + "}"
