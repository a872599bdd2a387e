"""Selecting calls by CloudTrail's lookup attributes, and one-line summaries of calls.

Both ``trail.lookup``/``assert_called`` and the CloudTrail LookupEvents operation select with
:class:`Where`; summaries are what failed assertions and failed tests print, so they carry only
names, sources and error codes, never a value or a message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pytest_ssmkms.aws.trail.event import event_source, is_read_only, username
from pytest_ssmkms.aws.trail.record import CallRecord


class _Any:
    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Any()
"""Default of filters where None is a meaningful value (``invoked_by=None``: direct calls)."""


def normalize_source(source: str) -> str:
    """``"kms"`` and ``"kms.amazonaws.com"`` both mean the KMS event source."""
    return source if source.endswith(".amazonaws.com") else event_source(source)


def read_only_flag(value: bool | str) -> bool:
    if isinstance(value, str):
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise ValueError(f"read_only must be True/False or 'true'/'false', got {value!r}")
        return lowered == "true"
    return bool(value)


@dataclass(frozen=True)
class Where:
    """A conjunction of lookup attributes; ``None`` (or ANY) leaves an attribute open."""

    event_name: str | None = None
    event_source: str | None = None
    resource_name: str | None = None
    resource_type: str | None = None
    username: str | None = None
    access_key_id: str | None = None
    read_only: bool | str | None = None
    event_id: str | None = None
    error_code: str | None = None
    succeeded: bool | None = None
    invoked_by: Any = ANY

    def matches(self, record: CallRecord) -> bool:
        if self.event_name is not None and record.operation != self.event_name:
            return False
        if self.event_source is not None and (
            event_source(record.service) != normalize_source(self.event_source)
        ):
            return False
        if self.read_only is not None and is_read_only(record.operation) != read_only_flag(
            self.read_only
        ):
            return False
        if self.access_key_id is not None and record.ctx.caller.access_key_id != self.access_key_id:
            return False
        if self.username is not None and self.username not in usernames(record):
            return False
        if self.succeeded is not None and (record.error is None) != self.succeeded:
            return False
        if self.error_code is not None and record.error_code != self.error_code:
            return False
        if self.invoked_by is not ANY and record.ctx.invoked_by != self.invoked_by:
            return False
        if self.resource_type is not None and not any(
            r.type == self.resource_type for r in record.resources
        ):
            return False
        if self.resource_name is not None and not record.matches_resource(self.resource_name):
            return False
        if self.event_id is not None and record.event["eventID"] != self.event_id:
            return False
        return True

    def describe(self) -> str:
        """``event_source='kms', invoked_by=None`` – the attributes that were set."""
        parts = [
            f"{name}={value!r}"
            for name, value in vars(self).items()
            if name != "event_name" and value is not None and value is not ANY
        ]
        return ", ".join(parts)


_MAX_RESOURCE = 100


def usernames(record: CallRecord) -> tuple[str, ...]:
    # CloudTrail's Username of an assumed role is its session name; the role's name matches too.
    caller = record.ctx.caller
    name = username(caller)
    return (name, caller.user_name) if caller.type == "AssumedRole" else (name,)


def key_resource(record: CallRecord) -> str:
    """The resource a reader recognises: the parameter name, or the key as the caller named it."""
    if record.service == "kms":
        for name in ("KeyId", "AliasName", "TargetKeyId", "SourceKeyId"):
            value = record.params.get(name)
            if isinstance(value, str) and value:
                return value
    resources = record.resources
    if not resources:
        return ""
    first = resources[0].name
    if record.service == "kms" and first.startswith("arn:"):
        first = first.split(":", 5)[-1]  # key/<id>: the account and region are the mock's
    return first if len(resources) == 1 else f"{first} (+{len(resources) - 1} more)"


def summary(record: CallRecord) -> str:
    """One compact line: eventName, source, key resource, outcome (error code or OK)."""
    parts = [record.operation, record.service]
    resource = key_resource(record)
    if len(resource) > _MAX_RESOURCE:
        resource = resource[: _MAX_RESOURCE - 3] + "..."  # keep the line compact
    if resource:
        parts.append(resource)
    if record.ctx.invoked_by:
        parts.append(f"(invoked by {record.ctx.invoked_by})")
    if record.ctx.caller.principal is not None:
        parts.append(f"as {record.ctx.caller.user_name}")  # a role by its name, not its session
    outcome = record.error_code or "OK"
    return " ".join(parts) + f" -> {outcome}"


def summary_lines(records: Iterable[CallRecord], indent: str = "  ") -> list[str]:
    return numbered((summary(record) for record in records), indent)


def numbered(summaries: Iterable[str], indent: str = "  ") -> list[str]:
    return [f"{indent}{index:>3}. {line}" for index, line in enumerate(summaries, 1)]
