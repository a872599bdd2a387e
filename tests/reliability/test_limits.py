"""A large store stays correct and its memory stays bounded (the figures at 100,000 parameters
and 10,000 keys, and per-call cost by store size, come from benchmarks/limits.py: timings are
never asserted here)."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms.aws.backend import World

PARAMETERS = 3_000
KEYS = 300
# Generous bounds: measured about 1.2-2 KB per parameter, 1.7-2.2 KB per key and 2 KB per
# trail record (benchmarks/limits.py); eight times that still catches a store that copies
# values per version, keeps per-call caches, or leaks whole worlds.
BYTES_PER_PARAMETER = 16 * 1024
BYTES_PER_KEY = 16 * 1024
BYTES_PER_RECORD = 16 * 1024


def name(index: int) -> str:
    return f"/app{index % 100}/env{(index // 100) % 10}/p{index}"


def fill(world: World, parameters: int, keys: int, start: int = 0, tier: str | None = None) -> list[str]:
    """Fill the store through the operation handlers, as preseeding does (no trail record)."""
    backend, ctx = world.backend(), world.system_context()
    for index in range(start, start + parameters):
        params: dict[str, Any] = {"Name": name(index), "Value": f"value-{index}", "Type": "String"}
        if tier:
            params["Tier"] = tier
        backend.invoke("ssm", "PutParameter", params, ctx)
    return [backend.invoke("kms", "CreateKey", {}, ctx)["KeyMetadata"]["KeyId"] for _ in range(keys)]


def traced(action: Any) -> tuple[Any, int]:
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = action()
        return result, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_a_large_store_answers_correctly(ssm_kms):
    keys = fill(ssm_kms.world, PARAMETERS, KEYS)
    ssm, kms = boto3.client("ssm"), boto3.client("kms")

    described = [p["Name"] for page in ssm.get_paginator("describe_parameters").paginate() for p in page["Parameters"]]
    assert sorted(described) == sorted(name(i) for i in range(PARAMETERS))
    subtree = [
        p["Name"]
        for page in ssm.get_paginator("get_parameters_by_path").paginate(Path="/app7", Recursive=True)
        for p in page["Parameters"]
    ]
    assert sorted(subtree) == sorted(name(i) for i in range(PARAMETERS) if i % 100 == 7)
    picked = [name(i) for i in range(0, PARAMETERS, PARAMETERS // 10)]
    got = ssm.get_parameters(Names=picked)
    assert sorted(p["Name"] for p in got["Parameters"]) == sorted(picked) and got["InvalidParameters"] == []
    assert ssm.get_parameter(Name=name(PARAMETERS - 1))["Parameter"]["Value"] == f"value-{PARAMETERS - 1}"

    listed = [k["KeyId"] for page in kms.get_paginator("list_keys").paginate() for k in page["Keys"]]
    assert set(keys) <= set(listed) and len(set(listed)) == len(listed)
    blob = kms.encrypt(KeyId=keys[-1], Plaintext=b"last")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"last"


def test_the_standard_limit_holds_and_advanced_parameters_go_past_it(ssm_kms):
    fill(ssm_kms.world, 10_000, 0)
    ssm = boto3.client("ssm")
    with pytest.raises(ClientError) as caught:
        ssm.put_parameter(Name="/one/more", Value="v", Type="String")
    assert caught.value.response["Error"]["Code"] == "ParameterLimitExceeded"
    ssm.put_parameter(Name="/one/more", Value="v", Type="String", Tier="Advanced")
    assert ssm.get_parameter(Name="/one/more")["Parameter"]["Value"] == "v"


def test_memory_per_parameter_key_and_record_is_bounded(ssm_kms):
    fill(ssm_kms.world, 20, 2, start=PARAMETERS)  # one-time costs (imports, caches) first
    _, parameters_bytes = traced(lambda: fill(ssm_kms.world, PARAMETERS, 0))
    _, keys_bytes = traced(lambda: fill(ssm_kms.world, 0, KEYS))
    ssm = boto3.client("ssm")
    ssm.get_parameter(Name=name(1))
    _, records_bytes = traced(lambda: [ssm.get_parameter(Name=name(1)) for _ in range(500)])
    assert parameters_bytes / PARAMETERS < BYTES_PER_PARAMETER
    assert keys_bytes / KEYS < BYTES_PER_KEY
    assert records_bytes / 500 < BYTES_PER_RECORD
    assert len(ssm_kms.trail) >= 500


def test_versions_of_one_parameter_are_capped_at_100(ssm_kms):
    ssm = boto3.client("ssm")
    for version in range(1, 106):
        ssm.put_parameter(Name="/busy", Value=f"v{version}" * 100, Type="String", Overwrite=version > 1)
    history = [p for page in ssm.get_paginator("get_parameter_history").paginate(Name="/busy") for p in page["Parameters"]]
    assert [p["Version"] for p in history] == list(range(6, 106))


FREED_SUITE = """
import gc, weakref
import boto3, pytest
from pytest_ssmkms import mock_ssm_kms

WORLDS = []


def use(aws):
    ssm, kms = boto3.client("ssm"), boto3.client("kms")
    for i in range(50):
        ssm.put_parameter(Name=f"/p/{i}", Value="v" * 1000, Type="SecureString")
    kms.encrypt(KeyId=kms.create_key()["KeyMetadata"]["KeyId"], Plaintext=b"x")
    WORLDS.append(weakref.ref(aws.world))


def test_fixture(ssm_kms):
    use(ssm_kms)


def test_context_manager():
    with mock_ssm_kms() as aws:
        use(aws)


def test_fails_inside_a_mock():
    with mock_ssm_kms() as aws:
        use(aws)
        raise RuntimeError("a failing test must not pin its world either")


def test_earlier_worlds_are_gone():
    gc.collect()
    assert len(WORLDS) == 3
    assert [w() is None for w in WORLDS] == [True, True, True]
"""


@pytest.mark.parametrize("trail_file", [False, True])
def test_finished_mocks_are_freed_by_the_next_test(pytester, trail_file):
    # Memory stays bounded over a long run only if nothing (trail collector, listeners,
    # caches) keeps the worlds of finished tests alive.
    pytester.makepyfile(test_freed=FREED_SUITE)
    options = [f"--ssm-kms-trail={pytester.path / 'trail.json'}"] if trail_file else []
    # In a subprocess: in-process, this very test's trail collector would watch the inner worlds.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", *options)
    result.assert_outcomes(passed=3, failed=1)  # only test_fails_inside_a_mock fails
    assert "a failing test must not pin its world" in result.stdout.str()
