"""Condition operators, as IAM evaluates them.

Request context values are strings (single-valued keys) or tuples of strings (multivalued keys
such as ``aws:CalledVia`` or ``kms:EncryptionContextKeys``). Within one condition key the
policy's values are ORed; keys and operators are ANDed by the caller.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from pytest_ssmkms.aws.strict import decimal_number, epoch_time, is_digits, iso_time, whole_number
from pytest_ssmkms.aws.iam.patterns import Lookup, arn_match, glob_match, has_variables, substitute

Compare = Callable[[str, str, "Lookup | None"], bool]

_EC_PREFIX = "kms:encryptioncontext:"


def normalize_key(name: str) -> str:
    """Condition key names are case-insensitive, except the context-key part of
    ``kms:EncryptionContext:<context-key>``, which KMS matches case-sensitively."""
    lower = name.lower()
    if lower.startswith(_EC_PREFIX):
        return _EC_PREFIX + name[len(_EC_PREFIX) :]
    return lower


def _number(text: str) -> float | None:
    return decimal_number(text)


def parse_date(text: str) -> datetime | None:
    """ISO 8601 (with or without time and zone) or epoch seconds, as IAM accepts them."""
    text = text.strip()
    if is_digits(text):
        seconds = whole_number(text)
        return epoch_time(seconds) if seconds is not None else None
    return iso_time(text)


def _string_equals(request: str, policy: str, lookup: Lookup | None) -> bool:
    return request == policy


def _string_equals_ignore_case(request: str, policy: str, lookup: Lookup | None) -> bool:
    return request.lower() == policy.lower()


def _string_like(request: str, policy: str, lookup: Lookup | None) -> bool:
    return glob_match(policy, request, lookup=lookup)


def _arn_like(request: str, policy: str, lookup: Lookup | None) -> bool:
    return arn_match(policy, request, lookup=lookup)


def _numeric(test: Callable[[float, float], bool]) -> Compare:
    def compare(request: str, policy: str, lookup: Lookup | None) -> bool:
        left, right = _number(request), _number(policy)
        return left is not None and right is not None and test(left, right)

    return compare


def _date(test: Callable[[datetime, datetime], bool]) -> Compare:
    def compare(request: str, policy: str, lookup: Lookup | None) -> bool:
        left, right = parse_date(request), parse_date(policy)
        return left is not None and right is not None and test(left, right)

    return compare


def _bool(request: str, policy: str, lookup: Lookup | None) -> bool:
    return request.lower() == policy.lower()


def _ip_address(request: str, policy: str, lookup: Lookup | None) -> bool:
    try:
        return ipaddress.ip_address(request) in ipaddress.ip_network(policy, strict=False)
    except ValueError:
        return False


# operator -> (comparison, negated, reads policy variables)
OPERATORS: dict[str, tuple[Compare | None, bool, bool]] = {
    "StringEquals": (_string_equals, False, True),
    "StringNotEquals": (_string_equals, True, True),
    "StringEqualsIgnoreCase": (_string_equals_ignore_case, False, True),
    "StringNotEqualsIgnoreCase": (_string_equals_ignore_case, True, True),
    "StringLike": (_string_like, False, True),
    "StringNotLike": (_string_like, True, True),
    "NumericEquals": (_numeric(lambda a, b: a == b), False, False),
    "NumericNotEquals": (_numeric(lambda a, b: a == b), True, False),
    "NumericLessThan": (_numeric(lambda a, b: a < b), False, False),
    "NumericLessThanEquals": (_numeric(lambda a, b: a <= b), False, False),
    "NumericGreaterThan": (_numeric(lambda a, b: a > b), False, False),
    "NumericGreaterThanEquals": (_numeric(lambda a, b: a >= b), False, False),
    "DateEquals": (_date(lambda a, b: a == b), False, False),
    "DateNotEquals": (_date(lambda a, b: a == b), True, False),
    "DateLessThan": (_date(lambda a, b: a < b), False, False),
    "DateLessThanEquals": (_date(lambda a, b: a <= b), False, False),
    "DateGreaterThan": (_date(lambda a, b: a > b), False, False),
    "DateGreaterThanEquals": (_date(lambda a, b: a >= b), False, False),
    "Bool": (_bool, False, False),
    "BinaryEquals": (_string_equals, False, False),
    "IpAddress": (_ip_address, False, False),
    "NotIpAddress": (_ip_address, True, False),
    "ArnEquals": (_arn_like, False, True),
    "ArnLike": (_arn_like, False, True),
    "ArnNotEquals": (_arn_like, True, True),
    "ArnNotLike": (_arn_like, True, True),
    "Null": (None, False, False),
}

_QUALIFIERS = ("ForAnyValue:", "ForAllValues:")


def parse_operator(operator: str) -> tuple[str, str | None, bool]:
    """``ForAllValues:StringLikeIfExists`` -> ("StringLike", "ForAllValues", True)."""
    if not isinstance(operator, str):
        raise ValueError(f"condition operator {operator!r} is not a string")
    qualifier = None
    rest = operator
    for prefix in _QUALIFIERS:
        if operator.startswith(prefix):
            qualifier, rest = prefix[:-1], operator[len(prefix) :]
            break
    if_exists = rest.endswith("IfExists") and rest != "IfExists"
    base = rest[: -len("IfExists")] if if_exists else rest
    if base not in OPERATORS:
        raise ValueError(f"unknown condition operator {operator!r}")
    if base == "Null" and (if_exists or qualifier):
        raise ValueError(f"condition operator {operator!r} is not valid: Null takes no qualifier or IfExists")
    return base, qualifier, if_exists


@dataclass(frozen=True)
class Condition:
    """One condition key under one operator, with the policy's values."""

    operator: str  # as written, for messages
    base: str
    qualifier: str | None  # "ForAnyValue", "ForAllValues" or None
    if_exists: bool
    key: str  # normalized
    values: tuple[str, ...]
    compare: Compare | None
    negated: bool
    variables: bool  # this operator reads policy variables, and its values hold some

    @classmethod
    def build(
        cls, operator: str, base: str, qualifier: str | None, if_exists: bool, key: str,
        values: tuple[str, ...],
    ) -> Condition:
        compare, negated, variables = OPERATORS[base]
        if base == "Null" or base == "Bool":
            for value in values:
                if value.lower() not in ("true", "false"):
                    raise ValueError(f"{operator} {key} takes \"true\" or \"false\", got {value!r}")
        elif base.startswith("Numeric"):
            for value in values:
                if _number(value) is None:
                    raise ValueError(f"{operator} {key} takes numbers, got {value!r}")
        elif base.startswith("Date"):
            for value in values:
                if parse_date(value) is None:
                    raise ValueError(f"{operator} {key} takes ISO 8601 dates or epoch seconds, got {value!r}")
        variables = variables and any(has_variables(value) for value in values)
        return cls(operator, base, qualifier, if_exists, normalize_key(key), values, compare,
                   negated, variables)

    def matches(
        self, context: Mapping[str, str | tuple[str, ...]], lookup: Lookup | None = None
    ) -> bool:
        """Whether the request context satisfies this condition. ``lookup`` resolves policy
        variables (None in documents whose Version does not support them)."""
        value = context.get(self.key)
        absent = value is None or value == ()
        if self.base == "Null":
            # "true": the key must be absent; "false": it must be present.
            return any((wanted.lower() == "true") == absent for wanted in self.values)
        if value is None:
            if self.if_exists or self.qualifier == "ForAllValues":
                return True  # ForAllValues is vacuously true over no values
            if self.qualifier == "ForAnyValue":
                return False
            return self.negated  # IAM: a negated operator on a missing key is true
        requested = value if isinstance(value, tuple) else (value,)
        policy_values = self._resolved(lookup)
        compare = self.compare
        assert compare is not None
        like_lookup = lookup if self.variables else None

        def hit(request_value: str) -> bool:
            return any(compare(request_value, wanted, like_lookup) for wanted in policy_values)

        if self.qualifier == "ForAllValues":
            if self.negated:
                return all(not hit(item) for item in requested)
            return all(hit(item) for item in requested)
        if self.qualifier == "ForAnyValue":
            if self.negated:
                return any(not hit(item) for item in requested)
            return any(hit(item) for item in requested)
        if self.negated:
            return not any(hit(item) for item in requested)
        return any(hit(item) for item in requested)

    def _resolved(self, lookup: Lookup | None) -> tuple[str, ...]:
        if lookup is None or not self.variables:
            return self.values
        if self.base in ("StringLike", "StringNotLike") or self.base.startswith("Arn"):
            return self.values  # the matcher substitutes, keeping variable values literal
        resolved = []
        for value in self.values:
            if has_variables(value):
                text = substitute(value, lookup)
                if text is not None:  # an unresolved variable matches nothing
                    resolved.append(text)
            else:
                resolved.append(value)
        return tuple(resolved)
