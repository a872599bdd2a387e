"""No async client reaches the network while a mock is active: the socket guard of the sync
probes (tests/reliability/test_no_network.py) fails loudly on any connection or name lookup."""

from __future__ import annotations

import pytest

pytest.importorskip("aiobotocore")
pytest.importorskip("pytest_asyncio")

from aiobotocore.session import AioSession  # noqa: E402

from pytest_ssmkms import UnmockedServiceError, mock_ssm_kms  # noqa: E402
from tests.aio.support import BACKENDS, client  # noqa: E402
from tests.reliability.test_no_network import socket_guard  # noqa: E402,F401 - the fixture

pytestmark = [pytest.mark.asyncio, pytest.mark.parametrize("backend", BACKENDS)]



async def test_the_guard_catches_async_traffic_when_no_mock_is_active(socket_guard, backend):
    # The control: the tests below would pass with a guard that sees nothing.
    async with client("ssm", backend, aws_access_key_id="a", aws_secret_access_key="b") as ssm:
        with pytest.raises(Exception):
            await ssm.get_parameter(Name="x")
    assert socket_guard, "the guard did not see aiobotocore's connection attempt"


async def test_clients_made_before_and_during_the_mock_stay_local(socket_guard, backend):
    # Made before the mock with the developer's own keys (without any, aiobotocore would ask
    # instance metadata while the client is made, before any mock is there to stop it).
    early_session = AioSession()
    early_client = client(
        "ssm", backend, session=early_session, aws_access_key_id="AKIAREAL", aws_secret_access_key="s"
    )
    async with early_client as early:
        with mock_ssm_kms():
            async with client("kms", backend) as kms, client("cloudtrail", backend) as trail:
                key = (await kms.create_key())["KeyMetadata"]["KeyId"]
                await early.put_parameter(Name="/s", Value="v", Type="SecureString", KeyId=key)
                got = await early.get_parameter(Name="/s", WithDecryption=True)
                assert got["Parameter"]["Value"] == "v"
                blob = (await kms.encrypt(KeyId=key, Plaintext=b"p"))["CiphertextBlob"]
                assert (await kms.decrypt(CiphertextBlob=blob))["Plaintext"] == b"p"
                assert (await trail.lookup_events(MaxResults=5))["Events"]
            async with client("s3", backend) as s3:
                with pytest.raises(UnmockedServiceError):
                    await s3.list_buckets()
    assert socket_guard == []


async def test_passthrough_lets_exactly_the_named_service_out(socket_guard, backend):
    with mock_ssm_kms(passthrough=["secretsmanager"]):
        async with client("secretsmanager", backend) as secrets:
            with pytest.raises(Exception) as caught:
                await secrets.get_secret_value(SecretId="x")
            assert not isinstance(caught.value, UnmockedServiceError)
        assert socket_guard, "the passthrough request never reached the transport"
        socket_guard.clear()
        async with client("s3", backend) as s3:
            with pytest.raises(UnmockedServiceError):
                await s3.list_buckets()
        async with client("ssm", backend) as ssm:
            await ssm.describe_parameters()
    assert socket_guard == []
