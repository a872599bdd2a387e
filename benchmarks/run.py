"""Side-by-side benchmark: pytest-ssmkms against botocore's own cost (the floor) and moto.

    python benchmarks/run.py            # full run (about a minute without moto)
    python benchmarks/run.py --quick    # fewer rounds, for a first look
    python benchmarks/run.py --no-moto  # skip moto even when it is importable

What is measured, in one run:

1. Per-call cost of PutParameter, GetParameter with decryption, Encrypt and Decrypt.
   *floor*: a botocore ``before-send`` hook that returns a canned, valid response, so the call
   still pays for botocore's serialization, signing and parsing and nothing else. *ssmkms*:
   the same call answered by this plugin. *moto*: the same call under ``moto.mock_aws`` when
   moto is importable (it is not a dependency of the project; ``pip install 'moto[ssm,kms]'``).
   Rounds are interleaved (floor, ssmkms, moto, floor, ...) so that machine noise hits all
   three alike; each figure is the best round's mean, the median round is shown beside it.
2. A test's whole mock cost: start a mock, ``boto3.client("ssm")``, one call, stop.
3. GetParametersByPath returning 10 parameters while the store holds 100, 1,000, 10,000.
4. Memory held by 10,000 parameters (tracemalloc), trail records included.
5. Async clients (``benchmarks/async_calls.py``, run in a subprocess when aiobotocore is
   importable; ``--no-async`` skips it): per-call cost of aiobotocore GetParameter with
   decryption, Encrypt and Decrypt against an async floor.
6. Over HTTP (``benchmarks/over_http.py``, also runnable alone): per-call cost from boto3
   against the server, its HTTP floor and moto's ThreadedMotoServer, and requests per second
   with 8 concurrent clients (``--no-http`` skips it).

Operations the plugin does not implement yet show as ``n/a``. Timings are never asserted
anywhere: this script only reports them (targets in shared/DESIGN.md).
"""

from __future__ import annotations

import argparse
import base64
import gc
import io
import json
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

REGION = "us-east-1"
ACCOUNT = "123456789012"
FAKE_KEY = "AKIAIOSFODNN7EXAMPLE"
FAKE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SECRET_NAME = "/bench/app/db-password"
SECRET_VALUE = "correct-horse-battery-staple"
PLAINTEXT = b"0123456789abcdef0123456789abcdef"  # a 32-byte data key, say
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

Call = Callable[[], Any]


# --------------------------------------------------------------------------- the floor


