"""The plugin in async tests: the ``ssm_kms`` fixture and markers under pytest-asyncio and
anyio, ``async with mock_ssm_kms()``, ``unittest.IsolatedAsyncioTestCase``, and the handle's
and principals' async sessions and clients."""

from __future__ import annotations

import unittest

import pytest

pytest.importorskip("aiobotocore")
pytest.importorskip("pytest_asyncio")

from botocore.exceptions import ClientError  # noqa: E402

from pytest_ssmkms import SsmKms, mock_ssm_kms  # noqa: E402
from pytest_ssmkms.adapters.activation import active_world  # noqa: E402

READ_APP = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:*:*:parameter/app/*"}],
}


@pytest.mark.asyncio
@pytest.mark.kms_key(alias="alias/app")
@pytest.mark.ssm_parameter("/app/db/password", "s3cret", type="SecureString", key_id="alias/app")
async def test_markers_seed_the_fixture_of_a_pytest_asyncio_test(ssm_kms: SsmKms) -> None:
    async with ssm_kms.aio_client("ssm") as ssm:
        got = await ssm.get_parameter(Name="/app/db/password", WithDecryption=True)
    assert got["Parameter"]["Value"] == "s3cret"
    ssm_kms.trail.assert_called("GetParameter", times=1)
    ssm_kms.trail.assert_called("Decrypt", times=1)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # trio is not a dependency; aiobotocore runs on asyncio


@pytest.mark.anyio
@pytest.mark.ssm_parameter("/app/feature", "on")
async def test_the_fixture_and_markers_in_an_anyio_test(ssm_kms: SsmKms) -> None:
    async with ssm_kms.aio_client("ssm", region_name="eu-west-1") as ssm:
        await ssm.put_parameter(Name="/app/feature", Value="eu", Type="String")
    async with ssm_kms.aio_client("ssm") as ssm:
        assert (await ssm.get_parameter(Name="/app/feature"))["Parameter"]["Value"] == "on"
    assert ssm_kms.client("ssm", region_name="eu-west-1").get_parameter(Name="/app/feature")["Parameter"]["Value"] == "eu"


@pytest.mark.asyncio
async def test_async_with_mock_ssm_kms() -> None:
    async with mock_ssm_kms(region="eu-central-1") as aws:
        assert active_world() is aws.world
        async with aws.aio_client("kms") as kms:
            key = (await kms.create_key())["KeyMetadata"]
        assert key["Arn"].startswith("arn:aws:kms:eu-central-1:")
    assert active_world() is None


@pytest.mark.asyncio
async def test_a_principal_s_async_client_acts_as_the_principal(ssm_kms: SsmKms) -> None:
    ssm_kms.client("ssm").put_parameter(Name="/app/db", Value="pw", Type="String")
    ssm_kms.client("ssm").put_parameter(Name="/other/db", Value="pw", Type="String")
    app = ssm_kms.principal("app", READ_APP)
    async with app.aio_client("ssm") as ssm:
        assert (await ssm.get_parameter(Name="/app/db"))["Parameter"]["Value"] == "pw"
        with pytest.raises(ClientError) as caught:
            await ssm.get_parameter(Name="/other/db")
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    assert f"User: {app.arn} is not authorized" in caught.value.response["Error"]["Message"]
    # A client made from the principal's keys anywhere is the principal too.
    from aiobotocore.session import AioSession

    made = AioSession().create_client(
        "sts", aws_access_key_id=app.access_key_id, aws_secret_access_key=app.secret_access_key
    )
    async with made as sts:
        assert (await sts.get_caller_identity())["Arn"] == app.arn
    (denied,) = ssm_kms.trail.lookup(event_name="GetParameter", error_code="AccessDeniedException")
    assert denied["userIdentity"]["arn"] == app.arn


@mock_ssm_kms()
class IsolatedAsyncTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        from aiobotocore.session import AioSession

        self.session = AioSession()
        async with self.session.create_client("ssm") as ssm:
            await ssm.put_parameter(Name="/set-up", Value="there", Type="String")

    async def test_what_async_set_up_made_is_there(self) -> None:
        async with self.session.create_client("ssm") as ssm:
            assert (await ssm.get_parameter(Name="/set-up"))["Parameter"]["Value"] == "there"

    async def test_each_test_has_a_fresh_mock(self) -> None:
        async with self.session.create_client("ssm") as ssm:
            assert len((await ssm.describe_parameters())["Parameters"]) == 1
