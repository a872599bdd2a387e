"""CreateKey inputs, DescribeKey, ListKeys, UpdateKeyDescription, key policies and tags."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


def code_of(caught):
    return caught.value.response["Error"]["Code"]


def test_create_key_metadata(kms):
    meta = kms.create_key(Description="app key")["KeyMetadata"]
    assert meta["AWSAccountId"] == ACCOUNT
    assert meta["Arn"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{meta['KeyId']}"
    assert meta["Enabled"] is True and meta["KeyState"] == "Enabled"
    assert meta["KeyManager"] == "CUSTOMER" and meta["Origin"] == "AWS_KMS"
    assert meta["KeySpec"] == meta["CustomerMasterKeySpec"] == "SYMMETRIC_DEFAULT"
    assert meta["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert meta["KeyUsage"] == "ENCRYPT_DECRYPT" and meta["MultiRegion"] is False
    assert meta["Description"] == "app key"
    assert "DeletionDate" not in meta
    assert len(meta["CurrentKeyMaterialId"]) == 64


@pytest.mark.parametrize(
    ("kwargs", "field", "value"),
    [
        ({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}, "SigningAlgorithms", "RSASSA_PSS_SHA_256"),
        ({"KeySpec": "RSA_4096"}, "EncryptionAlgorithms", "RSAES_OAEP_SHA_256"),
        ({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}, "SigningAlgorithms", "ECDSA_SHA_256"),
        ({"KeySpec": "HMAC_512", "KeyUsage": "GENERATE_VERIFY_MAC"}, "MacAlgorithms", "HMAC_SHA_512"),
        ({"CustomerMasterKeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}, "MacAlgorithms", "HMAC_SHA_256"),
    ],
)
def test_asymmetric_and_hmac_specs_are_stored(kms, kwargs, field, value):
    meta = kms.create_key(**kwargs)["KeyMetadata"]
    assert value in meta[field]
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["KeySpec"] == meta["KeySpec"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"KeySpec": "HMAC_256"},  # ENCRYPT_DECRYPT is not an HMAC usage
        {"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "SIGN_VERIFY"},
        {"KeySpec": "ECC_NIST_P256", "KeyUsage": "ENCRYPT_DECRYPT"},
        {"KeySpec": "RSA_2048", "CustomerMasterKeySpec": "RSA_2048"},
    ],
)
def test_incompatible_specs(kms, kwargs):
    with pytest.raises(ClientError) as caught:
        kms.create_key(**kwargs)
    assert code_of(caught) == "ValidationException"


def test_sm2_only_in_china_regions(kms):
    with pytest.raises(kms.exceptions.UnsupportedOperationException):
        kms.create_key(KeySpec="SM2", KeyUsage="SIGN_VERIFY")


def test_multi_region_key_id(kms):
    meta = kms.create_key(MultiRegion=True)["KeyMetadata"]
    assert meta["KeyId"].startswith("mrk-") and meta["MultiRegion"] is True
    blob = kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["KeyId"] == meta["Arn"]


def test_external_origin_starts_pending_import(kms):
    meta = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
    assert meta["KeyState"] == "PendingImport" and meta["Enabled"] is False
    assert meta["Origin"] == "EXTERNAL"
    assert "CurrentKeyMaterialId" not in meta


def test_create_key_with_tags(kms):
    meta = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "a"}, {"TagKey": "env", "TagValue": ""}])["KeyMetadata"]
    tags = kms.list_resource_tags(KeyId=meta["KeyId"])
    assert tags["Tags"] == [{"TagKey": "team", "TagValue": "a"}, {"TagKey": "env", "TagValue": ""}]
    assert tags["Truncated"] is False


@pytest.mark.parametrize(
    "tags",
    [
        [{"TagKey": "aws:reserved", "TagValue": "x"}],
        [{"TagKey": "a", "TagValue": "1"}, {"TagKey": "a", "TagValue": "2"}],
    ],
)
def test_bad_tags(kms, tags):
    with pytest.raises(ClientError) as caught:
        kms.create_key(Tags=tags)
    assert code_of(caught) == "TagException"


def test_default_policy_delegates_to_the_account(kms):
    meta = kms.create_key()["KeyMetadata"]
    out = kms.get_key_policy(KeyId=meta["KeyId"], PolicyName="default")
    assert out["PolicyName"] == "default"
    policy = json.loads(out["Policy"])
    assert policy == {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    # KMS lays out the policies it writes itself like this.
    assert out["Policy"].startswith('{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {')
    assert kms.get_key_policy(KeyId=meta["Arn"])["Policy"] == out["Policy"]
    assert kms.list_key_policies(KeyId=meta["KeyId"])["PolicyNames"] == ["default"]


def admin_policy(extra=None):
    statements = [
        {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"}
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements + (extra or [])})


def test_put_key_policy_is_stored_verbatim(kms):
    meta = kms.create_key(Policy=admin_policy())["KeyMetadata"]
    assert kms.get_key_policy(KeyId=meta["KeyId"])["Policy"] == admin_policy()
    new = admin_policy([{"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}])
    kms.put_key_policy(KeyId=meta["KeyId"], PolicyName="default", Policy=new)
    assert kms.get_key_policy(KeyId=meta["KeyId"])["Policy"] == new


@pytest.mark.parametrize(
    "policy",
    [
        "{not json",
        "[]",
        json.dumps({"Version": "2012-10-17"}),
        json.dumps({"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "kms:*", "Resource": "*"}]}),
        json.dumps({"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}),
    ],
)
def test_malformed_policies(kms, policy):
    with pytest.raises(ClientError) as caught:
        kms.create_key(Policy=policy)
    assert code_of(caught) == "MalformedPolicyDocumentException"
    meta = kms.create_key()["KeyMetadata"]
    with pytest.raises(ClientError) as caught:
        kms.put_key_policy(KeyId=meta["KeyId"], PolicyName="default", Policy=policy)
    assert code_of(caught) == "MalformedPolicyDocumentException"


def test_policy_lockout_safety_check(kms):
    locked = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "kms:*", "Resource": "*"}]})
    with pytest.raises(ClientError) as caught:
        kms.create_key(Policy=locked)
    assert caught.value.response["Error"] == {
        "Code": "MalformedPolicyDocumentException",
        "Message": "The new key policy will not allow you to update the key policy in the future.",
    }
    kms.create_key(Policy=locked, BypassPolicyLockoutSafetyCheck=True)


def test_other_policy_names_are_not_found(kms):
    meta = kms.create_key()["KeyMetadata"]
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.get_key_policy(KeyId=meta["KeyId"], PolicyName="other")


def test_tag_untag_and_paginate(kms):
    meta = kms.create_key()["KeyMetadata"]
    kms.tag_resource(KeyId=meta["KeyId"], Tags=[{"TagKey": f"k{n}", "TagValue": str(n)} for n in range(5)])
    kms.tag_resource(KeyId=meta["Arn"], Tags=[{"TagKey": "k0", "TagValue": "changed"}])
    kms.untag_resource(KeyId=meta["KeyId"], TagKeys=["k4", "missing"])
    seen, marker = [], None
    while True:
        page = kms.list_resource_tags(KeyId=meta["KeyId"], Limit=3, **({"Marker": marker} if marker else {}))
        seen += page["Tags"]
        if not page["Truncated"]:
            break
        marker = page["NextMarker"]
    assert {t["TagKey"]: t["TagValue"] for t in seen} == {"k0": "changed", "k1": "1", "k2": "2", "k3": "3"}


def test_tag_limit(kms):
    meta = kms.create_key(Tags=[{"TagKey": f"k{n}", "TagValue": ""} for n in range(50)])["KeyMetadata"]
    with pytest.raises(kms.exceptions.LimitExceededException):
        kms.tag_resource(KeyId=meta["KeyId"], Tags=[{"TagKey": "one-more", "TagValue": ""}])


def test_update_key_description(kms):
    meta = kms.create_key(Description="old")["KeyMetadata"]
    kms.update_key_description(KeyId=meta["Arn"], Description="new")
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["Description"] == "new"


def test_list_keys_paginates(kms):
    created = [kms.create_key()["KeyMetadata"] for _ in range(5)]
    first = kms.list_keys(Limit=2)
    assert first["Truncated"] is True and len(first["Keys"]) == 2
    ids = [k["KeyId"] for k in first["Keys"]]
    marker = first["NextMarker"]
    while marker:
        page = kms.list_keys(Limit=2, Marker=marker)
        ids += [k["KeyId"] for k in page["Keys"]]
        marker = page.get("NextMarker")
    assert ids == [k["KeyId"] for k in created]
    assert kms.list_keys()["Keys"][0] == {"KeyId": created[0]["KeyId"], "KeyArn": created[0]["Arn"]}
    paginated = [k for page in kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 2}) for k in page["Keys"]]
    assert len(paginated) == 5


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("put_key_policy", {"PolicyName": "default", "Policy": admin_policy()}),
        ("tag_resource", {"Tags": [{"TagKey": "a", "TagValue": "b"}]}),
        ("untag_resource", {"TagKeys": ["a"]}),
    ],
)
def test_aws_managed_key_policy_and_tags_cannot_change(kms, operation, kwargs):
    key_id = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as caught:
        getattr(kms, operation)(KeyId=key_id, **kwargs)
    assert code_of(caught) == "AccessDeniedException"
    assert json.loads(kms.get_key_policy(KeyId=key_id)["Policy"])["Id"] == "auto-ssm-2"
