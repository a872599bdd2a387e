"""STS in the trail as CloudTrail records it, and sessions from botocore's own assume-role
credential machinery (a config profile with role_arn and source_profile)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import boto3
import pytest

from pytest_ssmkms import SsmKms

READ_APP = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:*:*:parameter/app/*"},
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"},
    ],
}
MAY_ASSUME = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
}


def test_assume_role_records_credentials_without_the_secret(ssm_kms: SsmKms) -> None:
    role = ssm_kms.role("app", READ_APP)
    alice = ssm_kms.principal("alice", MAY_ASSUME)
    answer = alice.client("sts").assume_role(
        RoleArn=role.arn, RoleSessionName="deploy", DurationSeconds=900, ExternalId="ext-1"
    )
    credentials = answer["Credentials"]
    record = ssm_kms.trail.assert_called("AssumeRole", times=1)
    record = ssm_kms.trail.lookup(event_name="AssumeRole", event_source="sts.amazonaws.com")[0]
    assert record["userIdentity"]["arn"] == alice.arn
    assert record["requestParameters"] == {
        "roleArn": role.arn, "roleSessionName": "deploy", "durationSeconds": 900, "externalId": "ext-1",
    }
    elements = record["responseElements"]
    # Real AssumeRole records show accessKeyId, sessionToken and the expiration, never the
    # secret access key (which the model marks sensitive).
    assert set(elements["credentials"]) == {"accessKeyId", "sessionToken", "expiration"}
    assert elements["credentials"]["accessKeyId"] == credentials["AccessKeyId"]
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M", elements["credentials"]["expiration"])
    assert elements["assumedRoleUser"] == {
        "assumedRoleId": answer["AssumedRoleUser"]["AssumedRoleId"],
        "arn": answer["AssumedRoleUser"]["Arn"],
    }
    assert record["resources"] == [{"accountId": ssm_kms.account_id, "type": "AWS::IAM::Role", "ARN": role.arn}]
    assert record["readOnly"] is True
    everything = json.dumps(list(ssm_kms.trail)) + repr(ssm_kms.trail) + repr(ssm_kms.trail.calls)
    assert credentials["SecretAccessKey"] not in everything
    assert ssm_kms.trail.lookup(resource_name=role.arn) == [record]


def test_calls_made_with_assumed_credentials_name_their_session_issuer(ssm_kms: SsmKms) -> None:
    key = boto3.client("kms").create_key()["KeyMetadata"]["KeyId"]
    boto3.client("ssm").put_parameter(Name="/app/secret", Value="s3cret", Type="SecureString", KeyId=key)
    role = ssm_kms.role("app", READ_APP)
    answer = boto3.client("sts").assume_role(RoleArn=role.arn, RoleSessionName="reader")
    credentials = answer["Credentials"]
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    assert session.client("ssm").get_parameter(Name="/app/secret", WithDecryption=True)["Parameter"]["Value"] == "s3cret"
    for event_name in ("GetParameter", "Decrypt"):
        record = ssm_kms.trail.lookup(event_name=event_name)[-1]
        identity = record["userIdentity"]
        assert identity["type"] == "AssumedRole"
        assert identity["arn"] == answer["AssumedRoleUser"]["Arn"]
        assert identity["principalId"] == answer["AssumedRoleUser"]["AssumedRoleId"]
        assert identity["accessKeyId"] == credentials["AccessKeyId"]
        context = identity["sessionContext"]
        assert context["sessionIssuer"] == {
            "type": "Role",
            "principalId": role.unique_id,
            "arn": role.arn,
            "accountId": ssm_kms.account_id,
            "userName": "app",
        }
        assert context["attributes"]["mfaAuthenticated"] == "false"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", context["attributes"]["creationDate"])
    decrypt = ssm_kms.trail.lookup(event_name="Decrypt")[-1]
    assert decrypt["userIdentity"]["invokedBy"] == "ssm.amazonaws.com"
    assert ssm_kms.trail.lookup(username="reader")  # CloudTrail's Username: the session name


def test_a_profile_that_assumes_a_role(ssm_kms: SsmKms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore's own AssumeRoleProvider: the profile's source credentials call sts:AssumeRole,
    # and the session signs with the temporary credentials it got back.
    boto3.client("ssm").put_parameter(Name="/app/name", Value="demo", Type="String")
    role = ssm_kms.role("app", READ_APP, trust={
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ssm_kms.account_id}:user/ci"},
                       "Action": "sts:AssumeRole"}],
    })
    ci = ssm_kms.principal("ci")
    config = tmp_path / "config"
    config.write_text(
        "[profile ci]\n"
        f"aws_access_key_id = {ci.access_key_id}\n"
        f"aws_secret_access_key = {ci.secret_access_key}\n"
        "[profile app]\n"
        f"role_arn = {role.arn}\n"
        "source_profile = ci\n"
        "role_session_name = app-from-profile\n"
        # Over 15 minutes: botocore refreshes credentials that close to their expiration.
        "duration_seconds = 1800\n"
        f"region = {ssm_kms.region}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    session = boto3.Session(profile_name="app")
    assert session.client("ssm").get_parameter(Name="/app/name")["Parameter"]["Value"] == "demo"
    who = session.client("sts").get_caller_identity()
    assert who["Arn"] == f"arn:aws:sts::{ssm_kms.account_id}:assumed-role/app/app-from-profile"
    assume = ssm_kms.trail.lookup(event_name="AssumeRole")
    assert len(assume) == 1 and assume[0]["userIdentity"]["arn"] == ci.arn
    assert assume[0]["requestParameters"]["durationSeconds"] == 1800
    read = ssm_kms.trail.lookup(event_name="GetParameter")[-1]
    assert read["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] == role.arn
