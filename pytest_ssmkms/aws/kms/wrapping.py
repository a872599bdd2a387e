"""Wrapping keys for imported key material: pure crypto, bytes in, bytes out.

``wrap`` does what a user does with the public key from GetParametersForImport (tests and
docs use it); ``unwrap`` is what ImportKeyMaterial does with the private half.
"""

from __future__ import annotations

import os
import threading

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.keywrap import (
    InvalidUnwrap,
    aes_key_unwrap_with_padding,
    aes_key_wrap_with_padding,
)

from pytest_ssmkms.aws.kms.errors import InvalidCiphertextException

WRAPPING_KEY_SPECS = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}
WRAPPING_ALGORITHMS = (
    "RSAES_OAEP_SHA_1",
    "RSAES_OAEP_SHA_256",
    "RSA_AES_KEY_WRAP_SHA_1",
    "RSA_AES_KEY_WRAP_SHA_256",
)

_lock = threading.Lock()
_keys: dict[str, rsa.RSAPrivateKey] = {}


def private_key(spec: str) -> rsa.RSAPrivateKey:
    """An RSA wrapping key of ``spec``. Generating RSA-4096 costs up to a second, so each
    size is made once per process and shared (each GetParametersForImport still gets a token
    of its own, which is what ties an import to its request)."""
    with _lock:
        found = _keys.get(spec)
        if found is None:
            found = _keys[spec] = rsa.generate_private_key(65537, WRAPPING_KEY_SPECS[spec])
        return found


def public_der(key: rsa.RSAPrivateKey) -> bytes:
    """The public key as KMS returns it: DER-encoded X.509 SubjectPublicKeyInfo."""
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _oaep(algorithm: str) -> padding.OAEP:
    digest: hashes.HashAlgorithm = hashes.SHA1() if algorithm.endswith("SHA_1") else hashes.SHA256()
    return padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)


def wrap(public_key_der: bytes, algorithm: str, material: bytes) -> bytes:
    """Encrypt key material for import, as the KMS docs tell users to (OpenSSL equivalent)."""
    public = serialization.load_der_public_key(public_key_der)
    assert isinstance(public, rsa.RSAPublicKey)
    if algorithm.startswith("RSAES_OAEP"):
        return public.encrypt(material, _oaep(algorithm))
    # RSA_AES_KEY_WRAP: an ephemeral AES-256 key, RSA-OAEP encrypted, then the material
    # wrapped with it (AES key wrap with padding, RFC 5649).
    ephemeral = os.urandom(32)
    return public.encrypt(ephemeral, _oaep(algorithm)) + aes_key_wrap_with_padding(ephemeral, material)


def unwrap(key: rsa.RSAPrivateKey, algorithm: str, wrapped: bytes) -> bytes:
    """The key material inside ``wrapped``; anything that does not unwrap is InvalidCiphertext."""
    size = key.key_size // 8
    try:
        if algorithm.startswith("RSAES_OAEP"):
            return key.decrypt(wrapped, _oaep(algorithm))
        if len(wrapped) <= size:
            raise InvalidCiphertextException()
        ephemeral = key.decrypt(wrapped[:size], _oaep(algorithm))
        return aes_key_unwrap_with_padding(ephemeral, wrapped[size:])
    except (ValueError, InvalidUnwrap):
        raise InvalidCiphertextException() from None
