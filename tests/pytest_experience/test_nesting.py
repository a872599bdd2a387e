"""Fixtures that each open a mock see one AWS; the plugin's own scopes stay separate."""

from __future__ import annotations

import pytest

from tests.pytest_experience.runner import run


def test_fixtures_that_each_open_the_mock_see_one_aws(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import boto3
        import pytest
        from pytest_ssmkms import mock_ssm_kms

        @pytest.fixture
        def key_id():
            with mock_ssm_kms():
                yield boto3.client("kms").create_key()["KeyMetadata"]["KeyId"]

        @pytest.fixture
        def secret(key_id):
            with mock_ssm_kms():
                boto3.client("ssm").put_parameter(
                    Name="/app/secret", Value="s3cret", Type="SecureString", KeyId=key_id
                )
                yield "/app/secret"
        """
    )
    pytester.makepyfile(
        """
        import boto3
        import pytest
        from pytest_ssmkms import mock_ssm_kms

        def test_one_aws(secret, key_id):
            got = boto3.client("ssm").get_parameter(Name=secret, WithDecryption=True)
            assert got["Parameter"]["Value"] == "s3cret"
            assert boto3.client("kms").describe_key(KeyId=key_id)["KeyMetadata"]["Enabled"]

        def test_the_fixture_joins_a_mock_a_fixture_opened(secret, ssm_kms):
            got = boto3.client("ssm").get_parameter(Name=secret, WithDecryption=True)
            assert got["Parameter"]["Value"] == "s3cret"
            ssm_kms.trail.assert_called("PutParameter", times=1)

        @pytest.mark.kms_key(alias="alias/marked")
        def test_markers_seed_the_joined_aws(secret):
            # The marker's ssm_kms starts first; the fixtures' mocks join it.
            boto3.client("kms").describe_key(KeyId="alias/marked")
            boto3.client("ssm").get_parameter(Name=secret)

        def test_a_mock_opened_in_the_test_joins_the_fixture(ssm_kms):
            with mock_ssm_kms() as inner:
                inner.put_parameter("/inner", "1")
            assert ssm_kms.world is inner.world
            assert boto3.client("ssm").get_parameter(Name="/inner")["Parameter"]["Value"] == "1"

        def test_state_does_not_leak_between_tests(ssm_kms):
            assert boto3.client("ssm").describe_parameters()["Parameters"] == []
        """
    )
    run(pytester).assert_outcomes(passed=5)


def test_the_fixture_inside_a_wider_scope_is_its_own(pytester: pytest.Pytester) -> None:
    # The plugin's scopes never join: what ran before a test must not decide what it sees.
    pytester.makepyfile(
        """
        import boto3
        from pytest_ssmkms import mock_ssm_kms

        def test_1_module(ssm_kms_module):
            ssm_kms_module.put_parameter("/module", "m")
            with mock_ssm_kms() as inner:
                assert inner.world is ssm_kms_module.world

        def test_2_function(ssm_kms):
            assert boto3.client("ssm").describe_parameters()["Parameters"] == []
        """
    )
    run(pytester).assert_outcomes(passed=2)


def test_a_conflicting_fixture_names_where_its_setting_came_from(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pytest_ssmkms import mock_ssm_kms

        @pytest.fixture
        def outer():
            with mock_ssm_kms(account_id="111122223333") as aws:
                yield aws

        @pytest.mark.ssm_kms(account_id="444455556666")
        def test_conflict(outer, ssm_kms):
            pass

        def test_same_account_joins(outer, ssm_kms):
            assert ssm_kms.account_id == "111122223333" and ssm_kms.world is outer.world
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ssm_kms(account_id='444455556666') on test_a_conflicting_fixture_names_where_its"
            "_setting_came_from.py::test_conflict: account_id='444455556666': this mock_ssm_kms"
            " starts while another is active (its account_id is '111122223333') and joins it*"
        ]
    )
