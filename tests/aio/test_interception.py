"""aiobotocore clients are answered by the mock in-process, wherever they were made, on both
of aiobotocore's HTTP backends; each call takes effect once and its answer is awaited."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("aiobotocore")
pytest.importorskip("pytest_asyncio")

from aiobotocore.session import AioSession  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from pytest_ssmkms import UnmockedServiceError, mock_ssm_kms  # noqa: E402
from pytest_ssmkms.adapters import aiobotocore_hook  # noqa: E402
from tests.aio.support import BACKENDS, client  # noqa: E402

pytestmark = [pytest.mark.asyncio, pytest.mark.parametrize("backend", BACKENDS)]


async def test_secure_string_through_kms_and_errors(ssm_kms, backend):
    async with client("ssm", backend) as ssm, client("kms", backend) as kms:
        key = (await kms.create_key())["KeyMetadata"]["KeyId"]
        await ssm.put_parameter(Name="/app/db", Value="s3cret", Type="SecureString", KeyId=key)
        got = await ssm.get_parameter(Name="/app/db", WithDecryption=True)
        assert got["Parameter"]["Value"] == "s3cret"
        blob = (await kms.encrypt(KeyId=key, Plaintext=b"p"))["CiphertextBlob"]
        assert (await kms.decrypt(CiphertextBlob=blob))["Plaintext"] == b"p"
        with pytest.raises(ClientError) as caught:
            await ssm.get_parameter(Name="/missing")
        assert caught.value.response["Error"]["Code"] == "ParameterNotFound"
    # Each call answered exactly once (none took effect and then failed in the client); SSM's
    # own Encrypt and Decrypt on the caller's behalf are recorded beside them, as for boto3.
    assert [c.operation for c in ssm_kms.trail.calls] == [
        "CreateKey", "PutParameter", "Encrypt", "GetParameter", "Decrypt", "Encrypt", "Decrypt",
        "GetParameter",
    ]
    # The same world as sync clients.
    assert ssm_kms.client("ssm").get_parameter(Name="/app/db")["Parameter"]["Type"] == "SecureString"


async def test_client_made_before_the_mock_is_answered(backend):
    session = AioSession()
    async with client("ssm", backend, session=session) as early:
        with mock_ssm_kms() as aws:
            await early.put_parameter(Name="/early", Value="bird", Type="String")
            assert (await early.get_parameter(Name="/early"))["Parameter"]["Value"] == "bird"
            assert len(aws.trail) == 2


async def test_client_without_the_hook_is_answered_by_the_transport_guard(backend):
    # Stands for a client whose session was created before the plugin was installed.
    from pytest_ssmkms.adapters.botocore_hook import before_send

    assert "endpoint" in aiobotocore_hook.installed()
    async with client("ssm", backend, aws_access_key_id="AKIAOLD", aws_secret_access_key="x") as ssm:
        ssm.meta.events.unregister("before-send", before_send)
        with mock_ssm_kms() as aws:
            await ssm.put_parameter(Name="old", Value="client", Type="String")
            assert (await ssm.get_parameter(Name="old"))["Parameter"]["Value"] == "client"
            assert len(aws.trail) == 2


async def test_client_without_any_credentials_is_signed_by_the_mock(monkeypatch, backend):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    async with client("kms", backend) as kms:
        assert kms._request_signer._credentials is None
        with mock_ssm_kms():
            key = (await kms.create_key())["KeyMetadata"]["KeyId"]
            assert (await kms.describe_key(KeyId=key))["KeyMetadata"]["KeyId"] == key


async def test_other_services_are_refused_naming_the_service(ssm_kms, backend):
    async with client("s3", backend) as s3:
        with pytest.raises(UnmockedServiceError, match=r"s3 ListBuckets"):
            await s3.list_buckets()


async def test_calls_from_other_event_loops_and_threads(ssm_kms, backend):
    async def put(name: str) -> None:
        async with client("ssm", backend) as ssm:
            await ssm.put_parameter(Name=name, Value="v", Type="String")

    await asyncio.gather(*(put(f"/gathered/{i}") for i in range(3)))
    await asyncio.to_thread(asyncio.run, put("/other-loop"))
    names = sorted(p["Name"] for p in ssm_kms.client("ssm").describe_parameters()["Parameters"])
    assert names == ["/gathered/0", "/gathered/1", "/gathered/2", "/other-loop"]
