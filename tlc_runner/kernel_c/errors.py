"""One error type for every bad C input: it always names file:line:col."""

from __future__ import annotations

from ..errors import UsageError


class CError(UsageError):
    """Bad kernel C: the message starts with `file:line:col:` (exit 2)."""

    def __init__(self, file: str, line: int, col: int, message: str) -> None:
        super().__init__(f"{file}:{line}:{col}: {message}")
        self.file, self.line, self.col, self.text = file, line, col, message


class Pos:
    """Where a construct starts in its source file."""

    __slots__ = ("file", "line", "col")

    def __init__(self, file: str, line: int, col: int) -> None:
        self.file, self.line, self.col = file, line, col

    def error(self, message: str) -> CError:
        return CError(self.file, self.line, self.col, message)

    def __repr__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"
