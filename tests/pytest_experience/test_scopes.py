"""``ssm_kms_module`` and ``ssm_kms_session``: one mock shared by a module or a whole run."""

from __future__ import annotations

import pytest

from tests.pytest_experience.runner import run

pytest_plugins = ["pytester"]


def test_module_scope_is_shared_within_a_module_only(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_one="""
        import boto3, pytest

        def test_put(ssm_kms_module):
            boto3.client("ssm").put_parameter(Name="/shared", Value="1", Type="String")

        def test_sees_it(ssm_kms_module):
            assert boto3.client("ssm").get_parameter(Name="/shared")["Parameter"]["Value"] == "1"
            assert len(ssm_kms_module.trail) == 2  # the trail is shared too
        """,
        test_two="""
        import boto3, pytest

        def test_fresh_module(ssm_kms_module):
            with pytest.raises(boto3.client("ssm").exceptions.ParameterNotFound):
                boto3.client("ssm").get_parameter(Name="/shared")
        """,
    )
    run(pytester).assert_outcomes(passed=3)


def test_session_scope_is_shared_across_modules(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_a="""
        import boto3

        def test_put(ssm_kms_session):
            ssm_kms_session.put_parameter("/from/code", "seeded")
            boto3.client("ssm").put_parameter(Name="/session", Value="1", Type="String")
        """,
        test_b="""
        import boto3

        def test_sees_it(ssm_kms_session):
            ssm = boto3.client("ssm")
            assert ssm.get_parameter(Name="/session")["Parameter"]["Value"] == "1"
            assert ssm.get_parameter(Name="/from/code")["Parameter"]["Value"] == "seeded"
        """,
    )
    run(pytester).assert_outcomes(passed=2)


def test_module_scope_takes_module_level_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3, pytest

        pytestmark = [
            pytest.mark.ssm_kms(region="eu-west-1"),
            pytest.mark.kms_key(alias="alias/app"),
            pytest.mark.ssm_parameter("/app/pw", "s3cret", type="SecureString", key_id="alias/app"),
        ]

        def test_configured_and_seeded_once(ssm_kms_module):
            assert ssm_kms_module.region == "eu-west-1"
            value = boto3.client("ssm").get_parameter(Name="/app/pw", WithDecryption=True)
            assert value["Parameter"]["Value"] == "s3cret"
            boto3.client("ssm").put_parameter(Name="/app/pw", Value="new", Overwrite=True,
                                              Type="SecureString", KeyId="alias/app")

        def test_state_carries_over(ssm_kms_module):
            value = boto3.client("ssm").get_parameter(Name="/app/pw", WithDecryption=True)
            assert value["Parameter"]["Value"] == "new"

        def test_marker_alone_gets_a_fresh_function_mock():
            # No fixture named: the module markers activate a fresh ssm_kms for this test.
            value = boto3.client("ssm").get_parameter(Name="/app/pw", WithDecryption=True)
            assert value["Parameter"]["Value"] == "s3cret"
        """
    )
    run(pytester).assert_outcomes(passed=3)


def test_test_level_markers_cannot_seed_a_module_mock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.ssm_parameter("/app/x", "1")
        def test_marker_on_test(ssm_kms_module):
            pass

        @pytest.mark.ssm_kms(region="eu-west-1")
        class TestClass:
            def test_marker_on_class(self, ssm_kms_module):
                pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.ssm_parameter('/app/x', ...) on test_test_level_markers_cannot_seed_a_module_mock.py::test_marker_on_test cannot apply to ssm_kms_module, which every test of the module shares*put the marker at module level (pytestmark = [[]...[]])*",
            "*@pytest.mark.ssm_kms(region='eu-west-1') on *::TestClass cannot apply to ssm_kms_module*",
        ]
    )


def test_session_mock_takes_no_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.kms_key(alias="alias/app")

        def test_it(ssm_kms_session):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.kms_key(alias='alias/app') on * cannot apply to ssm_kms_session*"
            "ini options ssm_kms_region, ssm_kms_account_id, ssm_kms_passthrough and "
            "ssm_kms_seed_files*"
        ]
    )


def test_session_mock_takes_ini_options_and_seed_files(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        ssm_kms_region = ap-south-1
        ssm_kms_seed_files = seeds/base.json
        """
    )
    pytester.mkdir("seeds")
    pytester.path.joinpath("seeds", "base.json").write_text('{"/base": "from ini"}')
    pytester.makepyfile(
        """
        import boto3

        def test_it(ssm_kms_session):
            assert ssm_kms_session.region == "ap-south-1"
            assert boto3.client("ssm").get_parameter(Name="/base")["Parameter"]["Value"] == "from ini"
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_one_mock_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_both(ssm_kms, ssm_kms_module):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*uses ssm_kms and ssm_kms_module; a test sees one in-memory AWS at a time*"]
    )


def test_a_wider_mock_answers_again_after_a_function_mock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3, pytest

        @pytest.fixture(scope="module")
        def seeded(ssm_kms_module):
            ssm_kms_module.put_parameter("/module", "kept")
            return ssm_kms_module

        def test_module_first(seeded):
            assert boto3.client("ssm").get_parameter(Name="/module")["Parameter"]["Value"] == "kept"

        def test_function_mock_is_fresh(ssm_kms):
            with pytest.raises(boto3.client("ssm").exceptions.ParameterNotFound):
                boto3.client("ssm").get_parameter(Name="/module")

        def test_module_again(seeded):
            assert boto3.client("ssm").get_parameter(Name="/module")["Parameter"]["Value"] == "kept"
        """
    )
    run(pytester).assert_outcomes(passed=3)
