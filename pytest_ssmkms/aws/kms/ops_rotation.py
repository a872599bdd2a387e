"""Rotation: Enable/DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations.

New material encrypts from the moment of rotation; every older material keeps decrypting
what it encrypted (ciphertexts name their material). Scheduled rotations happen on the
backend clock (``KeyRegistry.apply_due``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import ValidationException
from pytest_ssmkms.aws.kms import states
from pytest_ssmkms.aws.kms.common import find_key, paginate, refuse_aws_managed, registry
from pytest_ssmkms.aws.kms.errors import LimitExceededException, UnsupportedOperationException
from pytest_ssmkms.aws.kms.keys import Key

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
    when = registry(ctx).now() + timedelta(days=period) if period is not None else None
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
    _rotatable(key)
    if key.origin == "EXTERNAL":
        # Real KMS rotates imported keys only to material imported beforehand with
        # ImportType NEW_KEY_MATERIAL, which this mock does not model.
        raise UnsupportedOperationException(
            f"{key.arn} origin is EXTERNAL which is not valid for this operation."
        )
    states.for_cryptography(key)
    _not_replica(key)
    done = sum(1 for m in key.materials.values() if m.rotation_type == "ON_DEMAND")
    if done >= MAX_ON_DEMAND:
        raise LimitExceededException(
            f"{key.arn} has reached the limit of {MAX_ON_DEMAND} on-demand rotations."
        )
    kms = registry(ctx)
    kms.rotate(key, "ON_DEMAND", kms.now())  # every related multi-Region key too
    return {"KeyId": key.key_id}


def list_key_rotations(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _key(ctx, params, "kms:ListKeyRotations")
    _rotatable(key)
    include_all = params.get("IncludeKeyMaterial") == "ALL_KEY_MATERIAL"
    materials = [
        m for m in key.materials.values() if include_all or m.rotation_type is not None
    ]
    page, extra = paginate(materials, params, default=100, maximum=1000)
    entries = []
    for material in page:
        entry: dict[str, Any] = {
            "KeyId": key.key_id,
            "KeyMaterialId": material.material_id,
            "KeyMaterialState": "CURRENT" if material is key.current else "NON_CURRENT",
        }
        if material.rotation_type is not None:
            entry["RotationDate"] = material.created
            entry["RotationType"] = material.rotation_type
        if key.origin == "EXTERNAL":
            entry["ImportState"] = "IMPORTED" if material.secret is not None else "PENDING_IMPORT"
            entry["ExpirationModel"] = key.expiration_model or "KEY_MATERIAL_DOES_NOT_EXPIRE"
            if material.valid_to is not None:
                entry["ValidTo"] = material.valid_to
        entries.append(entry)
    return {"Rotations": entries, **extra}


OPERATIONS = {
    "EnableKeyRotation": enable_key_rotation,
    "DisableKeyRotation": disable_key_rotation,
    "GetKeyRotationStatus": get_key_rotation_status,
    "RotateKeyOnDemand": rotate_key_on_demand,
    "ListKeyRotations": list_key_rotations,
}
