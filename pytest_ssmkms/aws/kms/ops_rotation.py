"""Rotation: Enable/DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations.

New material encrypts from the moment of rotation; every older material keeps decrypting
what it encrypted (ciphertexts name their material). Scheduled rotations happen on the
backend clock (``KeyRegistry.apply_due``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pytest_ssmkms.aws.strict import shift
from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import ValidationException
from pytest_ssmkms.aws.kms import states
from pytest_ssmkms.aws.kms.common import find_key, paginate, refuse_aws_managed, registry
from pytest_ssmkms.aws.kms.errors import (
    KMSInvalidStateException,
    LimitExceededException,
    UnsupportedOperationException,
)
from pytest_ssmkms.aws.kms.keys import Key, Material

DEFAULT_PERIOD = 365
MAX_ON_DEMAND = 25


def _rotatable(key: Key) -> None:
    if not key.is_symmetric or key.key_usage != "ENCRYPT_DECRYPT":
        # Real KMS's text for asymmetric and HMAC keys.
        raise UnsupportedOperationException(
            "You cannot perform this operation on a non-symmetric key or a key with "
            "non-ENCRYPT_DECRYPT key usage."
        )


def _key(ctx: CallContext, params: dict[str, Any], action: str) -> Key:
    key = find_key(ctx, params["KeyId"], aliases=False)
    ctx.authorize(action, key.arn, key=key)
    return key


def _not_replica(key: Key) -> None:
    """Rotation of a multi-Region key is set and started on its primary; KMS synchronizes
    it to the replicas (EnableKeyRotation, RotateKeyOnDemand references). The refusal's text
    for a replica is assumed: the one KMS gives ReplicateKey on a replica."""
    if key.multi_region_set is not None and not key.is_primary:
        raise UnsupportedOperationException(f"{key.arn} is not a multi-region primary key.")


def _set_rotation(ctx: CallContext, key: Key, period: int | None) -> None:
    """Rotation status on ``key`` and every key related to it (multi-Region keys)."""
    when = shift(registry(ctx).now(), timedelta(days=period)) if period is not None else None
    for owner, member in registry(ctx).related(key):
        member.rotation_enabled = period is not None
        member.rotation_period_days = period
        member.next_rotation = when
        owner.reschedule()


def enable_key_rotation(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _key(ctx, params, "kms:EnableKeyRotation")
    refuse_aws_managed(ctx, key, "kms:EnableKeyRotation")
    _rotatable(key)
    states.for_rotation_settings(key)
    _not_replica(key)
    period = params.get("RotationPeriodInDays", DEFAULT_PERIOD)
    if not 90 <= period <= 2560:
        raise ValidationException(
            f"1 validation error detected: Value '{period}' at 'rotationPeriodInDays' failed to "
            "satisfy constraint: Member must have value between 90 and 2560"
        )
    _set_rotation(ctx, key, period)
    return {}


def disable_key_rotation(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _key(ctx, params, "kms:DisableKeyRotation")
    refuse_aws_managed(ctx, key, "kms:DisableKeyRotation")
    _rotatable(key)
    states.for_rotation_settings(key)
    _not_replica(key)
    _set_rotation(ctx, key, None)
    return {}


def get_key_rotation_status(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _key(ctx, params, "kms:GetKeyRotationStatus")
    _rotatable(key)
    if key.origin == "EXTERNAL":
        # Observed on real KMS for keys with imported material.
        raise UnsupportedOperationException(
            f"{key.arn} origin is EXTERNAL which is not valid for this operation."
        )
    out: dict[str, Any] = {"KeyRotationEnabled": key.rotation_enabled, "KeyId": key.arn}
    if key.rotation_enabled:
        out["RotationPeriodInDays"] = key.rotation_period_days
        if key.next_rotation is not None:
            out["NextRotationDate"] = key.next_rotation
    return out


def rotate_key_on_demand(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _key(ctx, params, "kms:RotateKeyOnDemand")
    refuse_aws_managed(ctx, key, "kms:RotateKeyOnDemand")
    if not key.is_symmetric:
        # Recorded against KMS (LocalStack's snapshot tests): no message for this one.
        raise UnsupportedOperationException()
    states.for_cryptography(key)
    _not_replica(key)
    done = sum(1 for m in key.materials.values() if m.rotation_type == "ON_DEMAND")
    if done >= MAX_ON_DEMAND:
        # Recorded against KMS (LocalStack's snapshot tests).
        raise LimitExceededException(
            "The on-demand rotations limit has been reached for the given keyId. No more "
            f"on-demand rotations can be performed for this key: {key.arn}"
        )
    kms = registry(ctx)
    if key.origin == "EXTERNAL":
        _rotate_to_pending(ctx, key)
    else:
        kms.rotate(key, "ON_DEMAND", kms.now())  # every related multi-Region key too
    # The key ARN, whatever identifier the request used (recorded against KMS).
    return {"KeyId": key.arn}


def _rotate_to_pending(ctx: CallContext, key: Key) -> None:
    """An imported key rotates to the material imported with ImportType NEW_KEY_MATERIAL
    (RotateKeyOnDemand reference); a multi-Region key only once every replica has it."""
    pending = key.pending
    if pending is None or pending.secret is None:
        # Recorded against KMS (LocalStack's snapshot tests).
        raise KMSInvalidStateException(
            f"No available key material pending rotation for the key: {key.arn}."
        )
    members = registry(ctx).related(key)
    lacking = [m.arn for _, m in members
               if m.pending is None or m.pending.ref != pending.ref or m.pending.secret is None]
    if lacking:
        # Documented (import the material into each replica first); the text is assumed.
        raise KMSInvalidStateException(
            f"Key material (id: {pending.material_id}) is not yet imported into the replica "
            f"key {lacking[0]}; import it into every replica before rotating {key.arn}."
        )
    now = registry(ctx).now()
    for owner, member in members:
        staged = member.pending
        assert staged is not None
        staged.rotation_type = "ON_DEMAND"
        staged.created = now
        member.materials[staged.ref] = staged
        member.current = staged
        member.pending = None
        member.expiration_model = staged.expiration_model
        owner.reschedule()


def material_state(key: Key, material: Material, members: list[Key]) -> str:
    """KeyMaterialState of one of ``key``'s materials (RotationsListEntry reference)."""
    if material is key.current:
        return "CURRENT"
    if material is key.pending:
        waiting = any(m.pending is None or m.pending.ref != material.ref for m in members)
        return "PENDING_MULTI_REGION_IMPORT_AND_ROTATION" if waiting else "PENDING_ROTATION"
    return "NON_CURRENT"


