"""Partitions: in aws-cn, aws-us-gov and the ISO Regions every ARN names the Region's partition
(parameters, keys, aliases, principals, the PARAMETER_ARN encryption context, trail records)."""

from __future__ import annotations

import json

import boto3
import pytest

from pytest_ssmkms import mock_ssm_kms
from pytest_ssmkms.aws.partitions import partition_id

ACCOUNT = "111122223333"

CASES = [
    ("cn-north-1", "aws-cn", "amazonaws.com.cn"),
    ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
    ("us-iso-east-1", "aws-iso", "c2s.ic.gov"),
    ("us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"),
    ("us-east-1", "aws", "amazonaws.com"),
]


@pytest.mark.parametrize(("region", "partition", "suffix"), CASES)
def test_every_arn_names_the_regions_partition(region: str, partition: str, suffix: str) -> None:
    assert partition_id(region) == partition
    with mock_ssm_kms(region=region, account_id=ACCOUNT) as aws:
        ssm = boto3.client("ssm", region_name=region)
        kms = boto3.client("kms", region_name=region)
        key = kms.create_key()["KeyMetadata"]
        assert key["Arn"] == f"arn:{partition}:kms:{region}:{ACCOUNT}:key/{key['KeyId']}"
        kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
        aliases = {a["AliasName"]: a["AliasArn"] for a in kms.list_aliases()["Aliases"]}
        assert aliases["alias/app"] == f"arn:{partition}:kms:{region}:{ACCOUNT}:alias/app"
        assert aliases["alias/aws/ssm"] == f"arn:{partition}:kms:{region}:{ACCOUNT}:alias/aws/ssm"
        policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
        assert policy["Statement"][0]["Principal"] == {"AWS": f"arn:{partition}:iam::{ACCOUNT}:root"}
        grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=f"arn:{partition}:iam::{ACCOUNT}:root",
                                 Operations=["Decrypt"])
        listed = kms.list_grants(KeyId=key["KeyId"])["Grants"]
        assert [g["IssuingAccount"] for g in listed if g["GrantId"] == grant["GrantId"]] == [
            f"arn:{partition}:iam::{ACCOUNT}:root"
        ]

        ssm.put_parameter(Name="/app/secret", Value="s3cret", Type="SecureString", KeyId="alias/app")
        ssm.put_parameter(Name="/app/default", Value="s3cret", Type="SecureString")
        arn = f"arn:{partition}:ssm:{region}:{ACCOUNT}:parameter/app/secret"
        got = ssm.get_parameter(Name="/app/secret", WithDecryption=True)["Parameter"]
        assert (got["ARN"], got["Value"]) == (arn, "s3cret")
        # A read by the partition's ARN is a read of this account's parameter.
        assert ssm.get_parameter(Name=arn)["Parameter"]["Name"] == "/app/secret"
        assert ssm.describe_parameters()["Parameters"][0]["ARN"].startswith(f"arn:{partition}:ssm:")
        assert ssm.get_parameters(Names=["/app/default"])["Parameters"][0]["ARN"] == (
            f"arn:{partition}:ssm:{region}:{ACCOUNT}:parameter/app/default"
        )
        # The default key's policy lets principals use it through SSM in this partition.
        managed = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]
        managed_policy = json.loads(kms.get_key_policy(KeyId=managed["KeyId"], PolicyName="default")["Policy"])
        via = managed_policy["Statement"][0]["Condition"]["StringEquals"]["kms:ViaService"]
        assert via == f"ssm.{region}.{suffix}"
        assert managed_policy["Statement"][1]["Principal"] == {"AWS": f"arn:{partition}:iam::{ACCOUNT}:root"}

        # The encryption context SSM gave KMS names the parameter's ARN in the partition.
        encrypts = aws.trail.lookup(event_name="Encrypt", event_source="kms.amazonaws.com")
        assert encrypts[0]["requestParameters"]["encryptionContext"] == {"PARAMETER_ARN": arn}
        record = aws.trail.lookup(event_name="GetParameter")[0]
        assert {r["ARN"] for r in record["resources"]} == {arn}
        assert record["userIdentity"]["arn"].startswith(f"arn:{partition}:iam::{ACCOUNT}:user/")
        decrypt = aws.trail.lookup(event_name="Decrypt")[0]
        assert {r["ARN"] for r in decrypt["resources"]} == {key["Arn"]}


@pytest.mark.parametrize(("region", "partition"), [("cn-northwest-1", "aws-cn"), ("us-gov-east-1", "aws-us-gov")])
def test_principals_and_roles_live_in_the_partition(region: str, partition: str) -> None:
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*"}]}
    with mock_ssm_kms(region=region, account_id=ACCOUNT) as aws:
        alice = aws.principal("alice", allow)
        assert alice.arn == f"arn:{partition}:iam::{ACCOUNT}:user/alice"
        ssm = alice.session().client("ssm", region_name=region)
        ssm.put_parameter(Name="/p", Value="v", Type="String")
        described = ssm.describe_parameters()["Parameters"][0]
        assert described["LastModifiedUser"] == alice.arn
        # A policy naming the standard partition's ARNs does not match this partition's.
        other = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "ssm:GetParameter",
            "Resource": f"arn:aws:ssm:{region}:{ACCOUNT}:parameter/p"}]}
        bob = aws.principal("bob", other)
        code = None
        try:
            bob.session().client("ssm", region_name=region).get_parameter(Name="/p")
        except Exception as error:  # botocore's ClientError
            code = getattr(error, "response", {}).get("Error", {}).get("Code")
        assert code == "AccessDeniedException"


def test_a_parameter_arn_of_another_partition_is_not_found_here() -> None:
    with mock_ssm_kms(region="cn-north-1", account_id=ACCOUNT):
        ssm = boto3.client("ssm", region_name="cn-north-1")
        ssm.put_parameter(Name="/p", Value="v", Type="String")
        answer = ssm.get_parameters(Names=[f"arn:aws-cn:ssm:cn-north-1:{ACCOUNT}:parameter/p",
                                           f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/p"])
        assert [p["Name"] for p in answer["Parameters"]] == ["/p"]
        assert answer["InvalidParameters"] == [f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/p"]
