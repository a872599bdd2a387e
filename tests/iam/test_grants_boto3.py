"""Grants through boto3: a grantee with no IAM permission uses the key for the granted
operations, under the grant's encryption-context constraints."""

from __future__ import annotations

import base64
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms import SsmKms

READ_SSM = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}],
}


def arn_of(ssm_kms: SsmKms, name: str) -> str:
    return f"arn:aws:ssm:{ssm_kms.region}:{ssm_kms.account_id}:parameter/{name.lstrip('/')}"


def code_of(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return str(caught.value.response["Error"]["Code"])


@pytest.fixture
def setup(ssm_kms: SsmKms) -> tuple[str, Any]:
    key = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    ssm = boto3.client("ssm")
    for name in ("/app/db", "/app/api"):
        ssm.put_parameter(Name=name, Value=f"value of {name}", Type="SecureString", KeyId=key)
    return key, ssm_kms.principal("app", READ_SSM, kind="role")


def ciphertext(name: str) -> bytes:
    return base64.b64decode(boto3.client("ssm").get_parameter(Name=name)["Parameter"]["Value"])


def test_without_a_grant_the_role_cannot_decrypt(ssm_kms: SsmKms, setup: tuple[str, Any]) -> None:
    key, app = setup
    assert code_of(app.client("ssm").get_parameter, Name="/app/db", WithDecryption=True) == "AccessDeniedException"
    assert code_of(
        app.client("kms").decrypt, CiphertextBlob=ciphertext("/app/db"),
        EncryptionContext={"PARAMETER_ARN": arn_of(ssm_kms, "/app/db")},
    ) == "AccessDeniedException"


def test_grant_with_encryption_context_subset(ssm_kms: SsmKms, setup: tuple[str, Any]) -> None:
    key, app = setup
    boto3.client("kms").create_grant(
        KeyId=key, GranteePrincipal=app.arn, Operations=["Decrypt"],
        Constraints={"EncryptionContextSubset": {"PARAMETER_ARN": arn_of(ssm_kms, "/app/db")}},
    )
    ssm = app.client("ssm")
    assert ssm.get_parameter(Name="/app/db", WithDecryption=True)["Parameter"]["Value"] == "value of /app/db"
    assert code_of(ssm.get_parameter, Name="/app/api", WithDecryption=True) == "AccessDeniedException"
    kms = app.client("kms")
    assert kms.decrypt(
        CiphertextBlob=ciphertext("/app/db"), EncryptionContext={"PARAMETER_ARN": arn_of(ssm_kms, "/app/db")}
    )["Plaintext"] == b"value of /app/db"
    # Only the granted operation.
    assert code_of(
        kms.encrypt, KeyId=key, Plaintext=b"x", EncryptionContext={"PARAMETER_ARN": arn_of(ssm_kms, "/app/db")}
    ) == "AccessDeniedException"
    record = [r for r in ssm_kms.trail if r["eventName"] == "Decrypt" and "errorCode" not in r][0]
    assert record["pytestSsmKmsDecision"]["policyType"] == "grant"


def test_grant_with_encryption_context_equals(ssm_kms: SsmKms, setup: tuple[str, Any]) -> None:
    key, app = setup
    boto3.client("kms").create_grant(
        KeyId=key, GranteePrincipal=app.arn, Operations=["Encrypt", "Decrypt"],
        Constraints={"EncryptionContextEquals": {"purpose": "test"}},
    )
    kms = app.client("kms")
    blob = kms.encrypt(KeyId=key, Plaintext=b"data", EncryptionContext={"purpose": "test"})["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "test"})["Plaintext"] == b"data"
    assert code_of(kms.encrypt, KeyId=key, Plaintext=b"x", EncryptionContext={"purpose": "test", "more": "1"}) == "AccessDeniedException"
    assert code_of(kms.encrypt, KeyId=key, Plaintext=b"x") == "AccessDeniedException"


def test_retired_grant_no_longer_allows(ssm_kms: SsmKms, setup: tuple[str, Any]) -> None:
    key, app = setup
    kms = boto3.client("kms")
    grant_id = kms.create_grant(KeyId=key, GranteePrincipal=app.arn, Operations=["Decrypt"])["GrantId"]
    ssm = app.client("ssm")
    assert ssm.get_parameter(Name="/app/api", WithDecryption=True)["Parameter"]["Value"] == "value of /app/api"
    kms.revoke_grant(KeyId=key, GrantId=grant_id)
    assert code_of(ssm.get_parameter, Name="/app/api", WithDecryption=True) == "AccessDeniedException"
