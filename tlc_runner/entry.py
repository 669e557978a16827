"""The `dsqspec` console script, guarded from the first import on.

cli.py imports the renderer, which finds the bundled templates when it is
imported; an installed package that lost them must still end in one line and
exit 3, which no handler inside cli.py can catch because cli.py never loads.
"""

from __future__ import annotations

import sys

from .errors import EnvironmentProblem


def run() -> None:
    """Console entry point: import the CLI, then run it."""
    try:
        from .cli import main
    except EnvironmentProblem as err:
        print(f"dsqspec: {err}", file=sys.stderr)
        sys.exit(err.exit_code)
    main(prog_name="dsqspec")
