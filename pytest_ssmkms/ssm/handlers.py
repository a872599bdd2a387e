"""The SSM operation table: read parameters, call the store, shape the output."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pytest_ssmkms.context import CallContext

Handler = Callable[[CallContext, dict[str, Any]], dict[str, Any]]


def put_parameter(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    store = ctx.backend.ssm
    ctx.authorize("ssm:PutParameter", store.arn(params["Name"]))
    parameter = store.put(
        params["Name"], params["Value"], params.get("Type", "String"), params.get("Overwrite", False)
    )
    return {"Version": parameter.version, "Tier": "Standard"}


def get_parameter(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    store = ctx.backend.ssm
    ctx.authorize("ssm:GetParameter", store.arn(params["Name"]))
    parameter = store.get(params["Name"])
    return {
        "Parameter": {
            "Name": parameter.name,
            "Type": parameter.type,
            "Value": parameter.value,
            "Version": parameter.version,
            "LastModifiedDate": parameter.modified,
            "ARN": store.arn(parameter.name),
            "DataType": "text",
        }
    }


OPERATIONS: Mapping[str, Handler] = {
    "PutParameter": put_parameter,
    "GetParameter": get_parameter,
}
