"""Grant errors through boto3: malformed grant ids and unknown grant tokens get KMS's codes
(modelled per operation; texts assumed where no real answer is recorded) and change nothing."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


@pytest.fixture
def granted(kms, ssm_kms):
    key = kms.create_key()["KeyMetadata"]
    out = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=f"arn:aws:iam::{ssm_kms.account_id}:root",
                           Operations=["Decrypt", "RetireGrant"])
    return key, out


def answer(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


@pytest.mark.parametrize("grant_id", ["nope", "A" * 64, "0" * 63])
def test_malformed_grant_ids(kms, granted, grant_id):
    key, _ = granted
    expected = ("InvalidGrantIdException", f"Invalid grant ID: {grant_id}")
    assert answer(kms.revoke_grant, KeyId=key["KeyId"], GrantId=grant_id) == expected
    assert answer(kms.retire_grant, KeyId=key["KeyId"], GrantId=grant_id) == expected
    assert answer(kms.list_grants, KeyId=key["KeyId"], GrantId=grant_id) == expected
    assert len(kms.list_grants(KeyId=key["KeyId"])["Grants"]) == 1


def test_well_formed_but_unknown_grant_id(kms, granted):
    key, _ = granted
    unknown = "0" * 64
    expected = ("NotFoundException", f"Grant ID {unknown} not found")
    assert answer(kms.revoke_grant, KeyId=key["KeyId"], GrantId=unknown) == expected
    assert answer(kms.retire_grant, KeyId=key["KeyId"], GrantId=unknown) == expected
    assert kms.list_grants(KeyId=key["KeyId"], GrantId=unknown)["Grants"] == []


@pytest.mark.parametrize("token", ["made-up", "111122223333.abc", "x" * 8192])
def test_unknown_grant_tokens(kms, granted, token):
    key, _ = granted
    expected = ("InvalidGrantTokenException", "Invalid grant token.")
    assert answer(kms.retire_grant, GrantToken=token) == expected
    assert answer(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"p", GrantTokens=[token]) == expected
    assert len(kms.list_grants(KeyId=key["KeyId"])["Grants"]) == 1


@pytest.mark.parametrize(
    ("create", "refused", "allowed"),
    [
        ({}, ["Sign"], ["Encrypt", "ReEncryptFrom", "GenerateDataKeyPair", "DescribeKey"]),
        ({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}, ["Encrypt"], ["GenerateMac", "VerifyMac"]),
        ({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}, ["GenerateDataKey"], ["Sign", "GetPublicKey"]),
        ({"KeySpec": "RSA_2048", "KeyUsage": "ENCRYPT_DECRYPT"}, ["GenerateDataKey", "Sign"], ["Decrypt", "RetireGrant"]),
        ({"KeySpec": "ECC_NIST_P384", "KeyUsage": "KEY_AGREEMENT"}, ["Sign"], ["DeriveSharedSecret"]),
    ],
)
def test_grant_operations_must_suit_the_key(ssm_kms, create, refused, allowed):
    """Documented for CreateGrant: "the operation must be supported on the KMS key", else a
    ValidationException (the text is assumed); nothing is created."""
    kms = boto3.client("kms")
    key = kms.create_key(**create)["KeyMetadata"]
    grantee = "arn:aws:iam::123456789012:role/r"
    with pytest.raises(ClientError) as caught:
        kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=grantee, Operations=allowed + refused)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert ", ".join(refused) in caught.value.response["Error"]["Message"]
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=grantee, Operations=allowed)
