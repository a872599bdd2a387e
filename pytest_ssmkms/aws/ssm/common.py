"""Helpers shared by the SSM handlers."""

from __future__ import annotations

from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.ssm import secure
from pytest_ssmkms.aws.ssm.model import Parameter, Version
from pytest_ssmkms.aws.ssm.store import ParameterStore


def store_of(ctx: CallContext) -> ParameterStore:
    store: ParameterStore = ctx.backend.ssm
    return store


def tag_conditions(parameter: Parameter | None) -> dict[str, Any]:
    """``aws:ResourceTag/<key>`` condition values of an existing parameter."""
    if parameter is None or not parameter.tags:
        return {}
    return {f"aws:ResourceTag/{key}": value for key, value in parameter.tags.items()}


def value_of(
    ctx: CallContext,
    store: ParameterStore,
    parameter: Parameter,
    version: Version,
    decrypt: bool,
    arn: str | None = None,
) -> str:
    """The value a read returns: SecureString plaintext only when asked to decrypt;
    WithDecryption is ignored for String and StringList. ``arn``: the parameter's ARN in this
    store, when the caller has it already."""
    if decrypt and version.secure:
        if arn is None:
            arn = store.arn(parameter.name)
        return secure.decrypt(ctx, version.value, arn, version.tier)
    return version.value