def list_key_rotations(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _key(ctx, params, "kms:ListKeyRotations")
    _rotatable(key)
    include_all = params.get("IncludeKeyMaterial") == "ALL_KEY_MATERIAL"
    materials = [
        m for m in key.materials.values() if include_all or m.rotation_type is not None
    ]
    if include_all and key.pending is not None:
        materials.append(key.pending)  # staged for rotation: no rotation yet
    members = [m for _, m in registry(ctx).related(key)]
    page, extra = paginate(materials, params, default=100, maximum=1000)
    entries = []
    for material in page:
        entry: dict[str, Any] = {
            "KeyId": key.key_id,
            "KeyMaterialId": material.material_id,
            "KeyMaterialState": material_state(key, material, members),
        }
        if material.rotation_type is not None:
            entry["RotationDate"] = material.created
            entry["RotationType"] = material.rotation_type
        if key.origin == "EXTERNAL":
            entry["ImportState"] = "IMPORTED" if material.secret is not None else "PENDING_IMPORT"
            entry["ExpirationModel"] = (
                material.expiration_model or key.expiration_model or "KEY_MATERIAL_DOES_NOT_EXPIRE"
            )
            if material.valid_to is not None:
                entry["ValidTo"] = material.valid_to
            if material.description is not None:
                entry["KeyMaterialDescription"] = material.description
        entries.append(entry)
    return {"Rotations": entries, **extra}


OPERATIONS = {
    "EnableKeyRotation": enable_key_rotation,
    "DisableKeyRotation": disable_key_rotation,
    "GetKeyRotationStatus": get_key_rotation_status,
    "RotateKeyOnDemand": rotate_key_on_demand,
    "ListKeyRotations": list_key_rotations,
}
