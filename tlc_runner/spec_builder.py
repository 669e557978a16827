"""Book-keeping the templates call while they render one spec.

The Jinja macros in `specs/templates/kernel.tla.j2` emit one TLA+ action per
load or store; each also tells this builder its name, who runs it and whether
a CPU that stands at that label is *inside* an unlocked list primitive or
length update.  From that the base template generates `Next`, the set of pc
labels for `TypeOK`, and the `Quiet` predicate the properties are checked at,
so no list of labels is ever written twice by hand.
"""

from __future__ import annotations

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
    def action(self, name: str, domain: str, param: str, mid: bool = False) -> str:
        if any(a.name == name for a in self.actions):
            raise ValueError(f"duplicate action label {name!r} in template")
        self.actions.append(Action(name, domain, param))
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

    def tla_set(self, names: list[str]) -> str:
        return "{" + ", ".join(f'"{n}"' for n in names) + "}"
