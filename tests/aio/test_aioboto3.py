"""aioboto3 as async services use it: clients of its sessions, resources' clients, STS's
GetCallerIdentity and AssumeRole, all answered by the test's mock."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("aioboto3")
pytest.importorskip("pytest_asyncio")

import aioboto3  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from pytest_ssmkms import SsmKms  # noqa: E402

pytestmark = pytest.mark.asyncio

READ_APP = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:*:*:parameter/app/*"}],
}


def _session(credentials: dict[str, Any]) -> aioboto3.Session:
    return aioboto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


async def test_get_caller_identity_of_the_default_credentials_and_a_user(ssm_kms: SsmKms) -> None:
    async with aioboto3.Session().client("sts") as sts:
        me = await sts.get_caller_identity()
    assert me["Account"] == ssm_kms.account_id
    assert me["Arn"] == f"arn:aws:iam::{ssm_kms.account_id}:user/test-admin"
    alice = ssm_kms.principal("alice")
    async with aioboto3.Session(botocore_session=alice.aio_session()).client("sts") as sts:
        assert (await sts.get_caller_identity())["Arn"] == alice.arn


async def test_assume_role_and_act_as_the_role_session(ssm_kms: SsmKms) -> None:
    ssm_kms.client("ssm").put_parameter(Name="/app/db", Value="pw", Type="SecureString")
    ssm_kms.client("ssm").put_parameter(Name="/other/db", Value="pw", Type="String")
    app = ssm_kms.role("app", READ_APP, {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}],
    })
    async with aioboto3.Session().client("sts") as sts:
        answer = await sts.assume_role(RoleArn=app.arn, RoleSessionName="deploy-1", DurationSeconds=900)
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    session_arn = f"arn:aws:sts::{ssm_kms.account_id}:assumed-role/app/deploy-1"
    assert answer["AssumedRoleUser"]["Arn"] == session_arn
    role_session = _session(credentials)
    async with role_session.client("sts") as sts, role_session.client("ssm") as ssm:
        assert (await sts.get_caller_identity())["Arn"] == session_arn
        got = await ssm.get_parameter(Name="/app/db", WithDecryption=True)
        assert got["Parameter"]["Value"] == "pw"
        with pytest.raises(ClientError) as caught:
            await ssm.get_parameter(Name="/other/db")
        assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
        ssm_kms.clock.advance(seconds=901)
        with pytest.raises(ClientError) as expired:
            await ssm.get_parameter(Name="/app/db")
        assert expired.value.response["Error"]["Code"] == "ExpiredTokenException"
    (assumed,) = ssm_kms.trail.lookup(event_name="AssumeRole")
    assert assumed["eventSource"] == "sts.amazonaws.com"
    (decrypt,) = ssm_kms.trail.lookup(event_name="Decrypt")
    assert decrypt["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] == app.arn


async def test_assume_role_refused_by_the_trust_policy(ssm_kms: SsmKms) -> None:
    alice = ssm_kms.principal("alice", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    })
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ssm_kms.account_id}:user/bob"},
                       "Action": "sts:AssumeRole"}],
    }
    deployer = ssm_kms.role("deployer", trust=trust)
    async with aioboto3.Session(botocore_session=alice.aio_session()).client("sts") as sts:
        with pytest.raises(ClientError) as caught:
            await sts.assume_role(RoleArn=deployer.arn, RoleSessionName="s1")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert caught.value.response["Error"]["Message"].startswith(f"User: {alice.arn} is not authorized to perform: sts:AssumeRole")
