"""--ssm-kms-trail and the failure report section, as a pytest user meets them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.trail.support import SECRET

pytest_plugins = ["pytester"]

PARAMETRIZED = f"""
import boto3, pytest

@pytest.mark.parametrize("i", range(12))
def test_put(ssm_kms, i):
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name=f"/p/{{i}}", Value="{SECRET}", Type="String")
    if i % 3 == 0:
        with pytest.raises(ssm.exceptions.ParameterNotFound):
            ssm.get_parameter(Name=f"/missing/{{i}}")
"""

SHARED_WORLD = """
import boto3, pytest
from pytest_ssmkms import mock_ssm_kms

@pytest.fixture(scope="module")
def shared():
    with mock_ssm_kms() as aws:
        boto3.client("ssm").put_parameter(Name="/shared", Value="v", Type="String")
        yield aws
        boto3.client("ssm").delete_parameter(Name="/shared") if False else None

def test_first(shared):
    boto3.client("ssm").get_parameter(Name="/shared")

def test_second(shared):
    boto3.client("ssm").get_parameter(Name="/shared")
    shared.trail.clear()
    boto3.client("kms").create_key()

def test_without_mock():
    pass
"""


def read_records(pytester: pytest.Pytester, name: str = "trail.json") -> list[dict[str, Any]]:
    text = (pytester.path / name).read_text()
    assert SECRET not in text
    document = json.loads(text)
    assert list(document) == ["Records"]
    records: list[dict[str, Any]] = document["Records"]
    return records


def by_test(records: list[dict[str, Any]]) -> dict[str | None, list[str]]:
    out: dict[str | None, list[str]] = {}
    for record in records:
        resource = record.get("resources", [{}])[0].get("ARN", "").rsplit(":", 1)[-1]
        resource = "key" if resource.startswith("key/") else resource
        out.setdefault(record["pytestNodeId"], []).append(f"{record['eventName']} {resource}")
    return out


def expected_parametrized() -> dict[str, list[str]]:
    expected = {}
    for i in range(12):
        calls = [f"PutParameter parameter/p/{i}"]
        if i % 3 == 0:
            calls.append(f"GetParameter parameter/missing/{i}")
        expected[f"test_params.py::test_put[{i}]"] = calls
    return expected


def test_trail_file_tags_each_record_with_its_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_params=PARAMETRIZED)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--ssm-kms-trail=trail.json")
    result.assert_outcomes(passed=12)
    records = read_records(pytester)
    assert by_test(records) == expected_parametrized()
    assert all(r["eventVersion"] == "1.08" and r["requestParameters"] for r in records)


def test_trail_file_under_xdist_has_every_record_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_params=PARAMETRIZED)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-n", "2", "--ssm-kms-trail=out/trail.json"
    )
    result.assert_outcomes(passed=12)
    records = read_records(pytester, "out/trail.json")
    assert by_test(records) == expected_parametrized()
    assert len({r["eventID"] for r in records}) == len(records) == 16
    # Each worker's records stay in call order.
    for calls in by_test(records).values():
        assert calls[0].startswith("PutParameter")


def test_shared_world_and_cleared_records_reach_the_file(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_shared=SHARED_WORLD)
    pytester.makeconftest(
        """
        import boto3
        from pytest_ssmkms import mock_ssm_kms

        def pytest_sessionstart(session):
            with mock_ssm_kms():
                boto3.client("ssm").put_parameter(Name="/session", Value="v", Type="String")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--ssm-kms-trail=trail.json")
    result.assert_outcomes(passed=3)
    assert by_test(read_records(pytester)) == {
        None: ["PutParameter parameter/session"],  # made outside any test
        # The module fixture's own call happened while the first test was being set up.
        "test_shared.py::test_first": ["PutParameter parameter/shared", "GetParameter parameter/shared"],
        "test_shared.py::test_second": ["GetParameter parameter/shared", "CreateKey key"],
    }


def test_option_is_documented(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--ssm-kms-trail=PATH*"])


def test_failed_tests_show_their_trail(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import boto3, pytest

        def test_passes(ssm_kms):
            boto3.client("ssm").put_parameter(Name="/ok", Value="v", Type="String")

        def test_fails(ssm_kms):
            ssm = boto3.client("ssm")
            ssm.put_parameter(Name="/app/db/pw", Value="{SECRET}", Type="String")
            with pytest.raises(ssm.exceptions.ParameterNotFound):
                ssm.get_parameter(Name="/app/other")
            boto3.client("kms").describe_key(KeyId="alias/nope")

        @pytest.fixture
        def checked(ssm_kms):
            yield ssm_kms
            ssm_kms.trail.assert_called("Decrypt")

        def test_reads(checked):
            boto3.client("ssm").put_parameter(Name="/x", Value="v", Type="String")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*Captured ssm-kms trail call*",
            "3 calls:",
            "    1. PutParameter ssm /app/db/pw -> OK",
            "    2. GetParameter ssm /app/other -> ParameterNotFound",
            "    3. DescribeKey kms alias/nope -> NotFoundException",
        ]
    )
    # A failure at teardown (a trail assertion in a fixture) shows the trail too.
    result.stdout.fnmatch_lines(
        [
            "*expected Decrypt to be called at least once, but it was called 0 times.",
            "*Captured ssm-kms trail teardown*",
            "1 call:",
            "    1. PutParameter ssm /x -> OK",
        ]
    )
    output = result.stdout.str()
    assert output.count("Captured ssm-kms trail") == 2
    section = output.split("Captured ssm-kms trail call", 1)[1].split("short test summary")[0]
    assert "/ok" not in section  # only the failing test's calls
    assert SECRET not in section
    assert not list(pytester.path.glob("*.json"))  # no --ssm-kms-trail, no file
