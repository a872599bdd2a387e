"""Imported key material: GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial.

Real cryptography: the public key really wraps, ImportKeyMaterial really unwraps with the
private half, and the import token ties the material to the request and key it was made for.
Symmetric, HMAC and asymmetric keys take material (``imported`` says what fits each spec).
Symmetric encryption keys may hold several materials (ImportType NEW_KEY_MATERIAL stages one
for RotateKeyOnDemand); HMAC and asymmetric keys keep the one they were first given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from pytest_ssmkms.aws.strict import shift
from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import ValidationException
from pytest_ssmkms.aws.kms import asymmetric, crypto, imported, mldsa, states, wrapping
from pytest_ssmkms.aws.kms.common import find_key, refuse_aws_managed, registry
from pytest_ssmkms.aws.kms.errors import (
    ExpiredImportTokenException,
    IncorrectKeyMaterialException,
    InvalidImportTokenException,
    KMSInvalidStateException,
    NotFoundException,
    UnsupportedOperationException,
)
from pytest_ssmkms.aws.kms.keys import ENABLED, PENDING_IMPORT, Key, Material

TOKEN_LIFETIME = timedelta(hours=24)
EXPIRES = "KEY_MATERIAL_EXPIRES"
DOES_NOT_EXPIRE = "KEY_MATERIAL_DOES_NOT_EXPIRE"
NEW = "NEW_KEY_MATERIAL"
EXISTING = "EXISTING_KEY_MATERIAL"


@dataclass(eq=False)
class ImportParameters:
    key_id: str
    algorithm: str
    valid_to: datetime
    private_key: rsa.RSAPrivateKey = field(repr=False)


def _imports(ctx: CallContext) -> dict[bytes, ImportParameters]:
    found: dict[bytes, ImportParameters] = registry(ctx).import_tokens
    return found


def _external_key(ctx: CallContext, params: dict[str, Any], action: str) -> Key:
    key = find_key(ctx, params["KeyId"], aliases=False)
    ctx.authorize(action, key.arn, key=key)
    refuse_aws_managed(ctx, key, action)
    if key.origin != "EXTERNAL":
        raise UnsupportedOperationException(
            f"{key.arn} origin is {key.origin} which is not valid for this operation."
        )
    states.not_pending_deletion(key)
    return key


def _importable(key: Key) -> None:
    """Key specs whose material this mock can take (SM2 exists only in the China Regions)."""
    spec = key.key_spec
    if spec == "SYMMETRIC_DEFAULT" or spec in imported.HMAC_LENGTHS:
        return
    if spec in asymmetric.SUPPORTED_SPECS:
        return
    if spec in mldsa.SIGNATURE_BYTES:
        raise UnsupportedOperationException(mldsa.missing(spec))
    raise UnsupportedOperationException(
        f"pytest-ssmkms does not import key material into {spec} keys."
    )


def get_parameters_for_import(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _external_key(ctx, params, "kms:GetParametersForImport")
    algorithm = params["WrappingAlgorithm"]
    spec = params["WrappingKeySpec"]
    if algorithm not in wrapping.WRAPPING_ALGORITHMS:
        # RSAES_PKCS1_V1_5 is no longer accepted by KMS; SM2PKE only in China regions.
        raise ValidationException(
            f"WrappingAlgorithm {algorithm} is not supported; use one of: "
            f"{', '.join(wrapping.WRAPPING_ALGORITHMS)}."
        )
    if spec not in wrapping.WRAPPING_KEY_SPECS:
        raise ValidationException(
            f"WrappingKeySpec {spec} is not supported; use one of: "
            f"{', '.join(wrapping.WRAPPING_KEY_SPECS)}."
        )
    _importable(key)
    refusal = imported.wrapping_refusal(key.key_spec, algorithm, spec)
    if refusal is not None:
        # The combinations are documented (GetParametersForImport reference); that KMS refuses
        # them here rather than at ImportKeyMaterial is assumed (it knows the key spec now).
        raise ValidationException(refusal)
    kms = registry(ctx)
    private = wrapping.private_key(spec)
    token = kms.random.bytes(256)
    valid_to = shift(kms.now(), TOKEN_LIFETIME)
    _imports(ctx)[token] = ImportParameters(key.key_id, algorithm, valid_to, private)
    return {
        "KeyId": key.arn,
        "ImportToken": token,
        "PublicKey": wrapping.public_der(private),
        "ParametersValidTo": valid_to,
    }


def _expiration(params: dict[str, Any], now: datetime) -> tuple[str, datetime | None]:
    valid_to: datetime | None = params.get("ValidTo")
    model = params.get("ExpirationModel") or (EXPIRES if valid_to is not None else DOES_NOT_EXPIRE)
    if model == EXPIRES and valid_to is None:
        # Recorded against KMS (LocalStack's snapshot tests), without a final period.
        raise ValidationException(
            "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES"
        )
    if model == DOES_NOT_EXPIRE and valid_to is not None:
        raise ValidationException(
            "ValidTo must be omitted when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE."
        )
    if valid_to is not None and valid_to <= now:
        raise ValidationException("ValidTo must be a time in the future.")
    return model, valid_to


def _token(ctx: CallContext, key: Key, params: dict[str, Any], now: datetime) -> ImportParameters:
    parameters = _imports(ctx).get(params["ImportToken"])
    if parameters is None or parameters.key_id != key.key_id:
        raise InvalidImportTokenException(
            "The import token is not valid for this KMS key. Get new parameters for import "
            "with GetParametersForImport."
        )
    if parameters.valid_to <= now:
        raise ExpiredImportTokenException(
            "The import token has expired. Use GetParametersForImport to get a new import token "
            "and public key."
        )
    return parameters


def _symmetric_only(key: Key, params: dict[str, Any]) -> None:
    """ImportType, KeyMaterialId and KeyMaterialDescription are "only usable with symmetric
    encryption keys" (ImportKeyMaterial reference; the KMS Developer Guide says KMS rejects
    ImportType for HMAC and asymmetric keys). The code and text are assumed."""
    if key.is_symmetric:
        return
    given = [name for name in ("ImportType", "KeyMaterialId", "KeyMaterialDescription")
             if params.get(name) is not None]
    if given:
        raise ValidationException(
            f"{given[0]} is only valid for symmetric encryption keys, not {key.key_spec} keys."
        )


def import_key_material(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _external_key(ctx, params, "kms:ImportKeyMaterial")
    kms = registry(ctx)
    now = kms.now()
    parameters = _token(ctx, key, params, now)
    model, valid_to = _expiration(params, now)
    _symmetric_only(key, params)
    _importable(key)
    plaintext = wrapping.unwrap(parameters.private_key, parameters.algorithm, params["EncryptedKeyMaterial"])
    secret = imported.material_for(key.key_spec, plaintext)
    if isinstance(secret, str):
        # Documented requirements; the exact text is not documented.
        raise IncorrectKeyMaterialException(secret)
    material_id = crypto.material_id(secret)
    replica = key.multi_region_set is not None and not key.is_primary
    ever = bool(key.materials) or key.pending is not None
    import_type = params.get("ImportType") or (EXISTING if ever or replica else NEW)
    if import_type == NEW:
        if params.get("KeyMaterialId") is not None:
            # Documented ("You cannot specify a key material ID with ImportType set to
            # NEW_KEY_MATERIAL"); the code and text are assumed.
            raise ValidationException(
                "KeyMaterialId can't be specified when ImportType is NEW_KEY_MATERIAL."
            )
        if replica:
            # New material goes into the primary; replicas take it as EXISTING_KEY_MATERIAL
            # (ImportKeyMaterial reference). The text is the one KMS gives for a replica where
            # a primary is needed (recorded for ReplicateKey).
            raise UnsupportedOperationException(f"{key.arn} is not a multi-region primary key.")
        material = _import_new(kms, key, secret, material_id, now)
    else:
        material = _import_existing(kms, key, secret, material_id, params.get("KeyMaterialId"))
    material.secret = secret
    material.valid_to = valid_to
    material.expiration_model = model
    if params.get("KeyMaterialDescription") is not None:
        material.description = params["KeyMaterialDescription"]  # else the last one stays
    if material is key.current:
        key.expiration_model = model
    if key.state == PENDING_IMPORT and key.all_imported():
        key.state = ENABLED
    kms.reschedule()
    out: dict[str, Any] = {"KeyId": key.arn}
    if key.is_symmetric:
        # KMS names the material of symmetric keys (CurrentKeyMaterialId, ListKeyRotations);
        # that HMAC and asymmetric keys get no KeyMaterialId here is assumed, as DescribeKey
        # shows them none (recorded).
        out["KeyMaterialId"] = material_id
    return out


def _import_new(kms: Any, key: Key, secret: bytes, material_id: str, now: datetime) -> Material:
    """The first material of a key, or new material staged for RotateKeyOnDemand."""
    ref = crypto.material_ref(material_id)
    if not key.materials and key.pending is None:
        known = {r for _, member in kms.related(key) for r in member.materials}
        if known and ref not in known:
            raise _does_not_match(key)
        material: Material = kms.add_material(key, secret, None, now)
        return material
    if ref in key.materials:
        # Assumed code and text: the material is already the key's, so it is not new.
        raise IncorrectKeyMaterialException(
            f"The key material (id: {material_id}) is already associated with KMS key "
            f"{key.key_id}; import it with ImportType EXISTING_KEY_MATERIAL."
        )
    pending = key.pending
    if pending is not None and pending.ref != ref:
        # Recorded against KMS (LocalStack's snapshot tests).
        raise KMSInvalidStateException(
            f"New key material (id: {material_id}) cannot be imported into KMS key "
            f"{key.key_id}, because another key material (id: {pending.material_id}) is "
            "pending rotation."
        )
    if pending is None:
        pending = key.pending = Material(material_id, ref, now, secret)
    return pending


def _import_existing(
    kms: Any, key: Key, secret: bytes, material_id: str, named: str | None
) -> Material:
    """Material the key (or, for a replica, its multi-Region set) already has."""
    if named is not None and named != material_id:
        # Documented: KMS computes the id of what is imported and matches it against
        # KeyMaterialId; the text is assumed.
        raise IncorrectKeyMaterialException(
            f"The key material you are importing (id: {material_id}) does not match the key "
            f"material ID {named}."
        )
    ref = crypto.material_ref(material_id)
    found = key.materials.get(ref)
    if found is None and key.pending is not None and key.pending.ref == ref:
        found = key.pending
    if found is not None:
        return found
    for _, member in kms.related(key):
        if member is key:
            continue
        # A replica takes the material of its set: current, earlier, or staged for rotation.
        if member.pending is not None and member.pending.ref == ref:
            key.pending = Material(material_id, ref, member.pending.created, secret)
            return key.pending
        if ref in member.materials:
            copy = Material(material_id, ref, member.materials[ref].created, secret,
                            member.materials[ref].rotation_type)
            key.materials[ref] = copy
            if member.current is not None and member.current.ref == ref:
                key.current = copy
            return copy
    raise _does_not_match(key)


def _does_not_match(key: Key) -> IncorrectKeyMaterialException:
    return IncorrectKeyMaterialException(
        "The key material you are trying to import does not match the key material "
        f"previously imported into {key.arn}."
    )


def delete_imported_key_material(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _external_key(ctx, params, "kms:DeleteImportedKeyMaterial")
    named = params.get("KeyMaterialId")
    target = key.current
    if named is not None:
        target = next((m for m in key.materials.values() if m.material_id == named), None)
        if target is None and key.pending is not None and key.pending.material_id == named:
            target = key.pending
        if target is None:
            # Assumed code (modelled for this operation) and text.
            raise NotFoundException(
                f"Key material with id {named} is not associated with {key.arn}."
            )
    if target is key.pending and target is not None:
        # Staged material is not yet permanently associated: deleting it frees the slot for
        # other new material (RotationsListEntry reference, PENDING_ROTATION).
        key.pending = None
    elif target is not None:
        key.forget(target)
        if target is key.current:
            key.expiration_model = None
    else:
        key.state = PENDING_IMPORT  # never imported: it was waiting already
    registry(ctx).reschedule()
    out: dict[str, Any] = {"KeyId": key.arn}
    if target is not None and key.is_symmetric:
        out["KeyMaterialId"] = target.material_id
    return out


OPERATIONS = {
    "GetParametersForImport": get_parameters_for_import,
    "ImportKeyMaterial": import_key_material,
    "DeleteImportedKeyMaterial": delete_imported_key_material,
}
