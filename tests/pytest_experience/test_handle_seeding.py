"""Seeding from code: ``ssm_kms.create_key``, ``put_parameter``, ``set_key_state``, ``key_state``."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest

from pytest_ssmkms.seeding.preseed import SeededKey


def test_create_key_returns_its_id_arn_and_alias(ssm_kms):
    key = ssm_kms.create_key(alias="alias/app", description="from code", tags={"env": "test"})
    assert isinstance(key, SeededKey)
    assert str(key) == key.key_id
    assert key.alias == "alias/app"
    assert key.arn == f"arn:aws:kms:us-east-1:123456789012:key/{key.key_id}"
    metadata = boto3.client("kms").describe_key(KeyId="alias/app")["KeyMetadata"]
    assert (metadata["KeyId"], metadata["Description"]) == (key.key_id, "from code")
    assert len(ssm_kms.trail) == 1  # the DescribeKey only


def test_create_key_with_a_chosen_id_and_state_in_another_region(ssm_kms):
    key_id = "0987dcba-09fe-87dc-65ba-ab0987654321"
    key = ssm_kms.create_key(key_id=key_id, state="Disabled", region="eu-west-1")
    assert key.key_id == key_id and ":eu-west-1:" in key.arn
    eu = boto3.client("kms", region_name="eu-west-1")
    assert eu.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    assert ssm_kms.key_state(key_id, region="eu-west-1") == "Disabled"
    with pytest.raises(boto3.client("kms").exceptions.NotFoundException):
        boto3.client("kms").describe_key(KeyId=key_id)


def test_put_parameter_with_a_seeded_key_history_and_labels(ssm_kms):
    ssm_kms.create_key(alias="alias/app")
    ssm_kms.put_parameter(
        "/app/db/pw", "v3", type="SecureString", key_id="alias/app", history=["v1", "v2"],
        labels=["live"], description="db password",
    )
    ssm = boto3.client("ssm")
    latest = ssm.get_parameter(Name="/app/db/pw:live", WithDecryption=True)["Parameter"]
    assert (latest["Value"], latest["Version"]) == ("v3", 3)
    older = ssm.get_parameter(Name="/app/db/pw:1", WithDecryption=True)["Parameter"]
    assert older["Value"] == "v1"
    assert sorted(record["eventName"] for record in ssm_kms.trail) == [
        "Decrypt", "Decrypt", "GetParameter", "GetParameter"
    ]


def test_put_parameter_list_value_is_a_string_list(ssm_kms):
    ssm_kms.put_parameter("/app/hosts", ["a", "b", "c"])
    parameter = boto3.client("ssm").get_parameter(Name="/app/hosts")["Parameter"]
    assert (parameter["Type"], parameter["Value"]) == ("StringList", "a,b,c")


def test_set_key_state_and_key_state_by_alias_id_and_arn(ssm_kms):
    key = ssm_kms.create_key(alias="alias/app")
    kms = boto3.client("kms")
    ssm_kms.set_key_state("alias/app", "Disabled")
    assert ssm_kms.key_state(key.key_id) == "Disabled"
    with pytest.raises(kms.exceptions.DisabledException):
        kms.encrypt(KeyId=key.key_id, Plaintext=b"x")

    ssm_kms.set_key_state(key.arn, "PendingDeletion", pending_window_days=7)
    assert ssm_kms.key_state("alias/app") == "PendingDeletion"
    metadata = kms.describe_key(KeyId=key.key_id)["KeyMetadata"]
    assert metadata["KeyState"] == "PendingDeletion"
    assert metadata["DeletionDate"] - metadata["CreationDate"] >= timedelta(days=7, seconds=-5)
    with pytest.raises(kms.exceptions.KMSInvalidStateException):
        kms.encrypt(KeyId=key.key_id, Plaintext=b"x")

    ssm_kms.set_key_state(key.key_id, "Enabled")
    assert kms.encrypt(KeyId=key.key_id, Plaintext=b"x")["KeyId"] == key.arn
    assert {record["eventName"] for record in ssm_kms.trail} == {"Encrypt", "DescribeKey"}


def test_pending_deletion_comes_due_when_the_clock_advances(ssm_kms):
    key = ssm_kms.create_key(alias="alias/app")
    ssm_kms.set_key_state(key.key_id, "PendingDeletion", pending_window_days=7)
    ssm_kms.clock.advance(days=8)
    with pytest.raises(boto3.client("kms").exceptions.NotFoundException):
        boto3.client("kms").describe_key(KeyId=key.key_id)


def test_secure_string_through_a_disabled_key_fails_as_in_aws(ssm_kms):
    ssm_kms.create_key(alias="alias/app")
    ssm_kms.put_parameter("/app/pw", "s3cret", type="SecureString", key_id="alias/app")
    ssm_kms.set_key_state("alias/app", "Disabled")
    ssm = boto3.client("ssm")
    with pytest.raises(ssm.exceptions.InvalidKeyId):
        ssm.get_parameter(Name="/app/pw", WithDecryption=True)
