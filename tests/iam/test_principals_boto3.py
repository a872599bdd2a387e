"""Principals as test authors use them: sessions signed with their own keys, attribution in
the trail, regions, and switching enforcement off."""

from __future__ import annotations

import base64

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms import PluginUsageError, SsmKms, mock_ssm_kms

READ_APP = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:*:*:parameter/app/*"}],
}


def test_calls_are_attributed_by_the_signing_access_key(ssm_kms: SsmKms) -> None:
    boto3.client("ssm").put_parameter(Name="/app/name", Value="demo", Type="String")
    app = ssm_kms.principal("app", READ_APP, kind="role")
    assert app.session().client("ssm").get_parameter(Name="/app/name")["Parameter"]["Value"] == "demo"
    record = [r for r in ssm_kms.trail if r["eventName"] == "GetParameter"][-1]
    assert record["userIdentity"]["accessKeyId"] == app.access_key_id
    assert record["userIdentity"]["arn"] == f"arn:aws:sts::{ssm_kms.account_id}:assumed-role/app/pytest-ssmkms"
    assert record["pytestSsmKmsDecision"]["statement"] == READ_APP["Statement"][0]


def test_session_region(ssm_kms: SsmKms) -> None:
    only_home = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*",
                       "Condition": {"StringEquals": {"aws:RequestedRegion": ssm_kms.region}}}],
    }
    alice = ssm_kms.principal("alice", only_home)
    alice.session().client("ssm").put_parameter(Name="/x", Value="1", Type="String")
    with pytest.raises(ClientError) as caught:
        alice.session(region_name="eu-west-1").client("ssm").put_parameter(Name="/x", Value="1", Type="String")
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "arn:aws:ssm:eu-west-1:" in caught.value.response["Error"]["Message"]


def test_malformed_policy_fails_at_once(ssm_kms: SsmKms) -> None:
    with pytest.raises(PluginUsageError, match=r"policy 2 of principal 'bob' is malformed: statement 1: Effect must be"):
        ssm_kms.principal("bob", READ_APP, {"Statement": {"Effect": "allow", "Action": "*", "Resource": "*"}})


@pytest.mark.ssm_kms(enforce_permissions=False)
def test_marker_turns_enforcement_off(ssm_kms: SsmKms) -> None:
    nobody = ssm_kms.principal("nobody")
    ssm = nobody.client("ssm")
    ssm.put_parameter(Name="/secret", Value="s", Type="SecureString")
    value = ssm.get_parameter(Name="/secret")["Parameter"]["Value"]
    # Even the aws/ssm key answers a direct Decrypt when nothing is enforced.
    plaintext = nobody.client("kms").decrypt(
        CiphertextBlob=base64.b64decode(value),
        EncryptionContext={"PARAMETER_ARN": f"arn:aws:ssm:{ssm_kms.region}:{ssm_kms.account_id}:parameter/secret"},
    )["Plaintext"]
    assert plaintext == b"s"


def test_mock_ssm_kms_enforce_permissions_argument() -> None:
    with mock_ssm_kms(enforce_permissions=False) as aws:
        aws.principal("nobody").client("ssm").put_parameter(Name="/x", Value="1", Type="String")
    with mock_ssm_kms() as aws:
        with pytest.raises(ClientError):
            aws.principal("nobody").client("ssm").put_parameter(Name="/x", Value="1", Type="String")
