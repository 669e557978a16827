"""How logs get damaged: the mutations the parser fuzzers apply to captured TLC output.

Shared by tests/test_fuzz_parser.py (hypothesis, small) and benchmarks/fuzz_parser.py
(random, long).  An edit is (kind, where, span, token, byte): where and span are
fractions, so the same edit fits any text.
"""

from __future__ import annotations

import random
import re

KINDS = ("flip", "delete", "repeat", "insert", "swap", "cut")
# pieces of TLC's own output: the likeliest to reach deep into the parser
TOKENS = ["<<", ">>", "[", "]", "(", ")", "{", "}", "|->", ":>", "@@", "..", ",", '"', "\\", "\\\\\"",
          "/\\ ", "\n", "\n/\\ x = ", " = ", "TRUE", "FALSE", "-", "9" * 5000, "1" * 40, "\x00",
          "é", "\v", "\r\n", "@!@!@STARTMSG 2217:4 @!@!@\n", "@!@!@ENDMSG 2217 @!@!@\n",
          "@!@!@STARTMSG 2110:1 @!@!@\n", "@!@!@ENDMSG 2110 @!@!@\n", "@!@!@STARTMSG 2107:1 @!@!@\n",
          "1: <Initial predicate>\n", "2: <Next line 5, col 9 to line 5, col 27 of module T>\n",
          "3: Stuttering\n", "4: Back to state: <Next line 1, col 1 to line 1, col 2 of module T>\n",
          "Error: Invariant Inv is violated.\n", "State 2: <Next>\n", "<<" * 300, ">>" * 300,
          "@!@!@STARTMSG 2110:1 @!@!@\n@!@!@ENDMSG 2110 @!@!@\n", "1" * 4400, "-" + "7" * 4400,
          "@!@!@STARTMSG 2217:4 @!@!@\n" + "1" * 4400 + ": <Next>\n/\\ x = 1\n@!@!@ENDMSG 2217 @!@!@\n"]
# well-formed values swapped in for a printed one: the log still parses, its shapes change
ATOMS = ['"Q"', '"F1"', '"L1"', '"S1"', '"-"', '"nowhere"', '"large"', '"freed"', "0", "1", "-1", "7",
         "9" * 30, "TRUE", "FALSE", "<<>>", "{}", '{"list_del corruption"}', "[a |-> 1]", '<<"F1">>',
         "(1 :> 2)", "1..3", "F1"]
_ATOM = re.compile(r'"(?:\\.|[^"\\\n])*"|(?<![\w"])-?\d+\b|\bTRUE\b|\bFALSE\b|<<>>|\{\}')


def mutate(text: str, ops, start: int = 0) -> str:
    """Apply (kind, where, how far, token, byte) edits at fractions of the text past `start`."""
    for kind, where, span, token, byte in ops:
        begin = min(start, len(text))
        at = begin + int(where * (len(text) - begin))
        end = min(len(text), at + 1 + int(span * min(len(text) - at, 400)))
        if kind == "flip":
            text = text[:at] + chr(byte) + text[at + 1:]
        elif kind == "delete":
            text = text[:at] + text[end:]
        elif kind == "repeat":
            text = text[:end] + text[at:end] * 3 + text[end:]
        elif kind == "insert":
            text = text[:at] + token + text[at:]
        elif kind == "swap":  # the next printed atom after `at` becomes another one
            found = _ATOM.search(text, at)
            if found:
                text = text[:found.start()] + ATOMS[byte % len(ATOMS)] + text[found.end():]
        else:
            text = text[:at]
    return text


def random_edits(rng: random.Random, count: int) -> list[tuple]:
    """`count` edits drawn at random; mostly in-place damage, a cut now and then."""
    kinds = [k for k in KINDS if k != "cut"]
    return [(rng.choice(kinds) if rng.random() > 0.05 else "cut", rng.random(), rng.random(),
             rng.choice(TOKENS), rng.randrange(256)) for _ in range(count)]
