"""Cryptographic operations: Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, GenerateRandom."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import ValidationException
from pytest_ssmkms.aws.kms import asymmetric, crypto, mlkem, ops_asymmetric, states
from pytest_ssmkms.aws.kms.common import (
    check_grant_tokens,
    conditions,
    dry_run,
    find_key,
    registry,
    require_blob,
)
from pytest_ssmkms.aws.kms.errors import (
    IncorrectKeyException,
    InvalidCiphertextException,
    InvalidKeyUsageException,
    UnsupportedOperationException,
    ciphertext_key_inaccessible,
)
from pytest_ssmkms.aws.kms.keys import ENABLED, Key

SYMMETRIC = "SYMMETRIC_DEFAULT"
MAX_PLAINTEXT = 4096


def _check_encryption_key(key: Key, operation: str, algorithm: str) -> None:
    if key.key_usage != "ENCRYPT_DECRYPT":
        # Not documented verbatim; the shape KMS uses for key-usage refusals.
        raise InvalidKeyUsageException(
            f"{key.arn} key usage is {key.key_usage} which is not valid for {operation}."
        )
    if not key.is_symmetric:
        if operation in ("Encrypt", "Decrypt", "ReEncrypt"):
            return  # RSA keys: ops_asymmetric checks the algorithm
        # Data keys come only from symmetric encryption keys.
        raise InvalidKeyUsageException(
            f"{key.arn} key spec {key.key_spec} is not valid for {operation}."
        )
    if algorithm != SYMMETRIC:
        raise InvalidKeyUsageException(
            f"The request specified an encryption algorithm ({algorithm}) that {key.arn} "
            f"does not support. Supported: {SYMMETRIC}."
        )


def _check_plaintext(plaintext: Any) -> bytes:
    # Calls from SSM skip the model's checks, so the 1-4096 byte limit is enforced here too.
    if not isinstance(plaintext, (bytes, bytearray)) or not 1 <= len(plaintext) <= MAX_PLAINTEXT:
        size = len(plaintext) if isinstance(plaintext, (bytes, bytearray)) else 0
        bound = (
            f"less than or equal to {MAX_PLAINTEXT}" if size > MAX_PLAINTEXT
            else "greater than or equal to 1"
        )
        raise ValidationException(
            "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
            f"Member must have length {bound}"
        )
    return bytes(plaintext)


def seal_with(ctx: CallContext, key: Key, plaintext: bytes, context: Mapping[str, str] | None) -> bytes:
    material = key.current
    assert material is not None and material.secret is not None  # Enabled keys have material
    iv = ctx.backend.kms.random.nonce(crypto.IV_BYTES)
    aead = material._aead or material.aead  # built once per material
    return crypto.seal(aead, key.arn, material.ref, plaintext, context, iv)


def _checks_after_authorization(
    ctx: CallContext, key: Key, params: dict[str, Any], operation: str, algorithm: str
) -> None:
    """Key state, key usage and algorithm, grant tokens, DryRun: in this order, as before.
    The common case (an Enabled symmetric encryption key, the default algorithm, no grant
    tokens, no DryRun) is recognised without calling each check."""
    if key.state != ENABLED:
        states.for_cryptography(key)
    if (
        key.key_usage != "ENCRYPT_DECRYPT"
        or key.key_spec != "SYMMETRIC_DEFAULT"
        or algorithm != SYMMETRIC
    ):
        _check_encryption_key(key, operation, algorithm)
    if params.get("GrantTokens"):
        check_grant_tokens(ctx, params)
    if params.get("DryRun"):
        dry_run(params)


def _encrypting_key(ctx: CallContext, params: dict[str, Any], action: str, operation: str) -> Key:
    """Resolve, authorize and check the key of an encrypting call (Encrypt, GenerateDataKey*)."""
    identifier = params["KeyId"]
    key = find_key(ctx, identifier)
    context = params.get("EncryptionContext")
    algorithm = params.get("EncryptionAlgorithm", SYMMETRIC)
    ctx.authorize(
        action,
        key.arn,
        key=key,
        # Made only if the authorizer needs them (not for a cached decision).
        conditions=lambda: conditions(
            params, identifier=identifier, context=context, algorithm=algorithm
        ),
    )
    _checks_after_authorization(ctx, key, params, operation, algorithm)
    return key


def encrypt(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _encrypting_key(ctx, params, "kms:Encrypt", "Encrypt")
    plaintext = _check_plaintext(params.get("Plaintext"))
    if not key.is_symmetric:
        algorithm = params.get("EncryptionAlgorithm", SYMMETRIC)
        blob = ops_asymmetric.rsa_encrypt(key, algorithm, plaintext)
        return {"CiphertextBlob": blob, "KeyId": key.arn, "EncryptionAlgorithm": algorithm}
    blob = seal_with(ctx, key, plaintext, params.get("EncryptionContext"))
    return {"CiphertextBlob": blob, "KeyId": key.arn, "EncryptionAlgorithm": SYMMETRIC}


def _blob_key(ctx: CallContext, blob: crypto.Blob, requested: str | None) -> Key:
    """The key a blob was made with; a different KeyId in the request is IncorrectKey."""
    key: Key | None = ctx.backend.kms.by_arn(blob.key_arn)
    if requested is not None:
        wanted = find_key(ctx, requested)
        if key is None or wanted is not key:
            raise IncorrectKeyException()
    if key is None:
        raise ciphertext_key_inaccessible()
    return key


def _open(key: Key, blob: crypto.Blob, context: Mapping[str, str] | None) -> tuple[bytes, str]:
    """The plaintext and the id of the material that opened it."""
    material = key.materials.get(blob.material_ref)
    if material is None or material.secret is None:
        raise InvalidCiphertextException()
    aead = material._aead or material.aead  # built once per material
    return crypto.open_blob(aead, blob, context), material.material_id


def decrypt(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    # Optional in the model (Recipient requests), required by KMS for every Decrypt.
    require_blob(params, "CiphertextBlob")
    requested = params.get("KeyId")
    if requested is not None:
        wanted = find_key(ctx, requested)
        if not wanted.is_symmetric and wanted.key_usage == "ENCRYPT_DECRYPT":
            return _decrypt_asymmetric(ctx, wanted, params)
    blob = crypto.parse(params["CiphertextBlob"])
    key = _blob_key(ctx, blob, requested)
    context = params.get("EncryptionContext")
    algorithm = params.get("EncryptionAlgorithm", SYMMETRIC)
    ctx.authorize(
        "kms:Decrypt",
        key.arn,
        key=key,
        # Made only if the authorizer needs them (not for a cached decision).
        conditions=lambda: conditions(
            params, identifier=requested, context=context, algorithm=algorithm
        ),
    )
    _checks_after_authorization(ctx, key, params, "Decrypt", algorithm)
    plaintext, material_id = _open(key, blob, context)
    # KeyMaterialId is present whenever a symmetric key decrypts (KMS API reference).
    return {
        "KeyId": key.arn,
        "Plaintext": plaintext,
        "EncryptionAlgorithm": SYMMETRIC,
        "KeyMaterialId": material_id,
    }


def _decrypt_asymmetric(ctx: CallContext, key: Key, params: dict[str, Any]) -> dict[str, Any]:
    """Decrypt an RSA ciphertext: the caller names the key and the algorithm, as in AWS."""
    algorithm = params.get("EncryptionAlgorithm", SYMMETRIC)
    ctx.authorize(
        "kms:Decrypt",
        key.arn,
        key=key,
        conditions=conditions(params, identifier=params["KeyId"], algorithm=algorithm),
    )
    states.for_cryptography(key)
    check_grant_tokens(ctx, params)
    dry_run(params)
    plaintext = ops_asymmetric.rsa_decrypt(key, algorithm, params["CiphertextBlob"])
    return {"KeyId": key.arn, "Plaintext": plaintext, "EncryptionAlgorithm": algorithm}


def _is_rsa(key: Key) -> bool:
    return not key.is_symmetric and key.key_usage == "ENCRYPT_DECRYPT"


def re_encrypt(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    require_blob(params, "CiphertextBlob")
    source_id = params.get("SourceKeyId")
    blob: crypto.Blob | None = None
    source: Key | None = None
    if source_id is not None:
        named = find_key(ctx, source_id)
        if _is_rsa(named):
            source = named  # an RSA ciphertext: the request names its key, as in AWS
    if source is None:
        blob = crypto.parse(params["CiphertextBlob"])
        source = _blob_key(ctx, blob, source_id)
    source_context = params.get("SourceEncryptionContext")
    source_algorithm = params.get("SourceEncryptionAlgorithm", SYMMETRIC)
    destination_id = params["DestinationKeyId"]
    destination = find_key(ctx, destination_id)
    destination_context = params.get("DestinationEncryptionContext")
    destination_algorithm = params.get("DestinationEncryptionAlgorithm", SYMMETRIC)
    same = {"kms:ReEncryptOnSameKey": source is destination}
    ctx.authorize(
        "kms:ReEncryptFrom",
        source.arn,
        key=source,
        conditions={
            **conditions(params, identifier=source_id, context=source_context,
                         algorithm=source_algorithm),
            **same,
        },
    )
    ctx.authorize(
        "kms:ReEncryptTo",
        destination.arn,
        key=destination,
        conditions={
            **conditions(params, identifier=destination_id, context=destination_context,
                         algorithm=destination_algorithm),
            **same,
        },
    )
    states.for_cryptography(source)
    states.for_cryptography(destination)
    _check_encryption_key(source, "ReEncrypt", source_algorithm)
    _check_encryption_key(destination, "ReEncrypt", destination_algorithm)
    check_grant_tokens(ctx, params)
    dry_run(params)
    out: dict[str, Any] = {"SourceKeyId": source.arn, "KeyId": destination.arn}
    if blob is None:
        plaintext = ops_asymmetric.rsa_decrypt(source, source_algorithm, params["CiphertextBlob"])
        out["SourceEncryptionAlgorithm"] = source_algorithm
    else:
        plaintext, out["SourceKeyMaterialId"] = _open(source, blob, source_context)
        out["SourceEncryptionAlgorithm"] = SYMMETRIC
    if _is_rsa(destination):
        out["CiphertextBlob"] = ops_asymmetric.rsa_encrypt(destination, destination_algorithm, plaintext)
        out["DestinationEncryptionAlgorithm"] = destination_algorithm
    else:
        assert destination.current is not None
        out["CiphertextBlob"] = seal_with(ctx, destination, plaintext, destination_context)
        out["DestinationEncryptionAlgorithm"] = SYMMETRIC
        out["DestinationKeyMaterialId"] = destination.current.material_id
    return out


_DATA_KEY_SPECS = {"AES_256": 32, "AES_128": 16}


def _data_key_length(params: Mapping[str, Any]) -> int:
    count, spec = params.get("NumberOfBytes"), params.get("KeySpec")
    if (count is None) == (spec is None):
        # Real KMS answers both-or-neither with this ValidationException.
        raise ValidationException("Please specify either number of bytes or key spec.")
    if spec is not None:
        if spec not in _DATA_KEY_SPECS:
            raise ValidationException(
                f"1 validation error detected: Value '{spec}' at 'keySpec' failed to satisfy "
                "constraint: Member must satisfy enum value set: [AES_256, AES_128]"
            )
        return _DATA_KEY_SPECS[spec]
    if not isinstance(count, int) or not 1 <= count <= 1024:
        bound = "less than or equal to 1024" if isinstance(count, int) and count > 1024 else (
            "greater than or equal to 1"
        )
        raise ValidationException(
            f"1 validation error detected: Value '{count}' at 'numberOfBytes' failed to satisfy "
            f"constraint: Member must have value {bound}"
        )
    return count


def _generate(ctx: CallContext, params: dict[str, Any], operation: str) -> tuple[Key, bytes, bytes]:
    key = _encrypting_key(ctx, params, f"kms:{operation}", operation)
    data_key = registry(ctx).random.bytes(_data_key_length(params))
    return key, data_key, seal_with(ctx, key, data_key, params.get("EncryptionContext"))


def generate_data_key(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key, data_key, blob = _generate(ctx, params, "GenerateDataKey")
    return {"CiphertextBlob": blob, "Plaintext": data_key, "KeyId": key.arn}


def generate_data_key_without_plaintext(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key, _, blob = _generate(ctx, params, "GenerateDataKeyWithoutPlaintext")
    return {"CiphertextBlob": blob, "KeyId": key.arn}


def generate_random(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    ctx.authorize("kms:GenerateRandom", "*")
    if params.get("CustomKeyStoreId"):
        from pytest_ssmkms.aws.kms.ops_custom_key_stores import store_not_found

        raise store_not_found(params["CustomKeyStoreId"])
    count = params.get("NumberOfBytes")
    if count is None:
        # Optional in the model, yet KMS needs it: the text public snapshot tests recorded.
        raise ValidationException("NumberOfBytes is required.")
    if not isinstance(count, int) or not 1 <= count <= 1024:
        bound = "less than or equal to 1024" if count > 1024 else "greater than or equal to 1"
        raise ValidationException(
            f"1 validation error detected: Value '{count}' at 'numberOfBytes' failed to satisfy "
            f"constraint: Member must have value {bound}"
        )
    return {"Plaintext": registry(ctx).random.bytes(count)}


_KEY_PAIR_SPECS = ("RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384",
                   "ECC_NIST_P521", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519",
                   *sorted(mlkem.available()))


def _generate_pair(ctx: CallContext, params: dict[str, Any], operation: str) -> dict[str, Any]:
    spec = params["KeyPairSpec"]
    key = _encrypting_key(ctx, params, f"kms:{operation}", operation)
    if spec.startswith("ML_KEM_") and ctx.region.startswith("cn-"):
        # Documented ("The ML-KEM key specs are not available in China Regions"); text assumed.
        raise UnsupportedOperationException(
            f"KeyPairSpec {spec} is not available in the China Regions."
        )
    if spec not in _KEY_PAIR_SPECS:
        raise UnsupportedOperationException(
            f"pytest-ssmkms does not implement data key pairs of {spec}; "
            f"supported: {', '.join(_KEY_PAIR_SPECS)}."
        )
    if params.get("Recipient"):
        raise UnsupportedOperationException("pytest-ssmkms does not model Nitro Enclaves (Recipient).")
    private, public = asymmetric.key_pair(spec, registry(ctx).random.bytes(32))
    blob = seal_with(ctx, key, private, params.get("EncryptionContext"))
    return {
        "PrivateKeyCiphertextBlob": blob,
        "PrivateKeyPlaintext": private,
        "PublicKey": public,
        "KeyId": key.arn,
        "KeyPairSpec": spec,
    }


def generate_data_key_pair(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return _generate_pair(ctx, params, "GenerateDataKeyPair")


def generate_data_key_pair_without_plaintext(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    out = _generate_pair(ctx, params, "GenerateDataKeyPairWithoutPlaintext")
    del out["PrivateKeyPlaintext"]
    return out


OPERATIONS = {
    "Encrypt": encrypt,
    "Decrypt": decrypt,
    "ReEncrypt": re_encrypt,
    "GenerateDataKey": generate_data_key,
    "GenerateDataKeyWithoutPlaintext": generate_data_key_without_plaintext,
    "GenerateRandom": generate_random,
    "GenerateDataKeyPair": generate_data_key_pair,
    "GenerateDataKeyPairWithoutPlaintext": generate_data_key_pair_without_plaintext,
}
