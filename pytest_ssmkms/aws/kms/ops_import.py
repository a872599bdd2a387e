"""Imported key material: GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial.

Real cryptography: the public key really wraps, ImportKeyMaterial really unwraps with the
private half, and the import token ties the material to the request and key it was made for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import ValidationException
from pytest_ssmkms.aws.kms import crypto, states, wrapping
from pytest_ssmkms.aws.kms.common import find_key, refuse_aws_managed, registry
from pytest_ssmkms.aws.kms.errors import (
    ExpiredImportTokenException,
    IncorrectKeyMaterialException,
    InvalidImportTokenException,
    UnsupportedOperationException,
)
from pytest_ssmkms.aws.kms.keys import ENABLED, PENDING_IMPORT, Key

TOKEN_LIFETIME = timedelta(hours=24)
EXPIRES = "KEY_MATERIAL_EXPIRES"
DOES_NOT_EXPIRE = "KEY_MATERIAL_DOES_NOT_EXPIRE"


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
    kms = registry(ctx)
    private = wrapping.private_key(spec)
    token = kms.random.bytes(256)
    valid_to = kms.now() + TOKEN_LIFETIME
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
        raise ValidationException(
            "ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES."
        )
    if model == DOES_NOT_EXPIRE and valid_to is not None:
        raise ValidationException(
            "ValidTo must be omitted when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE."
        )
    if valid_to is not None and valid_to <= now:
        raise ValidationException("ValidTo must be a time in the future.")
    return model, valid_to


def import_key_material(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _external_key(ctx, params, "kms:ImportKeyMaterial")
    kms = registry(ctx)
    now = kms.now()
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
    model, valid_to = _expiration(params, now)
    secret = wrapping.unwrap(parameters.private_key, parameters.algorithm, params["EncryptedKeyMaterial"])
    if len(secret) != 32:
        # SYMMETRIC_DEFAULT keys take 256-bit material; exact text not documented.
        raise IncorrectKeyMaterialException(
            f"The key material must be 256 bits (32 bytes) for a SYMMETRIC_DEFAULT key, "
            f"not {len(secret)} bytes."
        )
    ref = crypto.material_ref(crypto.material_id(secret))
    # A multi-Region key's members must all get the same material (KMS Developer Guide,
    # "Importing key material into multi-Region keys").
    known = {r for _, member in kms.related(key) for r in member.materials}
    if known and ref not in known:
        raise IncorrectKeyMaterialException(
            "The key material you are trying to import does not match the key material "
            f"previously imported into {key.arn}."
        )
    material = kms.add_material(key, secret, None, now)
    material.valid_to = valid_to
    key.expiration_model = model
    if key.state == PENDING_IMPORT:
        key.state = ENABLED
    kms.reschedule()
    return {"KeyId": key.arn, "KeyMaterialId": material.material_id}


def delete_imported_key_material(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _external_key(ctx, params, "kms:DeleteImportedKeyMaterial")
    current = key.current
    if current is not None:
        current.forget()
        current.valid_to = None
    key.state = PENDING_IMPORT
    key.expiration_model = None
    registry(ctx).reschedule()
    out: dict[str, Any] = {"KeyId": key.arn}
    if current is not None:
        out["KeyMaterialId"] = current.material_id
    return out


OPERATIONS = {
    "GetParametersForImport": get_parameters_for_import,
    "ImportKeyMaterial": import_key_material,
    "DeleteImportedKeyMaterial": delete_imported_key_material,
}
