"""`python -m tlc_runner`: the same guarded entry point as the `dsqspec` script."""

from .entry import run

run()
