"""The two IAM policies of the seed document ("Setting Permissions to Encrypt and Decrypt
Parameter Values", "Parameter Store Encryption Context"), verbatim: the account, region and
customer managed key 1234abcd-12ab-34cd-56ef-1234567890ab are the document's own (markers).
Each is shown to allow exactly what it should and deny the rest."""

from __future__ import annotations

import base64
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms import SsmKms

ACCOUNT = "111122223333"
REGION = "us-west-2"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"

pytestmark = [
    pytest.mark.ssm_kms(region=REGION, account_id=ACCOUNT),
    # The document's CMK, with KMS's default key policy: IAM policies decide.
    pytest.mark.kms_key(key_id=KEY_ID, description="seed document CMK"),
]

READABLE_PARAMETERS_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ssm:GetParameter*"
            ],
            "Resource": "arn:aws:ssm:us-west-2:111122223333:parameter/ReadableParameters/*"
        },
        {
            "Effect": "Allow",
            "Action": [
                "kms:Decrypt"
            ],
            "Resource": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        }
    ]
}

# The document's JSON has a trailing comma after the first Resource (invalid JSON that IAM
# would refuse); as a Python dict it is harmless, and the policy is otherwise verbatim.
MY_PARAMETER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ssm:GetParameter*"
            ],
            "Resource": "arn:aws:ssm:us-west-2:111122223333:parameter/MyParameter",
        },
        {
            "Effect": "Allow",
            "Action": [
                "kms:Decrypt"
            ],
            "Resource": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "Condition": {
                "StringEquals": {
                    "kms:EncryptionContext:PARAMETER_ARN":"arn:aws:ssm:us-west-2:111122223333:parameter/MyParameter"
                }
            }
        }
    ]
}


def arn_of(name: str) -> str:
    return f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{name.lstrip('/')}"


@pytest.fixture
def key_arn(ssm_kms: SsmKms) -> str:
    """The document's customer managed key, created by the kms_key marker."""
    arn = boto3.client("kms").describe_key(KeyId=KEY_ID)["KeyMetadata"]["Arn"]
    assert arn == KEY_ARN
    return KEY_ARN


def put_secure(name: str, value: str, key_id: str | None = None) -> None:
    extra = {"KeyId": key_id} if key_id else {}
    boto3.client("ssm").put_parameter(Name=name, Value=value, Type="SecureString", **extra)


def ciphertext_of(name: str) -> bytes:
    """The stored KMS ciphertext, as GetParameter without decryption returns it."""
    value = boto3.client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
    return base64.b64decode(value)


