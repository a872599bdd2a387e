"""``mock_ssm_kms`` on unittest.TestCase classes and async functions, with and without pytest."""

from __future__ import annotations

import asyncio
import io
import unittest

import boto3
import pytest

from pytest_ssmkms import mock_ssm_kms
from pytest_ssmkms.adapters.activation import active_world
from tests.pytest_experience.runner import run_subprocess

pytest_plugins = ["pytester"]


def run_suite(case: type[unittest.TestCase]) -> unittest.TestResult:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    return unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)


def test_test_case_class_with_plain_unittest():
    seen: list[object] = []

    @mock_ssm_kms(region="eu-west-1")
    class ConfigTest(unittest.TestCase):
        def setUp(self) -> None:
            # setUp runs inside the test's mock: what it creates is there for the test
            boto3.client("ssm").put_parameter(Name="/cfg", Value="from setUp", Type="String")

        def tearDown(self) -> None:
            seen.append(active_world())  # still active during tearDown

        def test_reads_setup_state(self) -> None:
            ssm = boto3.client("ssm")
            self.assertEqual(ssm.meta.region_name, "eu-west-1")
            self.assertEqual(ssm.get_parameter(Name="/cfg")["Parameter"]["Value"], "from setUp")
            # fresh per test: the other test's parameter is not here
            with self.assertRaises(ssm.exceptions.ParameterNotFound):
                ssm.get_parameter(Name="/other")

        def test_other(self) -> None:
            boto3.client("ssm").put_parameter(Name="/other", Value="x", Type="String")
            with self.assertRaises(boto3.client("ssm").exceptions.ParameterAlreadyExists):
                boto3.client("ssm").put_parameter(Name="/cfg", Value="y", Type="String")

    result = run_suite(ConfigTest)
    assert (result.testsRun, result.failures, result.errors) == (2, [], [])
    assert len(seen) == 2 and all(world is not None for world in seen)
    assert seen[0] is not seen[1]
    assert active_world() is None


def test_test_case_without_set_up_and_a_failing_set_up_cleans_up():
    @mock_ssm_kms()
    class NoSetUp(unittest.TestCase):
        def test_it(self) -> None:
            self.assertIsNotNone(active_world())

    @mock_ssm_kms()
    class BrokenSetUp(unittest.TestCase):
        def setUp(self) -> None:
            raise RuntimeError("broken")

        def test_it(self) -> None:
            pass

    assert run_suite(NoSetUp).wasSuccessful()
    result = run_suite(BrokenSetUp)
    assert len(result.errors) == 1
    assert active_world() is None  # the mock was stopped although setUp failed


def test_isolated_asyncio_test_case():
    @mock_ssm_kms()
    class AsyncTest(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self) -> None:
            boto3.client("ssm").put_parameter(Name="/async", Value="1", Type="String")

        async def test_it(self) -> None:
            value = boto3.client("ssm").get_parameter(Name="/async")["Parameter"]["Value"]
            self.assertEqual(value, "1")

    result = run_suite(AsyncTest)
    assert (result.testsRun, result.failures, result.errors) == (1, [], [])
    assert active_world() is None


def test_decorator_on_an_async_function():
    @mock_ssm_kms(account_id="111122223333")
    async def fetch(name: str) -> str:
        ssm = boto3.client("ssm")
        ssm.put_parameter(Name=name, Value="async value", Type="String")
        await asyncio.sleep(0)  # the mock stays active across awaits
        parameter = ssm.get_parameter(Name=name)["Parameter"]
        return f"{parameter['ARN']} {parameter['Value']}"

    assert asyncio.iscoroutinefunction(fetch)
    assert active_world() is None  # decorating does not activate
    assert asyncio.run(fetch("/a")) == "arn:aws:ssm:us-east-1:111122223333:parameter/a async value"
    # each call gets a fresh mock
    assert asyncio.run(fetch("/a")).endswith("async value")
    assert active_world() is None


def test_decorated_pytest_test_keeps_its_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio, unittest
        import boto3, pytest
        from pytest_ssmkms import mock_ssm_kms

        @mock_ssm_kms()
        def test_function_with_fixture(tmp_path):
            assert tmp_path.exists()
            boto3.client("ssm").put_parameter(Name="/f", Value="v", Type="String")

        @mock_ssm_kms()
        class TestPlain:
            def test_method(self):
                boto3.client("ssm").put_parameter(Name="/m", Value="v", Type="String")

        @mock_ssm_kms(region="eu-west-1")
        class Case(unittest.TestCase):
            def setUp(self):
                boto3.client("ssm").put_parameter(Name="/s", Value="v", Type="String")

            def test_one(self):
                self.assertEqual(boto3.client("ssm").get_parameter(Name="/s")["Parameter"]["Value"], "v")

            def test_two(self):
                self.assertEqual(boto3.client("ssm").meta.region_name, "eu-west-1")

        @pytest.mark.ssm_parameter("/marked", "seeded")
        class MarkedCase(unittest.TestCase):
            def setUp(self):
                self.value = boto3.client("ssm").get_parameter(Name="/marked")["Parameter"]["Value"]

            def test_marker_seeds_a_test_case(self):
                self.assertEqual(self.value, "seeded")

        def test_async_function_run_by_the_test():
            @mock_ssm_kms()
            async def body():
                return boto3.client("ssm").put_parameter(Name="/a", Value="v", Type="String")["Version"]
            assert asyncio.run(body()) == 1
        """
    )
    run_subprocess(pytester).assert_outcomes(passed=6)


def test_a_decorator_on_a_class_with_markers_joins_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import unittest
        import boto3
        import pytest
        from pytest_ssmkms import mock_ssm_kms

        @mock_ssm_kms()
        @pytest.mark.ssm_parameter("/app/x", "1")
        class Case(unittest.TestCase):
            def test_it(self):
                got = boto3.client("ssm").get_parameter(Name="/app/x")["Parameter"]["Value"]
                self.assertEqual(got, "1")

        @mock_ssm_kms()
        class TestPlain:
            def test_with_fixture(self, ssm_kms):
                ssm_kms.put_parameter("/p", "2")
                assert boto3.client("ssm").get_parameter(Name="/p")["Parameter"]["Value"] == "2"
        """
    )
    run_subprocess(pytester).assert_outcomes(passed=2)


def test_a_fresh_decorator_and_markers_on_one_class_are_refused(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import unittest
        import pytest
        from pytest_ssmkms import mock_ssm_kms

        @mock_ssm_kms(fresh=True)
        @pytest.mark.ssm_parameter("/app/x", "1")
        class Case(unittest.TestCase):
            def test_it(self):
                pass

        @mock_ssm_kms(fresh=True)
        class TestPlain:
            def test_with_fixture(self, ssm_kms):
                pass

        @mock_ssm_kms(fresh=True)
        class TestFine:
            def test_without_fixture(self):
                pass
        """
    )
    result = run_subprocess(pytester)
    result.assert_outcomes(failed=2, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*PluginUsageError: test_a_fresh_decorator_and_markers_on_one_class_are_refused.Case"
            ".test_it runs inside the ssm_kms fixture (named by the test or activated by an"
            " ssm_kms / kms_key / ssm_parameter / ssm_parameters marker) and is also decorated"
            " with @mock_ssm_kms(fresh=True), whose separate AWS would hide the fixture's: drop"
            " fresh=True to share the fixture's AWS, or drop the markers.",
            "*PluginUsageError: TestPlain.test_with_fixture runs inside the ssm_kms fixture*",
        ]
    )
