"""While active, fake credentials and region are in place; afterwards everything is restored."""

from __future__ import annotations

import os
import sys

import boto3
import pytest

from pytest_ssmkms import PluginUsageError, mock_ssm_kms
from pytest_ssmkms.adapters.activation import active_world


def test_environment_is_set_and_restored(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    with mock_ssm_kms(region="ap-south-1"):
        assert os.environ["AWS_ACCESS_KEY_ID"] != "AKIAREALKEY"
        assert "AWS_PROFILE" not in os.environ
        assert os.environ["AWS_DEFAULT_REGION"] == "ap-south-1"
        assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
        assert boto3.client("ssm").meta.region_name == "ap-south-1"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREALKEY"
    assert os.environ["AWS_PROFILE"] == "production"
    assert "AWS_DEFAULT_REGION" not in os.environ


def test_decorator_on_functions_and_classes():
    @mock_ssm_kms(region="us-west-2", account_id="111122223333")
    def body() -> str:
        ssm = boto3.client("ssm")
        ssm.put_parameter(Name="p", Value="v", Type="String")
        return ssm.get_parameter(Name="p")["Parameter"]["ARN"]

    assert body() == "arn:aws:ssm:us-west-2:111122223333:parameter/p"
    assert active_world() is None

    @mock_ssm_kms()
    class Suite:
        def test_one(self) -> object:
            return active_world()

        def helper(self) -> object:
            return active_world()

    assert Suite().test_one() is not None
    assert Suite().helper() is None


def test_bad_configuration_is_refused_with_the_accepted_form():
    with pytest.raises(PluginUsageError, match="12-digit"):
        mock_ssm_kms(account_id="123")


def test_no_mock_means_no_interference():
    assert active_world() is None
    # Without a mock the hook is inert: botocore sends as usual. Prove it without the network
    # by pointing a client at a port nothing listens on.
    import botocore.exceptions

    client = boto3.client(
        "ssm",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        config=botocore.config.Config(retries={"max_attempts": 0}, connect_timeout=1),
    )
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        client.get_parameter(Name="x")


def test_default_boto3_session_is_kept():
    previous = boto3.DEFAULT_SESSION
    try:
        boto3.setup_default_session(region_name="us-east-1")
        before = boto3.DEFAULT_SESSION
        with mock_ssm_kms():
            boto3.client("ssm").put_parameter(Name="/kept", Value="1", Type="String")
        assert boto3.DEFAULT_SESSION is before
    finally:
        # A default session pinned to us-east-1 would send later tests' boto3.client() calls
        # there, whatever region their mock is configured with.
        boto3.DEFAULT_SESSION = previous


def test_nothing_happens_at_import_time(pytester):
    pytester.makepyfile(
        check="""
        import os, botocore.handlers, botocore.endpoint
        before = list(botocore.handlers.BUILTIN_HANDLERS)
        env = dict(os.environ)
        import pytest_ssmkms
        assert botocore.handlers.BUILTIN_HANDLERS == before
        assert dict(os.environ) == env
        assert not hasattr(botocore.endpoint.Endpoint._send, "__wrapped__")
        print("clean")
        """
    )
    result = pytester.run(sys.executable, "-c", "import check", )
    assert result.ret == 0, result.stderr.str()
    result.stdout.fnmatch_lines(["clean"])