def denied(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDeniedException", error
    return str(error["Message"])


# --- the /ReadableParameters policy ----------------------------------------------------------


def test_readable_parameters_policy_reads_and_decrypts_under_the_path(ssm_kms: SsmKms, key_arn: str) -> None:
    put_secure("/ReadableParameters/db-password", "s3cret", key_arn)
    put_secure("/ReadableParameters/api-key", "k3y", key_arn)
    boto3.client("ssm").put_parameter(Name="/ReadableParameters/plain", Value="hello", Type="String")
    reader = ssm_kms.principal("reader", READABLE_PARAMETERS_POLICY).client("ssm")

    got = reader.get_parameter(Name="/ReadableParameters/db-password", WithDecryption=True)
    assert got["Parameter"]["Value"] == "s3cret"
    assert reader.get_parameter(Name="/ReadableParameters/plain")["Parameter"]["Value"] == "hello"
    both = reader.get_parameters(Names=["/ReadableParameters/db-password", "/ReadableParameters/api-key"], WithDecryption=True)
    assert sorted(p["Value"] for p in both["Parameters"]) == ["k3y", "s3cret"]
    history = reader.get_parameter_history(Name="/ReadableParameters/api-key", WithDecryption=True)
    assert history["Parameters"][0]["Value"] == "k3y"


def test_readable_parameters_policy_denies_other_paths_and_actions(ssm_kms: SsmKms, key_arn: str) -> None:
    put_secure("/Other/secret", "nope", key_arn)
    put_secure("/ReadableParameters/db-password", "s3cret", key_arn)
    reader = ssm_kms.principal("reader", READABLE_PARAMETERS_POLICY)
    ssm = reader.client("ssm")

    message = denied(ssm.get_parameter, Name="/Other/secret", WithDecryption=True)
    assert message == (
        f"User: {reader.arn} is not authorized to perform: ssm:GetParameter on resource: "
        f"{arn_of('/Other/secret')} because no identity-based policy allows the ssm:GetParameter action"
    )
    denied(ssm.put_parameter, Name="/ReadableParameters/new", Value="x", Type="String")
    denied(ssm.delete_parameter, Name="/ReadableParameters/db-password")
    denied(ssm.describe_parameters)
    # GetParametersByPath is authorized against the path's own ARN, which "ReadableParameters/*"
    # does not cover; a sub-path is covered.
    denied(ssm.get_parameters_by_path, Path="/ReadableParameters")
    assert ssm.get_parameters_by_path(Path="/ReadableParameters/sub")["Parameters"] == []
    kms = reader.client("kms")
    message = denied(kms.encrypt, KeyId=key_arn, Plaintext=b"x")
    assert message.endswith("because no identity-based policy allows the kms:Encrypt action")
    denied(kms.describe_key, KeyId=key_arn)


def test_readable_parameters_policy_allows_direct_decrypt_on_the_key_only(ssm_kms: SsmKms, key_arn: str) -> None:
    put_secure("/ReadableParameters/db-password", "s3cret", key_arn)
    other_key = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    put_secure("/ReadableParameters/other-key", "x", other_key)
    reader = ssm_kms.principal("reader", READABLE_PARAMETERS_POLICY)
    kms = reader.client("kms")

    plaintext = kms.decrypt(
        CiphertextBlob=ciphertext_of("/ReadableParameters/db-password"),
        EncryptionContext={"PARAMETER_ARN": arn_of("/ReadableParameters/db-password")},
    )["Plaintext"]
    assert plaintext == b"s3cret"
    message = denied(
        kms.decrypt,
        CiphertextBlob=ciphertext_of("/ReadableParameters/other-key"),
        EncryptionContext={"PARAMETER_ARN": arn_of("/ReadableParameters/other-key")},
    )
    assert message == (
        f"User: {reader.arn} is not authorized to perform: kms:Decrypt on resource: {other_key} "
        "because no identity-based policy allows the kms:Decrypt action"
    )
    # Through SSM the same key is refused, and SSM reports KMS's refusal as its own.
    ssm = reader.client("ssm")
    assert ssm.get_parameter(Name="/ReadableParameters/other-key")["Parameter"]["Type"] == "SecureString"
    message = denied(ssm.get_parameter, Name="/ReadableParameters/other-key", WithDecryption=True)
    assert "Error Code: AccessDeniedException" in message


def test_the_denied_inner_decrypt_is_in_the_trail_with_its_deciding_reason(ssm_kms: SsmKms, key_arn: str) -> None:
    other_key = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    put_secure("/ReadableParameters/other-key", "x", other_key)
    reader = ssm_kms.principal("reader", READABLE_PARAMETERS_POLICY)
    denied(reader.client("ssm").get_parameter, Name="/ReadableParameters/other-key", WithDecryption=True)
    decrypts = [r for r in ssm_kms.trail if r["eventName"] == "Decrypt"]
    assert len(decrypts) == 1
    record = decrypts[0]
    assert record["errorCode"] == "AccessDeniedException"
    assert record["userIdentity"]["arn"] == reader.arn
    assert record["userIdentity"]["invokedBy"] == "ssm.amazonaws.com"
    decision = record["pytestSsmKmsDecision"]
    assert decision["effect"] == "ImplicitDeny" and decision["policyType"] == "identity-based policy"
    assert decision["keyPolicyStatement"]["Sid"] == "Enable IAM User Permissions"


# --- the MyParameter policy with its encryption-context condition ---------------------------


def test_my_parameter_policy_reads_and_decrypts_my_parameter(ssm_kms: SsmKms, key_arn: str) -> None:
    put_secure("MyParameter", "secret_value", key_arn)
    user = ssm_kms.principal("user", MY_PARAMETER_POLICY)
    got = user.client("ssm").get_parameter(Name="MyParameter", WithDecryption=True)
    assert got["Parameter"]["Value"] == "secret_value"
    plaintext = user.client("kms").decrypt(
        CiphertextBlob=ciphertext_of("MyParameter"), EncryptionContext={"PARAMETER_ARN": arn_of("MyParameter")}
    )["Plaintext"]
    assert plaintext == b"secret_value"


def test_my_parameter_policy_denies_every_other_parameter(ssm_kms: SsmKms, key_arn: str) -> None:
    put_secure("MyParameter", "secret_value", key_arn)
    put_secure("/ReadableParameters/MyParameter", "elsewhere", key_arn)
    put_secure("MyParameter2", "close", key_arn)
    user = ssm_kms.principal("user", MY_PARAMETER_POLICY)
    ssm = user.client("ssm")
    denied(ssm.get_parameter, Name="/ReadableParameters/MyParameter", WithDecryption=True)
    denied(ssm.get_parameter, Name="MyParameter2")
    denied(ssm.put_parameter, Name="MyParameter", Value="new", Type="SecureString", KeyId=key_arn, Overwrite=True)


def test_encryption_context_condition_narrows_decryption_to_one_parameter(ssm_kms: SsmKms, key_arn: str) -> None:
    put_secure("MyParameter", "secret_value", key_arn)
    put_secure("OtherParameter", "other_value", key_arn)
    user = ssm_kms.principal("user", MY_PARAMETER_POLICY)
    kms = user.client("kms")
    message = denied(
        kms.decrypt,
        CiphertextBlob=ciphertext_of("OtherParameter"),
        EncryptionContext={"PARAMETER_ARN": arn_of("OtherParameter")},
    )
    assert message == (
        f"User: {user.arn} is not authorized to perform: kms:Decrypt on resource: {key_arn} "
        "because no identity-based policy allows the kms:Decrypt action"
    )
    # Even with SSM read access to OtherParameter, its value cannot be decrypted: the call to
    # GetParameter fails because the encryption context does not match the condition.
    user.attach_policy({
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": arn_of("OtherParameter")},
    })
    ssm = user.client("ssm")
    assert ssm.get_parameter(Name="OtherParameter")["Parameter"]["Type"] == "SecureString"
    denied(ssm.get_parameter, Name="OtherParameter", WithDecryption=True)
    assert ssm.get_parameter(Name="MyParameter", WithDecryption=True)["Parameter"]["Value"] == "secret_value"


# --- the AWS managed aws/ssm key ------------------------------------------------------------


def test_aws_ssm_key_works_through_ssm_but_not_directly(ssm_kms: SsmKms) -> None:
    put_secure("/ReadableParameters/default-key", "via-ssm")  # no KeyId: alias/aws/ssm
    ssm = boto3.client("ssm")
    assert ssm.get_parameter(Name="/ReadableParameters/default-key", WithDecryption=True)["Parameter"]["Value"] == "via-ssm"
    managed = boto3.client("kms").describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]
    assert managed["KeyManager"] == "AWS"
    # Even the account administrator cannot call kms:Decrypt on it outside SSM: its key
    # policy allows use only with kms:ViaService ssm.<region>.amazonaws.com.
    message = denied(
        boto3.client("kms").decrypt,
        CiphertextBlob=ciphertext_of("/ReadableParameters/default-key"),
        EncryptionContext={"PARAMETER_ARN": arn_of("/ReadableParameters/default-key")},
    )
    assert message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/test-admin is not authorized to perform: kms:Decrypt on resource: "
        f"{managed['Arn']} because no resource-based policy allows the kms:Decrypt action"
    )
    denied(boto3.client("kms").encrypt, KeyId="alias/aws/ssm", Plaintext=b"x")


