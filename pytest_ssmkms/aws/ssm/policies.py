"""Parameter policies (Advanced tier): parsing, validation and status. Pure functions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pytest_ssmkms.aws.ssm.errors import (
    IncompatiblePolicyException,
    InvalidPolicyAttributeException,
    InvalidPolicyTypeException,
    PoliciesLimitExceededException,
    ValidationException,
)
from pytest_ssmkms.aws.jsondoc import load_bounded
from pytest_ssmkms.aws.strict import duration, iso_time, shift, whole_number

MAX_POLICIES = 10
_ATTRIBUTES = {
    "Expiration": ("Timestamp",),
    "ExpirationNotification": ("Before", "Unit"),
    "NoChangeNotification": ("After", "Unit"),
}
_UNITS = {"Days": timedelta(days=1), "Hours": timedelta(hours=1)}


@dataclass(frozen=True)
class Policy:
    type: str
    text: str  # the policy object as JSON, reported as PolicyText
    expires: datetime | None = None  # Expiration
    offset: timedelta | None = None  # Before / After


def parse_policies(text: str, now: datetime) -> tuple[Policy, ...]:
    """The policies of a PutParameter ``Policies`` string; ``[{}]`` (or ``[]``) means none."""
    try:
        raw = load_bounded(text)
    except ValueError:
        raw = None
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        # Not verified: AWS's code and text for a policies string that is not a JSON array.
        raise ValidationException(
            "Invalid policies input: Policies must be a JSON array of policy objects, "
            'for example [{"Type":"Expiration","Version":"1.0","Attributes":'
            '{"Timestamp":"2024-12-02T21:34:33.000Z"}}].'
        )
    items = [item for item in raw if item]
    if len(items) > MAX_POLICIES:
        raise PoliciesLimitExceededException()
    policies = tuple(_parse_one(item, now) for item in items)
    if sum(1 for p in policies if p.type == "Expiration") > 1:
        raise IncompatiblePolicyException(
            "A parameter can have only one Expiration policy. Remove the extra Expiration "
            "policy and try again."
        )
    return policies


def _parse_one(item: dict[str, Any], now: datetime) -> Policy:
    policy_type = item.get("Type")
    if not isinstance(policy_type, str) or policy_type not in _ATTRIBUTES:
        raise InvalidPolicyTypeException(str(policy_type))
    if item.get("Version", "1.0") != "1.0":
        raise _bad(policy_type, f"Version {item.get('Version')!r} is not supported; use 1.0")
    unknown = set(item) - {"Type", "Version", "Attributes"}
    if unknown:
        raise _bad(policy_type, f"unknown member(s) {', '.join(sorted(unknown))}")
    attributes = item.get("Attributes")
    expected = _ATTRIBUTES[policy_type]
    if not isinstance(attributes, dict) or set(attributes) != set(expected):
        raise _bad(policy_type, f"Attributes must be exactly {', '.join(expected)}")
    text = json.dumps(item, separators=(",", ":"))
    if policy_type == "Expiration":
        moment = _timestamp(attributes["Timestamp"])
        if moment is None:
            raise _bad(policy_type, "Timestamp must be an ISO 8601 time such as 2024-12-02T21:34:33.000Z")
        # Not verified: AWS refuses an expiration that has already passed (most likely).
        if moment <= now:
            raise _bad(policy_type, "Timestamp must be in the future")
        return Policy(policy_type, text, expires=moment)
    amount_name = expected[0]
    amount, unit = attributes[amount_name], attributes["Unit"]
    count = whole_number(amount) if isinstance(amount, str) else None
    if not count:
        raise _bad(policy_type, f"{amount_name} must be a positive whole number given as a string")
    if unit not in _UNITS:
        raise _bad(policy_type, "Unit must be Days or Hours")
    offset = duration(count, _UNITS[unit])
    if offset is None:
        # Not verified: AWS's bound (none is documented); past this no date can be computed.
        raise _bad(policy_type, f"{amount_name} is too large")
    return Policy(policy_type, text, offset=offset)


def _bad(policy_type: str, detail: str) -> InvalidPolicyAttributeException:
    # Not verified: AWS's wording; the code is modelled.
    return InvalidPolicyAttributeException(
        f"A policy attribute or its value is invalid in the {policy_type} policy: {detail}."
    )


def _timestamp(value: Any) -> datetime | None:
    return iso_time(value) if isinstance(value, str) else None


def expiration_of(policies: tuple[Policy, ...]) -> datetime | None:
    for policy in policies:
        if policy.expires is not None:
            return policy.expires
    return None


def status_of(policy: Policy, policies: tuple[Policy, ...], modified: datetime, now: datetime) -> str:
    """``Pending`` until the policy has done its work, then ``Finished``.

    Not verified in detail: AWS reports Pending/InProgress/Finished/Failed; a notification
    counts as done once its moment (expiration minus Before, or last change plus After) passed.
    """
    due: datetime | None = None
    if policy.type == "ExpirationNotification" and policy.offset is not None:
        expires = expiration_of(policies)
        # Held at year 1 / 9999 rather than overflowing: an accepted policy never makes a
        # later read fail (a notice due before year 1 has passed; one after 9999 never comes).
        due = shift(expires, -policy.offset) if expires is not None else None
    elif policy.type == "NoChangeNotification" and policy.offset is not None:
        due = shift(modified, policy.offset)
    return "Finished" if due is not None and now >= due else "Pending"
