"""The fixture, marker and ini options as a pytest user meets them."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_fixture_defaults_and_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3, pytest

        def test_defaults(ssm_kms):
            assert (ssm_kms.region, ssm_kms.account_id) == ("us-east-1", "123456789012")
            boto3.client("ssm").put_parameter(Name="/a", Value="b", Type="String")

        @pytest.mark.ssm_kms(region="us-west-2", account_id="111122223333")
        def test_marker(ssm_kms):
            assert (ssm_kms.region, ssm_kms.account_id) == ("us-west-2", "111122223333")
            assert boto3.client("ssm").meta.region_name == "us-west-2"
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_ini_options(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        ssm_kms_region = eu-central-1
        ssm_kms_account_id = 999988887777
        """
    )
    pytester.makepyfile(
        """
        def test_ini(ssm_kms):
            assert (ssm_kms.region, ssm_kms.account_id) == ("eu-central-1", "999988887777")
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_unknown_marker_argument_says_what_is_accepted(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.ssm_kms(regoin="us-west-2")
        def test_typo(ssm_kms):
            pass
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=1)
    result.stdout.no_fnmatch_line("*During handling*")
    result.stdout.fnmatch_lines(["*unknown argument(s) regoin; accepted: region, account_id*"])


def test_state_does_not_leak_between_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3, pytest
        from botocore.exceptions import ClientError

        def test_first(ssm_kms):
            boto3.client("ssm").put_parameter(Name="/leak", Value="x", Type="String")

        def test_second(ssm_kms):
            with pytest.raises(ClientError):
                boto3.client("ssm").get_parameter(Name="/leak")
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=2)


def test_s3_call_fails_fast_naming_s3(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        def test_s3(ssm_kms):
            boto3.client("s3").list_buckets()
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*UnmockedServiceError*s3 ListBuckets*passthrough*"])
