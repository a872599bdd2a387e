"""The CloudTrail operation table (LookupEvents over the trail)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pytest_ssmkms.context import CallContext

Handler = Callable[[CallContext, dict[str, Any]], dict[str, Any]]

OPERATIONS: Mapping[str, Handler] = {}
