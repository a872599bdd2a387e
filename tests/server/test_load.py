"""Under load: writers in several processes and threads put versions of one parameter over
HTTP at once. Versions stay dense (1..N, no gap, no duplicate), every value written is in the
history exactly once, and the trail holds every call."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter

from tests.server.conftest import Served

PROCESSES = 3
THREADS = 4
PUTS = 8  # per writer: (3 + 4) * 8 = 56 versions, within SSM's 100 kept per parameter

WRITER = """
import json, sys
import boto3
from botocore.config import Config
name, writer, puts = sys.argv[1], sys.argv[2], int(sys.argv[3])
ssm = boto3.client("ssm", config=Config(retries={"max_attempts": 1}))
versions = [ssm.put_parameter(Name=name, Value=f"{writer}-{i}", Type="SecureString",
                              Overwrite=True)["Version"] for i in range(puts)]
print(json.dumps(versions))
"""


def test_writers_in_processes_and_threads_keep_versions_dense(served: Served):
    name = "/load/shared"
    served.handle.put_parameter(name, "initial", type="SecureString")  # version 1
    children = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, name, f"p{n}", str(PUTS)],
            env={**os.environ, **served.server.env},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(PROCESSES)
    ]
    answered: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer(number: int) -> None:
        try:
            ssm = served.client("ssm")
            for i in range(PUTS):
                version = ssm.put_parameter(Name=name, Value=f"t{number}-{i}", Type="SecureString",
                                            Overwrite=True)["Version"]
                with lock:
                    answered.append(version)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        answered.extend(json.loads(out))
    for thread in threads:
        thread.join(timeout=300)
    assert not errors

    total = 1 + (PROCESSES + THREADS) * PUTS
    # Each PutParameter was answered a version of its own, and together they are 2..total.
    assert sorted(answered) == list(range(2, total + 1))
    history = served.client("ssm").get_parameter_history(Name=name, WithDecryption=True, MaxResults=50)
    parameters = history["Parameters"]
    while "NextToken" in history:
        history = served.client("ssm").get_parameter_history(
            Name=name, WithDecryption=True, MaxResults=50, NextToken=history["NextToken"])
        parameters += history["Parameters"]
    assert [p["Version"] for p in parameters] == list(range(1, total + 1))
    written = {"initial"} | {f"{who}{n}-{i}" for who, count in (("p", PROCESSES), ("t", THREADS))
                             for n in range(count) for i in range(PUTS)}
    assert Counter(p["Value"] for p in parameters) == Counter(written)
    # The last version is the current value.
    current = served.client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]
    assert (current["Version"], current["Value"]) == (total, parameters[-1]["Value"])

    # The trail: one PutParameter record per call made over HTTP, each with its own request
    # id, and an Encrypt for each SecureString value.
    puts = [e for e in served.world.trail if e["eventName"] == "PutParameter"]
    assert len(puts) == total - 1
    assert len({e["requestID"] for e in puts}) == total - 1
    assert not [e for e in puts if e.get("errorCode")]
    encrypts = [e for e in served.world.trail if e["eventName"] == "Encrypt"]
    assert len(encrypts) >= total - 1
