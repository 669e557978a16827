"""Split TLC's `-tool` output into its message frames, line by line as it streams.

In tool mode TLC wraps every message as

    @!@!@STARTMSG <code>:<class> @!@!@
    <body>
    @!@!@ENDMSG <code> @!@!@

(classes: 0 none, 1 error, 2 TLC bug, 3 warning, 4 state).  SANY's "Parsing
file" lines and Java stack traces arrive between frames, unframed; they are kept
as messages with code None so that nothing TLC said is lost.  Every message
knows the line its body starts on, so that errors in it can name a line of the log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Codes are bounded in length: a corrupt 5,000-digit "code" is text, not a frame.
START = re.compile(r"^(.*)@!@!@STARTMSG (-?\d{1,9})(?::(\d{1,9}))? @!@!@$")
END = re.compile(r"^@!@!@ENDMSG (-?\d{1,9}) @!@!@$")

# Message codes dsqspec acts on (tlc2/output/EC.java, identical in 1.7.3 and master)
VERSION = 2262
PROGRESS = 2200
FINAL_STATS = 2199
SEARCH_DEPTH = 2194
INIT_STATES = 2190
SUCCESS = 2193
FINISHED = 2186
INVARIANT_VIOLATED = 2110
INVARIANT_VIOLATED_INITIAL = 2107
DEADLOCK = 2114
ASSERT_FAILED = 2132
BEHAVIOR_PREFIX = 2121
STATE = 2217
STATE_INITIAL_ERROR = 2216
TLC_BUG_CLASS = 2
ERROR_CLASS = 1


@dataclass(frozen=True)
class Message:
    code: int | None  # None: text TLC printed outside any frame
    cls: int
    body: str
    line: int = 1  # the line of the whole output on which `body` starts


class FrameReader:
    """Feed lines; collects complete messages in `messages`.

    `first_line` is the number of the first line fed (a log with header lines
    above TLC's output starts later)."""

    def __init__(self, first_line: int = 1) -> None:
        self.messages: list[Message] = []
        self._open: tuple[int, int] | None = None
        self._lines: list[str] = []
        self._loose: list[str] = []
        self._next_line = first_line  # number of the line the next feed() gets
        self._body_line = first_line  # where the open frame's body, or the loose text, starts

    def feed(self, line: str) -> Message | None:
        line = line.rstrip("\n")
        number = self._next_line
        self._next_line += 1
        if self._open is None:
            start = START.match(line)
            if start:
                if start.group(1):
                    if not self._loose:
                        self._body_line = number
                    self._loose.append(start.group(1))
                self._flush_loose()
                self._open = (int(start.group(2)), int(start.group(3) or 0))
                self._lines = []
                self._body_line = number + 1
                return None
            if not self._loose:
                self._body_line = number
            self._loose.append(line)
            return None
        end = END.match(line)
        if end and int(end.group(1)) == self._open[0]:
            message = Message(self._open[0], self._open[1], "\n".join(self._lines).rstrip("\n"),
                              self._body_line)
            self.messages.append(message)
            self._open = None
            return message
        self._lines.append(line)
        return None

    def close(self) -> list[Message]:
        """End of stream: an unterminated frame is kept as loose text."""
        if self._open is not None:
            self._loose.extend(self._lines)  # starts at _body_line: no loose text is pending
            self._open = None
        self._flush_loose()
        return self.messages

    def _flush_loose(self) -> None:
        text = "\n".join(self._loose)
        stripped = text.lstrip("\n")
        if stripped.strip():
            line = self._body_line + len(text) - len(stripped)
            self.messages.append(Message(None, 0, stripped.rstrip("\n"), line))
        self._loose = []


def parse_frames(text: str) -> list[Message]:
    reader = FrameReader()
    for line in text.split("\n"):
        reader.feed(line)
    return reader.close()