class _RawBody(io.BytesIO):
    """What botocore reads a response body from (``AWSResponse.raw``)."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        data = self.read()
        if data:
            yield data


def _canned_bodies() -> dict[str, bytes]:
    """Valid responses of realistic size for each operation measured."""
    ciphertext = base64.b64encode(b"\x01\x02\x02\x00" + bytes(180)).decode()
    bodies = {
        "PutParameter": {"Version": 2, "Tier": "Standard"},
        "GetParameter": {
            "Parameter": {
                "Name": SECRET_NAME,
                "Type": "SecureString",
                "Value": SECRET_VALUE,
                "Version": 1,
                "LastModifiedDate": 1767225600.123,
                "ARN": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{SECRET_NAME}",
                "DataType": "text",
            }
        },
        "Encrypt": {
            "CiphertextBlob": ciphertext,
            "KeyId": KEY_ARN,
            "EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
        },
        "Decrypt": {
            "KeyId": KEY_ARN,
            "Plaintext": base64.b64encode(PLAINTEXT).decode(),
            "EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
        },
        "GetParametersByPath": {
            "Parameters": [
                {
                    "Name": f"/app/prod/setting{i}",
                    "Type": "String",
                    "Value": f"v{i}",
                    "Version": 1,
                    "LastModifiedDate": 1767225600.123,
                    "ARN": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/app/prod/setting{i}",
                    "DataType": "text",
                }
                for i in range(10)
            ]
        },
    }
    return {op: json.dumps(body).encode() for op, body in bodies.items()}


def _floor_hook(bodies: dict[str, bytes]) -> Callable[..., AWSResponse]:
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "x-amzn-RequestId": "7f9d6a7e-8c1c-4f4e-9a53-2d4c7a0e0b11",
    }

    def before_send(request: Any, event_name: str, **_: Any) -> AWSResponse:
        body = bodies[event_name.rsplit(".", 1)[1]]
        return AWSResponse(request.url, 200, dict(headers), _RawBody(body))

    return before_send


def floor_clients() -> tuple[Any, Any]:
    """ssm and kms clients answered by the canned hook.

    Made from a plain botocore session created before the plugin (or moto) installs anything,
    so that no other ``before-send`` handler sits in front of the hook."""
    core = botocore.session.Session()
    session = boto3.session.Session(
        aws_access_key_id=FAKE_KEY,
        aws_secret_access_key=FAKE_SECRET,
        region_name=REGION,
        botocore_session=core,
    )
    hook = _floor_hook(_canned_bodies())
    ssm, kms = session.client("ssm"), session.client("kms")
    ssm.meta.events.register("before-send.ssm", hook)
    kms.meta.events.register("before-send.kms", hook)
    return ssm, kms


# --------------------------------------------------------------------------- engines


@dataclass
class Engine:
    """One way of answering calls: started and stopped around each round."""

    name: str
    start: Callable[[], None]
    stop: Callable[[], None]
    notes: list[str] = field(default_factory=list)


def _is_unimplemented(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    return code in ("UnknownOperationException", "InvalidAction", "NotImplementedError")


@dataclass
class Workload:
    """The calls of one round, built against live clients of an engine."""

    calls: dict[str, Call]
    missing: dict[str, str]


def build_workload(ssm: Any, kms: Any) -> Workload:
    """Seed a key and a SecureString, and return the calls to time (those that work)."""
    calls: dict[str, Call] = {}
    missing: dict[str, str] = {}
    key_id: str | None = None
    try:
        key_id = kms.create_key(Description="bench")["KeyMetadata"]["KeyId"]
    except ClientError as error:
        missing["CreateKey"] = error.response["Error"]["Code"]

    secure = True
    try:
        kwargs: dict[str, Any] = {"KeyId": key_id} if key_id else {}
        ssm.put_parameter(Name=SECRET_NAME, Value=SECRET_VALUE, Type="SecureString", **kwargs)
        raw = ssm.get_parameter(Name=SECRET_NAME)["Parameter"]["Value"]
        secure = raw != SECRET_VALUE  # really encrypted at rest, as AWS does
    except ClientError:
        secure = False
    if not secure:
        ssm.put_parameter(Name=SECRET_NAME, Value=SECRET_VALUE, Type="String", Overwrite=True)
        missing["SecureString"] = "stored in plain text"

    ssm.put_parameter(Name="/bench/app/counter", Value="0", Type="String")
    calls["PutParameter"] = lambda: ssm.put_parameter(
        Name="/bench/app/counter", Value="1", Type="String", Overwrite=True
    )
    calls["GetParameter+decrypt"] = lambda: ssm.get_parameter(Name=SECRET_NAME, WithDecryption=True)
    if key_id is not None:
        try:
            blob = kms.encrypt(KeyId=key_id, Plaintext=PLAINTEXT)["CiphertextBlob"]
            calls["Encrypt"] = lambda: kms.encrypt(KeyId=key_id, Plaintext=PLAINTEXT)
            if kms.decrypt(CiphertextBlob=blob)["Plaintext"] == PLAINTEXT:
                calls["Decrypt"] = lambda: kms.decrypt(CiphertextBlob=blob)
        except ClientError as error:
            if not _is_unimplemented(error):
                raise
            missing["Encrypt"] = error.response["Error"]["Code"]
    return Workload(calls, missing)


class Ours:
    """pytest-ssmkms, driven through ``mock_ssm_kms`` as the fixture drives it."""

    def __init__(self) -> None:
        from pytest_ssmkms import mock_ssm_kms

        self._factory = mock_ssm_kms
        self._mock: Any = None
        self.workload: Workload | None = None

    def start(self) -> None:
        self._mock = self._factory(region=REGION)
        self.handle = self._mock.start()
        session = boto3.session.Session(region_name=REGION)
        self.ssm, self.kms = session.client("ssm"), session.client("kms")
        self.workload = build_workload(self.ssm, self.kms)

    def stop(self) -> None:
        self._mock.stop()


class Moto:
    """moto's ``mock_aws``, when importable (never a dependency of the project)."""

    def __init__(self) -> None:
        from moto import mock_aws

        self._factory = mock_aws
        self._mock: Any = None
        self.workload: Workload | None = None

    def start(self) -> None:
        self._mock = self._factory()
        self._mock.start()
        session = boto3.session.Session(
            aws_access_key_id=FAKE_KEY, aws_secret_access_key=FAKE_SECRET, region_name=REGION
        )
        self.ssm, self.kms = session.client("ssm"), session.client("kms")
        self.workload = build_workload(self.ssm, self.kms)

    def stop(self) -> None:
        self._mock.stop()


