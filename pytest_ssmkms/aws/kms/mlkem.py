"""ML-KEM (FIPS 203) keys: ``cryptography``'s where the installed version has the parameter set,
else this package's own FIPS 203 code (:mod:`mlkem_fips203`).

``cryptography`` added its ``mlkem`` module in 47.0 with ML-KEM-768 and ML-KEM-1024 (and only
where its backend provides them); KMS also offers ML-KEM-512, which no ``cryptography`` release
up to 50 has. Both kinds of key give the same keys, ciphertexts and secrets from the same seed.
"""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm

from pytest_ssmkms.aws.kms import mlkem_fips203

try:
    from cryptography.hazmat.primitives.asymmetric import mlkem as _mlkem
except ImportError:  # cryptography < 47
    _mlkem = None  # type: ignore[assignment]

# Any ML-KEM private key object: cryptography's classes, or mlkem_fips203.PrivateKey.
PrivateKey = Any

_CLASSES = {"ML_KEM_512": "MLKEM512PrivateKey", "ML_KEM_768": "MLKEM768PrivateKey",
            "ML_KEM_1024": "MLKEM1024PrivateKey"}
# FIPS 203 Table 3, as the model documents SharedSecretCiphertextBlob's length per key spec.
CIPHERTEXT_BYTES = {"ML_KEM_512": 768, "ML_KEM_768": 1088, "ML_KEM_1024": 1568}
SEED_BYTES = mlkem_fips203.SEED_BYTES  # d || z: what the seed-format PKCS #8 key holds


def _class(spec: str) -> Any:
    name = _CLASSES.get(spec)
    return getattr(_mlkem, name, None) if _mlkem is not None and name else None


def _works(spec: str) -> bool:
    found = _class(spec)
    if found is None:
        return False
    try:
        found.from_seed_bytes(bytes(SEED_BYTES))
    except UnsupportedAlgorithm:  # the backend (OpenSSL build) lacks this parameter set
        return False
    return True


# The parameter sets cryptography serves (faster); the others run in mlkem_fips203.
_NATIVE = frozenset(spec for spec in _CLASSES if _works(spec))


def available() -> frozenset[str]:
    """The ML_KEM_* key specs served here: all of FIPS 203's."""
    return frozenset(_CLASSES)


def from_seed(spec: str, seed: bytes) -> PrivateKey:
    if spec in _NATIVE:
        return _class(spec).from_seed_bytes(seed)
    return mlkem_fips203.PrivateKey(spec, seed)


def load_pkcs8(der: bytes) -> PrivateKey | None:
    """A seed-format PKCS #8 ML-KEM private key, of any parameter set, else None."""
    found = mlkem_fips203.parse_pkcs8(der)
    return from_seed(*found) if found is not None else None


def spec_of(key: object) -> str | None:
    """The ML_KEM_* spec of a private key object, None if it is not an ML-KEM key."""
    if isinstance(key, mlkem_fips203.PrivateKey):
        return key.spec
    for spec in _NATIVE:
        if isinstance(key, _class(spec)):
            return spec
    return None


def encapsulate(key: PrivateKey) -> tuple[bytes, bytes]:
    """(shared secret, ciphertext) under the key's public (encapsulation) key."""
    secret, ciphertext = key.public_key().encapsulate()
    return bytes(secret), bytes(ciphertext)


def decapsulate(key: PrivateKey, ciphertext: bytes) -> bytes:
    """The shared secret; a ciphertext of the right length that was not made for this key
    gives FIPS 203's implicit-rejection value, a pseudo-random 32 bytes, as KMS documents."""
    return bytes(key.decapsulate(ciphertext))
