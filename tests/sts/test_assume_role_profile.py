"""AssumeRole through botocore's own credential machinery: a profile with ``role_arn`` and
``source_profile``, as deployment code and the CLI configure it. botocore calls AssumeRole
itself, caches the temporary credentials and refreshes them before they expire."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms import SsmKms
from tests.sts.test_assume_role import MAY_ASSUME, READ_APP


def _config(tmp_path: Path, key_id: str, secret: str, role_arn: str, extra: str = "") -> Path:
    path = tmp_path / "config"
    path.write_text(
        "[profile deployer]\n"
        f"aws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
        "[profile app]\n"
        f"role_arn = {role_arn}\nsource_profile = deployer\nrole_session_name = app-session\n{extra}"
    )
    return path


def test_a_role_profile_acts_as_the_role_session(
    ssm_kms: SsmKms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    boto3.client("ssm").put_parameter(Name="/app/db", Value="pw", Type="SecureString")
    boto3.client("ssm").put_parameter(Name="/other/db", Value="pw", Type="String")
    deployer = ssm_kms.principal("deployer", MAY_ASSUME)
    role = ssm_kms.role("app", READ_APP, {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}],
    })
    monkeypatch.setenv("AWS_CONFIG_FILE", str(_config(
        tmp_path, deployer.access_key_id, deployer.secret_access_key, role.arn)))
    session = boto3.Session(profile_name="app")
    who = session.client("sts").get_caller_identity()
    assert who["Arn"] == f"arn:aws:sts::{ssm_kms.account_id}:assumed-role/app/app-session"
    ssm = session.client("ssm")
    assert ssm.get_parameter(Name="/app/db", WithDecryption=True)["Parameter"]["Value"] == "pw"
    with pytest.raises(ClientError) as caught:
        ssm.get_parameter(Name="/other/db")
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    # botocore made the AssumeRole call, signed with the source profile's keys.
    assumed = ssm_kms.trail.lookup(event_name="AssumeRole")
    assert len(assumed) == 1
    assert assumed[0]["userIdentity"]["arn"] == deployer.arn
    reads = ssm_kms.trail.lookup(event_name="GetParameter")
    assert reads[-1]["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] == role.arn


def test_a_role_profile_whose_source_may_not_assume_is_refused(
    ssm_kms: SsmKms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stranger = ssm_kms.principal("stranger")  # no identity policy allows sts:AssumeRole
    role = ssm_kms.role("app", READ_APP)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(_config(
        tmp_path, stranger.access_key_id, stranger.secret_access_key, role.arn)))
    with pytest.raises(ClientError) as caught:
        boto3.Session(profile_name="app").client("ssm").get_parameter(Name="/app/db")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert "is not authorized to perform: sts:AssumeRole" in caught.value.response["Error"]["Message"]


def test_botocore_asks_again_when_the_credentials_near_expiry(
    ssm_kms: SsmKms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    boto3.client("ssm").put_parameter(Name="/app/db", Value="pw", Type="String")
    deployer = ssm_kms.principal("deployer", MAY_ASSUME)
    role = ssm_kms.role("app", READ_APP)
    # 900 s is AssumeRole's shortest session: inside botocore's 15-minute advisory window, so
    # every call asks for fresh credentials (botocore compares with the real clock).
    monkeypatch.setenv("AWS_CONFIG_FILE", str(_config(
        tmp_path, deployer.access_key_id, deployer.secret_access_key, role.arn,
        "duration_seconds = 900\n")))
    ssm = boto3.Session(profile_name="app").client("ssm")
    for _ in range(2):
        assert ssm.get_parameter(Name="/app/db")["Parameter"]["Value"] == "pw"
    calls = ssm_kms.trail.lookup(event_name="AssumeRole")
    assert len(calls) >= 2
    assert all(call["requestParameters"]["durationSeconds"] == 900 for call in calls)