def load_moto(wanted: bool) -> tuple[Moto | None, str]:
    if not wanted:
        return None, "moto skipped (--no-moto)"
    try:
        import moto
    except ImportError:
        return None, "moto not importable: pip install 'moto[ssm,kms]' to compare"
    return Moto(), f"moto {moto.__version__}"


# --------------------------------------------------------------------------- timing


# perf_counter (wall time) by default; --timer=cpu counts only this process's CPU time, which
# keeps ratios readable on a machine shared with other busy processes.
TIMER: Callable[[], float] = time.perf_counter


def time_round(call: Call, count: int) -> float:
    """Mean seconds per call over ``count`` calls, with the collector off (as timeit does)."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = TIMER()
        for _ in range(count):
            call()
        return (TIMER() - start) / count
    finally:
        if gc_was_enabled:
            gc.enable()


@dataclass
class Samples:
    values: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)


def per_call(
    floor: Workload, ours: Ours, moto: Moto | None, rounds: int, count: int
) -> dict[str, dict[str, Samples]]:
    results: dict[str, dict[str, Samples]] = {}
    floor_pre: dict[str, Samples] = {}
    # The pure floor, measured before the plugin installs anything process-wide.
    for op, call in floor.calls.items():
        for _ in range(20):
            call()
        floor_pre[op] = Samples([time_round(call, count) for _ in range(max(2, rounds // 2))])
    for _ in range(rounds):
        for engine_name, engine in (("ssmkms", ours), ("moto", moto)):
            if engine is None:
                continue
            engine.start()
            try:
                assert engine.workload is not None
                for op, call in engine.workload.calls.items():
                    for _ in range(10):  # warm-up: caches, first-call paths
                        call()
                    results.setdefault(op, {}).setdefault(engine_name, Samples()).values.append(
                        time_round(call, count)
                    )
                    floor_call = floor.calls[op]
                    floor_call()
                    results[op].setdefault("floor", Samples()).values.append(
                        time_round(floor_call, count)
                    )
            finally:
                engine.stop()
    for op, samples in floor_pre.items():
        results.setdefault(op, {}).setdefault("floor", Samples()).values.extend(samples.values)
    return results


def whole_test_cost(ours: Ours, moto: Moto | None, iterations: int) -> dict[str, Samples]:
    """Start a mock, make ``boto3.client("ssm")``, one call, stop: what a test pays."""
    from pytest_ssmkms import mock_ssm_kms

    def with_ours() -> None:
        with mock_ssm_kms():
            boto3.client("ssm").put_parameter(Name="/first", Value="v", Type="String")

    def with_floor() -> None:
        client = boto3.client("ssm")  # credentials and region from the environment, as in a mock
        client.meta.events.register("before-send.ssm", _floor_hook(_canned_bodies()))
        client.put_parameter(Name="/first", Value="v", Type="String")

    candidates: dict[str, Call] = {"floor": with_floor, "ssmkms": with_ours}
    if moto is not None:
        from moto import mock_aws

        def with_moto() -> None:
            with mock_aws():
                boto3.client("ssm", region_name=REGION).put_parameter(
                    Name="/first", Value="v", Type="String"
                )

        candidates["moto"] = with_moto
    samples: dict[str, Samples] = {name: Samples() for name in candidates}
    for name, run in candidates.items():
        run()  # warm-up: the default session, the service model
    for _ in range(iterations):
        for name, run in candidates.items():
            samples[name].values.append(time_round(run, 1))
    return samples


_SUITE_HEADER = f"""
import io, os
import boto3
import pytest
from botocore.awsrequest import AWSResponse


class _Raw(io.BytesIO):
    def stream(self, **_):
        yield self.read()


def _canned(request, **_):
    return AWSResponse(request.url, 200, {{"x-amzn-RequestId": "r"}}, _Raw(b'{{"Version": 1}}'))


