"""The mock's region: argument, then marker, then ini, then the environment, then us-east-1."""

from __future__ import annotations

import os

import boto3
import pytest

from pytest_ssmkms import mock_ssm_kms
from tests.pytest_experience.runner import run

# A module-level client in the code under test, made at import time in the environment's
# region: it and a client made inside the mock must see one region.
IMPORT_TIME_CLIENT = """
import boto3
import pytest

ssm = boto3.client("ssm")  # made at import time, in the environment's region


def test_both_clients_share_the_region(ssm_kms):
    assert ssm.meta.region_name == "eu-west-1"
    assert ssm_kms.region == "eu-west-1"
    ssm.put_parameter(Name="/app/url", Value="https://eu", Type="String")
    inside = boto3.client("ssm")
    assert inside.meta.region_name == "eu-west-1"
    got = inside.get_parameter(Name="/app/url")["Parameter"]
    assert got["Value"] == "https://eu"
    assert got["ARN"] == "arn:aws:ssm:eu-west-1:123456789012:parameter/app/url"
    assert [r["awsRegion"] for r in ssm_kms.trail] == ["eu-west-1", "eu-west-1"]


@pytest.mark.ssm_parameter("/app/flag", "on")
def test_markers_seed_the_environment_region():
    got = boto3.client("ssm").get_parameter(Name="/app/flag")["Parameter"]
    assert got["ARN"].startswith("arn:aws:ssm:eu-west-1:")
    assert ssm.get_parameter(Name="/app/flag")["Parameter"]["Value"] == "on"


@pytest.mark.ssm_kms(region="ap-south-1")
def test_the_marker_wins(ssm_kms):
    assert ssm_kms.region == "ap-south-1"
    assert boto3.client("ssm").meta.region_name == "ap-south-1"
"""


@pytest.fixture
def eu_west_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.delenv("AWS_REGION", raising=False)


@pytest.mark.usefixtures("eu_west_1")
def test_an_import_time_client_and_the_mock_share_the_environment_region(pytester):
    pytester.makepyfile(test_app=IMPORT_TIME_CLIENT)
    run(pytester).assert_outcomes(passed=3)


@pytest.mark.usefixtures("eu_west_1")
def test_the_ini_option_wins_over_the_environment(pytester):
    pytester.makeini("[pytest]\nssm_kms_region = us-west-2\n")
    pytester.makepyfile(
        test_ini="""
        import boto3

        def test_ini(ssm_kms):
            assert ssm_kms.region == "us-west-2"
            assert boto3.client("ssm").meta.region_name == "us-west-2"
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_without_any_region_it_is_us_east_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    with mock_ssm_kms() as aws:
        assert aws.region == "us-east-1"
        assert boto3.client("ssm").meta.region_name == "us-east-1"


def test_aws_region_is_read_when_aws_default_region_is_not_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    with mock_ssm_kms() as aws:
        assert aws.region == "eu-central-1"
        # Both are set while active, for subprocesses whichever they read.
        assert os.environ["AWS_DEFAULT_REGION"] == os.environ["AWS_REGION"] == "eu-central-1"
    assert "AWS_DEFAULT_REGION" not in os.environ
    assert os.environ["AWS_REGION"] == "eu-central-1"


def test_aws_default_region_wins_over_aws_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-north-1")
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    with mock_ssm_kms() as aws:
        assert aws.region == "eu-north-1"


def test_the_argument_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_ssm_kms(region="ap-northeast-1") as aws:
        assert aws.region == "ap-northeast-1"
        assert os.environ["AWS_DEFAULT_REGION"] == "ap-northeast-1"
    assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-1"


def test_a_decorator_reads_the_environment_when_the_test_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Decorated at import time, run later: the region is the one in place when it runs.
    @mock_ssm_kms()
    def body() -> str:
        return str(boto3.client("ssm").meta.region_name)

    monkeypatch.setenv("AWS_DEFAULT_REGION", "sa-east-1")
    assert body() == "sa-east-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ca-central-1")
    assert body() == "ca-central-1"
