"""The typed timeline as JSON (schema: docs/trace-json.md; field names are stable)."""

from __future__ import annotations

import json
from dataclasses import asdict

from ..timeline import Timeline
from .summary import reproduce

SCHEMA_VERSION = 1


def timeline_dict(timeline: Timeline, context: dict) -> dict:
    return {
        "schema": "dsqspec-timeline",
        "version": SCHEMA_VERSION,
        "verdict": "violation",
        "model": {
            "label": context.get("label"),
            "procs": context.get("procs"),
            "shrinkers": list(timeline.facts.shrinkers),
            "folios": list(timeline.facts.folios),
            "properties": list(timeline.facts.properties),
        },
        "tlc_version": context.get("tlc_version"),
        "violation": {"kind": timeline.violation_kind, "property": timeline.property},
        "first_break": {"step": timeline.first_break, "properties": timeline.first_break_properties},
        "cpus": timeline.cpus,
        "lists_before": timeline.initial_lists,
        "lists_after": timeline.final_lists,
        "events": [asdict(e) for e in timeline.events],
        "reproduce": reproduce(context),
    }


def render_json(timeline: Timeline, context: dict) -> str:
    return json.dumps(timeline_dict(timeline, context), indent=2) + "\n"


def render_no_violation_json(model: dict, stats: dict, elapsed: float, version: str | None,
                             command: list[str]) -> str:
    """A clean pass as JSON, so that `--format json` always prints one JSON document."""
    document = {
        "schema": "dsqspec-verdict",
        "version": SCHEMA_VERSION,
        "verdict": "no violation",
        "model": model,
        "properties_checked": list(model["properties"]),
        "states": stats,
        "elapsed_s": round(elapsed, 3),
        "tlc_version": version,
        "command": command,
        "reproduce": " ".join(command),
    }
    return json.dumps(document, indent=2) + "\n"
