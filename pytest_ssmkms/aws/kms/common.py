"""What every KMS handler shares: key lookup, condition keys, pagination, guards."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pytest_ssmkms.aws.strict import is_digits
from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import AccessDeniedException, ValidationException
from pytest_ssmkms.aws.kms.errors import (
    DryRunOperationException,
    InvalidGrantTokenException,
    InvalidMarkerException,
)
from pytest_ssmkms.aws.kms.keys import Key
from pytest_ssmkms.aws.kms.registry import KeyRegistry

T = TypeVar("T")


def registry(ctx: CallContext) -> KeyRegistry:
    kms: KeyRegistry = ctx.backend.kms
    return kms


def find_key(ctx: CallContext, identifier: str, *, aliases: bool = True) -> Key:
    """Resolve a KeyId member. Only the four-form operations take aliases; a call SSM makes
    (``ctx.invoked_by``) or DescribeKey brings an AWS managed key into being."""
    kms: KeyRegistry = ctx.backend.kms
    return kms.resolve(
        identifier, aliases=aliases, create_managed=aliases and ctx.invoked_by is not None
    )


def request_alias(identifier: str) -> str | None:
    """The alias a request named (for ``kms:RequestAlias``), if it named one."""
    if identifier.startswith("alias/"):
        return identifier
    if identifier.startswith("arn:") and ":alias/" in identifier:
        return "alias/" + identifier.split(":alias/", 1)[1]
    return None


def conditions(
    params: Mapping[str, Any],
    *,
    identifier: str | None = None,
    context: Mapping[str, str] | None = None,
    algorithm: str | None = None,
) -> dict[str, Any]:
    """The request-specific condition keys of a KMS call."""
    out: dict[str, Any] = {}
    if context:
        for name, value in context.items():
            out[f"kms:EncryptionContext:{name}"] = value
        out["kms:EncryptionContextKeys"] = list(context)
    if algorithm is not None:
        out["kms:EncryptionAlgorithm"] = algorithm
    if identifier is not None:
        alias = request_alias(identifier)
        if alias is not None:
            out["kms:RequestAlias"] = alias
    tokens = params.get("GrantTokens")
    if tokens:
        out["kms:GrantTokens"] = list(tokens)
    return out


def check_grant_tokens(ctx: CallContext, params: Mapping[str, Any]) -> None:
    """Every grant token given must be one KMS issued for a grant that still exists."""
    for token in params.get("GrantTokens") or ():
        if token not in registry(ctx).grant_tokens and not _issued_elsewhere(ctx, token):
            raise InvalidGrantTokenException("Invalid grant token.")


def _issued_elsewhere(ctx: CallContext, token: str) -> bool:
    # Tokens are opaque; ours start with the issuing key's account so that a token issued for
    # another account's key (cross-account grants) is recognised too.
    account = token.split(".", 1)[0]
    if not is_digits(account) or account == ctx.backend.account_id:
        return False
    # Only accounts that exist here can have issued it: a made-up account in a garbage token
    # must not bring a backend into being.
    other = ctx.backend.world.existing(account, ctx.region)
    return other is not None and token in other.kms.grant_tokens


def dry_run(params: Mapping[str, Any]) -> None:
    """DryRun: everything was checked and would have succeeded."""
    if params.get("DryRun"):
        raise DryRunOperationException()


def refuse_aws_managed(ctx: CallContext, key: Key, action: str) -> None:
    """AWS managed keys can't be changed by anyone. Real KMS refuses through the managed key's
    policy (it allows only Describe*, Get*, List*, RevokeGrant to the account), so the error is
    the policy engine's AccessDeniedException; it is raised here even for the administrator."""
    if key.key_manager == "AWS" and not ctx.trusted:
        raise AccessDeniedException(
            f"User: {ctx.caller.arn} is not authorized to perform: {action} on resource: "
            f"{key.arn} because no resource-based policy allows the {action} action"
        )


def paginate(
    items: Sequence[T], params: Mapping[str, Any], *, default: int, maximum: int
) -> tuple[list[T], dict[str, Any]]:
    """One page of ``items`` and the NextMarker/Truncated members for it.

    A Limit above the documented maximum is lowered to it (the model allows up to 1000 for
    every list operation; the service documents smaller ceilings for some)."""
    limit = min(int(params.get("Limit") or default), maximum)
    start = 0
    marker = params.get("Marker")
    if marker is not None:
        start = _decode_marker(marker, len(items))
    end = start + limit
    page = list(items[start:end])
    if end < len(items):
        return page, {"NextMarker": _encode_marker(end), "Truncated": True}
    return page, {"Truncated": False}


_MARKER_PREFIX = "pytest-ssmkms:"


def _encode_marker(index: int) -> str:
    return base64.b64encode(f"{_MARKER_PREFIX}{index}".encode()).decode("ascii")


def _decode_marker(marker: str, size: int) -> int:
    try:
        text = base64.b64decode(marker, validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        raise InvalidMarkerException() from None
    if not text.startswith(_MARKER_PREFIX) or not text[len(_MARKER_PREFIX):].isdigit():
        raise InvalidMarkerException()
    index = int(text[len(_MARKER_PREFIX):])
    if index > size:
        raise InvalidMarkerException()
    return index


def require_blob(params: Mapping[str, Any], name: str) -> bytes:
    """A blob member the model leaves optional but the operation needs."""
    value = params.get(name)
    if not isinstance(value, (bytes, bytearray)) or not value:
        raise ValidationException(
            f"1 validation error detected: Value null at '{name[:1].lower()}{name[1:]}' "
            "failed to satisfy constraint: Member must not be null"
        )
    return bytes(value)


def require_text(params: Mapping[str, Any], name: str) -> str:
    """A member the model marks optional but the operation needs (checked as AWS does)."""
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise ValidationException(
            f"1 validation error detected: Value null at '{name[:1].lower()}{name[1:]}' "
            "failed to satisfy constraint: Member must not be null"
        )
    return value
