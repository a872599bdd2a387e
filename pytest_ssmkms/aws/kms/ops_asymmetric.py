"""Asymmetric and HMAC keys: GetPublicKey, Sign, Verify, GenerateMac, VerifyMac, and the RSA
side of Encrypt/Decrypt (called from ``ops_crypto``)."""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.errors import ValidationException
from pytest_ssmkms.aws.kms import asymmetric, ed25519ph, mldsa, states
from pytest_ssmkms.aws.kms.common import check_grant_tokens, conditions, dry_run, find_key, registry
from pytest_ssmkms.aws.kms.errors import (
    InvalidCiphertextException,
    InvalidKeyUsageException,
    KMSInvalidMacException,
    KMSInvalidSignatureException,
    UnsupportedOperationException,
)
from pytest_ssmkms.aws.kms.keys import Key


def private_key_of(key: Key) -> asymmetric.PrivateKey:
    """The key's private key, made on first use (an unsupported spec is a clear error)."""
    if key.key_spec not in asymmetric.SUPPORTED_SPECS:
        if key.key_spec in mldsa.SIGNATURE_BYTES:
            raise UnsupportedOperationException(mldsa.missing(key.key_spec))
        raise UnsupportedOperationException(
            f"pytest-ssmkms does not implement cryptography with {key.key_spec} keys; "
            f"supported: {', '.join(sorted(asymmetric.SUPPORTED_SPECS))}, HMAC_* and SYMMETRIC_DEFAULT."
        )
    found: asymmetric.PrivateKey | None = key.private_key
    if found is None:
        assert key.current is not None and key.current.secret is not None
        if key.origin == "EXTERNAL":
            # Imported material is the private key itself (PKCS #8 DER, checked at import).
            found = asymmetric.load_private(key.key_spec, key.current.secret)
            assert found is not None
            key.private_key = found
        else:
            found = key.private_key = asymmetric.private_key(key.key_spec, key.current.secret)
    return found


def usable(ctx: CallContext, params: dict[str, Any], action: str, usage: str, operation: str,
            extra: dict[str, Any]) -> Key:
    identifier = params["KeyId"]
    key = find_key(ctx, identifier)
    ctx.authorize(action, key.arn, key=key,
                  conditions={**conditions(params, identifier=identifier), **extra})
    states.for_cryptography(key)
    if key.key_usage != usage:
        raise InvalidKeyUsageException(
            f"{key.arn} key usage is {key.key_usage} which is not valid for {operation}."
        )
    check_grant_tokens(ctx, params)
    return key


def _check_algorithm(key: Key, kind: str, algorithm: str) -> None:
    allowed = key.algorithms().get(kind, [])
    if algorithm not in allowed:
        # Recorded against KMS for MAC algorithms (LocalStack's snapshot tests); the same text
        # assumed for signing and encryption algorithms.
        raise InvalidKeyUsageException(
            f"Algorithm {algorithm} is incompatible with key spec {key.key_spec}."
        )


