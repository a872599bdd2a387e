"""Roles and AssumeRole as deployment code and least-privilege tests use them: through real
boto3 clients, with AWS's texts for every refusal."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, ParamValidationError

from pytest_ssmkms import PluginUsageError, SsmKms, mock_ssm_kms

READ_APP = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:*:*:parameter/app/*"}],
}
MAY_ASSUME = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
}


def _trust(principal: str, **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def _client(credentials: dict[str, Any], service: str = "ssm") -> Any:
    return boto3.client(
        service,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def _denied(caught: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    error: dict[str, Any] = caught.value.response["Error"]
    return error


def test_assume_role_gives_temporary_credentials_that_act_as_the_role(ssm_kms: SsmKms) -> None:
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/app/db", Value="pw", Type="String")
    ssm.put_parameter(Name="/other/db", Value="pw", Type="String")
    app = ssm_kms.role("app", READ_APP)
    assert app.arn == f"arn:aws:iam::{ssm_kms.account_id}:role/app"
    answer = boto3.client("sts").assume_role(RoleArn=app.arn, RoleSessionName="deploy-1")
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["AccessKeyId"]) == 20
    assert len(credentials["SecretAccessKey"]) == 40 and credentials["SessionToken"]
    expected = ssm_kms.clock.now() + timedelta(seconds=3600)
    assert abs((credentials["Expiration"] - expected).total_seconds()) < 2
    session_arn = f"arn:aws:sts::{ssm_kms.account_id}:assumed-role/app/deploy-1"
    assert answer["AssumedRoleUser"] == {"AssumedRoleId": f"{app.unique_id}:deploy-1", "Arn": session_arn}
    assert answer["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    assert "PackedPolicySize" not in answer
    who = _client(credentials, "sts").get_caller_identity()
    assert (who["Arn"], who["UserId"]) == (session_arn, f"{app.unique_id}:deploy-1")
    assert _client(credentials).get_parameter(Name="/app/db")["Parameter"]["Value"] == "pw"
    with pytest.raises(ClientError) as caught:
        _client(credentials).get_parameter(Name="/other/db")
    assert _denied(caught)["Message"] == (
        f"User: {session_arn} is not authorized to perform: ssm:GetParameter on resource: "
        f"arn:aws:ssm:{ssm_kms.region}:{ssm_kms.account_id}:parameter/other/db "
        "because no identity-based policy allows the ssm:GetParameter action"
    )


def test_the_default_trust_needs_an_identity_policy_allowing_assume_role(ssm_kms: SsmKms) -> None:
    deployer = ssm_kms.role("deployer", READ_APP)
    alice = ssm_kms.principal("alice", READ_APP)
    with pytest.raises(ClientError) as caught:
        alice.client("sts").assume_role(RoleArn=deployer.arn, RoleSessionName="s1")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert _denied(caught) == {
        "Type": "Sender",
        "Code": "AccessDenied",
        "Message": f"User: {alice.arn} is not authorized to perform: sts:AssumeRole on resource: {deployer.arn}",
    }
    alice.attach_policy(MAY_ASSUME)
    assert alice.client("sts").assume_role(RoleArn=deployer.arn, RoleSessionName="s1")["Credentials"]
    record = ssm_kms.trail.lookup(event_name="AssumeRole")[0]
    assert record["errorCode"] == "AccessDenied"
    assert record["errorMessage"].startswith(f"User: {alice.arn} is not authorized")


def test_a_role_that_does_not_exist_is_refused_alike(ssm_kms: SsmKms) -> None:
    missing = f"arn:aws:iam::{ssm_kms.account_id}:role/missing"
    alice = ssm_kms.principal("alice", MAY_ASSUME)
    with pytest.raises(ClientError) as caught:
        alice.client("sts").assume_role(RoleArn=missing, RoleSessionName="s1")
    assert _denied(caught)["Message"] == (
        f"User: {alice.arn} is not authorized to perform: sts:AssumeRole on resource: {missing}"
    )


def test_a_trust_policy_naming_the_user_is_enough_in_its_account(ssm_kms: SsmKms) -> None:
    alice = ssm_kms.principal("alice")  # no identity policy at all
    bob = ssm_kms.principal("bob", MAY_ASSUME)
    ops = ssm_kms.role("ops", trust=json.dumps(_trust(alice.arn)))
    assert alice.client("sts").assume_role(RoleArn=ops.arn, RoleSessionName="alice-s")["Credentials"]
    with pytest.raises(ClientError) as caught:
        bob.client("sts").assume_role(RoleArn=ops.arn, RoleSessionName="bob-s")
    assert _denied(caught)["Code"] == "AccessDenied"


def test_an_explicit_deny_wins_over_the_trust_policy(ssm_kms: SsmKms) -> None:
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sts:*", "Resource": "*"}]}
    alice = ssm_kms.principal("alice", deny)
    ops = ssm_kms.role("ops", trust=_trust(alice.arn))
    with pytest.raises(ClientError) as caught:
        alice.client("sts").assume_role(RoleArn=ops.arn, RoleSessionName="alice-s")
    assert _denied(caught)["Code"] == "AccessDenied"


@pytest.mark.parametrize(
    ("condition", "allowed", "refused"),
    [
        ({"StringEquals": {"sts:ExternalId": "partner-42"}}, {"ExternalId": "partner-42"}, {}),
        ({"StringEquals": {"sts:ExternalId": "partner-42"}}, {"ExternalId": "partner-42"}, {"ExternalId": "partner-41"}),
        ({"StringLike": {"sts:RoleSessionName": "ci-*"}}, {"RoleSessionName": "ci-7"}, {"RoleSessionName": "me"}),
    ],
)
def test_trust_conditions_on_the_request(
    ssm_kms: SsmKms, condition: dict[str, Any], allowed: dict[str, str], refused: dict[str, str]
) -> None:
    partner = ssm_kms.role("partner", trust=_trust(f"arn:aws:iam::{ssm_kms.account_id}:root", **condition))
    sts = boto3.client("sts")
    assert sts.assume_role(**{"RoleArn": partner.arn, "RoleSessionName": "ci-1", **allowed})["Credentials"]
    with pytest.raises(ClientError) as caught:
        sts.assume_role(**{"RoleArn": partner.arn, "RoleSessionName": "ci-1", **refused})
    assert _denied(caught)["Code"] == "AccessDenied"


def test_trust_conditions_on_the_caller(ssm_kms: SsmKms) -> None:
    alice = ssm_kms.principal("alice", MAY_ASSUME)
    bob = ssm_kms.principal("bob", MAY_ASSUME)
    ops = ssm_kms.role(
        "ops",
        trust=_trust(f"arn:aws:iam::{ssm_kms.account_id}:root", ArnEquals={"aws:PrincipalArn": alice.arn}),
    )
    assert alice.client("sts").assume_role(RoleArn=ops.arn, RoleSessionName="alice-s")["Credentials"]
    with pytest.raises(ClientError):
        bob.client("sts").assume_role(RoleArn=ops.arn, RoleSessionName="bob-s")


def test_duration_seconds_and_its_bounds(ssm_kms: SsmKms) -> None:
    short = ssm_kms.role("short")
    long = ssm_kms.role("long", max_session_duration=43200)
    sts = boto3.client("sts")
    with pytest.raises(ParamValidationError):  # botocore checks the model's minimum (900)
        sts.assume_role(RoleArn=short.arn, RoleSessionName="sess", DurationSeconds=899)
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=short.arn, RoleSessionName="sess", DurationSeconds=7200)
    assert _denied(caught) == {
        "Type": "Sender",
        "Code": "ValidationError",
        "Message": "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    }
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=long.arn, RoleSessionName="sess", DurationSeconds=43201)
    assert _denied(caught)["Code"] == "ValidationError"
    assert _denied(caught)["Message"] == (
        "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy "
        "constraint: Member must have value less than or equal to 43200"
    )
    twelve = sts.assume_role(RoleArn=long.arn, RoleSessionName="sess", DurationSeconds=43200)["Credentials"]
    expected = ssm_kms.clock.now() + timedelta(hours=12)
    assert abs((twelve["Expiration"] - expected).total_seconds()) < 2
    quarter = sts.assume_role(RoleArn=short.arn, RoleSessionName="sess", DurationSeconds=900)["Credentials"]
    assert abs((quarter["Expiration"] - ssm_kms.clock.now()).total_seconds() - 900) < 2


def test_role_chaining_is_limited_to_one_hour(ssm_kms: SsmKms) -> None:
    first = ssm_kms.role("first", MAY_ASSUME, max_session_duration=43200)
    second = ssm_kms.role("second", max_session_duration=43200)
    credentials = boto3.client("sts").assume_role(RoleArn=first.arn, RoleSessionName="one")["Credentials"]
    sts = _client(credentials, "sts")
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=second.arn, RoleSessionName="two", DurationSeconds=3601)
    assert _denied(caught)["Message"] == (
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    )
    chained = sts.assume_role(RoleArn=second.arn, RoleSessionName="two")
    assert chained["AssumedRoleUser"]["Arn"].endswith(":assumed-role/second/two")
    record = ssm_kms.trail.lookup(event_name="AssumeRole")[-1]
    assert record["userIdentity"]["arn"].endswith(":assumed-role/first/one")
    assert record["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] == first.arn


def test_credentials_expire_on_the_backend_clock(ssm_kms: SsmKms) -> None:
    role = ssm_kms.role("app", READ_APP)
    credentials = boto3.client("sts").assume_role(
        RoleArn=role.arn, RoleSessionName="sess", DurationSeconds=900
    )["Credentials"]
    boto3.client("ssm").put_parameter(Name="/app/x", Value="v", Type="String")
    assert _client(credentials).get_parameter(Name="/app/x")["Parameter"]["Value"] == "v"
    ssm_kms.clock.advance(seconds=901)
    with pytest.raises(ClientError) as caught:
        _client(credentials).get_parameter(Name="/app/x")
    assert caught.value.response["Error"]["Code"] == "ExpiredTokenException"
    assert caught.value.response["Error"]["Message"] == "The security token included in the request is expired"
    with pytest.raises(ClientError) as caught:
        _client(credentials, "sts").get_caller_identity()
    assert _denied(caught) == {
        "Type": "Sender",
        "Code": "ExpiredToken",
        "Message": "The security token included in the request is expired",
    }
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_session_policy_narrows_what_the_role_may_do(ssm_kms: SsmKms) -> None:
    ssm = boto3.client("ssm")
    for name in ("/app/db", "/app/other"):
        ssm.put_parameter(Name=name, Value="v", Type="String")
    role = ssm_kms.role("app", READ_APP)
    only_db = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "arn:aws:ssm:*:*:parameter/app/db"}],
    }
    answer = boto3.client("sts").assume_role(RoleArn=role.arn, RoleSessionName="sess", Policy=json.dumps(only_db))
    assert 1 <= answer["PackedPolicySize"] <= 100
    client = _client(answer["Credentials"])
    assert client.get_parameter(Name="/app/db")["Parameter"]["Value"] == "v"
    with pytest.raises(ClientError) as caught:
        client.get_parameter(Name="/app/other")
    assert _denied(caught)["Message"].endswith("because no session policy allows the ssm:GetParameter action")
    with pytest.raises(ClientError) as caught:  # the session policy grants nothing the role lacks
        client.put_parameter(Name="/app/db", Value="w", Type="String", Overwrite=True)
    assert _denied(caught)["Message"].endswith("because no identity-based policy allows the ssm:PutParameter action")


def test_a_malformed_session_policy(ssm_kms: SsmKms) -> None:
    role = ssm_kms.role("app")
    with pytest.raises(ClientError) as caught:
        boto3.client("sts").assume_role(RoleArn=role.arn, RoleSessionName="sess", Policy="{not json")
    assert _denied(caught)["Code"] == "MalformedPolicyDocument"


def test_session_tags_need_tag_session_in_the_trust(ssm_kms: SsmKms) -> None:
    by_team = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:*:*:parameter/${aws:PrincipalTag/team}/*"}],
    }
    root = f"arn:aws:iam::{ssm_kms.account_id}:root"
    plain = ssm_kms.role("plain", by_team, trust=_trust(root))
    tagged_trust = _trust(root)
    tagged_trust["Statement"][0]["Action"] = ["sts:AssumeRole", "sts:TagSession"]
    tagged = ssm_kms.role("tagged", by_team, trust=tagged_trust)
    sts = boto3.client("sts")
    tags = [{"Key": "team", "Value": "blue"}]
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=plain.arn, RoleSessionName="sess", Tags=tags)
    assert _denied(caught)["Message"] == (
        f"User: arn:aws:iam::{ssm_kms.account_id}:user/test-admin is not authorized to perform: "
        f"sts:TagSession on resource: {plain.arn}"
    )
    boto3.client("ssm").put_parameter(Name="/blue/x", Value="v", Type="String")
    boto3.client("ssm").put_parameter(Name="/red/x", Value="v", Type="String")
    client = _client(sts.assume_role(RoleArn=tagged.arn, RoleSessionName="sess", Tags=tags)["Credentials"])
    assert client.get_parameter(Name="/blue/x")["Parameter"]["Value"] == "v"
    with pytest.raises(ClientError):
        client.get_parameter(Name="/red/x")


def test_what_the_mock_does_not_model_is_refused_plainly(ssm_kms: SsmKms) -> None:
    role = ssm_kms.role("app")
    with pytest.raises(ClientError) as caught:
        boto3.client("sts").assume_role(
            RoleArn=role.arn, RoleSessionName="sess", PolicyArns=[{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]
        )
    assert "does not model managed session policies" in _denied(caught)["Message"]


def test_roles_on_the_handle() -> None:
    with mock_ssm_kms() as aws:
        role = aws.role("app", READ_APP)
        assert aws.role("app", READ_APP) is role  # asked again (a shared mock): the same role
        assert json.loads(role.trust_policy)["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{aws.account_id}:root"}
        with pytest.raises(PluginUsageError, match="already exists"):
            aws.role("app")
        with pytest.raises(PluginUsageError, match="Has prohibited field Resource"):
            aws.role("bad", trust={"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}]})
        with pytest.raises(PluginUsageError, match="must name a Principal"):
            aws.role("bad", trust={"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]})
        with pytest.raises(PluginUsageError, match="max_session_duration"):
            aws.role("bad", max_session_duration=100)
        with pytest.raises(PluginUsageError, match="role name"):
            aws.role("no spaces")
        # principal(..., kind="role") keeps making a ready-made session of a role.
        ready = aws.principal("ready", kind="role")
        assert ready.client("sts").get_caller_identity()["Arn"].endswith(":assumed-role/ready/pytest-ssmkms")


def test_attach_policy_applies_to_live_sessions(ssm_kms: SsmKms) -> None:
    boto3.client("ssm").put_parameter(Name="/app/x", Value="v", Type="String")
    role = ssm_kms.role("app")
    client = _client(boto3.client("sts").assume_role(RoleArn=role.arn, RoleSessionName="sess")["Credentials"])
    with pytest.raises(ClientError):
        client.get_parameter(Name="/app/x")
    role.attach_policy(READ_APP)
    assert client.get_parameter(Name="/app/x")["Parameter"]["Value"] == "v"


def test_without_enforcement_any_existing_role_can_be_assumed() -> None:
    with mock_ssm_kms(enforce_permissions=False) as aws:
        closed = aws.role("closed", trust=_trust(f"arn:aws:iam::{aws.account_id}:user/nobody"))
        assert boto3.client("sts").assume_role(RoleArn=closed.arn, RoleSessionName="sess")["Credentials"]
        with pytest.raises(ClientError):
            boto3.client("sts").assume_role(RoleArn=closed.arn + "-missing", RoleSessionName="sess")


def test_roles_and_sessions_name_the_partition_of_the_mocks_region() -> None:
    with mock_ssm_kms(region="cn-north-1") as aws:
        role = aws.role("app")
        assert role.arn == f"arn:aws-cn:iam::{aws.account_id}:role/app"
        assert json.loads(role.trust_policy)["Statement"][0]["Principal"] == {"AWS": f"arn:aws-cn:iam::{aws.account_id}:root"}
        sts = boto3.client("sts", region_name="cn-north-1")
        answer = sts.assume_role(RoleArn=role.arn, RoleSessionName="sess")
        assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws-cn:sts::{aws.account_id}:assumed-role/app/sess"
        assert _client(answer["Credentials"], "sts").get_caller_identity()["Arn"] == answer["AssumedRoleUser"]["Arn"]
