"""SecureString through KMS: default and customer keys, context, tiers, reads, KMS failures."""

from __future__ import annotations

import base64
import re

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.ssm.support import error_of

ARN = "arn:aws:ssm:us-east-1:123456789012:parameter/"
DETAIL = re.compile(
    r"(?P<text>.*) \(Service: AWSKMS; Status Code: 400; Error Code: (?P<code>\w+); "
    r"Request ID: [0-9a-f-]{36}; Proxy: null\)"
)


@pytest.fixture
def ssm(ssm_kms):
    return boto3.client("ssm")


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


def _kms_detail(message):
    match = DETAIL.fullmatch(message)
    assert match, message
    return match["text"], match["code"]


def _key_id(ssm, name):
    found = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [name]}])["Parameters"]
    return found[0].get("KeyId")


def test_default_key_is_aws_ssm_created_on_first_use(ssm, kms, ssm_kms):
    ssm.put_parameter(Name="MyParameter", Value="secret_value", Type="SecureString")
    assert _key_id(ssm, "MyParameter") == "alias/aws/ssm"
    key = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]
    assert key["KeyManager"] == "AWS"
    encrypt = ssm_kms.trail.lookup(event_name="Encrypt")
    assert len(encrypt) == 1
    record = encrypt[0]
    assert record["userIdentity"]["invokedBy"] == "ssm.amazonaws.com"
    assert record["requestParameters"]["encryptionContext"] == {"PARAMETER_ARN": ARN + "MyParameter"}
    assert record["resources"][0]["ARN"] == key["Arn"]


def test_value_without_decryption_is_the_kms_blob_that_kms_decrypt_opens(ssm, kms):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    ssm.put_parameter(
        Name="/ReadableParameters/MyParameter", Value="secret_value", Type="SecureString", KeyId=key
    )
    hidden = ssm.get_parameter(Name="/ReadableParameters/MyParameter")["Parameter"]
    assert hidden["Value"] != "secret_value"
    blob = base64.b64decode(hidden["Value"])
    context = {"PARAMETER_ARN": ARN + "ReadableParameters/MyParameter"}
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"] == b"secret_value"
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"PARAMETER_ARN": ARN + "MyParameter"})
    assert caught.value.response["Error"]["Code"] == "InvalidCiphertextException"
    assert ssm.get_parameter(Name="/ReadableParameters/MyParameter", WithDecryption=True)["Parameter"]["Value"] == (
        "secret_value"
    )


def test_the_aws_ssm_key_opens_only_through_ssm(ssm, kms):
    # The AWS managed key's policy allows use only via SSM (kms:ViaService), as in AWS.
    ssm.put_parameter(Name="MyParameter", Value="secret_value", Type="SecureString")
    blob = base64.b64decode(ssm.get_parameter(Name="MyParameter")["Parameter"]["Value"])
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"PARAMETER_ARN": ARN + "MyParameter"})
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    assert ssm.get_parameter(Name="MyParameter", WithDecryption=True)["Parameter"]["Value"] == "secret_value"


@pytest.mark.parametrize("form", ["id", "arn", "alias", "alias_arn"])
def test_customer_key_in_every_identifier_form(ssm, kms, ssm_kms, form):
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    key_id = {
        "id": key["KeyId"],
        "arn": key["Arn"],
        "alias": "alias/app",
        "alias_arn": "arn:aws:kms:us-east-1:123456789012:alias/app",
    }[form]
    ssm.put_parameter(Name="param1", Value="secret", Type="SecureString", KeyId=key_id)
    assert _key_id(ssm, "param1") == key_id
    assert ssm.get_parameter(Name="param1", WithDecryption=True)["Parameter"]["Value"] == "secret"
    decrypt = ssm_kms.trail.lookup(event_name="Decrypt")
    assert decrypt[-1]["resources"][0]["ARN"] == key["Arn"]
    assert ssm.describe_parameters(ParameterFilters=[{"Key": "KeyId", "Values": [key_id]}])["Parameters"]


def test_overwrite_keeps_the_key_unless_told(ssm, kms):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    ssm.put_parameter(Name="/s", Value="one", Type="SecureString", KeyId=key)
    ssm.put_parameter(Name="/s", Value="two", Overwrite=True)
    assert _key_id(ssm, "/s") == key
    ssm.put_parameter(Name="/s", Value="three", Type="String", Overwrite=True)
    assert _key_id(ssm, "/s") is None
    assert ssm.get_parameter(Name="/s")["Parameter"]["Value"] == "three"
    history = ssm.get_parameter_history(Name="/s", WithDecryption=True)["Parameters"]
    assert [(h["Value"], h.get("KeyId")) for h in history] == [("one", key), ("two", key), ("three", None)]


def test_advanced_tier_uses_a_data_key_envelope(ssm, ssm_kms):
    ssm.put_parameter(Name="/adv", Value="x" * 6000, Type="SecureString", Tier="Advanced")
    assert ssm_kms.trail.lookup(event_name="GenerateDataKey")
    assert not ssm_kms.trail.lookup(event_name="Encrypt")
    got = ssm.get_parameter(Name="/adv", WithDecryption=True)["Parameter"]
    assert got["Value"] == "x" * 6000
    hidden = ssm.get_parameter(Name="/adv")["Parameter"]["Value"]
    assert "x" * 20 not in base64.b64decode(hidden).decode("latin-1")
    assert ssm_kms.trail.lookup(event_name="Decrypt")[-1]["requestParameters"]["encryptionContext"] == {
        "PARAMETER_ARN": ARN + "adv"
    }


