"""Label and tag handlers: LabelParameterVersion, UnlabelParameterVersion, the tag operations."""

from __future__ import annotations

from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.ssm.common import store_of, tag_conditions
from pytest_ssmkms.aws.ssm.errors import (
    InvalidResourceId,
    ParameterNotFound,
    ParameterVersionLabelLimitExceeded,
    ParameterVersionNotFound,
    TooManyTagsError,
    ValidationException,
)
from pytest_ssmkms.aws.ssm.model import MAX_LABELS_PER_VERSION, Parameter, Version
from pytest_ssmkms.aws.ssm.names import check_name, check_new_name, label_is_valid
from pytest_ssmkms.aws.ssm.putting import MAX_TAGS
from pytest_ssmkms.aws.ssm.store import ParameterStore


def _labelled_target(
    ctx: CallContext, action: str, params: dict[str, Any]
) -> tuple[Parameter, Version]:
    store = store_of(ctx)
    name = check_new_name(params["Name"], store.region, store.account_id)
    found = store.find(name)
    ctx.authorize(action, store.arn(name), conditions=tag_conditions(found))
    if found is None:
        raise ParameterNotFound.named(name)
    parameter = found
    number = params.get("ParameterVersion")
    version = parameter.latest if number is None else parameter.version(int(number))
    if version is None:
        raise ParameterVersionNotFound(parameter.name, str(number))
    return parameter, version


def label_parameter_version(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Attach labels to one version (the latest by default), moving them from other versions.
    Invalid labels are not attached and come back in InvalidLabels."""
    parameter, version = _labelled_target(ctx, "ssm:LabelParameterVersion", params)
    labels = list(dict.fromkeys(params["Labels"]))
    invalid = [label for label in labels if not label_is_valid(label)]
    valid = [label for label in labels if label_is_valid(label)]
    adding = [label for label in valid if label not in version.labels]
    if len(version.labels) + len(adding) > MAX_LABELS_PER_VERSION:
        raise ParameterVersionLabelLimitExceeded()
    for label in adding:
        holder = parameter.labelled(label)
        if holder is not None:
            holder.labels.remove(label)
        version.labels.append(label)
    return {"InvalidLabels": invalid, "ParameterVersion": version.version}


def unlabel_parameter_version(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    parameter, version = _labelled_target(ctx, "ssm:UnlabelParameterVersion", params)
    removed: list[str] = []
    invalid: list[str] = []
    for label in dict.fromkeys(params["Labels"]):
        if label in version.labels:
            version.labels.remove(label)
            removed.append(label)
        else:
            invalid.append(label)
    return {"RemovedLabels": removed, "InvalidLabels": invalid}


def _tagged(store: ParameterStore, params: dict[str, Any]) -> Parameter:
    # Only parameters live here: any other resource type names a resource that does not exist.
    if params["ResourceType"] != "Parameter":
        raise InvalidResourceId()
    try:
        name = check_name(params["ResourceId"])
    except ValidationException:
        raise InvalidResourceId() from None
    found = store.find(name)
    if found is None:
        raise InvalidResourceId()
    return found


def _authorize_tags(ctx: CallContext, action: str, params: dict[str, Any]) -> Parameter:
    store = store_of(ctx)
    parameter = _tagged(store, params)
    ctx.authorize(action, store.arn(parameter.name), conditions=tag_conditions(parameter))
    return parameter


def add_tags_to_resource(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    parameter = _authorize_tags(ctx, "ssm:AddTagsToResource", params)
    merged = dict(parameter.tags)
    merged.update({tag["Key"]: tag["Value"] for tag in params["Tags"]})
    if len(merged) > MAX_TAGS:
        raise TooManyTagsError("")
    parameter.tags = merged
    return {}


def remove_tags_from_resource(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    parameter = _authorize_tags(ctx, "ssm:RemoveTagsFromResource", params)
    for key in params["TagKeys"]:
        parameter.tags.pop(key, None)
    return {}


def list_tags_for_resource(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    parameter = _authorize_tags(ctx, "ssm:ListTagsForResource", params)
    return {"TagList": [{"Key": key, "Value": value} for key, value in parameter.tags.items()]}
