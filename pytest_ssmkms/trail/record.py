"""What the backend remembers of one call: the raw material of a CloudTrail record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_ssmkms.context import CallContext
    from pytest_ssmkms.errors import AwsError


@dataclass(frozen=True)
class CallRecord:
    """One answered call, kept raw so that recording costs nothing on the hot path."""

    service: str  # "ssm", "kms", "cloudtrail"
    operation: str  # "GetParameter"
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: AwsError | None
    ctx: CallContext
    # The policy statement that decided an authorization, when one did.
    decision: Any = None
