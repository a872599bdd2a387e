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
# The grant operations each kind of key supports (KMS Developer Guide, "Grant operations"),
# besides CreateGrant, DescribeKey and RetireGrant, which every key supports.
_KEY_OPERATIONS = {
    "SYMMETRIC": {"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
                  "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "ReEncryptFrom",
                  "ReEncryptTo"},
    "GENERATE_VERIFY_MAC": {"GenerateMac", "VerifyMac"},
    "ENCRYPT_DECRYPT": {"Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"},
    "SIGN_VERIFY": {"Sign", "Verify", "GetPublicKey"},
    "KEY_AGREEMENT": {"DeriveSharedSecret", "GetPublicKey"},
    "ENCAPSULATE_DECAPSULATE": {"Encapsulate", "Decapsulate", "GetPublicKey"},
}
_EVERY_KEY = {"CreateGrant", "DescribeKey", "RetireGrant"}


def _check_operations(key: Key, operations: list[str]) -> None:
    """Documented: "the operation must be supported on the KMS key ... If you try, KMS returns
    a ValidationError exception" (CreateGrant's Operations). The text is assumed."""
    kind = "SYMMETRIC" if key.is_symmetric else key.key_usage
    allowed = _KEY_OPERATIONS.get(kind, set()) | _EVERY_KEY
    refused = [operation for operation in operations if operation not in allowed]
    if refused:
        raise ValidationException(
            f"Grant operations {', '.join(refused)} are not supported for {key.arn} "
            f"(KeySpec {key.key_spec}, KeyUsage {key.key_usage})."
        )


_CONTEXT_CONSTRAINTS = ("EncryptionContextSubset", "EncryptionContextEquals")


def _constraints(params: dict[str, Any]) -> dict[str, Any] | None:
    given = params.get("Constraints") or {}
    found: dict[str, Any] = {
        name: dict(given[name]) for name in _CONTEXT_CONSTRAINTS if given.get(name) is not None
    }
    if len(found) > 1:
        # AWS's answer as quoted in terraform-provider-aws (internal/service/kms/grant.go).
        raise ValidationException("More than one constraint supplied")
    if given.get("SourceArn") is not None:
        # botocore 1.44's SourceArn constraint (the model checks its form); it accompanies an
        # encryption context constraint or stands alone (the documentation lists them apart).
        found["SourceArn"] = given["SourceArn"]
    return found or None


def _principals(params: dict[str, Any], constraints: dict[str, Any] | None) -> None:
    """botocore 1.44's service principals: the documented rules of CreateGrant (codes
    documented as ValidationException for bad grant parameters; the texts are assumed)."""
    if params.get("GranteePrincipal") and params.get("GranteeServicePrincipal"):
        raise ValidationException(
            "You must specify either GranteePrincipal or GranteeServicePrincipal, but not both."
        )
    if params.get("RetiringPrincipal") and params.get("RetiringServicePrincipal"):
        raise ValidationException(
            "You can specify either RetiringPrincipal or RetiringServicePrincipal, but not both."
        )
    if params.get("GranteeServicePrincipal"):
        if not constraints or "SourceArn" not in constraints:
            raise ValidationException(
                "When you specify a GranteeServicePrincipal, you must also specify a SourceArn "
                "grant constraint."
            )
        if not (params.get("RetiringPrincipal") or params.get("RetiringServicePrincipal")):
            raise ValidationException(
                "When you specify a GranteeServicePrincipal, you must also specify a "
                "RetiringPrincipal or a RetiringServicePrincipal."
            )


def create_grant(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = find_key(ctx, params["KeyId"], aliases=False)
    grantee = params.get("GranteePrincipal")
    service_grantee = params.get("GranteeServicePrincipal")
    operations = list(params.get("Operations") or [])
    constraints = _constraints(params)
    extra: dict[str, Any] = {"kms:GrantOperations": operations}
    if grantee:
        extra["kms:GranteePrincipal"] = grantee
    retiring = params.get("RetiringPrincipal")
    service_retiring = params.get("RetiringServicePrincipal")
    if retiring:
        extra["kms:RetiringPrincipal"] = retiring
    if constraints:
        extra["kms:GrantConstraintType"] = list(constraints)
    extra["kms:GrantIsForAWSResource"] = ctx.invoked_by is not None
    context: dict[str, str] = {}
    for name in _CONTEXT_CONSTRAINTS:
        context.update((constraints or {}).get(name) or {})
    ctx.authorize(
        "kms:CreateGrant", key.arn, key=key, conditions={**conditions(params, context=context), **extra}
    )
    states.for_cryptography(key)
    _principals(params, constraints)
    if not grantee and not service_grantee:
        raise ValidationException(
            "1 validation error detected: Value null at 'granteePrincipal' failed to satisfy "
            "constraint: Member must not be null"
        )
    if not operations:
        raise ValidationException(
            "1 validation error detected: Value '[]' at 'operations' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1"
        )
    _check_operations(key, operations)
    if set(constraints or ()) & set(_CONTEXT_CONSTRAINTS) and not set(operations) <= _CONTEXT_OPERATIONS:
        raise ValidationException(
            "Grant constraints (EncryptionContextSubset, EncryptionContextEquals) are allowed "
            "only on grants for cryptographic operations, CreateGrant and RetireGrant; these "
            f"operations take no encryption context: "
            f"{', '.join(sorted(set(operations) - _CONTEXT_OPERATIONS))}"
        )
    check_grant_tokens(ctx, params)
    dry_run(params)
    who = (grantee, service_grantee, retiring, service_retiring)
    grant = _same_grant(key, params.get("Name"), who, operations, constraints)
    kms = _owner(ctx, key)
    if grant is None:
        grant = Grant(
            grant_id=kms.random.bytes(32).hex(),
            grant_token="",
            key_arn=key.arn,
            grantee_principal=grantee,
            grantee_service_principal=service_grantee,
            operations=operations,
            issuing_account=f"arn:{kms.partition}:iam::{ctx.caller.account_id}:root",
            created=kms.now(),
            retiring_principal=retiring,
            retiring_service_principal=service_retiring,
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
    who: tuple[str | None, str | None, str | None, str | None],
    operations: list[str],
    constraints: dict[str, Any] | None,
) -> Grant | None:
    """A named grant created again with the same parameters is the same grant (idempotent)."""
    if name is None:
        return None
    for grant in key.grants:
        if (
            grant.name == name
            and (grant.grantee_principal, grant.grantee_service_principal,
                 grant.retiring_principal, grant.retiring_service_principal) == who
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
    if params.get("GranteeServicePrincipal"):
        raise _service_principal_filter("GranteeServicePrincipal")
    grantee = params.get("GranteePrincipal")
    if grantee:
        grants = [g for g in grants if g.grantee_principal == grantee]
    page, extra = paginate(grants, params, default=50, maximum=100)
    return {"Grants": [g.entry() for g in page], **extra}


def list_retirable_grants(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("RetiringServicePrincipal"):
        raise _service_principal_filter("RetiringServicePrincipal")
    principal = params.get("RetiringPrincipal")
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


def _service_principal_filter(member: str) -> ValidationException:
    """Documented: this filter "is only usable by callers in a service principal", and every
    caller here is an IAM identity (no call is made by a service with its own credentials).
    The code and text are assumed."""
    return ValidationException(f"{member} is only usable by callers in a service principal.")


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
