"""Sharing Advanced-tier parameters with other accounts: resource policies, reads by full ARN
from a principal of another account, DescribeParameters(Shared=True), SecureStrings under a
customer managed key the consumer may use."""

from __future__ import annotations

import json

import boto3
import pytest

from pytest_ssmkms.aws.errors import PluginUsageError
from tests.ssm.support import error_of

OWNER = "123456789012"
CONSUMER = "210987654321"
ARN = f"arn:aws:ssm:us-east-1:{OWNER}:parameter/shared/config"
READ_ALL = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["ssm:*", "kms:Decrypt"], "Resource": "*"}]}


def share_policy(arn: str = ARN, actions: list[str] | None = None, account: str = CONSUMER) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "Share", "Effect": "Allow", "Principal": {"AWS": account},
        "Action": actions or ["ssm:GetParameter", "ssm:GetParameters"], "Resource": arn}]})


@pytest.fixture
def owner(ssm_kms):
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/shared/config", Value="v1", Type="String", Tier="Advanced")
    return ssm


@pytest.fixture
def consumer(ssm_kms):
    return ssm_kms.principal("reader", READ_ALL, account_id=CONSUMER).client("ssm")


def test_put_get_delete_resource_policy(owner):
    put = owner.put_resource_policy(ResourceArn=ARN, Policy=share_policy())
    listed = owner.get_resource_policies(ResourceArn=ARN)["Policies"]
    assert listed == [{"PolicyId": put["PolicyId"], "PolicyHash": put["PolicyHash"], "Policy": share_policy()}]
    # An update names the policy and its current hash; a stale hash is a conflict.
    newer = share_policy(actions=["ssm:GetParameter"])
    assert error_of(owner.put_resource_policy, ResourceArn=ARN, Policy=newer, PolicyId=put["PolicyId"],
                    PolicyHash="0" * 64)[0] == "ResourcePolicyConflictException"
    updated = owner.put_resource_policy(ResourceArn=ARN, Policy=newer, PolicyId=put["PolicyId"], PolicyHash=put["PolicyHash"])
    assert updated["PolicyId"] == put["PolicyId"] and updated["PolicyHash"] != put["PolicyHash"]
    assert error_of(owner.delete_resource_policy, ResourceArn=ARN, PolicyId=put["PolicyId"],
                    PolicyHash=put["PolicyHash"])[0] == "ResourcePolicyConflictException"
    assert error_of(owner.delete_resource_policy, ResourceArn=ARN, PolicyId="nope",
                    PolicyHash=put["PolicyHash"])[0] == "ResourcePolicyNotFoundException"
    owner.delete_resource_policy(ResourceArn=ARN, PolicyId=updated["PolicyId"], PolicyHash=updated["PolicyHash"])
    assert owner.get_resource_policies(ResourceArn=ARN)["Policies"] == []


def test_what_cannot_be_shared(owner):
    owner.put_parameter(Name="/standard", Value="v", Type="String")
    owner.put_parameter(Name="/secret", Value="v", Type="SecureString", Tier="Advanced")
    standard = f"arn:aws:ssm:us-east-1:{OWNER}:parameter/standard"
    secret = f"arn:aws:ssm:us-east-1:{OWNER}:parameter/secret"
    assert error_of(owner.put_resource_policy, ResourceArn=standard, Policy=share_policy(standard))[0] == (
        "ResourcePolicyInvalidParameterException"  # Advanced tier only
    )
    code, message = error_of(owner.put_resource_policy, ResourceArn=secret, Policy=share_policy(secret))
    assert code == "ResourcePolicyInvalidParameterException" and "customer managed key" in message
    missing = f"arn:aws:ssm:us-east-1:{OWNER}:parameter/missing"
    assert error_of(owner.put_resource_policy, ResourceArn=missing, Policy=share_policy(missing))[0] == (
        "ResourceNotFoundException"
    )
    for bad in (share_policy(actions=["ssm:PutParameter"]), share_policy(arn=standard), "not json",
                json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                                    "Action": "ssm:GetParameter", "Resource": ARN}]})):
        assert error_of(owner.put_resource_policy, ResourceArn=ARN, Policy=bad)[0] == (
            "MalformedResourcePolicyDocumentException"
        ), bad


