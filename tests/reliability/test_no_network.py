"""While a mock is active nothing leaves the process: a socket guard fails loudly on any
connect, create_connection or name lookup, and records it even where botocore would swallow
the exception and retry."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config

from pytest_ssmkms import UnmockedServiceError, mock_ssm_kms


class NetworkAttempt(AssertionError):
    """Something tried to reach the network during a test that must stay local."""


@pytest.fixture
def socket_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    attempts: list[str] = []

    def refuse(name: str) -> Any:
        def guard(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
            raise NetworkAttempt(f"{name} called with {args!r}: this test must stay in the process")

        return guard

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    yield attempts


def test_the_guard_catches_botocore_traffic_when_no_mock_is_active(socket_guard):
    # The control: without this, the tests below could pass with a guard that sees nothing.
    client = boto3.client(
        "ssm",
        region_name="us-east-1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        config=Config(retries={"total_max_attempts": 1}),
    )
    with pytest.raises(Exception):
        client.get_parameter(Name="x")
    assert socket_guard, "the guard did not see botocore's connection attempt"
    with pytest.raises(NetworkAttempt):
        socket.create_connection(("127.0.0.1", 9))


def test_ssm_kms_and_cloudtrail_stay_local(socket_guard, ssm_kms):
    ssm, kms, trail = boto3.client("ssm"), boto3.client("kms"), boto3.client("cloudtrail")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/local", TargetKeyId=key)
    blob = kms.encrypt(KeyId="alias/local", Plaintext=b"p")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"
    kms.generate_data_key(KeyId=key, KeySpec="AES_256")
    ssm.put_parameter(Name="/local/secure", Value="v", Type="SecureString", KeyId="alias/local")
    ssm.put_parameter(Name="/local/default-key", Value="v", Type="SecureString")
    assert ssm.get_parameter(Name="/local/secure", WithDecryption=True)["Parameter"]["Value"] == "v"
    ssm.get_parameters_by_path(Path="/local", WithDecryption=True)
    assert trail.lookup_events(MaxResults=5)["Events"]
    assert socket_guard == []


@pytest.mark.parametrize(
    ("service", "call"),
    [
        ("s3", lambda c: c.list_buckets()),
        ("sns", lambda c: c.list_topics()),
        ("secretsmanager", lambda c: c.get_secret_value(SecretId="x")),
        ("dynamodb", lambda c: c.list_tables()),
    ],
)
def test_a_service_not_mocked_is_refused_locally(socket_guard, ssm_kms, service, call):
    with pytest.raises(UnmockedServiceError) as caught:
        call(boto3.client(service))
    assert caught.value.service.replace("-", "") == service
    assert socket_guard == []


@pytest.mark.parametrize("name", ["secretsmanager", "secrets-manager"])
def test_passthrough_lets_exactly_the_named_service_out(socket_guard, name):
    # The guard proves the request really left for the network, and only that one.
    with mock_ssm_kms(passthrough=[name]):
        client = boto3.client("secretsmanager", config=Config(retries={"total_max_attempts": 1}))
        with pytest.raises(Exception) as caught:
            client.get_secret_value(SecretId="x")
        assert not isinstance(caught.value, UnmockedServiceError)
        assert socket_guard, "the passthrough request never reached the transport"
        socket_guard.clear()
        with pytest.raises(UnmockedServiceError):
            boto3.client("s3").list_buckets()
        boto3.client("ssm").describe_parameters()
    assert socket_guard == []


def test_client_made_before_the_mock_without_credentials_stays_local(socket_guard, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # the user's machine: no credentials
    client = botocore.session.Session().create_client("kms", region_name="us-east-1")
    with mock_ssm_kms():
        key = client.create_key()["KeyMetadata"]["KeyId"]
        assert client.describe_key(KeyId=key)["KeyMetadata"]["KeyId"] == key
    assert socket_guard == []


def test_credential_lookup_inside_the_mock_never_reaches_instance_metadata(socket_guard, monkeypatch, tmp_path):
    # A developer machine whose configuration would send botocore to the network: a profile
    # that assumes a role, container credentials, and instance metadata left enabled.
    config = tmp_path / "config"
    config.write_text(
        "[profile work]\nrole_arn = arn:aws:iam::999999999999:role/admin\n"
        "source_profile = base\n[profile base]\ncredential_process = /bin/false\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "work")
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.2/creds")
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)
    with mock_ssm_kms():
        # Code under test that clears the test credentials still does not go looking.
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
        assert botocore.session.Session().get_credentials() is None
        ssm = boto3.Session().client("ssm")
        ssm.put_parameter(Name="/creds", Value="v", Type="String")
        assert ssm.get_parameter(Name="/creds")["Parameter"]["Value"] == "v"
    assert socket_guard == []


def test_custom_endpoints_are_answered_in_memory_too(socket_guard, ssm_kms):
    # Code under test pointed at LocalStack or a VPC endpoint is still answered by the mock.
    for url in ("http://127.0.0.1:4566", "https://vpce-0123.ssm.us-east-1.vpce.amazonaws.com"):
        ssm = boto3.client("ssm", endpoint_url=url)
        ssm.put_parameter(Name="/endpoint", Value=url, Type="String", Overwrite=True)
        assert ssm.get_parameter(Name="/endpoint")["Parameter"]["Value"] == url
    kms = boto3.client("kms", endpoint_url="http://localhost:4566")
    assert kms.list_keys()["Keys"] == []
    assert socket_guard == []


def test_async_clients_made_before_and_during_the_mock_stay_local(socket_guard: list[str]) -> None:
    """Issue 18's class 10, beside the sync probes: aiobotocore clients, one made before the
    mock with real-looking keys and one from the mock, touch no socket (tests/aio checks more,
    with both HTTP backends and a control)."""
    sessions = pytest.importorskip("aiobotocore.session")
    import asyncio

    async def scenario() -> None:
        early = sessions.AioSession().create_client(
            "ssm", region_name="us-east-1", aws_access_key_id="AKIAREAL", aws_secret_access_key="s")
        async with early as ssm:
            with mock_ssm_kms() as aws:
                async with aws.aio_client("kms") as kms:
                    key = (await kms.create_key())["KeyMetadata"]["KeyId"]
                    await ssm.put_parameter(Name="/s", Value="v", Type="SecureString", KeyId=key)
                    got = await ssm.get_parameter(Name="/s", WithDecryption=True)
                    assert got["Parameter"]["Value"] == "v"

    asyncio.run(scenario())
    assert socket_guard == []
