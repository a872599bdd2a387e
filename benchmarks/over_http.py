"""Over HTTP: what a call costs a client in another process, side by side.

    python benchmarks/over_http.py            # on its own (run.py runs it too)
    python benchmarks/over_http.py --quick

Each engine serves from a process of its own, as for a real subprocess client; boto3 clients
in this process call it over loopback with keep-alive:

* *floor*: pytest-ssmkms's own HTTP server (the same sockets, HTTP parsing and SigV4 check)
  answering canned bodies of realistic size, so what it costs is the HTTP stack and botocore
  and nothing of the in-memory AWS;
* *ssmkms*: the same server answering through the in-memory AWS (``python -m pytest_ssmkms
  serve`` does the same);
* *moto*: moto's ``ThreadedMotoServer`` when moto is importable (never a dependency).

Per call: GetParameter with decryption and Encrypt, best round's mean wall time (rounds
interleaved across engines). Then requests per second with 8 client threads at once, each
with a client of its own, doing GetParameter with decryption. Wall time only: the server's
work happens in another process. Targets: ssmkms at least 2x faster than moto per call and
within 1.3x of the floor.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

REGION = "us-east-1"
ACCOUNT = "123456789012"
KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
NAME = "/bench/app/db-password"
VALUE = "correct-horse-battery-staple"
PLAINTEXT = b"0123456789abcdef0123456789abcdef"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CLIENTS = 8
ENGINES = ("floor", "ssmkms", "moto")
OPERATIONS = ("GetParameter+decrypt", "Encrypt")


# --------------------------------------------------------------------------- the servers


def _canned() -> dict[str, bytes]:
    """Bodies of the size the real answers have, by X-Amz-Target."""
    blob = base64.b64encode(b"\x01\x02\x02\x00" + bytes(180)).decode()
    return {
        "AmazonSSM.GetParameter": json.dumps({"Parameter": {
            "Name": NAME, "Type": "SecureString", "Value": VALUE, "Version": 1,
            "LastModifiedDate": 1767225600.123, "DataType": "text",
            "ARN": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{NAME}"}}).encode(),
        "TrentService.Encrypt": json.dumps({
            "CiphertextBlob": blob, "KeyId": KEY_ARN,
            "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}).encode(),
    }


def _serve(kind: str) -> None:
    """Serve ``kind`` on a free loopback port, print the port, stop when stdin closes."""
    if kind == "moto":
        from moto.server import ThreadedMotoServer

        moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        moto_server.start()
        print(moto_server.get_host_and_port()[1], flush=True)
        sys.stdin.read()
        moto_server.stop()
        return
    from pytest_ssmkms.adapters import http_server
    from pytest_ssmkms.aws.backend import Settings, World
    from pytest_ssmkms.wire import door

    world = World(Settings(region=REGION, account_id=ACCOUNT))
    answer: Any = door.answer
    if kind == "floor":
        bodies = _canned()

        def canned(world: World, request: door.Request) -> door.Response:
            return door.Response(200, bodies[request.target or ""], "7f9d6a7e-8c1c-4f4e-9a53-2d4c7a0e0b11")

        answer = canned
    with http_server.serve(world, "127.0.0.1", 0, answer=answer) as server:
        print(server.port, flush=True)
        sys.stdin.read()


@dataclass
class Engine:
    name: str
    process: subprocess.Popen[str]
    endpoint: str
    calls: dict[str, Callable[[], Any]] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        return boto3.session.Session().client(
            service, endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=KEY, aws_secret_access_key=SECRET,
            config=Config(retries={"max_attempts": 1}),
        )

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def start(kind: str) -> Engine:
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--serve", kind],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # stderr: werkzeug's access log (moto)
    assert process.stdout is not None
    port = int(process.stdout.readline())
    engine = Engine(kind, process, f"http://127.0.0.1:{port}")
    ssm, kms = engine.client("ssm"), engine.client("kms")
    key = KEY_ARN
    if kind != "floor":
        key = kms.create_key(Description="bench")["KeyMetadata"]["Arn"]
        ssm.put_parameter(Name=NAME, Value=VALUE, Type="SecureString", KeyId=key)
    engine.calls = {
        "GetParameter+decrypt": lambda: ssm.get_parameter(Name=NAME, WithDecryption=True),
        "Encrypt": lambda: kms.encrypt(KeyId=key, Plaintext=PLAINTEXT),
    }
    for call in engine.calls.values():  # every answer parses: the engines are comparable
        call()
    return engine


# --------------------------------------------------------------------------- measuring


def time_round(call: Callable[[], Any], count: int) -> float:
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        begin = time.perf_counter()
        for _ in range(count):
            call()
        return (time.perf_counter() - begin) / count
    finally:
        if gc_was_enabled:
            gc.enable()


def per_call(engines: list[Engine], rounds: int, count: int) -> dict[str, dict[str, list[float]]]:
    """Seconds per call: operation -> engine -> one mean per round (engines interleaved)."""
    results: dict[str, dict[str, list[float]]] = {}
    for _ in range(rounds):
        for engine in engines:
            for operation, call in engine.calls.items():
                for _ in range(10):
                    call()
                results.setdefault(operation, {}).setdefault(engine.name, []).append(
                    time_round(call, count))
    return results


def requests_per_second(engine: Engine, seconds: float) -> float:
    """GetParameter with decryption from CLIENTS threads at once, each with its own client."""
    clients = [engine.client("ssm") for _ in range(CLIENTS)]
    for client in clients:
        client.get_parameter(Name=NAME, WithDecryption=True)
    counts = [0] * CLIENTS
    go = threading.Event()
    deadline = [0.0]

    def run(index: int) -> None:
        client = clients[index]
        go.wait()
        while time.perf_counter() < deadline[0]:
            client.get_parameter(Name=NAME, WithDecryption=True)
            counts[index] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    begin = time.perf_counter()
    deadline[0] = begin + seconds
    go.set()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - begin)


# --------------------------------------------------------------------------- report


def moto_available(wanted: bool) -> str | None:
    """moto's version when it is importable and wanted, else None."""
    if not wanted:
        return None
    try:
        import moto
        from moto.server import ThreadedMotoServer  # noqa: F401 - needs moto[server]
    except ImportError:
        return None
    return str(moto.__version__)


