"""Principals as test authors use them: sessions signed with their own keys, attribution in
the trail, regions, and switching enforcement off."""

from __future__ import annotations

import base64
from typing import Any

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


def denied_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return str(caught.value.response["Error"]["Code"])


def test_ssm_overwrite_condition(ssm_kms: SsmKms) -> None:
    create_only = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ssm:PutParameter", "Resource": "*",
                       "Condition": {"Bool": {"ssm:Overwrite": "false"}}}],
    }
    ssm = ssm_kms.principal("creator", create_only).client("ssm")
    assert ssm.put_parameter(Name="/new", Value="1", Type="String")["Version"] == 1
    assert denied_code(ssm.put_parameter, Name="/new", Value="2", Type="String", Overwrite=True) == "AccessDeniedException"


def test_ssm_recursive_condition(ssm_kms: SsmKms) -> None:
    boto3.client("ssm").put_parameter(Name="/app/a/b", Value="deep", Type="String")
    one_level = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ssm:GetParametersByPath", "Resource": "*",
                       "Condition": {"StringEquals": {"ssm:Recursive": "false"}}}],
    }
    ssm = ssm_kms.principal("shallow", one_level).client("ssm")
    assert ssm.get_parameters_by_path(Path="/app")["Parameters"] == []
    assert denied_code(ssm.get_parameters_by_path, Path="/app", Recursive=True) == "AccessDeniedException"


def test_parameter_tags_in_conditions(ssm_kms: SsmKms) -> None:
    admin = boto3.client("ssm")
    admin.put_parameter(Name="/dev/x", Value="d", Type="String", Tags=[{"Key": "env", "Value": "dev"}])
    admin.put_parameter(Name="/prod/x", Value="p", Type="String", Tags=[{"Key": "env", "Value": "prod"}])
    dev_only = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*",
                       "Condition": {"StringEquals": {"aws:ResourceTag/env": "dev"}}}],
    }
    ssm = ssm_kms.principal("dev", dev_only).client("ssm")
    assert ssm.get_parameter(Name="/dev/x")["Parameter"]["Value"] == "d"
    assert denied_code(ssm.get_parameter, Name="/prod/x") == "AccessDeniedException"


def test_key_tags_and_aliases_in_conditions(ssm_kms: SsmKms) -> None:
    kms = boto3.client("kms")
    team_key = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "payments"}])["KeyMetadata"]["KeyId"]
    other_key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=other_key)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceTag/team": "payments"}}},
            {"Effect": "Allow", "Action": "kms:DescribeKey", "Resource": "*",
             "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/app"}}},
        ],
    }
    client = ssm_kms.principal("payments", policy).client("kms")
    assert client.encrypt(KeyId=team_key, Plaintext=b"x")["KeyId"].endswith(team_key)
    assert denied_code(client.encrypt, KeyId=other_key, Plaintext=b"x") == "AccessDeniedException"
    assert client.describe_key(KeyId=other_key)["KeyMetadata"]["KeyId"] == other_key
    assert denied_code(client.describe_key, KeyId=team_key) == "AccessDeniedException"
