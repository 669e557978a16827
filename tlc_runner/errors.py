"""Errors that end a dsqspec command, each with the exit code the README documents.

Every failure a user can cause or meet is one of these; the CLI prints the
message on one line and exits with `exit_code`, never with a traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_VIOLATION = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3
EXIT_TLC_FAILED = 4
EXIT_INTERNAL = 5
EXIT_INTERRUPTED = 130  # SIGINT; SIGTERM and SIGHUP exit 128 + their number (143, 129)


class DsqspecError(Exception):
    exit_code = EXIT_TLC_FAILED


class UsageError(DsqspecError):
    """Bad option, unknown variant, out-of-range size, bad hypothesis file, unwritable folder."""

    exit_code = EXIT_USAGE


class EnvironmentProblem(DsqspecError):
    """Java or TLC missing, corrupt, or the wrong version."""

    exit_code = EXIT_ENVIRONMENT


class TlcFailed(DsqspecError):
    """TLC ran but produced no verdict: spec error, crash, OOM, timeout, unparsable output."""

    exit_code = EXIT_TLC_FAILED


class Interrupted(DsqspecError):
    """Ctrl-C, or SIGTERM/SIGHUP (timeout(1), a cancelled CI job, a dropped ssh session)."""

    exit_code = EXIT_INTERRUPTED

    def __init__(self, message: str, exit_code: int = EXIT_INTERRUPTED) -> None:
        super().__init__(message)
        self.exit_code = exit_code
