"""No state crosses tests: a generated suite of many tests, each creating and asserting its own
keys, aliases, parameters and trail, run in shuffled orders, in-process and under xdist.

Every generated test uses the same alias and parameter names, created without overwrite: if
anything leaked from an earlier test, those calls fail. Each test first checks that it starts
from exactly its own preseeded state, with a trail holding only its own calls, and some tests
fail on purpose after creating state, to show that a failed test cleans up too. Tests without
a mock check that nothing of the mock (environment, active world) is left behind.
"""

from __future__ import annotations

import random
import textwrap

import pytest

HEADER = '''
import json, os
import boto3, pytest
from pytest_ssmkms import mock_ssm_kms
from pytest_ssmkms.adapters.activation import active_world

READS = {"DescribeParameters", "ListAliases", "ListKeys", "DescribeKey", "LookupEvents"}
_CLIENTS = {}


def client(service):
    # Made once and reused by later tests: a client outlives the mock it was made under and
    # must see the next test's fresh state, never the old one.
    if service not in _CLIENTS:
        _CLIENTS[service] = boto3.client(service)
    return _CLIENTS[service]


def inventory():
    ssm, kms = client("ssm"), client("kms")
    params = sorted(p["Name"] for page in ssm.get_paginator("describe_parameters").paginate()
                    for p in page["Parameters"])
    aliases = sorted(a["AliasName"] for page in kms.get_paginator("list_aliases").paginate()
                     for a in page["Aliases"] if not a["AliasName"].startswith("alias/aws/"))
    keys = [k["KeyId"] for page in kms.get_paginator("list_keys").paginate() for k in page["Keys"]]
    customer = [k for k in keys if kms.describe_key(KeyId=k)["KeyMetadata"]["KeyManager"] == "CUSTOMER"]
    return params, aliases, len(customer)


def events(**lookup):
    trail = client("cloudtrail")
    pages = trail.get_paginator("lookup_events").paginate(**lookup)
    return [json.loads(e["CloudTrailEvent"]) for page in pages for e in page["Events"]]


def body(index, pre_params=(), pre_aliases=(), pre_keys=0, fail=False):
    assert os.environ["AWS_ACCESS_KEY_ID"] != "AKIAOUTSIDE"
    assert inventory() == (sorted(pre_params), sorted(pre_aliases), pre_keys)
    assert {e["eventName"] for e in events()} <= READS, "the trail holds another test's calls"

    ssm, kms = client("ssm"), client("kms")
    key = kms.create_key(Description=f"test {index}")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/shared", TargetKeyId=key)
    first = ssm.put_parameter(Name="/shared/name", Value=f"value-{index}", Type="SecureString",
                              KeyId="alias/shared")
    assert first["Version"] == 1
    ssm.put_parameter(Name=f"/own/{index}", Value=str(index), Type="String")
    got = ssm.get_parameter(Name="/shared/name", WithDecryption=True)["Parameter"]
    assert (got["Value"], got["Version"]) == (f"value-{index}", 1)

    params, aliases, keys = inventory()
    assert params == sorted(["/shared/name", f"/own/{index}", *pre_params])
    assert aliases == sorted(["alias/shared", *pre_aliases])
    assert keys == pre_keys + 1
    puts = [e["requestParameters"]["name"] for e in events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "PutParameter"}])]
    assert sorted(puts) == sorted(["/shared/name", f"/own/{index}"])
    if fail:
        raise RuntimeError(f"test {index} fails on purpose after creating its state")
'''

