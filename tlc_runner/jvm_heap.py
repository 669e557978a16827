"""The heap options of every TLC JVM dsqspec starts: a single TLC run's and each distributed
worker's alike."""

from __future__ import annotations

DEFAULT_HEAP = "6g"  # a quarter of a 24 GiB machine: room for two runs and the OS
# TLC's live data (fingerprint set, queue buffers) is small next to its garbage, and the
# parallel collector grows the young generation towards a third of -Xmx: a 6g heap held
# 0.9-1.7 GiB resident for a 78,000-state model, and zeroing those pages cost system time.
# A fixed young generation keeps the resident size near what TLC actually uses.  512, not
# 256: states wait in TLC's queue long enough to outlive a small young generation, and Java
# 25's parallel collector then grows the old generation with them instead of collecting it
# (fixed 3x3 all actors held 2.0 GiB resident, 13.7 s of system time; 1.0 GiB, 2.3 s at 512).
YOUNG_GEN_MIB = 512
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def young_gen_options(heap: str) -> list[str]:
    """`-Xmn` for a heap (in -Xmx syntax) at least four times its size; none for a smaller
    heap, where the JVM's own sizing is already small (and -Xmn >= -Xmx draws a warning)."""
    digits = heap.rstrip("kKmMgGtT")
    size = int(digits) * _UNITS[heap[len(digits):].lower()] if digits.isdigit() else 0
    return [f"-Xmn{YOUNG_GEN_MIB}m"] if size >= 4 * YOUNG_GEN_MIB << 20 else []
