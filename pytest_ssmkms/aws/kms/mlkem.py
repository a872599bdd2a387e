"""ML-KEM (FIPS 203) keys through ``cryptography``, where the installed version has them.

``cryptography`` added its ``mlkem`` module in 47.0 with ML-KEM-768 and ML-KEM-1024 (and only
where its backend provides them); a parameter set it lacks is refused with an error naming
what is missing, never answered with a made-up shared secret.
"""

from __future__ import annotations

from typing import Any

import cryptography
from cryptography.exceptions import UnsupportedAlgorithm

try:
    from cryptography.hazmat.primitives.asymmetric import mlkem as _mlkem
except ImportError:  # cryptography < 47
    _mlkem = None  # type: ignore[assignment]

# Any ML-KEM private key object (cryptography's classes, when it has them).
PrivateKey = Any

_CLASSES = {"ML_KEM_512": "MLKEM512PrivateKey", "ML_KEM_768": "MLKEM768PrivateKey",
            "ML_KEM_1024": "MLKEM1024PrivateKey"}
# FIPS 203 Table 3, as the model documents SharedSecretCiphertextBlob's length per key spec.
CIPHERTEXT_BYTES = {"ML_KEM_512": 768, "ML_KEM_768": 1088, "ML_KEM_1024": 1568}
SEED_BYTES = 64  # d || z (FIPS 203 section 7.1): what the seed-format PKCS #8 key holds
NEEDED = "47.0"


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


_AVAILABLE = frozenset(spec for spec in _CLASSES if _works(spec))


def available() -> frozenset[str]:
    """The ML_KEM_* key specs the installed cryptography can serve."""
    return _AVAILABLE


def missing(spec: str) -> str:
    """Why ``spec`` can't be served here (for the error a caller gets)."""
    name = spec.replace("_", "-")
    if _mlkem is not None and _class(spec) is None:
        # Newer than the installed cryptography's parameter sets (it has no ML-KEM-512 in 50).
        return (
            f"pytest-ssmkms serves ML-KEM through the cryptography package, and the installed "
            f"cryptography {cryptography.__version__} has no {name}; {spec} keys can't be used here."
        )
    return (
        f"pytest-ssmkms needs the cryptography package {NEEDED} or later, built with a backend "
        f"that provides {name}, for {spec} keys; the installed cryptography "
        f"{cryptography.__version__} does not provide it."
    )


def from_seed(spec: str, seed: bytes) -> PrivateKey:
    return _class(spec).from_seed_bytes(seed)


def spec_of(key: object) -> str | None:
    """The ML_KEM_* spec of a private key object, None if it is not an ML-KEM key."""
    for spec in _AVAILABLE:
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
