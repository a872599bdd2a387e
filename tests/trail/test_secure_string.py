"""The KMS calls SSM makes for the caller: records of their own, as real CloudTrail writes them."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms import SsmKms
from pytest_ssmkms.aws.trail import TrailAssertionError
from tests.trail.support import SECRET, dump

ARN = "arn:aws:ssm:us-east-1:123456789012:parameter/app/db/pw"


def test_put_secure_string_records_the_encrypt_ssm_made(ssm_kms: SsmKms) -> None:
    boto3.client("ssm").put_parameter(Name="/app/db/pw", Value=SECRET, Type="SecureString")

    put, encrypt = ssm_kms.trail  # the caller's call first, then the call it caused
    assert put["eventName"] == "PutParameter"
    assert put["requestParameters"]["value"] == "HIDDEN_DUE_TO_SECURITY_REASONS"
    assert "invokedBy" not in put["userIdentity"]
    assert (encrypt["eventSource"], encrypt["eventName"]) == ("kms.amazonaws.com", "Encrypt")
    assert encrypt["userIdentity"]["invokedBy"] == "ssm.amazonaws.com"
    assert encrypt["userIdentity"]["arn"] == put["userIdentity"]["arn"]  # on the caller's behalf
    assert encrypt["sourceIPAddress"] == encrypt["userAgent"] == "ssm.amazonaws.com"
    assert encrypt["requestParameters"] == {
        "keyId": "alias/aws/ssm",
        "encryptionContext": {"PARAMETER_ARN": ARN},
        "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
    }
    assert encrypt["responseElements"] is None
    assert encrypt["readOnly"] is True
    assert encrypt["requestID"] != put["requestID"]
    (key,) = encrypt["resources"]
    assert key["type"] == "AWS::KMS::Key" and key["ARN"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    assert SECRET not in dump(ssm_kms.trail)


def test_get_with_decryption_records_the_decrypt(ssm_kms: SsmKms) -> None:
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/app/db/pw", Value=SECRET, Type="SecureString")
    ssm_kms.trail.clear()
    assert ssm.get_parameter(Name="/app/db/pw", WithDecryption=True)["Parameter"]["Value"] == SECRET
    ssm.get_parameter(Name="/app/db/pw")  # no decryption: no KMS call

    get, decrypt, plain_get = ssm_kms.trail
    assert (get["eventName"], plain_get["eventName"]) == ("GetParameter", "GetParameter")
    assert get["responseElements"] is None
    assert decrypt["eventName"] == "Decrypt"
    assert decrypt["userIdentity"]["invokedBy"] == "ssm.amazonaws.com"
    assert decrypt["sourceIPAddress"] == decrypt["userAgent"] == "ssm.amazonaws.com"
    assert decrypt["requestParameters"] == {
        "encryptionContext": {"PARAMETER_ARN": ARN},
        "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
    }
    assert decrypt["responseElements"] is None
    ssm_kms.trail.assert_called("Decrypt", times=1, invoked_by="ssm.amazonaws.com")
    ssm_kms.trail.assert_called("Decrypt", times=1, resource_name="alias/aws/ssm")
    ssm_kms.trail.assert_not_called("Decrypt", invoked_by=None)  # the code never called KMS itself
    assert SECRET not in dump(ssm_kms.trail)


def test_advanced_tier_records_generate_data_key(ssm_kms: SsmKms) -> None:
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/app/db/pw", Value=SECRET, Type="SecureString", Tier="Advanced")
    ssm.get_parameter(Name="/app/db/pw", WithDecryption=True)
    events = [(e["eventName"], e["userIdentity"].get("invokedBy")) for e in ssm_kms.trail]
    assert events == [
        ("PutParameter", None),
        ("GenerateDataKey", "ssm.amazonaws.com"),
        ("GetParameter", None),
        ("Decrypt", "ssm.amazonaws.com"),
    ]
    generate = ssm_kms.trail[1]
    assert generate["requestParameters"]["encryptionContext"] == {"PARAMETER_ARN": ARN}
    assert generate["responseElements"] is None
    assert SECRET not in dump(ssm_kms.trail)


def test_customer_key_by_alias(ssm_kms: SsmKms) -> None:
    kms = boto3.client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/app/db/pw", Value=SECRET, Type="SecureString", KeyId="alias/app")
    ssm.get_parameters(Names=["/app/db/pw"], WithDecryption=True)

    trail = ssm_kms.trail
    create_alias = trail.lookup(event_name="CreateAlias")[0]
    assert create_alias["requestParameters"] == {"aliasName": "alias/app", "targetKeyId": key["KeyId"]}
    assert {r["type"] for r in create_alias["resources"]} == {"AWS::KMS::Key", "AWS::KMS::Alias"}
    encrypt = trail.lookup(event_name="Encrypt")[0]
    assert encrypt["resources"][0]["ARN"] == key["Arn"]  # the alias resolved to its key
    for name in ("alias/app", key["Arn"], key["KeyId"]):
        assert [e["eventName"] for e in trail.lookup(event_source="kms", resource_name=name)] == [
            "CreateKey", "CreateAlias", "Encrypt", "Decrypt",
        ]
    trail.assert_called("GetParameters", times=1, resource_name="/app/db/pw")
    assert SECRET not in dump(trail)


def test_failing_kms_call_is_recorded_with_the_ssm_error(ssm_kms: SsmKms) -> None:
    ssm = boto3.client("ssm")
    with pytest.raises(ClientError) as raised:
        ssm.put_parameter(Name="/app/db/pw", Value=SECRET, Type="SecureString", KeyId="alias/missing")
    assert raised.value.response["Error"]["Code"] == "InvalidKeyId"
    put, encrypt = ssm_kms.trail
    assert put["errorCode"] == "InvalidKeyId"
    assert encrypt["errorCode"] == "NotFoundException"
    assert encrypt["userIdentity"]["invokedBy"] == "ssm.amazonaws.com"
    assert encrypt["resources"] == [
        {"accountId": "123456789012", "type": "AWS::KMS::Alias", "ARN": "arn:aws:kms:us-east-1:123456789012:alias/missing"}
    ]
    with pytest.raises(TrailAssertionError) as failed:
        ssm_kms.trail.assert_called("PutParameter", succeeded=True)
    assert str(failed.value).splitlines()[2:] == [
        "    1. PutParameter ssm /app/db/pw -> InvalidKeyId",
        "    2. Encrypt kms alias/missing (invoked by ssm.amazonaws.com) -> NotFoundException",
    ]
    assert SECRET not in dump(ssm_kms.trail) + str(failed.value)


def test_denied_decrypt_shows_the_decision(ssm_kms: SsmKms) -> None:
    key_id = boto3.client("kms").create_key()["KeyMetadata"]["KeyId"]  # default key policy
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/app/db/pw", Value=SECRET, Type="SecureString", KeyId=key_id)
    # reader may read parameters but has no kms:Decrypt on the customer key.
    reader = ssm_kms.principal(
        "reader",
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}]},
    )
    ssm_kms.trail.clear()
    with pytest.raises(ClientError):
        reader.session().client("ssm").get_parameter(Name="/app/db/pw", WithDecryption=True)

    records = {e["eventName"]: e for e in ssm_kms.trail}
    assert records["GetParameter"]["userIdentity"]["userName"] == "reader"
    decrypt = records["Decrypt"]
    assert decrypt["errorCode"] == "AccessDeniedException"
    assert decrypt["userIdentity"]["userName"] == "reader"
    assert decrypt["pytestSsmKmsDecision"]["effect"] != "Allow"
    assert [e["eventName"] for e in ssm_kms.trail.lookup(username="reader")] == ["GetParameter", "Decrypt"]
    assert SECRET not in dump(ssm_kms.trail)