TEMPLATES = {
    "fixture": """
        def test_{i}_fixture(ssm_kms):
            body({i}, fail={fail})
    """,
    "decorator": """
        @mock_ssm_kms()
        def test_{i}_decorator():
            body({i}, fail={fail})
    """,
    "context": """
        def test_{i}_context():
            with mock_ssm_kms():
                body({i}, fail={fail})
    """,
    "markers": """
        @pytest.mark.kms_key(alias="alias/pre")
        @pytest.mark.ssm_parameter("/pre/{i}", "seeded", type="SecureString", key_id="alias/pre")
        def test_{i}_markers(ssm_kms):
            body({i}, pre_params=["/pre/{i}"], pre_aliases=["alias/pre"], pre_keys=1, fail={fail})
    """,
    "no_mock": """
        def test_{i}_no_mock():
            assert active_world() is None
            assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAOUTSIDE"
            assert "AWS_EC2_METADATA_DISABLED" not in os.environ
    """,
}
KINDS = list(TEMPLATES)
TESTS = 30
FAILING = {7, 13, 21}  # indices that fail on purpose


def generated_suite(seed: int) -> tuple[str, int, int]:
    """Module source with the test definitions shuffled by ``seed``; (source, passed, failed)."""
    definitions = []
    passed = failed = 0
    for i in range(TESTS):
        kind = KINDS[i % len(KINDS)]
        fail = i in FAILING and kind != "no_mock"
        failed += fail
        passed += not fail
        definitions.append(textwrap.dedent(TEMPLATES[kind].format(i=i, fail=fail)))
    random.Random(seed).shuffle(definitions)
    return HEADER + "\n".join(definitions), passed, failed


@pytest.fixture
def outside_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # What the developer's shell holds; the generated no-mock tests check it is untouched.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAOUTSIDE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "outside-secret")
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)


@pytest.mark.parametrize("seed", [1])
def test_generated_suite_in_shuffled_order(pytester, outside_environment, seed):
    source, passed, failed = generated_suite(seed)
    pytester.makepyfile(test_generated=source)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=passed, failed=failed)
    assert result.stdout.str().count("fails on purpose after creating its state") >= len(FAILING)


def test_generated_suite_under_xdist(pytester, outside_environment):
    source, passed, failed = generated_suite(2)
    pytester.makepyfile(test_generated=source)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", "-n", "2")
    result.assert_outcomes(passed=passed, failed=failed)


def test_the_generated_suite_detects_a_leak(pytester, outside_environment):
    # The suite is only worth running if a leak makes it fail: keep one world active across
    # tests (as a mock left open would) and the shared names collide.
    source, passed, _ = generated_suite(4)
    leak = textwrap.dedent(
        """
        import pytest
        from pytest_ssmkms import mock_ssm_kms

        @pytest.fixture(autouse=True, scope="session")
        def leaked_world():
            with mock_ssm_kms() as aws:
                yield aws
        """
    )
    pytester.makeconftest(leak)
    pytester.makepyfile(test_generated=source)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) > len(FAILING)


SCOPED_MODULE = '''
import boto3
from botocore.exceptions import ClientError


def names():
    return sorted(p["Name"] for p in boto3.client("ssm").describe_parameters()["Parameters"])


def test_1_module_world_starts_empty(ssm_kms_module):
    assert names() == []
    boto3.client("ssm").put_parameter(Name="/m/shared", Value="{tag}", Type="String")


def test_2_function_world_inside_is_fresh(ssm_kms):
    assert names() == []
    boto3.client("ssm").put_parameter(Name="/m/shared", Value="function", Type="String")
    boto3.client("ssm").put_parameter(Name="/m/function-only", Value="x", Type="String")


def test_3_module_world_resumes_untouched(ssm_kms_module):
    assert names() == ["/m/shared"]
    got = boto3.client("ssm").get_parameter(Name="/m/shared")["Parameter"]
    assert (got["Value"], got["Version"]) == ("{tag}", 1)
'''


def test_module_scoped_worlds_are_per_module_and_function_worlds_nest_cleanly(pytester):
    pytester.makepyfile(
        test_scoped_a=SCOPED_MODULE.replace("{tag}", "module-a"),
        test_scoped_b=SCOPED_MODULE.replace("{tag}", "module-b"),
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=6)
