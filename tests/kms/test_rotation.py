"""Rotation: settings, status, on-demand and scheduled rotation on the backend clock."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms.aws.kms.crypto import parse


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


@pytest.fixture
def key(kms):
    return kms.create_key()["KeyMetadata"]


def code_of(caught):
    return caught.value.response["Error"]["Code"]


def test_status_of_a_new_key(kms, key):
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    status.pop("ResponseMetadata")
    assert status == {"KeyRotationEnabled": False, "KeyId": key["Arn"]}


def test_enable_with_default_and_custom_period(ssm_kms, kms, key):
    kms.enable_key_rotation(KeyId=key["KeyId"])
    status = kms.get_key_rotation_status(KeyId=key["Arn"])
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 365
    assert abs(status["NextRotationDate"] - (ssm_kms.clock.now() + timedelta(days=365))) < timedelta(seconds=5)
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["RotationPeriodInDays"] == 90
    kms.disable_key_rotation(KeyId=key["KeyId"])
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert status["KeyRotationEnabled"] is False and "NextRotationDate" not in status


@pytest.mark.parametrize("days", [89, 2561])
def test_period_limits(kms, key, days):
    from botocore.config import Config

    # botocore checks the minimum itself; a client without validation reaches the service.
    raw = boto3.client("kms", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as caught:
        raw.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=days)
    assert code_of(caught) == "ValidationException"


def test_on_demand_rotation_keeps_old_ciphertexts(kms, key):
    old = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"old")["CiphertextBlob"]
    assert kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"] == []
    # The key ARN whatever the request named (recorded against KMS).
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    new = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"new")["CiphertextBlob"]
    assert parse(old).material_ref != parse(new).material_ref
    assert kms.decrypt(CiphertextBlob=old)["Plaintext"] == b"old"
    assert kms.decrypt(CiphertextBlob=new)["Plaintext"] == b"new"
    assert kms.decrypt(CiphertextBlob=old)["KeyMaterialId"] == key["CurrentKeyMaterialId"]
    moved = kms.re_encrypt(CiphertextBlob=old, DestinationKeyId=key["KeyId"])
    assert moved["SourceKeyMaterialId"] == key["CurrentKeyMaterialId"]
    assert moved["DestinationKeyMaterialId"] == kms.decrypt(CiphertextBlob=new)["KeyMaterialId"]
    (rotation,) = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert rotation["RotationType"] == "ON_DEMAND" and rotation["KeyId"] == key["KeyId"]
    assert rotation["KeyMaterialState"] == "CURRENT"
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["CurrentKeyMaterialId"] == rotation["KeyMaterialId"] != key["CurrentKeyMaterialId"]
    everything = kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [r["KeyMaterialState"] for r in everything] == ["NON_CURRENT", "CURRENT"]


def test_scheduled_rotation_on_the_clock(ssm_kms, kms, key):
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    blobs = [kms.encrypt(KeyId=key["KeyId"], Plaintext=b"0")["CiphertextBlob"]]
    ssm_kms.clock.advance(days=89)
    assert kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"] == []
    ssm_kms.clock.advance(days=1, seconds=1)
    blobs.append(kms.encrypt(KeyId=key["KeyId"], Plaintext=b"1")["CiphertextBlob"])
    ssm_kms.clock.advance(days=181)  # two more periods pass
    blobs.append(kms.encrypt(KeyId=key["KeyId"], Plaintext=b"3")["CiphertextBlob"])
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["AUTOMATIC"] * 3
    assert len({parse(b).material_ref for b in blobs}) == 3
    for blob, text in zip(blobs, (b"0", b"1", b"3")):
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == text


def test_disabled_key_does_not_rotate_until_enabled(ssm_kms, kms, key):
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    kms.disable_key(KeyId=key["KeyId"])
    ssm_kms.clock.advance(days=100)
    assert kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"] == []
    kms.enable_key(KeyId=key["KeyId"])
    assert len(kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]) == 1


@pytest.mark.parametrize(
    ("state", "expected"),
    [("Disabled", "DisabledException"), ("PendingDeletion", "KMSInvalidStateException"),
     ("PendingImport", "UnsupportedOperationException")],
)
def test_rotation_settings_by_key_state(ssm_kms, kms, state, expected):
    from pytest_ssmkms.seeding.kms import seed_key

    key = seed_key(ssm_kms.world.backend(), state=state)
    for call in (kms.enable_key_rotation, kms.disable_key_rotation):
        with pytest.raises(ClientError) as caught:
            call(KeyId=key.key_id)
        assert code_of(caught) == expected


def test_imported_keys_have_no_rotation_status(ssm_kms, kms):
    from pytest_ssmkms.seeding.kms import seed_key

    key = seed_key(ssm_kms.world.backend(), origin="EXTERNAL")
    with pytest.raises(ClientError) as caught:
        kms.get_key_rotation_status(KeyId=key.key_id)
    assert caught.value.response["Error"] == {
        "Code": "UnsupportedOperationException",
        "Message": f"{key.arn} origin is EXTERNAL which is not valid for this operation.",
    }


def test_rotate_on_demand_needs_an_enabled_key(kms, key):
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(kms.exceptions.DisabledException):
        kms.rotate_key_on_demand(KeyId=key["KeyId"])


def test_on_demand_limit(kms, key):
    for _ in range(25):
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
    with pytest.raises(kms.exceptions.LimitExceededException) as caught:
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
    assert caught.value.response["Error"]["Message"] == (
        "The on-demand rotations limit has been reached for the given keyId. No more on-demand "
        f"rotations can be performed for this key: {key['Arn']}"
    )
    pages = kms.list_key_rotations(KeyId=key["KeyId"], Limit=10)
    assert pages["Truncated"] is True and len(pages["Rotations"]) == 10


def test_asymmetric_and_hmac_keys_do_not_rotate(kms):
    mac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    for call in (kms.enable_key_rotation, kms.get_key_rotation_status):
        with pytest.raises(ClientError) as caught:
            call(KeyId=mac["KeyId"])
        assert caught.value.response["Error"] == {
            "Code": "UnsupportedOperationException",
            "Message": "You cannot perform this operation on a non-symmetric key or a key with "
            "non-ENCRYPT_DECRYPT key usage.",
        }
    # RotateKeyOnDemand answers with no message (recorded against KMS for an RSA key).
    for key in (mac, kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]):
        with pytest.raises(ClientError) as caught:
            kms.rotate_key_on_demand(KeyId=key["KeyId"])
        assert caught.value.response["Error"] == {"Code": "UnsupportedOperationException", "Message": ""}


def test_aws_managed_key_always_rotates_and_cannot_be_changed(kms):
    key_id = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]["KeyId"]
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 365
    for call in (kms.disable_key_rotation, kms.enable_key_rotation, kms.rotate_key_on_demand):
        with pytest.raises(ClientError) as caught:
            call(KeyId=key_id)
        assert code_of(caught) == "AccessDeniedException"


def test_rotation_operations_refuse_aliases(kms, key):
    kms.create_alias(AliasName="alias/r", TargetKeyId=key["KeyId"])
    with pytest.raises(ClientError) as caught:
        kms.enable_key_rotation(KeyId="alias/r")
    assert caught.value.response["Error"] == {"Code": "NotFoundException", "Message": "Invalid keyId 'alias/r'"}
