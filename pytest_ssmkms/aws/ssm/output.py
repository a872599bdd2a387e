"""Response shapes: Parameter, ParameterMetadata and ParameterHistory."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pytest_ssmkms.aws.ssm.model import Parameter, Version
from pytest_ssmkms.aws.ssm.policies import status_of


def parameter_out(
    parameter: Parameter, version: Version, value: str, arn: str, selector: str | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Name": parameter.name,
        "Type": version.type,
        "Value": value,
        "Version": version.version,
        "LastModifiedDate": version.modified,
        "ARN": arn,
        "DataType": version.data_type,
    }
    if selector is not None:
        out["Selector"] = selector
    return out


def _policies(version: Version, now: datetime) -> list[dict[str, str]]:
    return [
        {
            "PolicyText": policy.text,
            "PolicyType": policy.type,
            "PolicyStatus": status_of(policy, version.policies, version.modified, now),
        }
        for policy in version.policies
    ]


def _common(parameter: Parameter, version: Version, now: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Name": parameter.name,
        "Type": version.type,
        "LastModifiedDate": version.modified,
        "LastModifiedUser": version.modified_user,
        "Version": version.version,
        "Tier": version.tier,
        "Policies": _policies(version, now),
        "DataType": version.data_type,
    }
    if version.key_id is not None:
        out["KeyId"] = version.key_id
    if version.description is not None:
        out["Description"] = version.description
    if version.allowed_pattern is not None:
        out["AllowedPattern"] = version.allowed_pattern
    return out


def metadata_out(parameter: Parameter, arn: str, now: datetime) -> dict[str, Any]:
    out = _common(parameter, parameter.latest, now)
    out["ARN"] = arn
    return out


def history_out(parameter: Parameter, version: Version, value: str, now: datetime) -> dict[str, Any]:
    out = _common(parameter, version, now)
    out["Value"] = value
    out["Labels"] = list(version.labels)
    return out