def get_public_key(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    identifier = params["KeyId"]
    key = find_key(ctx, identifier)
    ctx.authorize("kms:GetPublicKey", key.arn, key=key,
                  conditions=conditions(params, identifier=identifier))
    states.for_cryptography(key)
    if key.is_symmetric or key.key_spec.startswith("HMAC_"):
        # Exact text not documented: only asymmetric keys have a public key.
        raise UnsupportedOperationException(
            f"{key.arn} key spec {key.key_spec} has no public key: GetPublicKey takes asymmetric keys."
        )
    check_grant_tokens(ctx, params)
    out: dict[str, Any] = {
        "KeyId": key.arn,
        "PublicKey": asymmetric.public_der(private_key_of(key)),
        "KeySpec": key.key_spec,
        "KeyUsage": key.key_usage,
    }
    if key.legacy_spec is not None:
        out["CustomerMasterKeySpec"] = key.legacy_spec
    out.update(key.algorithms())
    return out


def _message(params: dict[str, Any], algorithm: str) -> tuple[bytes, bool]:
    message_type = params.get("MessageType", "RAW")
    message: bytes = params["Message"]
    if algorithm == "ED25519_PH_SHA_512" and message_type != "DIGEST":
        raise ValidationException(
            f"MessageType {message_type} is not valid for ED25519_PH_SHA_512; use DIGEST."
        )
    if message_type == "RAW":
        return message, False
    if algorithm == "ML_DSA_SHAKE_256":
        return _ml_dsa_message(message_type, message), False
    if algorithm == "ED25519_SHA_512" and message_type != "RAW":
        # Documented: "ED25519_SHA_512 signing algorithm requires KMS MessageType:RAW" (and
        # ED25519_PH_SHA_512 DIGEST, below). Code and text assumed.
        raise ValidationException(f"MessageType {message_type} is not valid for ED25519_SHA_512; use RAW.")
    if message_type != "DIGEST":
        raise UnsupportedOperationException(
            f"pytest-ssmkms does not implement MessageType {message_type} with {algorithm}."
        )
    if len(message) != asymmetric.digest_size(algorithm):
        raise ValidationException(f"Digest is invalid length for algorithm {algorithm}.")
    return message, True


def _ml_dsa_message(message_type: str, message: bytes) -> bytes:
    """ML-DSA signs RAW messages or an externally computed 64-byte mu (KMS Developer Guide,
    "ML-DSA keys"); DIGEST does not apply. The refusals' codes and texts are assumed."""
    if message_type != "EXTERNAL_MU":
        raise ValidationException(
            f"MessageType {message_type} is not valid for ML_DSA_SHAKE_256; use RAW or EXTERNAL_MU."
        )
    if len(message) != mldsa.MU_BYTES:
        # Documented ("the length of the Message value must be 64 bytes"); text assumed.
        raise ValidationException(
            f"Message must be {mldsa.MU_BYTES} bytes long when MessageType is EXTERNAL_MU."
        )
    return message


def _signing(ctx: CallContext, params: dict[str, Any], operation: str) -> tuple[Key, bytes, bool]:
    algorithm = params["SigningAlgorithm"]
    extra = {"kms:SigningAlgorithm": algorithm, "kms:MessageType": params.get("MessageType", "RAW")}
    key = usable(ctx, params, f"kms:{operation}", "SIGN_VERIFY", operation, extra)
    _check_algorithm(key, "SigningAlgorithms", algorithm)
    message, digest = _message(params, algorithm)
    private_key_of(key)
    dry_run(params)
    return key, message, digest


def _external_mu(params: dict[str, Any]) -> bool:
    return params.get("MessageType") == "EXTERNAL_MU"


def _ed25519(key: Key) -> ed25519.Ed25519PrivateKey:
    private = private_key_of(key)
    assert isinstance(private, ed25519.Ed25519PrivateKey)  # the algorithm was checked
    return private


def _ph(digest: bytes) -> bytes:
    """Ed25519ph's PH over the 64-byte digest given: documented, "KMS still performs the
    SHA-512 prehash ... the input is hashed twice: once by you and once by KMS"."""
    return hashlib.sha512(digest).digest()


def sign(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key, message, digest = _signing(ctx, params, "Sign")
    algorithm = params["SigningAlgorithm"]
    if _external_mu(params):
        # Hedged signing as FIPS 204 recommends; the randomness comes from the backend's
        # source, so deterministic mode makes the same signature again.
        rnd = registry(ctx).random.bytes(32)
        signature = mldsa.sign_mu(private_key_of(key), message, rnd)
    elif algorithm == "ED25519_PH_SHA_512":
        signature = ed25519ph.sign(_ed25519(key).private_bytes_raw(), _ph(message))
    else:
        signature = asymmetric.sign(private_key_of(key), algorithm, message, digest)
    return {"KeyId": key.arn, "Signature": signature, "SigningAlgorithm": algorithm}


def verify(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key, message, digest = _signing(ctx, params, "Verify")
    algorithm = params["SigningAlgorithm"]
    if _external_mu(params):
        valid = mldsa.verify_mu(private_key_of(key), message, params["Signature"])
    elif algorithm == "ED25519_PH_SHA_512":
        public = _ed25519(key).public_key().public_bytes_raw()
        valid = ed25519ph.verify(public, _ph(message), params["Signature"])
    else:
        valid = asymmetric.verify(private_key_of(key), algorithm, message, digest, params["Signature"])
    if not valid:
        raise KMSInvalidSignatureException()
    return {"KeyId": key.arn, "SignatureValid": True, "SigningAlgorithm": algorithm}


def _mac_key(ctx: CallContext, params: dict[str, Any], operation: str) -> tuple[Key, bytes]:
    algorithm = params["MacAlgorithm"]
    key = usable(ctx, params, f"kms:{operation}", "GENERATE_VERIFY_MAC", operation,
                  {"kms:MacAlgorithm": algorithm})
    _check_algorithm(key, "MacAlgorithms", algorithm)
    dry_run(params)
    assert key.current is not None and key.current.secret is not None
    return key, asymmetric.mac(key.current.secret, algorithm, params["Message"])


def generate_mac(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key, mac = _mac_key(ctx, params, "GenerateMac")
    return {"Mac": mac, "MacAlgorithm": params["MacAlgorithm"], "KeyId": key.arn}


def verify_mac(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    import hmac

    key, mac = _mac_key(ctx, params, "VerifyMac")
    if not hmac.compare_digest(mac, params["Mac"]):
        raise KMSInvalidMacException()
    return {"KeyId": key.arn, "MacValid": True, "MacAlgorithm": params["MacAlgorithm"]}


def rsa_encrypt(key: Key, algorithm: str, plaintext: bytes) -> bytes:
    """Encrypt with an RSA ENCRYPT_DECRYPT key (state and permission already checked)."""
    _check_algorithm(key, "EncryptionAlgorithms", algorithm)
    private = private_key_of(key)
    assert isinstance(private, rsa.RSAPrivateKey)
    limit = asymmetric.rsa_max_plaintext(private, algorithm)
    if len(plaintext) > limit:
        # Recorded against KMS (LocalStack's snapshot tests), for each size and algorithm.
        raise ValidationException(
            f"Algorithm {algorithm} and key spec {key.key_spec} cannot encrypt data larger than "
            f"{limit} bytes."
        )
    return asymmetric.rsa_encrypt(private, algorithm, plaintext)


def rsa_decrypt(key: Key, algorithm: str, ciphertext: bytes) -> bytes:
    _check_algorithm(key, "EncryptionAlgorithms", algorithm)
    private = private_key_of(key)
    assert isinstance(private, rsa.RSAPrivateKey)
    plaintext = asymmetric.rsa_decrypt(private, algorithm, ciphertext)
    if plaintext is None:
        raise InvalidCiphertextException()
    return plaintext


OPERATIONS = {
    "GetPublicKey": get_public_key,
    "Sign": sign,
    "Verify": verify,
    "GenerateMac": generate_mac,
    "VerifyMac": verify_mac,
}
