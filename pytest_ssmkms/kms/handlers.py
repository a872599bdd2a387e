"""The KMS operation table: read parameters, call the registry, shape the output."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pytest_ssmkms.context import CallContext

Handler = Callable[[CallContext, dict[str, Any]], dict[str, Any]]


def create_key(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = ctx.backend.kms.create_key(params.get("Description", ""))
    return {"KeyMetadata": key.metadata()}


def describe_key(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"KeyMetadata": ctx.backend.kms.get(params["KeyId"]).metadata()}


OPERATIONS: Mapping[str, Handler] = {
    "CreateKey": create_key,
    "DescribeKey": describe_key,
}
