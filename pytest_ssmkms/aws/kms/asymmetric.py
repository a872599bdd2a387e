"""Asymmetric and HMAC cryptography: pure functions over ``cryptography`` objects.

Private keys are derived from the key's material where the algorithm allows it (ECC, Ed25519),
so deterministic mode makes them reproducible; RSA keys are generated (RSA generation can't be
seeded with ``cryptography``).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Union

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from pytest_ssmkms.aws.kms import mldsa, mlkem

PrivateKey = Union[
    rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey, mldsa.PrivateKey,
    mlkem.PrivateKey,
]

_CURVES: dict[str, ec.EllipticCurve] = {
    "ECC_NIST_P256": ec.SECP256R1(),
    "ECC_NIST_P384": ec.SECP384R1(),
    "ECC_NIST_P521": ec.SECP521R1(),
    "ECC_SECG_P256K1": ec.SECP256K1(),
}
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA_1": hashes.SHA1,
    "SHA_224": hashes.SHA224,
    "SHA_256": hashes.SHA256,
    "SHA_384": hashes.SHA384,
    "SHA_512": hashes.SHA512,
}
SUPPORTED_SPECS = frozenset(
    {"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_EDWARDS25519", *_CURVES, *mldsa.available(),
     *mlkem.available()}
)


def _hash(algorithm: str) -> hashes.HashAlgorithm:
    """The hash an algorithm name ends with (``..._SHA_256`` -> SHA-256)."""
    for suffix, factory in _HASHES.items():
        if algorithm.endswith(suffix):
            return factory()
    raise ValueError(f"no hash in {algorithm}")


def private_key(spec: str, secret: bytes) -> PrivateKey:
    """The private key of ``spec``; ECC and Ed25519 keys derive from ``secret``."""
    if spec.startswith("RSA_"):
        return rsa.generate_private_key(65537, int(spec[4:]))
    if spec == "ECC_NIST_EDWARDS25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.shake_256(secret).digest(32))
    if spec.startswith("ML_DSA_"):
        return mldsa.from_seed(spec, hashlib.shake_256(b"ML-DSA seed" + secret).digest(32))
    if spec.startswith("ML_KEM_"):
        seed = hashlib.shake_256(b"ML-KEM seed" + secret).digest(mlkem.SEED_BYTES)
        return mlkem.from_seed(spec, seed)
    curve = _CURVES[spec]
    size = (curve.key_size + 7) // 8
    # Below 2**(bits-1), hence below the group order of these curves, and never zero.
    scalar = int.from_bytes(hashlib.shake_256(secret).digest(size), "big") % (2 ** (curve.key_size - 1))
    return ec.derive_private_key(scalar or 1, curve)


def load_private(spec: str, der: bytes) -> PrivateKey | None:
    """An imported private key (PKCS #8 DER) if it is a key of ``spec``, else None."""
    if spec.startswith("ML_KEM_"):
        kem = mlkem.load_pkcs8(der)
        if kem is not None:
            return kem if mlkem.spec_of(kem) == spec else None
    try:
        key = serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
    if spec.startswith("RSA_"):
        fits = isinstance(key, rsa.RSAPrivateKey) and key.key_size == int(spec[4:])
    elif spec == "ECC_NIST_EDWARDS25519":
        fits = isinstance(key, ed25519.Ed25519PrivateKey)
    elif spec.startswith("ML_DSA_"):
        fits = mldsa.spec_of(key) == spec
    elif spec.startswith("ML_KEM_"):
        fits = mlkem.spec_of(key) == spec
    else:
        curve = _CURVES.get(spec)
        fits = (curve is not None and isinstance(key, ec.EllipticCurvePrivateKey)
                and key.curve.name == curve.name)
    return key if fits else None


def canonical_der(key: PrivateKey) -> bytes:
    """PKCS #8 DER of ``key``: the same key always gives the same bytes (re-imports compare)."""
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_der(key: PrivateKey) -> bytes:
    """DER-encoded SubjectPublicKeyInfo, as GetPublicKey returns it."""
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def digest_size(algorithm: str) -> int:
    return _hash(algorithm).digest_size


def _signing_args(algorithm: str, digest: bool) -> tuple[Any, Any]:
    chosen = _hash(algorithm)
    hashing: Any = Prehashed(chosen) if digest else chosen
    if algorithm.startswith("RSASSA_PSS"):
        return padding.PSS(mgf=padding.MGF1(chosen), salt_length=chosen.digest_size), hashing
    if algorithm.startswith("RSASSA_PKCS1"):
        return padding.PKCS1v15(), hashing
    return ec.ECDSA(hashing), None


def sign(key: PrivateKey, algorithm: str, message: bytes, digest: bool) -> bytes:
    if mldsa.spec_of(key) is not None:
        return mldsa.sign(key, message)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    first, second = _signing_args(algorithm, digest)
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(message, first, second)
    return key.sign(message, first)


def verify(key: PrivateKey, algorithm: str, message: bytes, digest: bool, signature: bytes) -> bool:
    if mldsa.spec_of(key) is not None:
        return mldsa.verify(key, message, signature)
    public = key.public_key()
    try:
        if isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, message)
        elif isinstance(public, rsa.RSAPublicKey):
            first, second = _signing_args(algorithm, digest)
            public.verify(signature, message, first, second)
        else:
            assert isinstance(public, ec.EllipticCurvePublicKey)
            public.verify(signature, message, _signing_args(algorithm, digest)[0])
    except (InvalidSignature, ValueError):
        return False
    return True


def _oaep(algorithm: str) -> padding.OAEP:
    chosen = _hash(algorithm)
    return padding.OAEP(mgf=padding.MGF1(chosen), algorithm=chosen, label=None)


def rsa_max_plaintext(key: rsa.RSAPrivateKey, algorithm: str) -> int:
    return key.key_size // 8 - 2 * _hash(algorithm).digest_size - 2


def rsa_encrypt(key: rsa.RSAPrivateKey, algorithm: str, plaintext: bytes) -> bytes:
    return key.public_key().encrypt(plaintext, _oaep(algorithm))


def rsa_decrypt(key: rsa.RSAPrivateKey, algorithm: str, ciphertext: bytes) -> bytes | None:
    try:
        return key.decrypt(ciphertext, _oaep(algorithm))
    except ValueError:
        return None


def mac(secret: bytes, algorithm: str, message: bytes) -> bytes:
    """HMAC_SHA_224/256/384/512 over ``message``."""
    name = {"HMAC_SHA_224": "sha224", "HMAC_SHA_256": "sha256",
            "HMAC_SHA_384": "sha384", "HMAC_SHA_512": "sha512"}[algorithm]
    return hmac.new(secret, message, name).digest()


def key_pair(spec: str, seed: bytes) -> tuple[bytes, bytes]:
    """A fresh data key pair: (PKCS#8 DER private key, DER SubjectPublicKeyInfo)."""
    key = private_key(spec, seed)
    private = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return private, public_der(key)


def ecdh(key: PrivateKey, peer_public_der: bytes) -> bytes | None:
    """The raw ECDH shared secret (the x-coordinate, as KMS returns it) of ``key`` and a peer's
    DER SubjectPublicKeyInfo; None if that is not a public key on the same curve."""
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        return None
    try:
        peer = serialization.load_der_public_key(peer_public_der)
    except (ValueError, TypeError):
        return None
    if not isinstance(peer, ec.EllipticCurvePublicKey) or peer.curve.name != key.curve.name:
        return None
    return key.exchange(ec.ECDH(), peer)
