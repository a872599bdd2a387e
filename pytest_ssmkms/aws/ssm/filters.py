"""ParameterFilters (DescribeParameters, GetParametersByPath) and the deprecated Filters.

Filters combine with AND; the values of one filter with OR. The InvalidFilter* texts are AWS's
as moto's suite records them (not checked against AWS here); the codes are modelled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pytest_ssmkms.aws.ssm.errors import (
    InvalidFilterKey,
    InvalidFilterOption,
    InvalidFilterValue,
    ValidationException,
)
from pytest_ssmkms.aws.ssm.model import Parameter
from pytest_ssmkms.aws.ssm.names import PATH_RULES, is_valid_path

_EQ_BEGINS = ("Equals", "BeginsWith")
DESCRIBE_OPTIONS: dict[str, tuple[str, ...]] = {
    "Name": ("Equals", "BeginsWith", "Contains"),
    "Path": ("Recursive", "OneLevel"),
    "Type": _EQ_BEGINS,
    "KeyId": _EQ_BEGINS,
    "Tier": _EQ_BEGINS,
    "DataType": _EQ_BEGINS,
}
BY_PATH_OPTIONS: dict[str, tuple[str, ...]] = {
    "Type": _EQ_BEGINS,
    "KeyId": _EQ_BEGINS,
    "Label": ("Equals",),
}
_ENUMS = {
    "Type": ("String", "StringList", "SecureString"),
    "Tier": ("Standard", "Advanced", "Intelligent-Tiering"),
}


@dataclass(frozen=True)
class Filter:
    key: str
    option: str
    values: tuple[str, ...]


def describe_filters(params: dict[str, Any]) -> list[Filter]:
    """The filters of a DescribeParameters request, checked."""
    legacy = params.get("Filters")
    modern = params.get("ParameterFilters")
    if legacy and modern:
        raise ValidationException("You can use either Filters or ParameterFilters in a single request.")
    if legacy:
        # The deprecated Filters (keys Name, Type, KeyId; the model checks them): a Name value
        # is a prefix, as real AWS answered Values=["ALPHA_"] with the ALPHA_* parameters
        # (boto/boto3#1079); Type and KeyId match exactly.
        return _unique([
            Filter(f["Key"], "BeginsWith" if f["Key"] == "Name" else "Equals", tuple(f["Values"]))
            for f in legacy
        ])
    return _unique([_checked(f, DESCRIBE_OPTIONS, "Path") for f in modern or ()])


def by_path_filters(params: dict[str, Any]) -> list[Filter]:
    return _unique([_checked(f, BY_PATH_OPTIONS, "") for f in params.get("ParameterFilters") or ()])


def _unique(filters: list[Filter]) -> list[Filter]:
    seen: set[str] = set()
    for item in filters:
        if item.key in seen:
            raise ValidationException(
                f"The following filter is duplicated in the request: {item.key}. "
                "A request can contain only one occurrence of a specific filter."
            )
        seen.add(item.key)
    return filters


# AWS's own texts (as moto's suite records them; the codes are modelled). The lists are AWS's
# wording, not the full sets: DescribeParameters names [Path, Name, Type, KeyId, Tier] (no
# DataType or tag:, which it accepts), GetParametersByPath [Type, KeyId] (not Label, which it
# accepts), and every key but Path [BeginsWith, Equals] (Name also takes Contains).
_DESCRIBE_KEYS_TEXT = "[Path, Name, Type, KeyId, Tier]"
_BY_PATH_KEYS_TEXT = "[Type, KeyId]"
_OPTIONS_TEXT = {"Path": "[Recursive, OneLevel]", "Label": "[Equals]"}
_DEFAULT_OPTIONS_TEXT = "[BeginsWith, Equals]"
COMMON_PARAMETER_FILTER = (
    'Filters for common parameters can\'t be prefixed with "aws" or "ssm" (case-insensitive). '
    "When using global parameters, please specify within a global namespace."
)


def _checked(raw: dict[str, Any], allowed: dict[str, tuple[str, ...]], path_key: str) -> Filter:
    key: str = raw["Key"]
    describing = allowed is DESCRIBE_OPTIONS
    is_tag = describing and key.startswith("tag:")
    if key not in allowed and not is_tag:
        valid = _DESCRIBE_KEYS_TEXT if describing else _BY_PATH_KEYS_TEXT
        raise InvalidFilterKey(
            f"The following filter key is not valid: {key}. Valid filter keys include: {valid}."
        )
    values = tuple(raw.get("Values") or ())
    if not values and not is_tag:
        raise InvalidFilterValue(f"The following filter values are missing : null for filter key {key}.")
    options = _EQ_BEGINS if is_tag else allowed[key]
    option = raw.get("Option") or ("OneLevel" if key == path_key else "Equals")
    if option not in options:
        listed = _OPTIONS_TEXT.get(key, _DEFAULT_OPTIONS_TEXT)
        raise InvalidFilterOption(
            f"The following filter option is not valid: {option}. Valid options include: {listed}."
        )
    if key == path_key:
        if any(_slashed(value).lower().startswith(("/aws", "/ssm")) for value in values):
            # Public parameters are read by path or name, never described.
            raise ValidationException(COMMON_PARAMETER_FILTER)
        for value in values:
            if not is_valid_path(value):
                raise InvalidFilterValue(PATH_RULES)
    if key in _ENUMS and option == "Equals":
        for value in values:
            if value not in _ENUMS[key]:
                raise InvalidFilterValue(
                    f"The following filter value is not valid: {value}. "
                    f"Valid values include: [{', '.join(_ENUMS[key])}]."
                )
    return Filter(key, option, values)


def _compare(option: str) -> Callable[[str, str], bool]:
    if option == "BeginsWith":
        return str.startswith
    if option == "Contains":
        return lambda actual, wanted: wanted in actual
    return str.__eq__


def _slashed(name: str) -> str:
    return name if name.startswith("/") else "/" + name


def matches(item: Filter, parameter: Parameter) -> bool:
    """Whether the parameter's latest version passes one filter (Path and Label excepted)."""
    latest = parameter.latest
    compare = _compare(item.option)
    actual: str | None
    if item.key == "Name":
        # "/a" and "a" are one parameter: compare both sides in their slashed form.
        actual = _slashed(parameter.key)
        wanted = [_slashed(v) if item.option != "Contains" else v for v in item.values]
        return any(compare(actual, value) for value in wanted)
    if item.key.startswith("tag:"):
        actual = parameter.tags.get(item.key[4:])
        if actual is None:
            return False
        return not item.values or any(compare(actual, value) for value in item.values)
    actual = {
        "Type": latest.type,
        "KeyId": latest.key_id,
        "Tier": latest.tier,
        "DataType": latest.data_type,
    }.get(item.key)
    if actual is None:
        return False
    return any(compare(actual, value) for value in item.values)
