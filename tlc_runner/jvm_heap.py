"""The heap options of every TLC JVM dsqspec starts: a single TLC run's and each distributed
worker's alike."""

from __future__ import annotations

DEFAULT_HEAP = "6g"  # a quarter of a 24 GiB machine: room for two runs and the OS
# TLC's live data (fingerprint set, queue buffers) is small next to its garbage, and the
# parallel collector grows the young generation towards a third of -Xmx: a 6g heap held
# 0.9-1.7 GiB resident for a 78,000-state model, and zeroing those pages cost system time.
# A fixed young generation keeps the resident size near what TLC actually uses.
YOUNG_GEN_MIB = 256
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def young_gen_options(heap: str) -> list[str]:
    """`-Xmn` for a heap (in -Xmx syntax) at least four times its size; none for a smaller
    heap, where the JVM's own sizing is already small (and -Xmn >= -Xmx draws a warning)."""
    digits = heap.rstrip("kKmMgGtT")
    size = int(digits) * _UNITS[heap[len(digits):].lower()] if digits.isdigit() else 0
    return [f"-Xmn{YOUNG_GEN_MIB}m"] if size >= 4 * YOUNG_GEN_MIB << 20 else []
