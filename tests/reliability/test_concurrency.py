"""Many threads on the same parameters and keys: versions stay contiguous, no update or record
is lost, a label is never on two versions, every decrypt returns what was encrypted.

Threads start together behind a barrier and the interpreter switches threads as often as it
can, so that any step of a call done outside the world's lock would interleave with another.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import boto3
import pytest
from botocore.exceptions import ClientError

T = TypeVar("T")
THREADS = 8
ROUNDS = 10


@pytest.fixture(autouse=True)
def switch_often() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def run_together(work: Callable[[int], T], threads: int = THREADS) -> list[T]:
    """``work(index)`` in ``threads`` threads released at once; re-raises the first error."""
    barrier = threading.Barrier(threads)

    def start(index: int) -> T:
        barrier.wait()
        return work(index)

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(start, range(threads)))


def history(ssm: Any, name: str) -> list[dict[str, Any]]:
    pages = ssm.get_paginator("get_parameter_history").paginate(Name=name, WithDecryption=True)
    return [p for page in pages for p in page["Parameters"]]


@pytest.mark.parametrize("kind", ["String", "SecureString"])
def test_concurrent_overwrites_keep_versions_contiguous_and_lose_nothing(ssm_kms, kind):
    shared = boto3.client("ssm")
    shared.put_parameter(Name="/race/p", Value="initial", Type=kind)

    def writer(index: int) -> list[tuple[int, str]]:
        ssm = shared if index % 2 else ssm_kms.client("ssm")  # shared and own clients
        written = []
        for round_ in range(ROUNDS):
            value = f"t{index}-r{round_}"
            version = ssm.put_parameter(Name="/race/p", Value=value, Type=kind, Overwrite=True)["Version"]
            written.append((version, value))
        return written

    written = dict(pair for result in run_together(writer) for pair in result)
    total = THREADS * ROUNDS
    assert len(written) == total, "two writes were given the same version"
    assert sorted(written) == list(range(2, total + 2))
    versions = {p["Version"]: p["Value"] for p in history(shared, "/race/p")}
    assert versions == {1: "initial", **written}, "history lost or mixed up a write"
    latest = shared.get_parameter(Name="/race/p", WithDecryption=True)["Parameter"]
    assert (latest["Version"], latest["Value"]) == (total + 1, written[total + 1])


def test_only_one_concurrent_create_wins(ssm_kms):
    ssm = boto3.client("ssm")

    def create(index: int) -> str:
        try:
            ssm.put_parameter(Name="/race/once", Value=str(index), Type="String")
            return "created"
        except ClientError as error:
            return error.response["Error"]["Code"]

    outcomes = run_together(create)
    assert sorted(outcomes) == ["ParameterAlreadyExists"] * (THREADS - 1) + ["created"]
    assert ssm.get_parameter(Name="/race/once")["Parameter"]["Version"] == 1


def test_labels_move_atomically_while_writers_and_readers_run(ssm_kms):
    ssm = boto3.client("ssm")
    labels = ["blue", "green", "canary"]
    values = {1: "v1"}
    ssm.put_parameter(Name="/race/labelled", Value="v1", Type="SecureString")
    for version in range(2, 6):
        ssm.put_parameter(Name="/race/labelled", Value=f"v{version}", Type="SecureString", Overwrite=True)
        values[version] = f"v{version}"
    lock = threading.Lock()
    reads: list[tuple[int, str]] = []

    def work(index: int) -> None:
        client = ssm_kms.client("ssm")
        for round_ in range(ROUNDS):
            role = index % 3
            if role == 0:  # label: move every label around the first versions
                label = labels[(index + round_) % len(labels)]
                version = 1 + (index * 7 + round_) % 5
                answer = client.label_parameter_version(Name="/race/labelled", ParameterVersion=version, Labels=[label])
                assert answer["InvalidLabels"] == [] and answer["ParameterVersion"] == version
            elif role == 1:  # write new versions
                version = client.put_parameter(
                    Name="/race/labelled", Value=f"w{index}-{round_}", Type="SecureString", Overwrite=True
                )["Version"]
                with lock:
                    values[version] = f"w{index}-{round_}"
            else:  # read through labels
                label = labels[round_ % len(labels)]
                try:
                    got = client.get_parameter(Name=f"/race/labelled:{label}", WithDecryption=True)["Parameter"]
                except ClientError as error:
                    assert error.response["Error"]["Code"] == "ParameterVersionNotFound"
                else:
                    with lock:
                        reads.append((got["Version"], got["Value"]))

    run_together(work)
    found = history(ssm, "/race/labelled")
    by_label: dict[str, list[int]] = {}
    for entry in found:
        for label in entry.get("Labels", []):
            by_label.setdefault(label, []).append(entry["Version"])
    assert set(by_label) == set(labels)
    assert all(len(versions) == 1 for versions in by_label.values()), by_label
    assert [p["Version"] for p in found] == list(range(1, len(found) + 1))
    assert {p["Version"]: p["Value"] for p in found} == values
    # Every read through a label saw a version exactly as it was written.
    assert all(values[version] == value for version, value in reads)


def test_every_concurrent_decrypt_returns_what_was_encrypted(ssm_kms):
    kms = boto3.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/race", TargetKeyId=key)

    def work(index: int) -> int:
        client = kms if index % 2 else ssm_kms.client("kms")
        for round_ in range(ROUNDS):
            plaintext = f"thread {index} round {round_}".encode() * (1 + round_)
            context = {"thread": str(index), "round": str(round_)}
            blob = client.encrypt(KeyId="alias/race", Plaintext=plaintext, EncryptionContext=context)["CiphertextBlob"]
            assert client.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"] == plaintext
            data_key = client.generate_data_key(KeyId=key, NumberOfBytes=32, EncryptionContext=context)
            unwrapped = client.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext=context)
            assert unwrapped["Plaintext"] == data_key["Plaintext"]
            if index == 0 and round_ % 4 == 0:
                client.rotate_key_on_demand(KeyId=key)  # new material mid-flight, old still decrypts
        return ROUNDS

    assert sum(run_together(work)) == THREADS * ROUNDS
    # No record lost either: one Encrypt per encryption, two Decrypts per round.
    ssm_kms.trail.assert_called("Encrypt", times=THREADS * ROUNDS)
    ssm_kms.trail.assert_called("Decrypt", times=2 * THREADS * ROUNDS)


def test_concurrent_key_creation_gives_distinct_keys_all_listed(ssm_kms):
    kms = boto3.client("kms")

    def create(index: int) -> list[str]:
        client = ssm_kms.client("kms")
        return [client.create_key(Description=f"{index}-{n}")["KeyMetadata"]["KeyId"] for n in range(5)]

    created = [key for keys in run_together(create) for key in keys]
    assert len(set(created)) == THREADS * 5
    listed = {k["KeyId"] for page in kms.get_paginator("list_keys").paginate() for k in page["Keys"]}
    assert set(created) <= listed


def test_reads_while_the_key_flips_state_are_right_or_refused(ssm_kms):
    # A read races DisableKey/EnableKey: it returns the value as written or a clean
    # InvalidKeyId, never a wrong value or an internal failure.
    ssm, kms = boto3.client("ssm"), boto3.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    ssm.put_parameter(Name="/race/flip", Value="the value", Type="SecureString", KeyId=key)
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(index: int) -> None:
        client = ssm_kms.client("kms" if index == 0 else "ssm")
        for round_ in range(ROUNDS):
            if index == 0:
                (client.disable_key if round_ % 2 == 0 else client.enable_key)(KeyId=key)
                continue
            try:
                value = client.get_parameter(Name="/race/flip", WithDecryption=True)["Parameter"]["Value"]
                outcome = "ok" if value == "the value" else f"WRONG {value!r}"
            except ClientError as error:
                outcome = error.response["Error"]["Code"]
            with lock:
                outcomes.append(outcome)

    run_together(work)
    assert set(outcomes) <= {"ok", "InvalidKeyId"}, outcomes
    assert len(outcomes) == (THREADS - 1) * ROUNDS


def test_first_calls_in_many_regions_at_once_each_get_one_backend(ssm_kms):
    regions = ["us-east-1", "eu-west-1", "ap-south-1", "sa-east-1"]

    def work(index: int) -> None:
        ssm = ssm_kms.client("ssm", region_name=regions[index % len(regions)])
        ssm.put_parameter(Name=f"/region/{index}", Value=str(index), Type="String")

    run_together(work)
    for offset, region in enumerate(regions):
        ssm = ssm_kms.client("ssm", region_name=region)
        names = sorted(p["Name"] for p in ssm.describe_parameters()["Parameters"])
        assert names == sorted(f"/region/{i}" for i in range(THREADS) if i % len(regions) == offset)


def test_permission_decisions_stay_right_when_principals_race(ssm_kms):
    # Policies are compiled and condition keys derived lazily and cached: under threads every
    # decision must still be the one the policies make.
    admin = boto3.client("ssm")
    admin.put_parameter(Name="/allowed/p", Value="v", Type="String")
    admin.put_parameter(Name="/denied/p", Value="v", Type="String")
    reader = ssm_kms.principal("reader", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter",
                       "Resource": "arn:aws:ssm:*:*:parameter/allowed/*"}],
    })
    writer = ssm_kms.principal("writer", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ssm:PutParameter",
                       "Resource": "arn:aws:ssm:*:*:parameter/denied/*",
                       "Condition": {"StringEquals": {"aws:username": "writer"}}}],
    })
    wrong: list[str] = []

    def work(index: int) -> None:
        ssm = (reader if index % 2 else writer).client("ssm")
        for round_ in range(ROUNDS):
            for name, operation, allowed in (
                ("/allowed/p", "get", index % 2 == 1),
                ("/denied/p", "get", False),
                ("/denied/p", "put", index % 2 == 0),
                ("/allowed/p", "put", False),
            ):
                try:
                    if operation == "get":
                        ssm.get_parameter(Name=name)
                    else:
                        ssm.put_parameter(Name=name, Value=f"{index}-{round_}", Type="String", Overwrite=True)
                    outcome = True
                except ClientError as error:
                    assert error.response["Error"]["Code"] == "AccessDeniedException"
                    outcome = False
                if outcome != allowed:
                    wrong.append(f"thread {index} {operation} {name}: {'allowed' if outcome else 'denied'}")

    run_together(work)
    assert wrong == []


def test_clearing_the_trail_while_threads_call_loses_and_duplicates_nothing(ssm_kms):
    # Every call is recorded exactly once, whether it lands before or after a clear():
    # the records cleared plus the records left add up to the calls made.
    cleared: list[int] = []
    ssm_kms.trail.add_clear_listener(lambda first, records: cleared.append(len(records)))
    stop = threading.Event()

    def clear_repeatedly() -> None:
        while not stop.is_set():
            ssm_kms.trail.clear()

    clearer = threading.Thread(target=clear_repeatedly)
    clearer.start()
    try:
        def work(index: int) -> None:
            ssm = ssm_kms.client("ssm")
            for round_ in range(ROUNDS):
                ssm.put_parameter(Name=f"/cleared/{index}/{round_}", Value="v", Type="String")
        run_together(work)
    finally:
        stop.set()
        clearer.join()
    assert sum(cleared) + len(ssm_kms.trail) == THREADS * ROUNDS == ssm_kms.trail.total


def test_racing_overwrites_at_the_version_limit_stop_exactly_at_100(ssm_kms):
    # With a label on the oldest version, version 101 cannot be made: racing writers get
    # exactly the versions left, the others ParameterMaxVersionLimitExceeded, nothing torn.
    ssm = boto3.client("ssm")
    for version in range(1, 96):
        ssm.put_parameter(Name="/race/full", Value=f"v{version}", Type="String", Overwrite=version > 1)
    ssm.label_parameter_version(Name="/race/full", ParameterVersion=1, Labels=["pinned"])

    def work(index: int) -> list[str]:
        client = ssm_kms.client("ssm")
        outcomes = []
        for round_ in range(2):
            try:
                client.put_parameter(Name="/race/full", Value=f"w{index}-{round_}", Type="String", Overwrite=True)
                outcomes.append("ok")
            except ClientError as error:
                outcomes.append(error.response["Error"]["Code"])
        return outcomes

    outcomes = [o for result in run_together(work) for o in result]
    assert outcomes.count("ok") == 5
    assert outcomes.count("ParameterMaxVersionLimitExceeded") == THREADS * 2 - 5
    assert [p["Version"] for p in history(ssm, "/race/full")] == list(range(1, 101))

    ssm.unlabel_parameter_version(Name="/race/full", ParameterVersion=1, Labels=["pinned"])
    assert sum(o == "ok" for o in [o for r in run_together(work) for o in r]) == THREADS * 2
    assert [p["Version"] for p in history(ssm, "/race/full")] == list(range(17, 117))
