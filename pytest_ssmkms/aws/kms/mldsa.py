"""ML-DSA (FIPS 204) keys through ``cryptography``, where the installed version has them.

``cryptography`` added its ``mldsa`` module in 47.0 (and only where its backend provides the
algorithm); with an older one the ML_DSA_* key specs are refused with an error naming the
version needed, never answered with a made-up signature.
"""

from __future__ import annotations

from typing import Any

import cryptography
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

from pytest_ssmkms.aws.kms import mldsa_mu

try:
    from cryptography.hazmat.primitives.asymmetric import mldsa as _mldsa
except ImportError:  # cryptography < 47
    _mldsa = None  # type: ignore[assignment]

# Any ML-DSA private key object (cryptography's classes, when it has them).
PrivateKey = Any

_CLASSES = {"ML_DSA_44": "MLDSA44PrivateKey", "ML_DSA_65": "MLDSA65PrivateKey",
            "ML_DSA_87": "MLDSA87PrivateKey"}
# FIPS 204 Table 2, as the KMS Developer Guide lists them for the ML_DSA_* key specs.
SIGNATURE_BYTES = {"ML_DSA_44": 2420, "ML_DSA_65": 3309, "ML_DSA_87": 4627}
MU_BYTES = 64
NEEDED = "47.0"


def _class(spec: str) -> Any:
    name = _CLASSES.get(spec)
    return getattr(_mldsa, name, None) if _mldsa is not None and name else None


def _works(spec: str) -> bool:
    found = _class(spec)
    if found is None:
        return False
    try:
        found.from_seed_bytes(bytes(32))
    except UnsupportedAlgorithm:  # the backend (OpenSSL build) lacks this parameter set
        return False
    return True


_AVAILABLE = frozenset(spec for spec in _CLASSES if _works(spec))


def available() -> frozenset[str]:
    """The ML_DSA_* key specs the installed cryptography can serve."""
    return _AVAILABLE


def missing(spec: str) -> str:
    """Why ``spec`` can't be served here (for the error a caller gets)."""
    return (
        f"pytest-ssmkms needs the cryptography package {NEEDED} or later, built with a backend "
        f"that provides {spec.replace('_', '-', 2)}, for {spec} keys; the installed "
        f"cryptography {cryptography.__version__} does not provide it."
    )


def from_seed(spec: str, seed: bytes) -> PrivateKey:
    return _class(spec).from_seed_bytes(seed)


def spec_of(key: object) -> str | None:
    """The ML_DSA_* spec of a private key object, None if it is not an ML-DSA key."""
    for spec in _AVAILABLE:
        if isinstance(key, _class(spec)):
            return spec
    return None


def sign_mu(key: PrivateKey, mu: bytes, rnd: bytes) -> bytes:
    """A signature over an externally computed mu (KMS's EXTERNAL_MU message type)."""
    spec = spec_of(key)
    assert spec is not None
    return mldsa_mu.sign_mu(mldsa_mu.expand(spec, key.private_bytes_raw()), mu, rnd)


def verify_mu(key: PrivateKey, mu: bytes, signature: bytes) -> bool:
    spec = spec_of(key)
    assert spec is not None
    return mldsa_mu.verify_mu(spec, key.public_key().public_bytes_raw(), mu, signature)


def sign(key: PrivateKey, message: bytes) -> bytes:
    """Pure ML-DSA over ``message`` with an empty context (KMS's RAW message type)."""
    signature: bytes = key.sign(message)
    return signature


def verify(key: PrivateKey, message: bytes, signature: bytes) -> bool:
    try:
        key.public_key().verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