def run(quick: bool = False, with_moto: bool = True) -> dict[str, Any]:
    """Measure and print; returns the figures (seconds per call, requests per second)."""
    rounds, count, seconds = (3, 60, 2.0) if quick else (7, 200, 5.0)
    moto_version = moto_available(with_moto)
    kinds = [k for k in ENGINES if k != "moto" or moto_version]
    engines = [start(kind) for kind in kinds]
    try:
        calls = per_call(engines, rounds, count)
        rps = {engine.name: requests_per_second(engine, seconds) for engine in engines}
    finally:
        for engine in engines:
            engine.stop()
    note = f"moto {moto_version} ThreadedMotoServer" if moto_version else "moto not measured"
    print(f"\nOver HTTP from boto3 (servers in their own processes, loopback, keep-alive; {note}; "
          f"{rounds} rounds x {count} calls; wall time)")
    header = ["operation", "floor", "ssmkms", "ssmkms/floor", "moto", "moto/ssmkms"]
    rows = []
    best: dict[str, dict[str, float]] = {}
    for operation in OPERATIONS:
        by = {name: min(values) for name, values in calls[operation].items()}
        best[operation] = by
        median = statistics.median(calls[operation]["ssmkms"])
        rows.append([
            operation, _us(by["floor"]), f"{_us(by['ssmkms'])} (median {_us(median).strip()})",
            f"{by['ssmkms'] / by['floor']:5.2f}x",
            _us(by["moto"]) if "moto" in by else "n/a",
            f"{by['moto'] / by['ssmkms']:5.2f}x" if "moto" in by else "n/a",
        ])
    _table(header, rows)
    print(f"  targets: ssmkms/floor <= 1.30x, moto/ssmkms >= 2.00x")
    print(f"  requests per second, {CLIENTS} concurrent clients (GetParameter+decrypt): "
          + ", ".join(f"{name} {value:,.0f}" for name, value in rps.items()))
    return {"per_call": best, "rps": rps}


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:8.1f} µs"


def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  " + "  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  " + "  ".join("-" * w for w in widths))
    for row in rows:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls")
    parser.add_argument("--no-moto", action="store_true", help="skip moto even if importable")
    parser.add_argument("--serve", choices=ENGINES, help=argparse.SUPPRESS)  # a server process
    args = parser.parse_args(argv)
    if args.serve:
        _serve(args.serve)
        return 0
    run(args.quick, not args.no_moto)
    return 0


if __name__ == "__main__":
    sys.exit(main())
