"""Every row of the key-state table, with AWS's codes and messages; deletion on the clock."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms.seeding.kms import key_state, seed_key, set_key_state

STATES = ["Enabled", "Disabled", "PendingDeletion", "PendingImport"]


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


def make_key(ssm_kms, state: str):
    backend = ssm_kms.world.backend()
    if state == "PendingImport":
        # state="PendingImport" makes an EXTERNAL key with no material yet.
        key = seed_key(backend, state="PendingImport")
        assert ssm_kms.world.backend().kms.get(key.key_id).origin == "EXTERNAL"
    else:
        key = seed_key(backend)
    if state not in ("Enabled", "PendingImport"):
        set_key_state(backend, key.key_id, state)
    assert key_state(backend, key.key_id) == state
    return key


def outcome(call):
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["Error"].get("Message", "")
    return "ok", ""


def expected_crypto(state, arn):
    return {
        "Enabled": ("ok", ""),
        "Disabled": ("DisabledException", f"{arn} is disabled."),
        "PendingDeletion": ("KMSInvalidStateException", f"{arn} is pending deletion."),
        "PendingImport": ("KMSInvalidStateException", f"{arn} is pending import."),
    }[state]


@pytest.mark.parametrize("state", STATES)
def test_cryptographic_operations(ssm_kms, kms, state):
    key = make_key(ssm_kms, state)
    expected = expected_crypto(state, key.arn)
    enabled = seed_key(ssm_kms.world.backend())
    blob = kms.encrypt(KeyId=enabled.key_id, Plaintext=b"p")["CiphertextBlob"]
    assert outcome(lambda: kms.encrypt(KeyId=key.key_id, Plaintext=b"p")) == expected
    assert outcome(lambda: kms.generate_data_key(KeyId=key.key_id, KeySpec="AES_256")) == expected
    assert outcome(
        lambda: kms.generate_data_key_without_plaintext(KeyId=key.key_id, KeySpec="AES_256")
    ) == expected
    assert outcome(lambda: kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=key.key_id)) == expected


@pytest.mark.parametrize("state", ["Disabled", "PendingDeletion"])
def test_decrypt_of_an_existing_ciphertext(ssm_kms, kms, state):
    key = seed_key(ssm_kms.world.backend())
    blob = kms.encrypt(KeyId=key.key_id, Plaintext=b"p")["CiphertextBlob"]
    set_key_state(ssm_kms.world.backend(), key.key_id, state)
    assert outcome(lambda: kms.decrypt(CiphertextBlob=blob)) == expected_crypto(state, key.arn)


def test_decrypt_when_imported_material_was_deleted(ssm_kms, kms):
    key = seed_key(ssm_kms.world.backend(), origin="EXTERNAL")
    blob = kms.encrypt(KeyId=key.key_id, Plaintext=b"p")["CiphertextBlob"]
    set_key_state(ssm_kms.world.backend(), key.key_id, "PendingImport")
    assert outcome(lambda: kms.decrypt(CiphertextBlob=blob)) == expected_crypto("PendingImport", key.arn)


@pytest.mark.parametrize("state", STATES)
def test_enable_and_disable(ssm_kms, kms, state):
    key = make_key(ssm_kms, state)
    for call in (kms.enable_key, kms.disable_key):
        got = outcome(lambda: call(KeyId=key.key_id))
        if state in ("Enabled", "Disabled"):
            assert got == ("ok", "")
        else:
            assert got == expected_crypto(state, key.arn)


@pytest.mark.parametrize("state", STATES)
def test_schedule_key_deletion(ssm_kms, kms, state):
    key = make_key(ssm_kms, state)
    got = outcome(lambda: kms.schedule_key_deletion(KeyId=key.key_id, PendingWindowInDays=7))
    if state == "PendingDeletion":
        assert got == ("KMSInvalidStateException", f"{key.arn} is pending deletion.")
    else:
        assert got == ("ok", "")


@pytest.mark.parametrize("state", STATES)
def test_cancel_key_deletion(ssm_kms, kms, state):
    key = make_key(ssm_kms, state)
    got = outcome(lambda: kms.cancel_key_deletion(KeyId=key.key_id))
    if state == "PendingDeletion":
        assert got == ("ok", "")
        assert kms.describe_key(KeyId=key.key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    else:
        assert got == ("KMSInvalidStateException", f"{key.arn} is not pending deletion.")


@pytest.mark.parametrize("state", STATES)
def test_alias_and_description_changes(ssm_kms, kms, state):
    key = make_key(ssm_kms, state)
    results = [
        outcome(lambda: kms.create_alias(AliasName="alias/x", TargetKeyId=key.key_id)),
        outcome(lambda: kms.update_key_description(KeyId=key.key_id, Description="new")),
    ]
    for got in results:
        if state == "PendingDeletion":
            assert got == ("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        else:
            assert got == ("ok", "")


@pytest.mark.parametrize("state", STATES)
def test_always_allowed(ssm_kms, kms, state):
    key = make_key(ssm_kms, state)
    kms.create_alias(AliasName="alias/before", TargetKeyId=seed_key(ssm_kms.world.backend()).key_id)
    assert kms.describe_key(KeyId=key.key_id)["KeyMetadata"]["KeyState"] == state
    assert outcome(lambda: kms.list_aliases(KeyId=key.key_id)) == ("ok", "")


@pytest.mark.parametrize("state", ["Enabled", "Disabled", "PendingDeletion", "PendingImport"])
def test_metadata_policy_grant_and_alias_operations_work_in_every_state(ssm_kms, kms, state):
    backend = ssm_kms.world.backend()
    key = seed_key(backend, origin="EXTERNAL", alias="alias/any")
    grant_id = kms.create_grant(
        KeyId=key.key_id, GranteePrincipal="arn:aws:iam::123456789012:role/r", Operations=["Decrypt"]
    )["GrantId"]
    set_key_state(backend, key.key_id, state)
    assert kms.describe_key(KeyId=key.key_id)["KeyMetadata"]["KeyState"] == state
    policy = kms.get_key_policy(KeyId=key.key_id)["Policy"]
    kms.put_key_policy(KeyId=key.key_id, PolicyName="default", Policy=policy)
    assert kms.list_key_policies(KeyId=key.key_id)["PolicyNames"] == ["default"]
    assert kms.list_resource_tags(KeyId=key.key_id)["Tags"] == []
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key.key_id)["Grants"]] == [grant_id]
    kms.revoke_grant(KeyId=key.key_id, GrantId=grant_id)
    kms.delete_alias(AliasName="alias/any")
    assert kms.list_aliases(KeyId=key.key_id)["Aliases"] == []


def test_schedule_deletion_then_the_clock_deletes_the_key(ssm_kms, kms):
    key = kms.create_key()["KeyMetadata"]
    out = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert out["KeyId"] == key["Arn"]
    assert out["KeyState"] == "PendingDeletion"
    assert out["PendingWindowInDays"] == 7
    now = ssm_kms.clock.now()
    assert abs(out["DeletionDate"] - (now + timedelta(days=7))) < timedelta(seconds=5)
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion" and meta["Enabled"] is False
    assert meta["DeletionDate"] == out["DeletionDate"]
    ssm_kms.clock.advance(days=6)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"
    ssm_kms.clock.advance(days=1, seconds=1)
    with pytest.raises(ClientError) as caught:
        kms.describe_key(KeyId=key["KeyId"])
    assert caught.value.response["Error"] == {
        "Code": "NotFoundException",
        "Message": f"Key '{key['Arn']}' does not exist",
    }
    assert key["KeyId"] not in [k["KeyId"] for k in kms.list_keys()["Keys"]]


def test_default_window_is_30_days(ssm_kms, kms):
    key = kms.create_key()["KeyMetadata"]
    assert kms.schedule_key_deletion(KeyId=key["KeyId"])["PendingWindowInDays"] == 30
    ssm_kms.clock.advance(days=29)
    kms.describe_key(KeyId=key["KeyId"])
    ssm_kms.clock.advance(days=1, seconds=1)
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.describe_key(KeyId=key["KeyId"])


@pytest.mark.parametrize("days", [6, 31, 365])
def test_window_out_of_range(kms, days):
    key = kms.create_key()["KeyMetadata"]
    with pytest.raises(ClientError) as caught:
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=days)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["Error"]["Message"] == "PendingWindowInDays must be between 7 and 30"


def test_cancel_then_enable_restores_use(ssm_kms, kms):
    key = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    kms.schedule_key_deletion(KeyId=key["KeyId"])
    assert kms.cancel_key_deletion(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "Disabled" and "DeletionDate" not in meta
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"
    ssm_kms.clock.advance(days=31)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
