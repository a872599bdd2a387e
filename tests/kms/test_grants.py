"""Grants: stored with their constraints, listed, retired and revoked."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
GRANTEE = f"arn:aws:iam::{ACCOUNT}:role/worker"
RETIRER = f"arn:aws:iam::{ACCOUNT}:role/cleaner"


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


@pytest.fixture
def key(kms):
    return kms.create_key()["KeyMetadata"]


def grant(kms, key, **kwargs):
    args = {"KeyId": key["KeyId"], "GranteePrincipal": GRANTEE, "Operations": ["Decrypt", "Encrypt"], **kwargs}
    return kms.create_grant(**args)


def test_create_and_list(kms, key):
    out = grant(
        kms, key,
        RetiringPrincipal=RETIRER,
        Constraints={"EncryptionContextSubset": {"PARAMETER_ARN": "arn:aws:ssm:us-east-1:123456789012:parameter/a"}},
        Name="g1",
    )
    assert len(out["GrantId"]) == 64 and out["GrantToken"]
    listed = kms.list_grants(KeyId=key["Arn"])
    assert listed["Truncated"] is False
    (entry,) = listed["Grants"]
    assert entry["GrantId"] == out["GrantId"]
    assert entry["KeyId"] == key["Arn"]
    assert entry["GranteePrincipal"] == GRANTEE and entry["RetiringPrincipal"] == RETIRER
    assert entry["IssuingAccount"] == f"arn:aws:iam::{ACCOUNT}:root"
    assert entry["Operations"] == ["Decrypt", "Encrypt"] and entry["Name"] == "g1"
    assert entry["Constraints"] == {
        "EncryptionContextSubset": {"PARAMETER_ARN": "arn:aws:ssm:us-east-1:123456789012:parameter/a"}
    }


def test_key_object_carries_the_grants(ssm_kms, kms, key):
    out = grant(kms, key, Constraints={"EncryptionContextEquals": {"a": "1"}})
    stored = ssm_kms.world.backend().kms.get(key["KeyId"])
    (g,) = stored.grants
    assert (g.grant_id, g.grant_token, g.grantee_principal) == (out["GrantId"], out["GrantToken"], GRANTEE)
    assert g.constraints == {"EncryptionContextEquals": {"a": "1"}}
    assert g.issuing_account == f"arn:aws:iam::{ACCOUNT}:root"


def test_same_name_and_parameters_is_the_same_grant(kms, key):
    one = grant(kms, key, Name="same")
    two = grant(kms, key, Name="same")
    assert one["GrantId"] == two["GrantId"] and one["GrantToken"] != two["GrantToken"]
    three = grant(kms, key, Name="same", Operations=["Decrypt"])
    assert three["GrantId"] != one["GrantId"]
    assert len(kms.list_grants(KeyId=key["KeyId"])["Grants"]) == 2


def test_filters_and_pagination(kms, key):
    ids = [grant(kms, key, GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:role/r{n}")["GrantId"] for n in range(5)]
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key["KeyId"], GrantId=ids[2])["Grants"]] == [ids[2]]
    assert len(kms.list_grants(KeyId=key["KeyId"], GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:role/r4")["Grants"]) == 1
    page = kms.list_grants(KeyId=key["KeyId"], Limit=2)
    assert page["Truncated"] is True and len(page["Grants"]) == 2
    rest = kms.list_grants(KeyId=key["KeyId"], Marker=page["NextMarker"], Limit=10)
    assert [g["GrantId"] for g in page["Grants"] + rest["Grants"]] == ids


def test_grant_token_is_accepted_in_crypto_calls(kms, key):
    token = grant(kms, key)["GrantToken"]
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p", GrantTokens=[token])


def test_retire_by_token_and_by_id(kms, key):
    one = grant(kms, key, RetiringPrincipal=RETIRER)
    two = grant(kms, key)
    kms.retire_grant(GrantToken=one["GrantToken"])
    kms.retire_grant(KeyId=key["Arn"], GrantId=two["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    with pytest.raises(kms.exceptions.InvalidGrantTokenException):
        kms.retire_grant(GrantToken=one["GrantToken"])
    with pytest.raises(kms.exceptions.InvalidGrantTokenException):
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p", GrantTokens=[one["GrantToken"]])


def test_revoke(kms, key):
    out = grant(kms, key)
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=out["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.revoke_grant(KeyId=key["KeyId"], GrantId=out["GrantId"])
    with pytest.raises(kms.exceptions.InvalidGrantIdException):
        kms.revoke_grant(KeyId=key["KeyId"], GrantId="nope")


def test_list_retirable_grants(kms, key):
    other = kms.create_key()["KeyMetadata"]
    a = grant(kms, key, RetiringPrincipal=RETIRER)["GrantId"]
    b = grant(kms, other, RetiringPrincipal=RETIRER)["GrantId"]
    grant(kms, other)
    found = kms.list_retirable_grants(RetiringPrincipal=RETIRER)
    assert sorted(g["GrantId"] for g in found["Grants"]) == sorted([a, b])


@pytest.mark.parametrize("state", ["Disabled", "PendingDeletion"])
def test_create_grant_needs_an_enabled_key(ssm_kms, kms, key, state):
    from pytest_ssmkms.seeding.kms import set_key_state

    set_key_state(ssm_kms.world.backend(), key["KeyId"], state)
    with pytest.raises(ClientError) as caught:
        grant(kms, key)
    expected = "DisabledException" if state == "Disabled" else "KMSInvalidStateException"
    assert caught.value.response["Error"]["Code"] == expected
    # Listing and revoking work in every state.
    kms.list_grants(KeyId=key["KeyId"])


def test_constraints_need_cryptographic_operations(kms, key):
    with pytest.raises(ClientError) as caught:
        grant(kms, key, Operations=["DescribeKey"], Constraints={"EncryptionContextEquals": {"a": "b"}})
    assert caught.value.response["Error"]["Code"] == "ValidationException"


def test_grant_needs_a_grantee(kms, key):
    # botocore refuses the call itself; without its check, KMS answers ValidationException.
    from botocore.config import Config

    raw = boto3.client("kms", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as caught:
        raw.create_grant(KeyId=key["KeyId"], Operations=["Decrypt"])
    assert caught.value.response["Error"]["Code"] == "ValidationException"


def test_create_grant_refuses_aliases(kms, key):
    kms.create_alias(AliasName="alias/g", TargetKeyId=key["KeyId"])
    with pytest.raises(ClientError) as caught:
        kms.create_grant(KeyId="alias/g", GranteePrincipal=GRANTEE, Operations=["Decrypt"])
    assert caught.value.response["Error"] == {"Code": "NotFoundException", "Message": "Invalid keyId 'alias/g'"}


def test_a_grant_lets_its_grantee_use_the_key_and_retire_it(ssm_kms, kms, key):
    alice = ssm_kms.principal("alice")  # no identity policy at all
    alice_kms = alice.session().client("kms")
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p", EncryptionContext={"app": "a"})["CiphertextBlob"]
    with pytest.raises(ClientError) as caught:
        alice_kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "a"})
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    out = kms.create_grant(
        KeyId=key["KeyId"], GranteePrincipal=alice.arn, RetiringPrincipal=alice.arn,
        Operations=["Decrypt"], Constraints={"EncryptionContextSubset": {"app": "a"}},
    )
    assert alice_kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "a"})["Plaintext"] == b"p"
    other = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p", EncryptionContext={"app": "b"})["CiphertextBlob"]
    with pytest.raises(ClientError) as caught:
        alice_kms.decrypt(CiphertextBlob=other, EncryptionContext={"app": "b"})
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    # The retiring principal needs no policy to retire the grant.
    alice_kms.retire_grant(GrantToken=out["GrantToken"])
    with pytest.raises(ClientError):
        alice_kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "a"})
