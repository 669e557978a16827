"""Renderers of a counterexample timeline: text, markdown, json, itf."""

from __future__ import annotations

FORMATS = ("text", "markdown", "json", "itf")