os.environ.update(AWS_ACCESS_KEY_ID="{FAKE_KEY}", AWS_SECRET_ACCESS_KEY="{FAKE_SECRET}",
                  AWS_DEFAULT_REGION="{REGION}", AWS_EC2_METADATA_DISABLED="true",
                  AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
# (the environment each mock sets while active)


def _floor_client():
    client = boto3.client("ssm")
    client.meta.events.register("before-send.ssm", _canned)
    return client
"""


_SUITE_CONFTEST = """
import os, time

_timer = time.process_time if os.environ.get("BENCH_TIMER") == "cpu" else time.perf_counter
_marks = {}


def pytest_runtest_setup(item):
    if item.name == "test_" + os.environ["BENCH_WARM"]:
        _marks["start"] = _timer()


def pytest_runtest_teardown(item, nextitem):
    if nextitem is None:
        _marks["end"] = _timer()


def pytest_sessionfinish(session):
    with open(os.environ["BENCH_OUT"], "w") as out:
        out.write(repr(_marks["end"] - _marks["start"]))
"""


def pytest_suite_cost(tests: int, repeats: int) -> dict[str, float]:
    """Seconds per test inside real pytest runs: tests that each make a client and one
    PutParameter, with the ``ssm_kms`` fixture, and the same tests answered by the canned hook
    with the plugin switched off (``-p no:...``). Timed from inside the run, from the test after
    a warm-up to the last teardown, so pytest's and the plugin's start-up are left out."""
    import subprocess
    import tempfile
    from pathlib import Path

    warm = max(10, tests // 10)

    def body(name: str) -> str:
        if name == "ssmkms":
            test = "def test_{i}(ssm_kms):\n    boto3.client('ssm')"
        else:
            test = "def test_{i}():\n    _floor_client()"
        call = ".put_parameter(Name='/first', Value='v', Type='String')\n"
        return "".join("\n" + test.format(i=i) + call for i in range(tests + warm))

    flags = {"ssmkms": [], "floor": ["-p", "no:ssm_kms", "-p", "no:ssm_kms_trail"]}
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in flags:
            folder = Path(tmp, name)
            folder.mkdir()
            (folder / f"test_{name}_suite.py").write_text(_SUITE_HEADER + body(name))
            (folder / "conftest.py").write_text(_SUITE_CONFTEST)
            result = folder / "elapsed.txt"
            env = dict(
                os.environ,
                BENCH_TIMER="cpu" if TIMER is time.process_time else "wall",
                BENCH_WARM=str(warm),
                BENCH_OUT=str(result),
            )
            command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                       "-p", "no:xdist", *flags[name], str(folder)]
            best = float("inf")
            for _ in range(repeats):
                done = subprocess.run(command, capture_output=True, text=True, cwd=folder, env=env)
                if done.returncode != 0:
                    raise RuntimeError(f"{name} suite failed:\n{done.stdout[-2000:]}")
                best = min(best, float(result.read_text()))
            out[name] = best / tests
    return out


def by_path_cost(engine: Ours | Moto, sizes: tuple[int, ...], count: int) -> dict[int, float | str]:
    """GetParametersByPath for 10 results while ``size`` parameters live in the store."""
    out: dict[int, float | str] = {}
    for size in sizes:
        engine.start()
        try:
            ssm = engine.ssm
            try:
                ssm.get_parameters_by_path(Path="/app/prod", MaxResults=10)
            except ClientError as error:
                if _is_unimplemented(error):
                    return {s: "n/a" for s in sizes}
                raise
            for i in range(10):
                ssm.put_parameter(Name=f"/app/prod/setting{i}", Value=f"v{i}", Type="String")
            # Everything else lives elsewhere, spread over 100 branches.
            for i in range(size - 10 - 2):  # 2 already there: the workload's own parameters
                ssm.put_parameter(Name=f"/other/b{i % 100}/p{i}", Value="x", Type="String")

            def call() -> Any:
                return ssm.get_parameters_by_path(Path="/app/prod", MaxResults=10)

            try:
                got = call()["Parameters"]
            except ClientError as error:
                if _is_unimplemented(error):
                    out[size] = "n/a"
                    continue
                raise
            if len(got) != 10:
                out[size] = f"wrong: {len(got)} results"
                continue
            for _ in range(10):
                call()
            out[size] = min(time_round(call, count) for _ in range(7))
        finally:
            engine.stop()
    return out


def memory_for(engine: Ours | Moto, count: int, secure: bool) -> tuple[float, float | None]:
    """Bytes held after putting ``count`` parameters, and (ssmkms) after clearing the trail."""
    engine.start()
    try:
        ssm = engine.ssm
        gc.collect()
        tracemalloc.start()
        baseline = tracemalloc.get_traced_memory()[0]
        kind = "SecureString" if secure else "String"
        for i in range(count - 2):
            ssm.put_parameter(
                Name=f"/mem/service{i % 100}/param{i}", Value=f"value-{i:08d}-abcdefghij", Type=kind
            )
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - baseline
        without_trail = None
        if isinstance(engine, Ours):
            engine.handle.trail.clear()
            gc.collect()
            without_trail = float(tracemalloc.get_traced_memory()[0] - baseline)
        tracemalloc.stop()
        return float(held), without_trail
    finally:
        if tracemalloc.is_tracing():
            tracemalloc.stop()
        engine.stop()


# --------------------------------------------------------------------------- report


def us(seconds: float) -> str:
    return f"{seconds * 1e6:8.1f} µs"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:7.2f} ms"


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    print(f"\n{title}")
    print("  " + "  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  " + "  ".join("-" * w for w in widths))
    for row in rows:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)))


def ratio(a: float, b: float) -> str:
    return f"{a / b:5.2f}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls")
    parser.add_argument("--no-moto", action="store_true", help="skip moto even if importable")
    parser.add_argument("--skip-memory", action="store_true", help="skip the tracemalloc section")
    parser.add_argument("--no-http", action="store_true", help="skip the over-HTTP section")
    parser.add_argument("--no-async", action="store_true", help="skip the async-clients section")
    parser.add_argument(
        "--timer",
        choices=("wall", "cpu"),
        default="wall",
        help="wall: time.perf_counter (default); cpu: time.process_time, steadier on a busy machine",
    )
    args = parser.parse_args(argv)
    global TIMER
    TIMER = time.perf_counter if args.timer == "wall" else time.process_time
    rounds, count, iterations = (3, 100, 15) if args.quick else (7, 300, 40)

    # The environment each mock sets while active (fake credentials, no config files, no
    # instance metadata): the floor's clients are then made exactly like the mocked ones.
    # Nothing here reaches AWS.
    os.environ.update(
        AWS_ACCESS_KEY_ID=FAKE_KEY,
        AWS_SECRET_ACCESS_KEY=FAKE_SECRET,
        AWS_DEFAULT_REGION=REGION,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    # Built first: the floor must not carry any handler the plugin or moto installs.
    floor_ssm, floor_kms = floor_clients()
    floor = Workload(
        calls={
            "PutParameter": lambda: floor_ssm.put_parameter(
                Name="/bench/app/counter", Value="1", Type="String", Overwrite=True
            ),
            "GetParameter+decrypt": lambda: floor_ssm.get_parameter(
                Name=SECRET_NAME, WithDecryption=True
            ),
            "Encrypt": lambda: floor_kms.encrypt(KeyId=KEY_ARN, Plaintext=PLAINTEXT),
            "Decrypt": lambda: floor_kms.decrypt(CiphertextBlob=b"\x01\x02\x02\x00" + bytes(180)),
        },
        missing={},
    )
    ours = Ours()
    moto, moto_note = load_moto(not args.no_moto)

    import platform

    import botocore

    print(
        f"pytest-ssmkms benchmark: Python {platform.python_version()}, botocore "
        f"{botocore.__version__}, {moto_note}; {rounds} rounds x {count} calls, "
        f"{args.timer} time"
    )

    # Discover what the plugin implements today.
    ours.start()
    assert ours.workload is not None
    ours_missing = dict(ours.workload.missing)
    ours.stop()

    results = per_call(floor, ours, moto, rounds, count)
    rows = []
    for op in floor.calls:
        by_engine = results.get(op, {})
        floor_s = by_engine.get("floor")
        mine = by_engine.get("ssmkms")
        other = by_engine.get("moto")
        rows.append(
            [
                op,
                us(floor_s.best) if floor_s else "n/a",
                f"{us(mine.best)} (median {us(mine.median).strip()})" if mine else "n/a",
                ratio(mine.best, floor_s.best) if mine and floor_s else "n/a",
                us(other.best) if other else "n/a",
                ratio(other.best, mine.best) if other and mine else "n/a",
            ]
        )
    print_table(
        "Per call (best round mean; target: ssmkms within 1.25x of floor for "
        "GetParameter+decrypt, Encrypt, Decrypt)",
        ["operation", "floor", "ssmkms", "ssmkms/floor", "moto", "moto/ssmkms"],
        rows,
    )
    if ours_missing:
        print("  not implemented yet by ssmkms:", ", ".join(f"{k} ({v})" for k, v in ours_missing.items()))

    whole = whole_test_cost(ours, moto, iterations)
    print_table(
        "A test's whole mock cost: start + boto3.client('ssm') + one PutParameter + stop "
        "(median; target < 10 ms)",
        ["engine", "median", "best"],
        [[name, ms(s.median), ms(s.best)] for name, s in whole.items()],
    )
    suite_size = 100 if args.quick else 500
    suite = pytest_suite_cost(suite_size, 2 if args.quick else 3)
    print(
        f"  inside pytest runs ({suite_size} tests, per test): "
        f"ssm_kms fixture {ms(suite['ssmkms']).strip()}, plugin off with the canned hook "
        f"{ms(suite['floor']).strip()}: the fixture adds "
        f"{ms(suite['ssmkms'] - suite['floor']).strip()} per test"
    )

    sizes = (100, 1_000, 10_000)

    def floor_by_path() -> Any:
        return floor_ssm.get_parameters_by_path(Path="/app/prod", MaxResults=10)

    floor_path = min(time_round(floor_by_path, count // 3) for _ in range(7))
    path_rows: dict[str, dict[int, float | str]] = {
        "floor": {size: floor_path for size in sizes},
        "ssmkms": by_path_cost(ours, sizes, count // 3),
    }
    if moto is not None:
        path_rows["moto"] = by_path_cost(moto, sizes, max(5, count // 30))
    rows = []
    for name, figures in path_rows.items():
        cells = [us(v) if isinstance(v, float) else v for v in (figures[s] for s in sizes)]
        first, last = figures[sizes[0]], figures[sizes[-1]]
        growth = ratio(last, first) if isinstance(first, float) and isinstance(last, float) else "n/a"
        if name == "floor":
            cells, growth = [us(floor_path), "same", "same"], "(canned)"
        rows.append([name, *cells, growth])
    print_table(
        "GetParametersByPath, 10 results, store holding N parameters (target: flat)",
        ["engine", *(f"N={s:,}" for s in sizes), "10k/100"],
        rows,
    )

    if not args.skip_memory:
        rows = []
        engines: list[tuple[str, Ours | Moto]] = [("ssmkms", ours)]
        if moto is not None:
            engines.append(("moto", moto))
        for name, engine in engines:
            cells = []
            for secure in (False, True):
                held, store_only = memory_for(engine, 10_000, secure)
                cell = f"{held / 2**20:6.1f} MiB ({held / 10_000:,.0f} B each)"
                if store_only is not None:
                    cell += f", {store_only / 2**20:.1f} MiB without the trail"
                cells.append(cell)
            rows.append([name, *cells])
        print_table(
            "Memory for 10,000 parameters put through the API (tracemalloc; ssmkms holds a "
            "trail record per call, KMS calls included)",
            ["engine", "String", "SecureString"],
            rows,
        )
        if "SecureString" in ours_missing:
            print("  ssmkms SecureString column: values not encrypted yet")
    if not args.no_async:
        import importlib.util
        import subprocess

        if importlib.util.find_spec("aiobotocore") is not None:
            # A process of its own: its async floor client must be made before the plugin is
            # imported (this process imported it above), so it carries none of its hooks.
            script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "async_calls.py")
            extra = ["--quick"] if args.quick else []
            subprocess.run([sys.executable, script, f"--timer={args.timer}", *extra], check=False)
        else:
            print("\nAsync clients: aiobotocore is not installed (pip install '.[async]')")
    if not args.no_http:
        import over_http  # beside this script

        over_http.run(quick=args.quick, with_moto=not args.no_moto)
    return 0


if __name__ == "__main__":
    sys.exit(main())
