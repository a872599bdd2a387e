"""Post-quantum keys: ML-DSA Sign/Verify through boto3, checked against cryptography's ML-DSA.

The tests that need ML-DSA skip only when the installed cryptography lacks it; the others
check the clear refusal a user gets then.
"""

from __future__ import annotations

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
    with pytest.raises(ClientError) as caught:
        kms.sign(KeyId=key["KeyId"], Message=b"x" * 32, MessageType="EXTERNAL_MU",
                 SigningAlgorithm="ML_DSA_SHAKE_256")
    assert caught.value.response["Error"]["Code"] == "ValidationException"


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
