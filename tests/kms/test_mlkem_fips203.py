"""The plugin's own FIPS 203 code (aws/kms/mlkem_fips203.py), which serves ML-KEM-512 (absent
from cryptography up to 50): checked against cryptography on the sets both have, with the same
seeds, and against the ML-KEM-512 example key of the IETF's ML-KEM certificates draft
(draft-ietf-lamps-kyber-certificates, Appendix C: the seed 00 01 ... 3f)."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives import serialization

from pytest_ssmkms.aws.kms import mlkem_fips203

EXAMPLE_512_SPKI = base64.b64decode(
    "MIIDMjALBglghkgBZQMEBAEDggMhADmVgV5ZfRBDVc8pqlMzyTJRhp1bzb5IcST2Ari2pmwWxHYW"
    "SK12XPXYAGtRXpBafwrAdrDGLvoygVPnylcBaZ8TBfHmvG+QsOSbaTUSts6ZKouAFt38GmYsfj+W"
    "GcvYad13GvMIlszVkYrGy3dGbF53mZbWf/mqvJdQPyx7fi0ADYZFD7GAfKTKvaRlgloxx4mht6SR"
    "qzhydl0yDQtxkg+iE8lAk0Frg7gSTmn2XmLLUADcw3qpoP/3OXDEdy81fSQYnKb1MFVowOI3ajdi"
    "poxgXlY8XSCVcuD8dTLKKUcpU1VntfxBPF6HktJGRTbMgI+YrddGZPFBVm+QFqkKVBgpqYoEZM5B"
    "qLtEwtT6PCwglGByjvFKGnxMm5jRIgO0zDUpFgqasteDj3/2tTrgWqMafWRrevpsRZMlJqPDdVYZ"
    "vplMIRwqMcBbNEeDbLIVC+GCna5rBMVTXP9Ubjkrp5dBFyD5JPSQpaxUlfITVtVQt4KmTBaItrZV"
    "vMeEIZekNML2Vjtbfwmni8xIgjJ4NWHRb0y6tnVUAAUHgVcMZmBLgXrRJSKUc26LAYYaS1p0UZuL"
    "b+UUiaUHI5Llh2JscTd2V10zgGocjicyr5fCaA9RZmMxxOuLvAQxxPloMtrxs8RVKPuhU/bHixwZ"
    "hwKUfM0zdyekb7U7oR3ly0GRNGhZUWy2rXJADzzyCbI2rvNaWArIfrPjD6/WaXPKin3SZ1r0H3oX"
    "thQzzRr4D3cIhp9mVIhJeYCxrBCgzctjagDthoGzXkKRJMqANQcluF+DperDpKPMFgCQPmUpNWC5"
    "szblrw1SnawaBIEZMCy3qbzBELlIUb8CEX8ZncSFqFK3Rz8JuDGmgx1bVMC3kNIlz2u5LZRiomzb"
    "M92lEjx6rw4moLg2Ve6ii/OoB0clAY/WuuS2Ac9huqtxp6PTUZejQ+dLSicsEl1UCJZCbYW3lY07"
    "OKa6mH7DciXHtEzbEt3kU5tKsII2NoPwS/egnMXEHf6DChsWLgsyQzQ2LwhKFEZ3IzRLrdAA+NjF"
    "N8SPmY8FMHzr0e3guBw7xZoGWhttY7Js"
)
NATIVE = {"ML_KEM_768": "MLKEM768PrivateKey", "ML_KEM_1024": "MLKEM1024PrivateKey"}


def test_ml_kem_512_example_key_of_the_ietf_draft() -> None:
    key = mlkem_fips203.PrivateKey("ML_KEM_512", bytes(range(64)))
    assert key.public_key().public_bytes(None, None) == EXAMPLE_512_SPKI
    assert len(key.public_key().public_bytes_raw()) == 800


@pytest.mark.parametrize("spec", ["ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"])
def test_round_trip_and_implicit_rejection(spec: str) -> None:
    key = mlkem_fips203.PrivateKey(spec, os.urandom(64))
    secret, ciphertext = key.public_key().encapsulate()
    assert len(secret) == 32 and len(ciphertext) == mlkem_fips203.ciphertext_bytes(spec)
    assert key.decapsulate(ciphertext) == secret
    altered = bytes([ciphertext[0] ^ 1]) + ciphertext[1:]
    rejected = key.decapsulate(altered)
    assert rejected != secret and rejected == key.decapsulate(altered)  # pseudo-random, fixed
    with pytest.raises(ValueError):
        key.decapsulate(ciphertext[:-1])


@pytest.mark.parametrize("spec", sorted(NATIVE))
def test_the_same_as_cryptography_from_the_same_seed(spec: str) -> None:
    mlkem = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.mlkem")
    seed = os.urandom(64)
    theirs = getattr(mlkem, NATIVE[spec]).from_seed_bytes(seed)
    ours = mlkem_fips203.PrivateKey(spec, seed)
    assert ours.public_key().public_bytes_raw() == theirs.public_key().public_bytes_raw()
    assert ours.public_key().public_bytes(None, None) == theirs.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert ours.private_bytes(None, None, None) == theirs.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # Each decapsulates the other's encapsulations, and rejects altered ones alike.
    secret, ciphertext = theirs.public_key().encapsulate()
    assert ours.decapsulate(ciphertext) == secret
    secret, ciphertext = ours.public_key().encapsulate()
    assert theirs.decapsulate(ciphertext) == secret
    altered = ciphertext[:-1] + bytes([ciphertext[-1] ^ 0x80])
    assert ours.decapsulate(altered) == theirs.decapsulate(altered)


@pytest.mark.parametrize("spec", ["ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"])
def test_seed_format_pkcs8_is_read_back(spec: str) -> None:
    key = mlkem_fips203.PrivateKey(spec, os.urandom(64))
    der = key.private_bytes(None, None, None)
    assert len(der) == 86
    assert mlkem_fips203.parse_pkcs8(der) == (spec, key.private_bytes_raw())
    assert mlkem_fips203.parse_pkcs8(der[:-1]) is None
    assert mlkem_fips203.parse_pkcs8(der.replace(b"\x04\x04", b"\x04\x09", 1)) is None
