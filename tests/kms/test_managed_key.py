"""The AWS managed key alias/aws/ssm: created on first use, AWS's metadata and policy, immutable."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
REGION = "us-east-1"


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


def test_describe_key_on_the_alias_creates_it(kms):
    meta = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]
    assert meta["KeyManager"] == "AWS"
    assert meta["Description"] == "Default key that protects my SSM parameters when no other key is defined"
    assert meta["KeyState"] == "Enabled"
    assert meta["Origin"] == "AWS_KMS"
    assert meta["KeySpec"] == "SYMMETRIC_DEFAULT"
    # The same key every time, and it is listed now.
    assert kms.describe_key(KeyId=f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ssm")["KeyMetadata"]["KeyId"] == meta["KeyId"]
    assert meta["KeyId"] in [k["KeyId"] for k in kms.list_keys()["Keys"]]
    entry = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/aws/ssm"][0]
    assert entry["TargetKeyId"] == meta["KeyId"]


def test_its_policy(kms):
    key_id = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]["KeyId"]
    policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    assert policy["Id"] == "auto-ssm-2"
    first, second = policy["Statement"]
    assert first["Principal"] == {"AWS": "*"}
    assert first["Condition"] == {
        "StringEquals": {"kms:ViaService": f"ssm.{REGION}.amazonaws.com", "kms:CallerAccount": ACCOUNT}
    }
    assert second["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert second["Action"] == ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"]


def test_it_does_not_exist_until_first_used(kms):
    assert kms.list_keys()["Keys"] == []


def test_direct_use_outside_ssm_is_refused(kms):
    kms.describe_key(KeyId="alias/aws/ssm")
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId="alias/aws/ssm", Plaintext=b"p")
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("disable_key", {}),
        ("enable_key", {}),
        ("schedule_key_deletion", {"PendingWindowInDays": 7}),
        ("update_key_description", {"Description": "mine"}),
    ],
)
def test_it_cannot_be_changed(kms, operation, kwargs):
    key_id = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as caught:
        getattr(kms, operation)(KeyId=key_id, **kwargs)
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert "is not authorized to perform: kms:" in error["Message"]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"


def test_its_alias_cannot_be_moved_or_deleted_nor_another_alias_added(kms):
    key_id = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]["KeyId"]
    mine = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as caught:
        kms.update_alias(AliasName="alias/aws/ssm", TargetKeyId=mine)
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    with pytest.raises(ClientError) as caught:
        kms.delete_alias(AliasName="alias/aws/ssm")
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="alias/mine", TargetKeyId=key_id)
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"


def test_ssm_secure_string_uses_it(ssm_kms, kms):
    ssm = boto3.client("ssm")
    try:
        ssm.put_parameter(Name="/app/pw", Value="s3cret", Type="SecureString")
    except ClientError as error:  # SSM's side may not be merged yet
        pytest.skip(f"SSM SecureString not available: {error}")
    key_id = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]["KeyId"]
    assert ssm.get_parameter(Name="/app/pw", WithDecryption=True)["Parameter"]["Value"] == "s3cret"
    assert ssm_kms.trail.lookup(event_name="Encrypt")
    assert len([k for k in kms.list_keys()["Keys"] if k["KeyId"] == key_id]) == 1
