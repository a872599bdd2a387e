"""DeriveSharedSecret: ECDH with KEY_AGREEMENT keys, equal to an ECDH computed outside KMS."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.shapes import model_has


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


def agreement_key(kms, spec="ECC_NIST_P256"):
    return kms.create_key(KeySpec=spec, KeyUsage="KEY_AGREEMENT")["KeyMetadata"]


def spki(public_key):
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.mark.parametrize(
    ("spec", "curve"),
    [("ECC_NIST_P256", ec.SECP256R1()), ("ECC_NIST_P384", ec.SECP384R1()),
     ("ECC_NIST_P521", ec.SECP521R1())],
)
def test_shared_secret_matches_ecdh_outside_kms(ssm_kms, kms, spec, curve):
    key = agreement_key(kms, spec)
    assert key["KeyAgreementAlgorithms"] == ["ECDH"]
    peer = ec.generate_private_key(curve)
    out = kms.derive_shared_secret(
        KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=spki(peer.public_key())
    )
    assert out["KeyId"] == key["Arn"]
    assert out["KeyAgreementAlgorithm"] == "ECDH" and out["KeyOrigin"] == "AWS_KMS"
    kms_public = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    assert out["SharedSecret"] == peer.exchange(ec.ECDH(), kms_public)
    # The secret never reaches the trail.
    event = ssm_kms.trail.lookup("DeriveSharedSecret")[-1]
    assert "sharedSecret" not in (event["responseElements"] or {})


def test_two_kms_keys_agree(kms):
    first, second = agreement_key(kms), agreement_key(kms)
    public = {k["KeyId"]: kms.get_public_key(KeyId=k["KeyId"])["PublicKey"] for k in (first, second)}
    one = kms.derive_shared_secret(KeyId=first["KeyId"], KeyAgreementAlgorithm="ECDH",
                                   PublicKey=public[second["KeyId"]])
    two = kms.derive_shared_secret(KeyId=second["KeyId"], KeyAgreementAlgorithm="ECDH",
                                   PublicKey=public[first["KeyId"]])
    assert one["SharedSecret"] == two["SharedSecret"]


def test_refusals(kms):
    key = agreement_key(kms)
    peer = spki(ec.generate_private_key(ec.SECP256R1()).public_key())
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    for other, usage in ((signing, "SIGN_VERIFY"), (kms.create_key()["KeyMetadata"], "ENCRYPT_DECRYPT")):
        with pytest.raises(ClientError) as caught:
            kms.derive_shared_secret(KeyId=other["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=peer)
        assert caught.value.response["Error"] == {
            "Code": "InvalidKeyUsageException",
            "Message": f"{other['Arn']} key usage is {usage} which is not valid for DeriveSharedSecret.",
        }
    with pytest.raises(ClientError) as caught:
        kms.derive_shared_secret(KeyId=key["KeyId"], KeyAgreementAlgorithm="INVALID", PublicKey=peer)
    assert caught.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'INVALID' at 'keyAgreementAlgorithm' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ECDH]"
    )
    other_curve = spki(ec.generate_private_key(ec.SECP384R1()).public_key())
    for bad in (b"InvalidPublicKey", other_curve):
        with pytest.raises(ClientError) as caught:
            kms.derive_shared_secret(KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=bad)
        assert caught.value.response["Error"] == {"Code": "ValidationException", "Message": ""}
    with pytest.raises(ClientError) as caught:
        kms.create_key(KeySpec="RSA_2048", KeyUsage="KEY_AGREEMENT")
    assert caught.value.response["Error"]["Message"] == (
        "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048"
    )
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(kms.exceptions.DisabledException):
        kms.derive_shared_secret(KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=peer)


@pytest.mark.skipif(not model_has("kms", "GetKeyLastUsage"), reason="this botocore has no GetKeyLastUsage")
def test_dry_run_and_last_usage(kms):
    key = agreement_key(kms)
    peer = spki(ec.generate_private_key(ec.SECP256R1()).public_key())
    with pytest.raises(kms.exceptions.DryRunOperationException):
        kms.derive_shared_secret(KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=peer,
                                 DryRun=True)
    assert kms.get_key_last_usage(KeyId=key["KeyId"])["KeyLastUsage"] == {}
    kms.derive_shared_secret(KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=peer)
    usage = kms.get_key_last_usage(KeyId=key["KeyId"])["KeyLastUsage"]
    assert usage["Operation"] == "DeriveSharedSecret"
