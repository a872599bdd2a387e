"""Per-call cost of async clients (aiobotocore): pytest-ssmkms against an async floor.

    python benchmarks/async_calls.py [--quick] [--timer=cpu]

*floor*: an aiobotocore client whose ``before-send`` handler returns a canned, valid response
that aiobotocore can await, so a call pays for aiobotocore's serialization, signing and parsing
and nothing else. *ssmkms*: the same calls answered by the plugin. The floor's client is made
before the plugin is imported, so it carries none of the plugin's hooks; rounds are interleaved
so machine noise hits both alike; each figure is the best round's mean. ``benchmarks/run.py``
runs this script in a subprocess when aiobotocore is importable. Timings are only reported.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

REGION = "us-east-1"
ACCOUNT = "123456789012"
NAME = "/bench/app/db-password"
VALUE = "correct-horse-battery-staple"
PLAINTEXT = b"0123456789abcdef0123456789abcdef"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BLOB = b"\x01\x02\x02\x00" + bytes(180)
OPERATIONS = ("GetParameter+decrypt", "Encrypt", "Decrypt")

Call = Callable[[], Awaitable[Any]]


def _bodies() -> dict[str, bytes]:
    bodies = {
        "GetParameter": {"Parameter": {
            "Name": NAME, "Type": "SecureString", "Value": VALUE, "Version": 1,
            "LastModifiedDate": 1767225600.123, "DataType": "text",
            "ARN": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{NAME}"}},
        "Encrypt": {"CiphertextBlob": base64.b64encode(BLOB).decode(), "KeyId": KEY_ARN,
                    "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"},
        "Decrypt": {"KeyId": KEY_ARN, "Plaintext": base64.b64encode(PLAINTEXT).decode(),
                    "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"},
    }
    return {operation: json.dumps(body).encode() for operation, body in bodies.items()}


class _Raw:
    """A body aiobotocore can read (its aiohttp/httpx responses are read with ``await``)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self, amt: int | None = None) -> bytes:
        return self._body


def _floor_handler(bodies: dict[str, bytes]) -> Callable[..., Any]:
    from aiobotocore.awsrequest import AioAWSResponse

    headers = {"Content-Type": "application/x-amz-json-1.1",
               "x-amzn-RequestId": "7f9d6a7e-8c1c-4f4e-9a53-2d4c7a0e0b11"}

    def before_send(request: Any, event_name: str, **_: Any) -> Any:
        body = bodies[event_name.rsplit(".", 1)[1]]
        response = AioAWSResponse(request.url, 200, dict(headers), _Raw(body))
        response._content = body  # read already, as a real response is once awaited
        return response

    return before_send


def _calls(ssm: Any, kms: Any) -> dict[str, Call]:
    return {
        "GetParameter+decrypt": lambda: ssm.get_parameter(Name=NAME, WithDecryption=True),
        "Encrypt": lambda: kms.encrypt(KeyId=KEY_ARN, Plaintext=PLAINTEXT),
        "Decrypt": lambda: kms.decrypt(CiphertextBlob=BLOB),
    }


async def _round(call: Call, count: int, timer: Callable[[], float]) -> float:
    start = timer()
    for _ in range(count):
        await call()
    return (timer() - start) / count


async def measure(rounds: int, count: int, timer: Callable[[], float]) -> dict[str, tuple[float, float]]:
    """{operation: (floor seconds per call, ssmkms seconds per call)}, best rounds."""
    from aiobotocore.session import get_session

    os.environ.update(AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
                      AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                      AWS_DEFAULT_REGION=REGION, AWS_EC2_METADATA_DISABLED="true",
                      AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    handler = _floor_handler(_bodies())
    floor_session = get_session()  # made before the plugin is imported: no plugin hooks
    async with floor_session.create_client("ssm", region_name=REGION) as floor_ssm, \
            floor_session.create_client("kms", region_name=REGION) as floor_kms:
        floor_ssm.meta.events.register("before-send.ssm", handler)
        floor_kms.meta.events.register("before-send.kms", handler)

        from pytest_ssmkms import mock_ssm_kms

        async with mock_ssm_kms() as aws:
            async with aws.aio_client("ssm") as ssm, aws.aio_client("kms") as kms:
                key = (await kms.create_key())["KeyMetadata"]["Arn"]
                await ssm.put_parameter(Name=NAME, Value=VALUE, Type="SecureString")
                blob = (await kms.encrypt(KeyId=key, Plaintext=PLAINTEXT))["CiphertextBlob"]
                ours = {
                    "GetParameter+decrypt": lambda: ssm.get_parameter(Name=NAME, WithDecryption=True),
                    "Encrypt": lambda: kms.encrypt(KeyId=key, Plaintext=PLAINTEXT),
                    "Decrypt": lambda: kms.decrypt(CiphertextBlob=blob),
                }
                floor = _calls(floor_ssm, floor_kms)
                best: dict[str, list[float]] = {op: [float("inf"), float("inf")] for op in OPERATIONS}
                for call in (*floor.values(), *ours.values()):  # warm up
                    for _ in range(20):
                        await call()
                for _ in range(rounds):
                    for op in OPERATIONS:
                        best[op][0] = min(best[op][0], await _round(floor[op], count, timer))
                        best[op][1] = min(best[op][1], await _round(ours[op], count, timer))
                        aws.trail.clear()  # the trail grows with every call; keep it small
    return {op: (pair[0], pair[1]) for op, pair in best.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--timer", choices=("wall", "cpu"), default="wall")
    args = parser.parse_args(argv)
    timer = time.perf_counter if args.timer == "wall" else time.process_time
    rounds, count = (3, 100) if args.quick else (7, 300)
    results = asyncio.run(measure(rounds, count, timer))
    print("\nAsync clients (aiobotocore), per call (best round mean; target: ssmkms within 1.25x "
          "of the async floor)")
    print(f"  {'operation':<22}{'floor':>12}{'ssmkms':>12}{'ssmkms/floor':>14}")
    for op, (floor, ours) in results.items():
        print(f"  {op:<22}{floor * 1e6:>9.1f} µs{ours * 1e6:>9.1f} µs{ours / floor:>13.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