def test_every_read_decrypts_the_same_way(ssm):
    ssm.put_parameter(Name="/r/a", Value="A", Type="SecureString")
    ssm.put_parameter(Name="/r/b", Value="B", Type="SecureString", Tier="Advanced")
    ssm.put_parameter(Name="/r/c", Value="C", Type="String")
    both = ssm.get_parameters(Names=["/r/a", "/r/b", "/r/c"], WithDecryption=True)["Parameters"]
    assert [p["Value"] for p in both] == ["A", "B", "C"]
    by_path = ssm.get_parameters_by_path(Path="/r", WithDecryption=True)["Parameters"]
    assert [p["Value"] for p in by_path] == ["A", "B", "C"]
    hidden = ssm.get_parameters_by_path(Path="/r")["Parameters"]
    assert [p["Value"] == v for p, v in zip(hidden, "ABC")] == [False, False, True]


def test_missing_key_and_alias_surface_as_invalid_key_id(ssm):
    code, message = error_of(
        ssm.put_parameter, Name="param1", Value="secret", Type="SecureString", KeyId="1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    assert code == "InvalidKeyId"
    assert _kms_detail(message) == (
        "Key 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist",
        "NotFoundException",
    )
    code, message = error_of(ssm.put_parameter, Name="param1", Value="s", Type="SecureString", KeyId="alias/parameter_store_key")
    assert code == "InvalidKeyId"
    assert _kms_detail(message) == (
        "Alias arn:aws:kms:us-east-1:123456789012:alias/parameter_store_key is not found.",
        "NotFoundException",
    )
    assert error_of(ssm.get_parameter, Name="param1")[0] == "ParameterNotFound"


def test_disabled_and_pending_deletion_keys(ssm, kms):
    key = kms.create_key()["KeyMetadata"]
    ssm.put_parameter(Name="/s", Value="secret", Type="SecureString", KeyId=key["KeyId"])
    kms.disable_key(KeyId=key["KeyId"])
    code, message = error_of(ssm.get_parameter, Name="/s", WithDecryption=True)
    assert (code, _kms_detail(message)) == ("InvalidKeyId", (f"{key['Arn']} is disabled.", "DisabledException"))
    code, message = error_of(ssm.put_parameter, Name="/s", Value="new", Overwrite=True)
    assert code == "InvalidKeyId"
    assert ssm.get_parameter(Name="/s")["Parameter"]["Version"] == 1  # nothing stored
    # Reading metadata or the encrypted value needs no key.
    assert ssm.get_parameter(Name="/s")["Parameter"]["Type"] == "SecureString"
    assert _key_id(ssm, "/s") == key["KeyId"]
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    code, message = error_of(ssm.get_parameter, Name="/s", WithDecryption=True)
    assert (code, _kms_detail(message)) == (
        "InvalidKeyId", (f"{key['Arn']} is pending deletion.", "KMSInvalidStateException"),
    )
    code, message = error_of(ssm.get_parameters_by_path, Path="/", WithDecryption=True)
    assert code == "InvalidKeyId"


def test_pending_import_key(ssm, kms):
    key = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
    code, message = error_of(ssm.put_parameter, Name="/s", Value="secret", Type="SecureString", KeyId=key["KeyId"])
    assert (code, _kms_detail(message)) == (
        "InvalidKeyId", (f"{key['Arn']} is pending import.", "KMSInvalidStateException"),
    )


def test_no_permission_on_the_key_is_access_denied(ssm, kms, ssm_kms):
    key = kms.create_key()["KeyMetadata"]
    ssm.put_parameter(Name="/s", Value="secret", Type="SecureString", KeyId=key["Arn"])
    reader = ssm_kms.principal(
        "reader",
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*"}]},
    ).client("ssm")
    assert reader.get_parameter(Name="/s")["Parameter"]["Type"] == "SecureString"
    code, message = error_of(reader.get_parameter, Name="/s", WithDecryption=True)
    assert code == "AccessDeniedException"
    assert _kms_detail(message) == (
        "The ciphertext refers to a customer master key that does not exist, does not exist in this region, "
        "or you are not allowed to access.",
        "AccessDeniedException",
    )
    code, message = error_of(reader.put_parameter, Name="/t", Value="x", Type="SecureString", KeyId=key["Arn"])
    assert code == "AccessDeniedException"
    assert _kms_detail(message)[1] == "AccessDeniedException"
    assert "kms:Encrypt" in message


def test_secrets_never_show_in_reprs(ssm, ssm_kms):
    ssm.put_parameter(Name="/s", Value="hunter2-secret", Type="SecureString")
    ssm.put_parameter(Name="/p", Value="plain-secret", Type="String")
    store = ssm_kms.world.backend().ssm
    parameter = store.find("/p")
    assert "plain-secret" not in repr(parameter) and "plain-secret" not in repr(parameter.latest)
    assert "hunter2" not in repr(store)


def test_a_value_kms_cannot_take_is_a_validation_error_not_a_key_error(ssm):
    # 4096 characters fit the Standard tier, but 8192 UTF-8 bytes exceed KMS Encrypt's limit.
    code, message = error_of(ssm.put_parameter, Name="/wide", Value="é" * 4096, Type="SecureString")
    assert code == "ValidationException" and "Error Code: ValidationException" in message
    assert ssm.put_parameter(Name="/wide", Value="é" * 4096, Type="SecureString", Tier="Advanced")["Tier"] == "Advanced"
    assert ssm.get_parameter(Name="/wide", WithDecryption=True)["Parameter"]["Value"] == "é" * 4096
