"""JSON documents carried inside request members (key policies, parameter policies).

They are parsed after the request body, so the body's depth guard does not cover them; a
document nested absurdly deep must be refused as malformed, never reach recursive code.
"""

from __future__ import annotations

import json
from typing import Any

# Policy documents are a few levels deep; 32 leaves room for any real one.
MAX_DOCUMENT_DEPTH = 32


def load_bounded(text: str | bytes, max_depth: int = MAX_DOCUMENT_DEPTH) -> Any:
    """``json.loads`` that raises ValueError for invalid JSON *and* for nesting over ``max_depth``."""
    try:
        document = json.loads(text)
    except RecursionError:
        raise ValueError(f"the document is nested deeper than {max_depth} levels") from None
    if nested_deeper_than(document, max_depth):
        raise ValueError(f"the document is nested deeper than {max_depth} levels")
    return document


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` has containers nested more than ``limit`` levels (iterative walk)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False
