"""The hot path's shortcuts give exactly what the general code gives (pure units)."""

from __future__ import annotations

import json
import os
import random
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from pytest_ssmkms.wire import protocol
from pytest_ssmkms.aws.clock import Clock
from pytest_ssmkms.aws.context import new_request_id
from pytest_ssmkms.aws.errors import SerializationException
from pytest_ssmkms.aws.kms import crypto, registry


def test_request_ids_are_random_uuid4_text() -> None:
    ids = {new_request_id() for _ in range(1000)}
    assert len(ids) == 1000
    for text in list(ids)[:50]:
        assert str(uuid.UUID(text)) == text and text[14] == "4"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_draws_other_ids_and_ivs_than_its_parent() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        drawn = new_request_id() + registry.RandomSource(None, "x").nonce(12).hex()
        os.write(write, drawn.encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 200).decode()
    assert child != new_request_id() + registry.RandomSource(None, "x").nonce(12).hex()


def test_deterministic_nonces_are_the_seeded_bytes() -> None:
    one, two = registry.RandomSource(7, "s"), registry.RandomSource(7, "s")
    assert [one.nonce(12) for _ in range(3)] == [two.bytes(12) for _ in range(3)]


@pytest.mark.parametrize(
    "context",
    [{"PARAMETER_ARN": "arn:aws:ssm:us-east-1:123456789012:parameter/a\"b\\c\u00e9\u2028"},
     {"b": "2", "a": "1", "\u00fc": "\x00\x1f"}, {"k": 1}],
)
def test_canonical_context_is_the_json_of_its_sorted_pairs(context: dict[str, object]) -> None:
    expected = json.dumps(sorted(context.items()), ensure_ascii=False, separators=(",", ":"))
    assert crypto.canonical_context(context) == expected.encode()  # type: ignore[arg-type]


def test_encoded_results_are_what_json_dumps_gives() -> None:
    moments = [datetime(2026, 1, 1, 0, 0, 0, 123000, tzinfo=timezone.utc),
               datetime(2026, 1, 1, 0, 0, 0, 123456, tzinfo=timezone.utc),
               datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=2)))]
    rng = random.Random(3)
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    moments += [epoch + timedelta(milliseconds=rng.randrange(2**42)) for _ in range(2000)]
    for moment in moments:
        result = {"When": moment, "Blob": b"\x00\xff", "Text": "\u00e9\"", "N": [1, 2.5, True, None]}
        expected = json.dumps(
            {**result, "When": round(moment.timestamp(), 3), "Blob": "AP8="}, separators=(",", ":")
        )
        assert protocol.encode_result(result) == expected.encode()


@pytest.mark.parametrize(
    "body", [b'{"a": 1} x', b'{"a": 1', b'{"a": "\\uzzzz"}', b"{}\n\t "]
)
def test_json_bodies_parse_or_fail_as_json_loads_does(body: bytes) -> None:
    try:
        expected: object = json.loads(body)
    except ValueError as error:
        with pytest.raises(SerializationException) as caught:
            protocol._load_json(body)
        assert str(error) in caught.value.message
    else:
        assert protocol._load_json(body) == expected


def test_clock_truncates_to_milliseconds() -> None:
    clock = Clock(datetime(2026, 5, 1, 12, 0, 0, 987654, tzinfo=timezone.utc))
    assert clock.now() == datetime(2026, 5, 1, 12, 0, 0, 987000, tzinfo=timezone.utc)
    clock.advance(timedelta(microseconds=500))
    assert clock.now() == datetime(2026, 5, 1, 12, 0, 0, 988000, tzinfo=timezone.utc)