def test_aws_ssm_key_serves_any_principal_allowed_by_ssm(ssm_kms: SsmKms) -> None:
    put_secure("/ReadableParameters/default-key", "via-ssm")
    # The managed key's policy names every principal of the account ("*" with
    # kms:CallerAccount), so no kms permission is needed to read through SSM.
    reader = ssm_kms.principal("reader", {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "ssm:GetParameter*", "Resource": arn_of("ReadableParameters/*")},
    }, kind="role")
    got = reader.client("ssm").get_parameter(Name="/ReadableParameters/default-key", WithDecryption=True)
    assert got["Parameter"]["Value"] == "via-ssm"
    denied(
        reader.client("kms").decrypt,
        CiphertextBlob=ciphertext_of("/ReadableParameters/default-key"),
        EncryptionContext={"PARAMETER_ARN": arn_of("/ReadableParameters/default-key")},
    )


def test_an_identity_deny_on_kms_blocks_reading_through_ssm(ssm_kms: SsmKms) -> None:
    put_secure("/app/pw", "pw")
    no_kms = ssm_kms.principal("no-kms", {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ssm:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"StringLike": {"kms:ViaService": "ssm.*.amazonaws.com"}}},
        ],
    })
    ssm = no_kms.client("ssm")
    assert ssm.get_parameter(Name="/app/pw")["Parameter"]["Type"] == "SecureString"
    denied(ssm.get_parameter, Name="/app/pw", WithDecryption=True)
    assert ssm.put_parameter(Name="/app/other", Value="x", Type="String")["Version"] == 1
