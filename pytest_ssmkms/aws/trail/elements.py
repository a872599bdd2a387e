"""requestParameters and responseElements as CloudTrail writes them.

CloudTrail names members in lowerCamel case (``KeyId`` -> ``keyId``, ``AWSAccountId`` ->
``aWSAccountId``, as the Java SDK's bean names that real records show), never records members
the service model marks sensitive, and never records blobs (ciphertexts, data keys). SSM writes
a hidden member as ``HIDDEN_DUE_TO_SECURITY_REASONS`` (PutParameter's ``value``); KMS leaves it
out (Encrypt's ``plaintext`` is simply absent). The converters are compiled once per operation
from the botocore model and cached, so a record costs nothing until someone reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from botocore.model import Shape

from pytest_ssmkms.aws.models import operation_names, service_model

HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"

Convert = Callable[[Any], Any]


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


# What happens to a member that must not be recorded: left out, or replaced by HIDDEN.
DROP = _Marker("DROP")
HIDE = _Marker("HIDE")
Rule = Convert | _Marker

# How each service writes a sensitive member. SSM: PutParameter records
# "value": "HIDDEN_DUE_TO_SECURITY_REASONS"; KMS: Encrypt records no plaintext at all.
# STS: AssumeRole records credentials without the secretAccessKey (sessionToken and
# accessKeyId stay, as real AssumeRole records show them).
_SENSITIVE_STYLE = {"ssm": HIDE, "kms": DROP, "sts": DROP}


def camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def format_timestamp(moment: datetime) -> str:
    """A timestamp inside request/response elements, as KMS and SSM records show them
    (``"Dec 3, 2020, 12:00:00 AM"``). eventTime itself is ISO-8601 (see event.py)."""
    moment = moment.astimezone(timezone.utc) if moment.tzinfo else moment
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return f"{moment:%b} {moment.day}, {moment.year}, {hour}:{moment:%M:%S} {half}"


def request_converter(service: str, operation: str) -> Convert | None:
    """Turns decoded request params into ``requestParameters`` (None: unknown operation)."""
    if operation not in operation_names(service):
        return None  # not cached: names from requests are unbounded
    return _request_converter(service, operation)


def response_converter(service: str, operation: str) -> Convert | None:
    """Turns a handler's result into ``responseElements``."""
    if operation not in operation_names(service):
        return None
    return _response_converter(service, operation)


@lru_cache(maxsize=None)  # bounded: real operation names only
def _request_converter(service: str, operation: str) -> Convert | None:
    return _top(service_model(service).operation_model(operation).input_shape, service)


@lru_cache(maxsize=None)
def _response_converter(service: str, operation: str) -> Convert | None:
    return _top(service_model(service).operation_model(operation).output_shape, service)


def _top(shape: Shape | None, service: str) -> Convert | None:
    if shape is None:
        return None
    rule = _Compiler(_SENSITIVE_STYLE.get(service, HIDE)).rule(shape)
    return rule if not isinstance(rule, _Marker) else None


class _Compiler:
    """Builds a converter per shape; a memo by shape name keeps recursive shapes finite."""

    def __init__(self, sensitive: _Marker) -> None:
        self.sensitive = sensitive
        self.memo: dict[str, Rule] = {}

    def rule(self, shape: Shape) -> Rule:
        if shape.metadata.get("sensitive"):
            return self.sensitive
        kind = shape.type_name
        if kind == "blob":
            return DROP
        if kind == "timestamp":
            return _timestamp
        if kind not in ("structure", "list", "map"):
            return _same
        found = self.memo.get(shape.name)
        if found is not None:
            return found
        # Placeholder for recursive references, replaced once the real converter is built.
        cell: list[Rule] = []
        self.memo[shape.name] = lambda value: _apply(cell[0], value)
        built = self._container(shape)
        cell.append(built)
        self.memo[shape.name] = built
        return built

    def _container(self, shape: Shape) -> Rule:
        if shape.type_name == "structure":
            members = {name: (camel(name), self.rule(member)) for name, member in shape.members.items()}
            return _structure(members)
        inner = self.rule(shape.member if shape.type_name == "list" else shape.value)
        if inner is DROP:
            return DROP
        if shape.type_name == "list":
            return lambda value: [_apply(inner, item) for item in value] if isinstance(value, list) else None
        # Map keys are data (encryption context keys like PARAMETER_ARN, tag keys): kept as is.
        return lambda value: (
            {str(k): _apply(inner, v) for k, v in value.items()} if isinstance(value, dict) else None
        )


def _structure(members: dict[str, tuple[str, Rule]]) -> Convert:
    def convert(value: Any) -> Any:
        if not isinstance(value, dict):
            return None
        out: dict[str, Any] = {}
        for name, item in value.items():
            entry = members.get(name)
            if entry is None or item is None:
                continue  # a member the model does not know is never recorded
            key, rule = entry
            if rule is DROP:
                continue
            out[key] = HIDDEN if rule is HIDE else rule(item)  # type: ignore[operator]
        return out

    return convert


def _apply(rule: Rule, value: Any) -> Any:
    if rule is HIDE:
        return HIDDEN
    if isinstance(rule, _Marker):
        return None
    return rule(value)


def _same(value: Any) -> Any:
    # Scalars only: a bytes value under a string shape would be a handler bug; never leak it.
    if isinstance(value, (bytes, bytearray)):
        return None
    return value


def _timestamp(value: Any) -> Any:
    return format_timestamp(value) if isinstance(value, datetime) else value
