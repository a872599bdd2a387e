"""Helpers for the trail tests."""

from __future__ import annotations

import json
from typing import Any

SECRET = "correct-horse-battery-staple-4711"  # a real-looking secret that must never leak


def dump(trail: Any) -> str:
    """Everything a user can see of a trail: records, reprs of records and raw calls."""
    return json.dumps(list(trail)) + repr(trail) + repr(trail.calls)
