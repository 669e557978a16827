"""What a finished TLC run means: its exit code and messages, turned into a verdict.

TLC's exit codes (tlc2/output/EC.java, ExitStatus) are the first source; the
messages confirm them, because `-continue` exits 0 after violations and a crash
can die before it prints anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .tool_frames import (
    FINAL_STATS, INIT_STATES, PROGRESS, SEARCH_DEPTH, SUCCESS, TLC_BUG_CLASS, VERSION, Message,
)

TLC_EXIT_MEANINGS: dict[int, str] = {
    0: "success",
    10: "assumption false",
    11: "deadlock",
    12: "safety (invariant) violation",
    13: "liveness or action property violation",
    14: "Assert failed",
    75: "spec evaluation failure",
    76: "invariant evaluation failure",
    77: "liveness evaluation failure",
    150: "spec parse error",
    151: "config error",
    152: "state space too large",
    153: "system error",
    255: "TLC failed",
    1: "bad command line or metadir clash",
}
VIOLATION_EXITS = {11, 12, 13, 14}

# Counts are bounded in length so that int() never meets a corrupt 5,000-digit one.
_NUM = r"(\d[\d,]{0,26})"
_STATS = re.compile(rf"{_NUM} states generated, {_NUM} distinct states found, {_NUM} states left on queue")
_PROGRESS = re.compile(
    rf"Progress\((\d{{1,18}})\) at [^:]+:\d+:\d+: {_NUM} states generated \({_NUM} s/min\), "
    rf"{_NUM} distinct states found \({_NUM} ds/min\), {_NUM} states left on queue"
)


def _int(text: str) -> int:
    return int(text.replace(",", ""))


@dataclass
class Stats:
    generated: int = 0
    distinct: int = 0
    left: int = 0
    depth: int | None = None
    rate_per_min: int | None = None


@dataclass
class Progress:
    depth: int
    generated: int
    distinct: int
    left: int
    rate_per_min: int


def parse_progress(body: str) -> Progress | None:
    match = _PROGRESS.search(body)
    if not match:
        return None
    return Progress(int(match.group(1)), _int(match.group(2)), _int(match.group(4)),
                    _int(match.group(6)), _int(match.group(3)))


def stats_from(messages: list[Message]) -> Stats:
    stats = Stats()
    for message in messages:
        if message.code == FINAL_STATS:
            match = _STATS.search(message.body)
            if match:
                stats.generated, stats.distinct, stats.left = (_int(g) for g in match.groups())
        elif message.code == SEARCH_DEPTH:
            depth = re.search(r"is (\d{1,18})\b", message.body)
            stats.depth = int(depth.group(1)) if depth else None
        elif message.code == PROGRESS:
            progress = parse_progress(message.body)
            if progress:
                stats.rate_per_min = progress.rate_per_min
        elif message.code == INIT_STATES and not stats.generated:
            found = re.search(rf"{_NUM} distinct state", message.body)
            if found:
                stats.distinct = _int(found.group(1))
    return stats


_SERVER_BANNER = re.compile(r"^TLC2 TLC Server (Version .+)$", re.MULTILINE)


def tlc_version(messages: list[Message]) -> str | None:
    """TLC's banner; TLCServer prints its own before it reads `-tool`, so unframed."""
    for message in messages:
        if message.code == VERSION:
            return message.body.strip()
        if message.code is None:
            server = _SERVER_BANNER.search(message.body)
            if server:
                return f"TLC2 {server.group(1).strip()} (distributed: TLCServer)"
    return None


def succeeded(messages: list[Message]) -> bool:
    return any(m.code == SUCCESS for m in messages)


def sany_message(messages: list[Message]) -> str | None:
    """SANY's first complaint (printed unframed), e.g. a parse or semantic error."""
    for message in messages:
        if message.code is None and ("***Parse Error***" in message.body or "*** Errors" in message.body):
            lines = [l.strip() for l in message.body.splitlines() if l.strip()]
            start = next(i for i, l in enumerate(lines) if "Parse Error" in l or "*** Errors" in l)
            return " ".join(lines[start + 1:start + 4])[:240]
    return None


def failure_summary(messages: list[Message], exit_code: int) -> str:
    """TLC's own words for why it stopped without a verdict: one line."""
    meaning = TLC_EXIT_MEANINGS.get(exit_code, "unknown exit code")
    sany = sany_message(messages) if exit_code == 150 else None
    if sany:
        return f"{meaning}: {sany}"
    for message in messages:
        if message.cls in (1, TLC_BUG_CLASS) and message.code is not None:
            first = next((l for l in message.body.splitlines() if l.strip()), "")
            return f"{meaning}: {first.strip()[:200]}"
    for message in messages:
        if message.code is None:
            for line in message.body.splitlines():
                if re.search(r"\*\*\*|Error|Exception|error", line):
                    return f"{meaning}: {line.strip()[:200]}"
    return meaning
