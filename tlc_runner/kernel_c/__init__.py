"""Kernel C in, model out: the front end that compiles the kernel's own C of the
deferred split paths into the pointer-level steps of specs/templates/kernel.tla.j2.

The pipeline, one module per stage:
    preprocess.py  comments out, #ifdef CONFIG_X blocks resolved, line:col kept
    grammar.lark   the C subset, parse.py turns it into syntax.py's dataclasses
    calls.def      what every kernel call means in the model (calls.py reads it)
    lower.py       syntax -> control-flow graph of shared accesses and local work (cfg.py)
    steps.py       CFG -> steps: one per shared access, local work folded in,
                   lock state, liveness, labels and changed variables derived
    emit.py        steps -> Jinja text calling kernel.tla.j2's macros
    sources.py     the bundled versions under specs/kernel/, hypotheses and patches
"""