def test_another_account_reads_a_shared_parameter_by_full_arn(owner, consumer):
    # Before any policy: refused, as nothing lets the other account in.
    code, message = error_of(consumer.get_parameter, Name=ARN)
    assert code == "AccessDeniedException" and "no resource-based policy allows" in message
    owner.put_resource_policy(ResourceArn=ARN, Policy=share_policy())
    got = consumer.get_parameter(Name=ARN)["Parameter"]
    assert (got["Name"], got["Value"], got["ARN"]) == ("/shared/config", "v1", ARN)
    answer = consumer.get_parameters(Names=[ARN, f"{ARN}:1"])
    assert [p["Value"] for p in answer["Parameters"]] == ["v1", "v1"]
    # By name alone the consumer reads its own account, where nothing is.
    assert error_of(consumer.get_parameter, Name="/shared/config")[0] == "ParameterNotFound"
    # Read-only, and only the shared actions.
    assert error_of(consumer.get_parameter_history, Name=ARN)[0] == "AccessDeniedException"
    assert error_of(consumer.put_parameter, Name=ARN, Value="x", Type="String", Overwrite=True)[0] == (
        "ValidationException"  # writes take names, never ARNs
    )
    # Put through PutResourcePolicy alone, the share is not listed (RAM has not promoted it).
    assert consumer.describe_parameters(Shared=True)["Parameters"] == []


def test_the_consumers_own_policies_must_allow_too(ssm_kms, owner):
    owner.put_resource_policy(ResourceArn=ARN, Policy=share_policy())
    nothing = ssm_kms.principal("nobody", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}, account_id=CONSUMER).client("ssm")
    code, message = error_of(nothing.get_parameter, Name=ARN)
    assert code == "AccessDeniedException" and "identity-based policy" in message
    third = ssm_kms.principal("stranger", READ_ALL, account_id="333333333333").client("ssm")
    assert error_of(third.get_parameter, Name=ARN)[0] == "AccessDeniedException"


def test_a_ram_share_is_listed_with_shared_true(ssm_kms, owner, consumer):
    ssm_kms.share_parameter("/shared/config", CONSUMER, history=True)
    listed = consumer.describe_parameters(Shared=True)["Parameters"]
    assert [(p["Name"], p["ARN"], p["Tier"]) for p in listed] == [(ARN, ARN, "Advanced")]
    assert consumer.describe_parameters()["Parameters"] == []  # its own parameters: none
    history = consumer.get_parameter_history(Name=ARN)["Parameters"]
    assert [h["Value"] for h in history] == ["v1"]
    # The owner sees RAM's policy among the parameter's resource policies.
    policies = owner.get_resource_policies(ResourceArn=ARN)["Policies"]
    assert "ssm:GetParameterHistory" in policies[0]["Policy"]
    with pytest.raises(PluginUsageError, match="advanced parameter tier"):
        owner.put_parameter(Name="/std", Value="v", Type="String")
        ssm_kms.share_parameter("/std", CONSUMER)
    with pytest.raises(PluginUsageError, match="12-digit"):
        ssm_kms.share_parameter("/shared/config", "bob")


def test_a_shared_secure_string_needs_a_key_the_consumer_may_use(ssm_kms, owner, consumer):
    kms = boto3.client("kms")
    key = kms.create_key()["KeyMetadata"]
    owner.put_parameter(Name="/shared/secret", Value="s3cret", Type="SecureString", KeyId=key["KeyId"], Tier="Advanced")
    secret = f"arn:aws:ssm:us-east-1:{OWNER}:parameter/shared/secret"
    owner.put_resource_policy(ResourceArn=secret, Policy=share_policy(secret))
    # Shared, but the key's policy does not let the consumer decrypt.
    assert consumer.get_parameter(Name=secret)["Parameter"]["Value"] != "s3cret"
    assert error_of(consumer.get_parameter, Name=secret, WithDecryption=True)[0] == "AccessDeniedException"
    policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    policy["Statement"].append({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{CONSUMER}:root"},
                                "Action": "kms:Decrypt", "Resource": "*"})
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(policy))
    assert consumer.get_parameter(Name=secret, WithDecryption=True)["Parameter"]["Value"] == "s3cret"
    decrypts = [r for r in ssm_kms.trail.lookup(event_name="Decrypt") if r.get("errorCode") is None]
    assert decrypts and decrypts[-1]["userIdentity"]["accountId"] == CONSUMER


def test_principals_of_another_account(ssm_kms):
    other = ssm_kms.principal("reader", READ_ALL, account_id=CONSUMER)
    assert other.arn == f"arn:aws:iam::{CONSUMER}:user/reader"
    ssm = other.client("ssm")
    ssm.put_parameter(Name="/mine", Value="v", Type="String")
    assert ssm.describe_parameters()["Parameters"][0]["ARN"] == f"arn:aws:ssm:us-east-1:{CONSUMER}:parameter/mine"
    assert boto3.client("ssm").describe_parameters()["Parameters"] == []  # the main account's: none
    # The same name in two accounts is two principals.
    assert ssm_kms.principal("reader", READ_ALL).arn == f"arn:aws:iam::{OWNER}:user/reader"
    with pytest.raises(PluginUsageError, match="12 digits"):
        ssm_kms.principal("x", READ_ALL, account_id="12")
