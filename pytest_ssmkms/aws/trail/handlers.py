"""The CloudTrail operation table: LookupEvents answered from the trail.

Only LookupEvents is implemented; any other CloudTrail operation is left out of the table, so
the dispatcher answers a clear UnknownOperationException naming what is supported.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from pytest_ssmkms.aws.strict import shift, whole_number
from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.services import Handler
from pytest_ssmkms.aws.errors import AwsError
from pytest_ssmkms.aws.trail.event import DECISION_FIELD, username
from pytest_ssmkms.aws.trail.index import ALL, query_values
from pytest_ssmkms.aws.trail.query import Where
from pytest_ssmkms.aws.trail.record import CallRecord


DEFAULT_MAX_RESULTS = 50
# Event history keeps the last 90 days of management events.
RETENTION = timedelta(days=90)

# LookupAttribute key -> Where field.
_ATTRIBUTES = {
    "EventId": "event_id",
    "EventName": "event_name",
    "ReadOnly": "read_only",
    "Username": "username",
    "ResourceType": "resource_type",
    "ResourceName": "resource_name",
    "EventSource": "event_source",
    "AccessKeyId": "access_key_id",
}


class InvalidLookupAttributesException(AwsError):
    code = "InvalidLookupAttributesException"


class InvalidTimeRangeException(AwsError):
    code = "InvalidTimeRangeException"


class InvalidNextTokenException(AwsError):
    code = "InvalidNextTokenException"


def lookup_events(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    where = _where(params.get("LookupAttributes") or [])
    now = ctx.event_time
    earliest = shift(now, -RETENTION)  # held at year 1 on a clock set near it
    start: datetime = params.get("StartTime") or earliest
    end: datetime = params.get("EndTime") or now
    if start > end:
        # Text not verified; the code is the modelled one.
        raise InvalidTimeRangeException("Start time must be before end time.")
    start = max(start, earliest)
    limit = params.get("MaxResults") or DEFAULT_MAX_RESULTS
    fingerprint = _fingerprint(params)
    before = _decode_token(params["NextToken"], fingerprint) if params.get("NextToken") else None

    account, region = ctx.backend.account_id, ctx.region
    attribute, values = _selection(params.get("LookupAttributes") or [], (account, region), ctx)
    events: list[dict[str, Any]] = []
    next_token: str | None = None
    records: Iterator[tuple[int, CallRecord]] = iter(())
    if params.get("EventCategory") != "insight":  # no Insights events are ever generated here
        # Event history answers newest first. Only the records indexed under the attribute's
        # value are looked at (trail/index.py), never a copy of the whole trail.
        records = ctx.backend.world.trail.select(attribute, values, (account, region), before)
    for sequence, record in records:
        if not _visible(record, account, region):
            continue
        moment = record.ctx.event_time.replace(microsecond=0)  # CloudTrail keeps seconds
        if moment < start.replace(microsecond=0) or moment > end:
            continue
        if not where.matches(record):
            continue
        if len(events) == limit:
            next_token = _encode_token(sequence + 1, fingerprint)
            break
        events.append(_event_entry(record))
    result: dict[str, Any] = {"Events": events}
    if next_token is not None:
        result["NextToken"] = next_token
    return result


def _visible(record: CallRecord, account: str, region: str) -> bool:
    # Event history is per account and region. CloudTrail's own calls (this LookupEvents
    # included) are left out: real history shows them only after its delivery delay, and a
    # test wants to see the calls of the code under test.
    return (
        record.service != "cloudtrail"
        and record.ctx.region == region
        and record.ctx.backend.account_id == account
    )


def _selection(attributes: list[dict[str, Any]], place: tuple[str, str], ctx: CallContext) -> tuple[str, list[str]]:
    """The trail index to read and the values to read it under (checked by _where first)."""
    if not attributes:
        return ALL, [""]
    field = _ATTRIBUTES[attributes[0]["AttributeKey"]]
    return field, query_values(field, attributes[0]["AttributeValue"], place, ctx.backend)


def _where(attributes: list[dict[str, Any]]) -> Where:
    if len(attributes) > 1:
        # Real CloudTrail: "Currently the list can contain only one item." (text not verified)
        raise InvalidLookupAttributesException("You can specify only one lookup attribute.")
    if not attributes:
        return Where()
    key, value = attributes[0]["AttributeKey"], attributes[0]["AttributeValue"]
    if key == "ReadOnly" and value not in ("true", "false"):
        raise InvalidLookupAttributesException(
            f"The value {value!r} of lookup attribute ReadOnly must be 'true' or 'false'."
        )
    return Where(**{_ATTRIBUTES[key]: value})


def _event_entry(record: CallRecord) -> dict[str, Any]:
    event = record.event
    entry: dict[str, Any] = {
        "EventId": event["eventID"],
        "EventName": event["eventName"],
        "ReadOnly": "true" if event["readOnly"] else "false",
        "AccessKeyId": event["userIdentity"]["accessKeyId"],
        "EventTime": record.ctx.event_time.replace(microsecond=0),
        "EventSource": event["eventSource"],
        "Username": username(record.ctx.caller),
        "Resources": [{"ResourceType": r.type, "ResourceName": r.name} for r in record.resources],
        "CloudTrailEvent": json.dumps(
            {k: v for k, v in event.items() if k != DECISION_FIELD}, separators=(",", ":")
        ),
    }
    return entry


def _fingerprint(params: dict[str, Any]) -> str:
    # A token is valid only with the parameters it was issued for, as in CloudTrail.
    basis = {k: v for k, v in params.items() if k not in ("NextToken", "MaxResults")}
    text = json.dumps(basis, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _encode_token(before: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(f"{before}:{fingerprint}".encode()).decode()


def _decode_token(token: str, fingerprint: str) -> int:
    try:
        before_text, found = base64.urlsafe_b64decode(token.encode()).decode().split(":")
        before = whole_number(before_text)
        if before is None:
            raise ValueError(before_text)
    except (ValueError, UnicodeError):
        raise InvalidNextTokenException("Invalid NextToken.") from None  # text not verified
    if found != fingerprint:
        raise InvalidNextTokenException(
            "The NextToken was issued for a request with other parameters."
        )
    return before


OPERATIONS: Mapping[str, Handler] = {
    "LookupEvents": lookup_events,
}
