"""GetKeyLastUsage, answered from the trail (see ``last_usage``)."""

from __future__ import annotations

from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.kms.common import find_key


def get_key_last_usage(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = find_key(ctx, params["KeyId"], aliases=False)
    ctx.authorize("kms:GetKeyLastUsage", key.arn, key=key)
    owner = ctx.backend.world.backend(key.account_id, key.region).kms
    record = owner.usage.last(key.arn)
    usage: dict[str, Any] = {}
    # Only uses since this key was created: a deleted replica made again starts afresh.
    if record is not None and record.ctx.event_time >= key.created:
        usage = {
            "Operation": record.operation,
            "Timestamp": record.ctx.event_time,
            "CloudTrailEventId": record.event["eventID"],
            "KmsRequestId": record.ctx.request_id,
        }
    # Tracking begins when the key is created (the mock's account has no earlier history);
    # an unused key answers an empty KeyLastUsage, as documented.
    return {
        "KeyId": key.key_id,
        "KeyLastUsage": usage,
        "TrackingStartDate": key.created,
        "KeyCreationDate": key.created,
    }


OPERATIONS = {"GetKeyLastUsage": get_key_last_usage}
