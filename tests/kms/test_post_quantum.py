"""Post-quantum keys: ML-DSA Sign/Verify through boto3, checked against cryptography's ML-DSA.

The tests that need ML-DSA skip only when the installed cryptography lacks it; the others
check the clear refusal a user gets then.
"""

from __future__ import annotations

import hashlib

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization

from pytest_ssmkms.aws.kms import mldsa

SPECS = ["ML_DSA_44", "ML_DSA_65", "ML_DSA_87"]


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


def needs(spec):
    if spec not in mldsa.available():
        pytest.skip(f"the installed cryptography has no {spec}")


def create(kms, spec):
    return kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]


@pytest.mark.parametrize("spec", SPECS)
def test_raw_signature_verifies_outside_kms(kms, spec):
    needs(spec)
    key = create(kms, spec)
    assert key["SigningAlgorithms"] == ["ML_DSA_SHAKE_256"] and "CustomerMasterKeySpec" not in key
    public = kms.get_public_key(KeyId=key["KeyId"])
    assert public["KeySpec"] == spec and public["SigningAlgorithms"] == ["ML_DSA_SHAKE_256"]
    out = kms.sign(KeyId=key["KeyId"], Message=b"hello", SigningAlgorithm="ML_DSA_SHAKE_256")
    # The signature sizes of FIPS 204, as the KMS Developer Guide lists them.
    assert len(out["Signature"]) == {"ML_DSA_44": 2420, "ML_DSA_65": 3309, "ML_DSA_87": 4627}[spec]
    serialization.load_der_public_key(public["PublicKey"]).verify(out["Signature"], b"hello")
    assert kms.verify(KeyId=key["KeyId"], Message=b"hello", Signature=out["Signature"],
                      SigningAlgorithm="ML_DSA_SHAKE_256")["SignatureValid"] is True
    with pytest.raises(kms.exceptions.KMSInvalidSignatureException):
        kms.verify(KeyId=key["KeyId"], Message=b"other", Signature=out["Signature"],
                   SigningAlgorithm="ML_DSA_SHAKE_256")


def test_digest_is_not_an_ml_dsa_message_type(kms):
    needs("ML_DSA_65")
    key = create(kms, "ML_DSA_65")
    with pytest.raises(ClientError) as caught:
        kms.sign(KeyId=key["KeyId"], Message=b"x" * 32, MessageType="DIGEST", SigningAlgorithm="ML_DSA_SHAKE_256")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as caught:  # mu is 64 bytes
        kms.sign(KeyId=key["KeyId"], Message=b"x" * 32, MessageType="EXTERNAL_MU",
                 SigningAlgorithm="ML_DSA_SHAKE_256")
    assert caught.value.response["Error"]["Code"] == "ValidationException"


def external_mu(public_der, message):
    """FIPS 204 section 6.2, as a caller computes it: mu = SHAKE256(SHAKE256(pk, 64) || 0x00 ||
    0x00 || message, 64) for an empty context (written out here, independent of the plugin)."""
    raw = serialization.load_der_public_key(public_der).public_bytes_raw()
    tr = hashlib.shake_256(raw).digest(64)
    return hashlib.shake_256(tr + b"\x00\x00" + message).digest(64)


@pytest.mark.parametrize("spec", SPECS)
def test_external_mu_signs_what_raw_verifies_and_back(kms, spec):
    needs(spec)
    key = create(kms, spec)
    public_der = kms.get_public_key(KeyId=key["KeyId"])["PublicKey"]
    public = serialization.load_der_public_key(public_der)
    message = b"a long message, hashed outside KMS" * 300  # more than Sign's 4096 bytes
    mu = external_mu(public_der, message)
    out = kms.sign(KeyId=key["KeyId"], Message=mu, MessageType="EXTERNAL_MU", SigningAlgorithm="ML_DSA_SHAKE_256")
    assert len(out["Signature"]) == {"ML_DSA_44": 2420, "ML_DSA_65": 3309, "ML_DSA_87": 4627}[spec]
    # Verified outside KMS by cryptography's ML-DSA over the whole message.
    public.verify(out["Signature"], message)
    # A RAW signature verifies with EXTERNAL_MU in KMS, and a wrong mu does not.
    raw = kms.sign(KeyId=key["KeyId"], Message=b"short", SigningAlgorithm="ML_DSA_SHAKE_256")["Signature"]
    assert kms.verify(KeyId=key["KeyId"], Message=external_mu(public_der, b"short"), MessageType="EXTERNAL_MU",
                      Signature=raw, SigningAlgorithm="ML_DSA_SHAKE_256")["SignatureValid"] is True
    with pytest.raises(kms.exceptions.KMSInvalidSignatureException):
        kms.verify(KeyId=key["KeyId"], Message=external_mu(public_der, b"other"), MessageType="EXTERNAL_MU",
                   Signature=raw, SigningAlgorithm="ML_DSA_SHAKE_256")


def test_keys_are_reproducible_in_deterministic_mode():
    needs("ML_DSA_44")
    from pytest_ssmkms import mock_ssm_kms

    def public_key():
        with mock_ssm_kms(deterministic=3):
            kms = boto3.client("kms")
            return kms.get_public_key(KeyId=create(kms, "ML_DSA_44")["KeyId"])["PublicKey"]

    assert public_key() == public_key()


def test_without_ml_dsa_the_error_names_the_version_needed():
    text = mldsa.missing("ML_DSA_65")
    assert "cryptography package 47.0 or later" in text and "ML-DSA-65" in text


# ---- the external-mu algorithms themselves (pure functions) ----------------------------------

@pytest.mark.parametrize("spec", SPECS)
def test_key_expansion_matches_cryptography(spec):
    needs(spec)
    from pytest_ssmkms.aws.kms import mldsa_mu

    seed = bytes(range(32))
    private = mldsa.from_seed(spec, seed)
    expanded = mldsa_mu.expand(spec, seed)
    assert expanded.public == private.public_key().public_bytes_raw()
    assert expanded.tr == hashlib.shake_256(expanded.public).digest(64)


def test_tampered_or_malformed_signatures_do_not_verify():
    needs("ML_DSA_44")
    from pytest_ssmkms.aws.kms import mldsa_mu

    private = mldsa.from_seed("ML_DSA_44", bytes(32))
    public = private.public_key().public_bytes_raw()
    mu = mldsa_mu.message_mu(public, b"m")
    signature = private.sign(b"m")
    assert mldsa_mu.verify_mu("ML_DSA_44", public, mu, signature)
    flipped = bytearray(signature)
    flipped[40] ^= 1
    assert not mldsa_mu.verify_mu("ML_DSA_44", public, mu, bytes(flipped))
    assert not mldsa_mu.verify_mu("ML_DSA_44", public, mu, signature[:-1])
    hints_broken = signature[:-4] + bytes([255, 255, 255, 255])  # hint counts beyond omega
    assert not mldsa_mu.verify_mu("ML_DSA_44", public, mu, hints_broken)
