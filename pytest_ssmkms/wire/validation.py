"""Constraint checks from the botocore input shape, answered the way AWS's front end answers.

botocore validates ``required``, ``min`` and types on the client, never ``max``, patterns or
enums; the service checks all of them. This module runs those checks for every operation from
the model and raises ``ValidationException`` with AWS's message shape::

    1 validation error detected: Value '11' at 'maxResults' failed to satisfy constraint:
    Member must have value less than or equal to 10
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from botocore.model import OperationModel, Shape

from pytest_ssmkms.aws.errors import ValidationException

Check = Callable[[Any, str, list[str]], None]

# Java's Unicode classes, approximated by Python's (a little wider, never narrower).
_JAVA_CLASSES = {r"\p{L}": r"\w", r"\p{Z}": r"\s", r"\p{N}": r"\d", r"\p{M}": r"\w"}


def validate_input(operation: OperationModel, params: dict[str, Any]) -> None:
    """Raise ValidationException listing every constraint ``params`` breaks."""
    shape = operation.input_shape
    if shape is None:
        return
    problems: list[str] = []
    _checker(shape)(params, "", problems)
    if problems:
        noun = "error" if len(problems) == 1 else "errors"
        raise ValidationException(
            f"{len(problems)} validation {noun} detected: " + "; ".join(problems)
        )


@lru_cache(maxsize=None)  # bounded: models exist for real operation names only
def input_check(operation: OperationModel) -> Callable[[dict[str, Any]], None]:
    """``validate_input`` bound to one operation: what ``Backend.invoke(check=...)`` takes."""

    def check(params: dict[str, Any]) -> None:
        validate_input(operation, params)

    return check


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _render(value: Any, sensitive: bool) -> str:
    if sensitive:
        return "Value"  # AWS never echoes a sensitive member
    if value is None:
        return "Value null"
    if isinstance(value, list):
        return "Value '[" + ", ".join(str(v) for v in value) + "]'"
    if isinstance(value, bool):
        return f"Value '{str(value).lower()}'"
    return f"Value '{value}'"


def _fail(problems: list[str], value: Any, path: str, sensitive: bool, constraint: str) -> None:
    problems.append(
        f"{_render(value, sensitive)} at '{path}' failed to satisfy constraint: {constraint}"
    )


@lru_cache(maxsize=None)
def _checker(shape: Shape) -> Check:
    kind = shape.type_name
    meta = shape.metadata
    sensitive = bool(meta.get("sensitive"))
    low, high = meta.get("min"), meta.get("max")

    if kind == "structure":
        # Members without any constraint are left out; the others carry a quick test that
        # passes the common valid value without calling their check (which reports).
        members = {
            name: (_camel(name), _checker(m), _passes(m))
            for name, m in shape.members.items()
            if _checker(m) is not _no_check
        }
        required = tuple(shape.required_members)
        if not members and not required:
            return _no_check

        def check_structure(value: Any, path: str, problems: list[str]) -> None:
            if not isinstance(value, dict):
                return
            prefix = f"{path}." if path else ""
            for name in required:
                if value.get(name) is None:
                    _fail(problems, None, prefix + _camel(name), False, "Member must not be null")
            for name, item in value.items():
                entry = members.get(name)
                if entry is None or item is None:
                    continue
                passes = entry[2]
                if passes is not None and type(item) in passes[0]:
                    size = len(item) if passes[1] else item
                    if passes[2] <= size <= passes[3] and (passes[4] is None or item in passes[4]):
                        continue
                entry[1](item, prefix + entry[0], problems)

        return check_structure

    if kind in ("list", "map"):
        member = shape.member if kind == "list" else shape.value
        inner = _checker(member)
        # A list of scalars is reported at the list, with every constraint of its members
        # (real answers: "Value '[ccc]' at 'subjectAlternativeNames' failed to satisfy
        # constraint: Member must satisfy constraint: [Member must have length less than or
        # equal to 253, Member must have length greater than or equal to 1, Member must
        # satisfy regular expression pattern: ...]"; SSM's labels the same way).
        summary = _member_constraints(member) if kind == "list" else None

        def check_collection(value: Any, path: str, problems: list[str]) -> None:
            if not isinstance(value, (list, dict)):
                return
            size = len(value)
            if high is not None and size > high:
                _fail(problems, value, path, sensitive,
                      f"Member must have length less than or equal to {high}")
            elif low is not None and size < low:
                _fail(problems, value, path, sensitive,
                      f"Member must have length greater than or equal to {low}")
            items = enumerate(value) if isinstance(value, list) else enumerate(value.values())
            if summary is not None:
                found: list[str] = []
                for _, item in items:
                    inner(item, path, found)
                    if found:
                        _fail(problems, value, path, sensitive or _sensitive(member), summary)
                        return
                return
            for index, item in items:
                inner(item, f"{path}.{index + 1}.member", problems)

        return check_collection

    if kind == "string":
        enum = _enum_order(shape)
        pattern = _compile(meta.get("pattern"))

        def check_string(value: Any, path: str, problems: list[str]) -> None:
            if not isinstance(value, str):
                return
            if high is not None and len(value) > high:
                _fail(problems, value, path, sensitive,
                      f"Member must have length less than or equal to {high}")
            elif low is not None and len(value) < low:
                _fail(problems, value, path, sensitive,
                      f"Member must have length greater than or equal to {low}")
            elif enum and value not in enum:
                _fail(problems, value, path, sensitive,
                      f"Member must satisfy enum value set: [{', '.join(enum)}]")
            elif pattern is not None and not pattern.fullmatch(value):
                _fail(problems, value, path, sensitive,
                      f"Member must satisfy regular expression pattern: {meta['pattern']}")

        return check_string

    if kind in ("integer", "long"):

        def check_number(value: Any, path: str, problems: list[str]) -> None:
            if not isinstance(value, int) or isinstance(value, bool):
                return
            if high is not None and value > high:
                _fail(problems, value, path, sensitive,
                      f"Member must have value less than or equal to {high}")
            elif low is not None and value < low:
                _fail(problems, value, path, sensitive,
                      f"Member must have value greater than or equal to {low}")

        return check_number

    if kind == "blob":

        def check_blob(value: Any, path: str, problems: list[str]) -> None:
            if not isinstance(value, (bytes, bytearray)):
                return
            if high is not None and len(value) > high:
                _fail(problems, value, path, True,
                      f"Member must have length less than or equal to {high}")
            elif low is not None and len(value) < low:
                _fail(problems, value, path, True,
                      f"Member must have length greater than or equal to {low}")

        return check_blob

    return _no_check


def _no_check(value: Any, path: str, problems: list[str]) -> None:
    return None


# Enum lists in the order AWS prints them, where a real answer recorded it (the model's order
# otherwise): SSM's ParameterType prints [SecureString, StringList, String] (aws/aws-cli#3116).
_AWS_ENUM_ORDER: dict[str, tuple[str, ...]] = {
    "ParameterType": ("SecureString", "StringList", "String"),
    # KMS's GenerateMac/VerifyMac (LocalStack's snapshot tests recorded against KMS).
    "MacAlgorithmSpec": ("HMAC_SHA_384", "HMAC_SHA_256", "HMAC_SHA_224", "HMAC_SHA_512"),
    # CreateKey's KeyUsage, recorded (2023) before KEY_AGREEMENT existed; it is assumed last.
    "KeyUsageType": ("ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"),
}


def _enum_order(shape: Shape) -> tuple[str, ...]:
    if not shape.enum:
        return ()
    recorded = _AWS_ENUM_ORDER.get(shape.name)
    if recorded is None:
        return tuple(shape.enum)
    # Values added to the model after the recording (KMS's ENCAPSULATE_DECAPSULATE in botocore
    # 1.44) are assumed to come after the recorded ones, in the model's order; recorded values a
    # model does not have yet are left out.
    present = set(shape.enum)
    return tuple(value for value in recorded if value in present) + tuple(
        value for value in shape.enum if value not in recorded)


def _sensitive(shape: Shape) -> bool:
    return bool(shape.metadata.get("sensitive"))


def _member_constraints(shape: Shape) -> str | None:
    """"Member must satisfy constraint: [...]" for a scalar list member with constraints, in
    AWS's order (maximum, minimum, enum, pattern); None for other members."""
    kind = shape.type_name
    meta = shape.metadata
    parts: list[str] = []
    if kind == "string":
        if "max" in meta:
            parts.append(f"Member must have length less than or equal to {meta['max']}")
        if "min" in meta:
            parts.append(f"Member must have length greater than or equal to {meta['min']}")
        if shape.enum:
            parts.append(f"Member must satisfy enum value set: [{', '.join(_enum_order(shape))}]")
        if meta.get("pattern"):
            parts.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
    elif kind in ("integer", "long"):
        if "max" in meta:
            parts.append(f"Member must have value less than or equal to {meta['max']}")
        if "min" in meta:
            parts.append(f"Member must have value greater than or equal to {meta['min']}")
    else:
        return None
    if not parts:
        return None
    return "Member must satisfy constraint: [" + ", ".join(parts) + "]"


# (exact types, measure len() or the value, low, high, allowed values or None)
Passes = tuple[frozenset[type], bool, float, float, "frozenset[str] | None"]
_INF = float("inf")


def _passes(shape: Shape) -> Passes | None:
    """What a value of ``shape`` that needs no check looks like, for strings without a
    pattern, blobs and integers; None where only the check itself can tell."""
    kind = shape.type_name
    meta = shape.metadata
    low = meta.get("min", -_INF)
    high = meta.get("max", _INF)
    if kind == "string" and not meta.get("pattern"):
        return frozenset({str}), True, low, high, frozenset(shape.enum) if shape.enum else None
    if kind == "blob":
        return frozenset({bytes, bytearray}), True, low, high, None
    if kind in ("integer", "long"):
        return frozenset({int}), False, low, high, None
    return None


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    if not pattern:
        return None
    for java, python in _JAVA_CLASSES.items():
        pattern = pattern.replace(java, python)
    try:
        return re.compile(pattern, re.DOTALL)
    except re.error:
        return None  # a Java-only construct: leave the check to the model's own rules
