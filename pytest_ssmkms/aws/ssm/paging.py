"""NextTokens: opaque to callers, a cursor for us.

A token holds the position after which the next page starts (the segments of the last name
returned, or the last version number), never an offset, so tokens stay valid while parameters
are added or deleted between pages.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from pytest_ssmkms.aws.ssm.errors import InvalidNextToken

_VERSION = 1


def make_token(operation: str, position: Any) -> str:
    raw = json.dumps({"v": _VERSION, "op": operation, "at": position}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii")


def read_token(operation: str, token: str | None) -> Any:
    """The position a token holds; None for no token. A foreign or damaged token is refused."""
    if token is None:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise InvalidNextToken() from None
    if not isinstance(data, dict) or data.get("v") != _VERSION or data.get("op") != operation:
        raise InvalidNextToken()
    return data.get("at")


def read_segments(operation: str, token: str | None) -> tuple[str, ...] | None:
    position = read_token(operation, token)
    if position is None:
        return None
    if not isinstance(position, list) or not all(isinstance(p, str) for p in position):
        raise InvalidNextToken()
    return tuple(position)
