"""Sensitive members, blobs and camelCase, straight from the botocore model (pure units)."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any

import pytest

from pytest_ssmkms.aws.backend import Settings, World
from pytest_ssmkms.aws.errors import AwsError
from pytest_ssmkms.aws.trail import HIDDEN, CallRecord
from pytest_ssmkms.aws.trail.elements import camel, format_timestamp, request_converter, response_converter
from tests.trail.support import SECRET

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PARAMETER_ARN = "arn:aws:ssm:us-east-1:123456789012:parameter/app/db/pw"
CIPHERTEXT = b"\x01\x02\x03ciphertext-bytes"


def record(
    service: str,
    operation: str,
    params: dict[str, Any],
    result: dict[str, Any] | None = None,
    error: AwsError | None = None,
    invoked_by: str | None = None,
) -> CallRecord:
    world = World(Settings())
    ctx = world.context(world.default_caller, "us-east-1", "Boto3/test")
    if invoked_by:
        ctx = ctx.via(invoked_by)
    return CallRecord(service, operation, params, result, error, ctx)


def visible(call: CallRecord) -> str:
    return json.dumps(call.event) + repr(call)


def test_encrypt_records_neither_plaintext_nor_ciphertext() -> None:
    call = record(
        "kms", "Encrypt",
        {"KeyId": "alias/app", "Plaintext": SECRET.encode(), "EncryptionContext": {"PARAMETER_ARN": PARAMETER_ARN}},
        {"CiphertextBlob": CIPHERTEXT, "KeyId": KEY_ARN, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"},
        invoked_by="ssm.amazonaws.com",
    )
    event = call.event
    assert event["requestParameters"] == {
        "keyId": "alias/app",
        "encryptionContext": {"PARAMETER_ARN": PARAMETER_ARN},  # map keys are data: not camelCased
        "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
    }
    assert event["responseElements"] is None
    assert event["readOnly"] is True
    assert event["resources"] == [{"accountId": "123456789012", "type": "AWS::KMS::Key", "ARN": KEY_ARN}]
    assert event["userIdentity"]["invokedBy"] == "ssm.amazonaws.com"
    assert event["sourceIPAddress"] == event["userAgent"] == "ssm.amazonaws.com"
    text = visible(call)
    assert SECRET not in text
    assert base64.b64encode(CIPHERTEXT).decode() not in text and "ciphertext-bytes" not in text


def test_decrypt_records_encryption_algorithm_even_when_not_sent() -> None:
    call = record(
        "kms", "Decrypt",
        {"CiphertextBlob": CIPHERTEXT, "EncryptionContext": {"PARAMETER_ARN": PARAMETER_ARN}},
        {"KeyId": KEY_ARN, "Plaintext": SECRET.encode(), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"},
    )
    assert call.event["requestParameters"] == {
        "encryptionContext": {"PARAMETER_ARN": PARAMETER_ARN},
        "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
    }
    assert call.event["responseElements"] is None
    assert call.event["resources"][0]["ARN"] == KEY_ARN  # resolved from the response
    assert SECRET not in visible(call)


@pytest.mark.parametrize("operation", ["GenerateDataKey", "GenerateDataKeyWithoutPlaintext"])
def test_generate_data_key_records_no_key_material(operation: str) -> None:
    call = record(
        "kms", operation,
        {"KeyId": KEY_ARN, "KeySpec": "AES_256", "EncryptionContext": {"PARAMETER_ARN": PARAMETER_ARN}},
        {"CiphertextBlob": CIPHERTEXT, "Plaintext": SECRET.encode(), "KeyId": KEY_ARN},
    )
    assert call.event["requestParameters"] == {
        "keyId": KEY_ARN, "keySpec": "AES_256", "encryptionContext": {"PARAMETER_ARN": PARAMETER_ARN},
    }
    assert call.event["responseElements"] is None
    assert SECRET not in visible(call)


def test_failed_call_never_records_its_result_or_secret_input() -> None:
    call = record(
        "ssm", "PutParameter",
        {"Name": "/app/db/pw", "Value": SECRET, "Type": "SecureString", "KeyId": "alias/missing"},
        error=AwsError("Alias arn:aws:kms:us-east-1:123456789012:alias/missing is not found."),
    )
    event = call.event
    assert event["requestParameters"]["value"] == HIDDEN
    assert event["requestParameters"]["keyId"] == "alias/missing"
    assert event["errorCode"] == "InternalFailure" and event["responseElements"] is None
    assert SECRET not in visible(call)


def test_sensitive_members_are_found_in_nested_shapes() -> None:
    # KMS CreateCustomKeyStore: KeyStorePassword and XksProxyAuthenticationCredential's members
    # are sensitive; KMS leaves them out. XksProxyAuthenticationCredential.AccessKeyId is nested.
    convert = request_converter("kms", "CreateCustomKeyStore")
    assert convert is not None
    recorded = convert(
        {
            "CustomKeyStoreName": "store",
            "KeyStorePassword": SECRET,
            "XksProxyAuthenticationCredential": {"AccessKeyId": SECRET, "RawSecretAccessKey": SECRET},
        }
    )
    assert recorded == {"customKeyStoreName": "store", "xksProxyAuthenticationCredential": {}}


def test_sensitive_members_in_lists_of_responses_are_hidden() -> None:
    convert = response_converter("ssm", "GetParametersByPath")
    assert convert is not None
    recorded = convert(
        {"Parameters": [{"Name": "/a", "Value": SECRET, "Version": 1}], "NextToken": "t"}
    )
    assert recorded == {"parameters": [{"name": "/a", "value": HIDDEN, "version": 1}], "nextToken": "t"}


def test_unknown_members_are_never_recorded() -> None:
    convert = request_converter("ssm", "GetParameter")
    assert convert is not None
    assert convert({"Name": "/a", "Surprise": SECRET}) == {"name": "/a"}


def test_unknown_operation_has_no_converter() -> None:
    assert request_converter("kms", "NoSuchOperation") is None
    call = record("kms", "NoSuchOperation", {"KeyId": "k"}, error=AwsError("nope"))
    assert call.event["requestParameters"] is None


def test_camel_and_timestamps() -> None:
    assert [camel(n) for n in ("KeyId", "WithDecryption", "AWSAccountId", "ARN")] == [
        "keyId", "withDecryption", "aWSAccountId", "aRN",
    ]
    assert format_timestamp(datetime(2020, 12, 3, 0, 0, tzinfo=timezone.utc)) == "Dec 3, 2020, 12:00:00 AM"
    assert format_timestamp(datetime(2026, 11, 28, 22, 5, 9, tzinfo=timezone.utc)) == "Nov 28, 2026, 10:05:09 PM"


def test_decision_is_a_top_level_field_when_given() -> None:
    call = record("ssm", "GetParameter", {"Name": "/a"}, {"Parameter": {"Name": "/a"}})
    assert "pytestSsmKmsDecision" not in call.event
    world = World(Settings())
    ctx = world.context(world.default_caller, "us-east-1")
    statement = {"Sid": "ReadApp", "Effect": "Allow", "Action": "ssm:GetParameter*"}
    decided = CallRecord("ssm", "GetParameter", {"Name": "/a"}, None, None, ctx, statement)
    assert decided.event["pytestSsmKmsDecision"] == statement
    json.dumps(decided.event)


def test_assumed_role_identity() -> None:
    from pytest_ssmkms.aws.context import Caller

    world = World(Settings())
    caller = Caller(
        type="AssumedRole",
        arn="arn:aws:sts::123456789012:assumed-role/app-role/session-1",
        principal_id="AROAEXAMPLE:session-1",
        account_id="123456789012",
        access_key_id="ASIAEXAMPLE",
        user_name="app-role",
    )
    ctx = world.context(caller, "us-east-1")
    event = CallRecord("kms", "ListKeys", {}, {"Keys": []}, None, ctx).event
    identity = event["userIdentity"]
    assert "userName" not in identity
    assert identity["sessionContext"]["sessionIssuer"] == {
        "type": "Role",
        "principalId": "AROAEXAMPLE",
        "arn": "arn:aws:iam::123456789012:role/app-role",
        "accountId": "123456789012",
        "userName": "app-role",
    }
    assert "resources" not in event  # ListKeys names no resource
