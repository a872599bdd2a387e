"""Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.

Grants are stored with their constraints; the permission engine reads ``key.grants`` to let
grantees use a key, and checks EncryptionContextSubset/Equals there.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_ssmkms.aws.strict import is_digits
from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import ValidationException
from pytest_ssmkms.aws.kms import states
from pytest_ssmkms.aws.kms.common import (
    check_grant_tokens,
    conditions,
    dry_run,
    find_key,
    paginate,
    registry,
    require_text,
)
from pytest_ssmkms.aws.kms.errors import (
    InvalidGrantIdException,
    InvalidGrantTokenException,
    NotFoundException,
)
from pytest_ssmkms.aws.kms.keys import Grant, Key
from pytest_ssmkms.aws.kms.registry import KeyRegistry

# Operations an encryption-context constraint may accompany (KMS refuses constraints on
# grants for operations that take no encryption context).
_CONTEXT_OPERATIONS = {
    "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext", "CreateGrant", "RetireGrant",
}
_GRANT_ID = re.compile(r"^[0-9a-f]{64}$")


def _constraints(params: dict[str, Any]) -> dict[str, dict[str, str]] | None:
    given = params.get("Constraints") or {}
    found = {
        name: dict(given[name])
        for name in ("EncryptionContextSubset", "EncryptionContextEquals")
        if given.get(name) is not None
    }
    if given.get("SourceArn") is not None:
        raise ValidationException("pytest-ssmkms does not model the SourceArn grant constraint.")
    if len(found) > 1:
        # AWS's answer as quoted in terraform-provider-aws (internal/service/kms/grant.go).
        raise ValidationException("More than one constraint supplied")
    return found or None


def create_grant(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = find_key(ctx, params["KeyId"], aliases=False)
    grantee = params.get("GranteePrincipal") or params.get("GranteeServicePrincipal")
    operations = list(params.get("Operations") or [])
    constraints = _constraints(params)
    extra: dict[str, Any] = {
        "kms:GrantOperations": operations,
        "kms:GranteePrincipal": grantee,
    }
    retiring = params.get("RetiringPrincipal") or params.get("RetiringServicePrincipal")
    if retiring:
        extra["kms:RetiringPrincipal"] = retiring
    if constraints:
        extra["kms:GrantConstraintType"] = list(constraints)
    extra["kms:GrantIsForAWSResource"] = ctx.invoked_by is not None
    context = {}
    for pairs in (constraints or {}).values():
        context.update(pairs)
    ctx.authorize(
        "kms:CreateGrant", key.arn, key=key, conditions={**conditions(params, context=context), **extra}
    )
    states.for_cryptography(key)
    if not grantee:
        raise ValidationException(
            "1 validation error detected: Value null at 'granteePrincipal' failed to satisfy "
            "constraint: Member must not be null"
        )
    if not operations:
        raise ValidationException(
            "1 validation error detected: Value '[]' at 'operations' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1"
        )
    if constraints and not set(operations) <= _CONTEXT_OPERATIONS:
        raise ValidationException(
            "Grant constraints (EncryptionContextSubset, EncryptionContextEquals) are allowed "
            "only on grants for cryptographic operations, CreateGrant and RetireGrant; these "
            f"operations take no encryption context: "
            f"{', '.join(sorted(set(operations) - _CONTEXT_OPERATIONS))}"
        )
    check_grant_tokens(ctx, params)
    dry_run(params)
    grant = _same_grant(key, params.get("Name"), grantee, retiring, operations, constraints)
    kms = _owner(ctx, key)
    if grant is None:
        grant = Grant(
            grant_id=kms.random.bytes(32).hex(),
            grant_token="",
            key_arn=key.arn,
            grantee_principal=grantee,
            operations=operations,
            issuing_account=f"arn:{kms.partition}:iam::{ctx.caller.account_id}:root",
            created=kms.now(),
            retiring_principal=retiring,
            constraints=constraints,
            name=params.get("Name"),
        )
        key.grants.append(grant)
    # Every CreateGrant answers a fresh token, even when it names an existing grant.
    token = f"{key.account_id}.{kms.random.bytes(48).hex()}"
    grant.grant_token = token
    kms.grant_tokens[token] = grant
    return {"GrantToken": token, "GrantId": grant.grant_id}


def _same_grant(
    key: Key,
    name: str | None,
    grantee: str,
    retiring: str | None,
    operations: list[str],
    constraints: dict[str, dict[str, str]] | None,
) -> Grant | None:
    """A named grant created again with the same parameters is the same grant (idempotent)."""
    if name is None:
        return None
    for grant in key.grants:
        if (
            grant.name == name
            and grant.grantee_principal == grantee
            and grant.retiring_principal == retiring
            and sorted(grant.operations) == sorted(operations)
            and grant.constraints == constraints
        ):
            return grant
    return None


def list_grants(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = find_key(ctx, params["KeyId"], aliases=False)
    ctx.authorize("kms:ListGrants", key.arn, key=key)
    grants = key.grants
    if params.get("GrantId"):
        # The model lists InvalidGrantIdException for ListGrants: a GrantId filter that can't be
        # a grant id (assumed to be checked as RevokeGrant checks it).
        _check_grant_id(params["GrantId"])
        grants = [g for g in grants if g.grant_id == params["GrantId"]]
    grantee = params.get("GranteePrincipal") or params.get("GranteeServicePrincipal")
    if grantee:
        grants = [g for g in grants if g.grantee_principal == grantee]
    page, extra = paginate(grants, params, default=50, maximum=100)
    return {"Grants": [g.entry() for g in page], **extra}


def list_retirable_grants(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    principal = params.get("RetiringPrincipal") or params.get("RetiringServicePrincipal")
    if not principal:
        require_text(params, "RetiringPrincipal")
    ctx.authorize("kms:ListRetirableGrants", "*")
    grants = [
        grant
        for key in registry(ctx).keys()
        for grant in key.grants
        if grant.retiring_principal == principal
    ]
    page, extra = paginate(grants, params, default=50, maximum=100)
    return {"Grants": [g.entry() for g in page], **extra}


def _check_grant_id(grant_id: str) -> None:
    """Grant ids are 64 hex digits; anything else is InvalidGrantIdException (the code is
    modelled for RetireGrant, RevokeGrant and ListGrants; the text is assumed)."""
    if not _GRANT_ID.match(grant_id):
        raise InvalidGrantIdException(f"Invalid grant ID: {grant_id}")


def _grant_of(key: Key, grant_id: str) -> Grant:
    _check_grant_id(grant_id)
    for grant in key.grants:
        if grant.grant_id == grant_id:
            return grant
    # Exact text not documented.
    raise NotFoundException(f"Grant ID {grant_id} not found")


def _owner(ctx: CallContext, key: Key) -> KeyRegistry:
    """The registry that holds ``key`` (another account's, for a key used by ARN)."""
    if key.account_id == ctx.backend.account_id:
        return registry(ctx)
    owner: KeyRegistry = ctx.backend.world.backend(key.account_id, ctx.region).kms
    return owner


def _remove(ctx: CallContext, key: Key, grant: Grant) -> None:
    key.grants.remove(grant)
    tokens = _owner(ctx, key).grant_tokens
    for token in [t for t, g in tokens.items() if g is grant]:
        del tokens[token]


def retire_grant(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    token = params.get("GrantToken")
    if token:
        grant = _token_grant(ctx, token)
        key = registry(ctx).resolve(grant.key_arn, aliases=False)
    else:
        if not params.get("KeyId") or not params.get("GrantId"):
            raise ValidationException(
                "RetireGrant needs a GrantToken, or both a KeyId and a GrantId."
            )
        key = find_key(ctx, params["KeyId"], aliases=False)
        grant = _grant_of(key, params["GrantId"])
    if not _may_retire_without_policy(ctx, grant):
        ctx.authorize("kms:RetireGrant", key.arn, key=key)
    dry_run(params)
    _remove(ctx, key, grant)
    return {}


def _token_grant(ctx: CallContext, token: str) -> Grant:
    grant = registry(ctx).grant_tokens.get(token)
    account = token.split(".", 1)[0]
    if grant is None and is_digits(account) and account != ctx.backend.account_id:
        other = ctx.backend.world.existing(account, ctx.region)  # none made for garbage
        grant = other.kms.grant_tokens.get(token) if other is not None else None
    if grant is None:
        raise InvalidGrantTokenException("Invalid grant token.")
    return grant


def revoke_grant(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = find_key(ctx, params["KeyId"], aliases=False)
    ctx.authorize("kms:RevokeGrant", key.arn, key=key)
    grant = _grant_of(key, params["GrantId"])
    dry_run(params)
    _remove(ctx, key, grant)
    return {}


def _may_retire_without_policy(ctx: CallContext, grant: Grant) -> bool:
    """KMS lets a grant's retiring principal, and its grantee when the grant allows
    RetireGrant, retire it without any policy allowing kms:RetireGrant."""
    caller = ctx.caller.arn
    if grant.retiring_principal == caller:
        return True
    return grant.grantee_principal == caller and "RetireGrant" in grant.operations


OPERATIONS = {
    "CreateGrant": create_grant,
    "ListGrants": list_grants,
    "ListRetirableGrants": list_retirable_grants,
    "RetireGrant": retire_grant,
    "RevokeGrant": revoke_grant,
}
