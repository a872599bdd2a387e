"""The STS operation table: GetCallerIdentity.

The query protocol's wire format lives in ``wire/query.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.services import Handler


def get_caller_identity(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    # "No permissions are required to perform this operation. If an administrator attaches a
    # policy to your identity that explicitly denies access to the sts:GetCallerIdentity
    # action, you can still perform this operation" (STS API reference): nothing to authorize.
    caller = ctx.caller
    return {"UserId": caller.principal_id, "Account": caller.account_id, "Arn": caller.arn}


OPERATIONS: Mapping[str, Handler] = {
    "GetCallerIdentity": get_caller_identity,
}
