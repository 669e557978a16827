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
