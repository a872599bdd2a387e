"""Secrets (parameter values, plaintexts, data keys, key material) never show up in the trail,
in the repr or str of the plugin's objects, in the plugin's log output, or in pytest's report
of a failing test.

What we can and cannot promise about logs: botocore's own DEBUG logging prints every request
and response body (it does the same against real AWS), so a test that turns on DEBUG for
``botocore`` will see the values it sends and receives. The plugin's own loggers and records
never hold them; see docs/guarantees.md.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import deque
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms.aws.trail.log import TrailAssertionError
from tests.reliability.support import find_secrets

LEAF_TYPES = (str, bytes, bytearray, int, float, bool, type(None), datetime, date, uuid.UUID)
MAX_OBJECTS = 200_000


def walk(root: Any) -> Iterator[Any]:
    """Every object reachable from ``root`` through attributes and containers (plugin objects
    and containers are entered; other libraries' objects are yielded but not entered)."""
    seen: set[int] = set()
    queue: deque[Any] = deque([root])
    while queue and len(seen) < MAX_OBJECTS:
        obj = queue.popleft()
        if id(obj) in seen or isinstance(obj, LEAF_TYPES) or isinstance(obj, type):
            continue
        seen.add(id(obj))
        yield obj
        if isinstance(obj, dict):
            queue.extend(obj.keys())
            queue.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset, deque)):
            queue.extend(obj)
        elif type(obj).__module__.startswith("pytest_ssmkms"):
            queue.extend(_attributes(obj))


def _attributes(obj: Any) -> list[Any]:
    values = list(getattr(obj, "__dict__", {}).values())
    for klass in type(obj).__mro__:
        for slot in getattr(klass, "__slots__", ()):
            if hasattr(obj, slot):
                values.append(getattr(obj, slot))
    return values


def key_material(world: Any) -> list[bytes]:
    """The secret bytes of every key: any ``secret`` attribute of a plugin object."""
    found = []
    for obj in walk(world):
        secret = getattr(obj, "secret", None) if type(obj).__module__.startswith("pytest_ssmkms") else None
        if isinstance(secret, (bytes, bytearray)) and secret:
            found.append(bytes(secret))
    return found


@pytest.fixture
def secrets_in_use(ssm_kms) -> list[str | bytes]:
    """Exercise every path that handles a secret; return the secrets that went through."""
    tag = uuid.uuid4().hex
    values = [f"pw-first-{tag}", f"pw-second-{tag}", f"pw-advanced-{tag}" + "A" * 5000]
    plaintexts = [f"kms-plaintext-{tag}".encode(), f"context-bound-{tag}".encode()]
    ssm, kms = boto3.client("ssm"), boto3.client("kms")
    key = kms.create_key(Description="leaks")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/leaks", TargetKeyId=key)
    ssm.put_parameter(Name="/leak/db", Value=values[0], Type="SecureString", KeyId="alias/leaks")
    ssm.put_parameter(Name="/leak/db", Value=values[1], Type="SecureString", Overwrite=True)
    ssm.put_parameter(Name="/leak/big", Value=values[2], Type="SecureString", Tier="Advanced")
    ssm.label_parameter_version(Name="/leak/db", ParameterVersion=1, Labels=["old"])
    ssm.get_parameter(Name="/leak/db:old", WithDecryption=True)
    ssm.get_parameters(Names=["/leak/db", "/leak/big", "/leak/missing"], WithDecryption=True)
    ssm.get_parameters_by_path(Path="/leak", WithDecryption=True)
    ssm.get_parameter_history(Name="/leak/db", WithDecryption=True)
    blob = kms.encrypt(KeyId=key, Plaintext=plaintexts[0])["CiphertextBlob"]
    kms.decrypt(CiphertextBlob=blob)
    bound = kms.encrypt(KeyId=key, Plaintext=plaintexts[1], EncryptionContext={"app": "x"})["CiphertextBlob"]
    kms.re_encrypt(CiphertextBlob=bound, SourceEncryptionContext={"app": "x"}, DestinationKeyId="alias/leaks")
    data_key = kms.generate_data_key(KeyId=key, KeySpec="AES_256")["Plaintext"]
    random_bytes = kms.generate_random(NumberOfBytes=32)["Plaintext"]
    # Failure paths carry the secret in the request: the errors must not echo it.
    failures = [
        lambda: ssm.put_parameter(Name="/leak/db", Value=values[0], Type="SecureString"),  # exists
        lambda: ssm.put_parameter(Name="/leak/long", Value=values[0] * 200, Type="SecureString"),
        lambda: ssm.put_parameter(Name="/leak/pattern", Value=values[0], Type="SecureString", AllowedPattern="^[0-9]+$"),
        lambda: ssm.put_parameter(Name="/leak/nokey", Value=values[0], Type="SecureString", KeyId="alias/none"),
        lambda: kms.decrypt(CiphertextBlob=bound, EncryptionContext={"app": "wrong"}),
        lambda: kms.encrypt(KeyId=key, Plaintext=plaintexts[0] * 400),
        lambda: kms.encrypt(KeyId="alias/none", Plaintext=plaintexts[0]),
    ]
    kms.disable_key(KeyId=key)
    failures.append(lambda: ssm.get_parameter(Name="/leak/db", WithDecryption=True))
    for attempt in failures:
        with pytest.raises(ClientError) as caught:
            attempt()
        assert not find_secrets(str(caught.value), [*values, *plaintexts]), caught.value
    kms.enable_key(KeyId=key)
    inner = [c.result.get("Plaintext") for c in ssm_kms.trail.calls if c.result and c.result.get("Plaintext")]
    return [*values, *plaintexts, data_key, random_bytes, *inner, *key_material(ssm_kms.world)]


def test_secrets_fixture_finds_key_material(ssm_kms, secrets_in_use):
    # The other tests are only as good as the secrets they look for.
    assert len(key_material(ssm_kms.world)) >= 2  # the customer key and aws/ssm
    assert len(secrets_in_use) >= 10


def test_trail_records_hold_no_secret(ssm_kms, secrets_in_use):
    events = list(ssm_kms.trail)
    assert len(events) > 20
    text = json.dumps(events, default=str) + repr(events)
    assert find_secrets(text, secrets_in_use) == []
    for event in ssm_kms.trail.lookup(event_name="Decrypt"):
        assert event["responseElements"] is None


def test_lookup_events_api_holds_no_secret(ssm_kms, secrets_in_use):
    pages = boto3.client("cloudtrail").get_paginator("lookup_events").paginate()
    text = json.dumps([page["Events"] for page in pages], default=str)
    assert "PutParameter" in text
    assert find_secrets(text, secrets_in_use) == []


def test_failed_trail_assertions_hold_no_secret(ssm_kms, secrets_in_use):
    with pytest.raises(TrailAssertionError) as caught:
        ssm_kms.trail.assert_called("Decrypt", times=999)
    with pytest.raises(TrailAssertionError) as not_called:
        ssm_kms.trail.assert_not_called("PutParameter")
    message = str(caught.value) + str(not_called.value)
    assert "PutParameter" in message
    assert find_secrets(message, secrets_in_use) == []


def test_no_plugin_object_shows_a_secret_in_its_repr(ssm_kms, secrets_in_use):
    checked = 0
    for obj in walk(ssm_kms.world):
        if isinstance(obj, (dict, list, tuple, set, frozenset, deque)):
            continue  # raw containers show their contents by definition
        text = repr(obj) + str(obj)
        leaked = find_secrets(text, secrets_in_use)
        assert not leaked, f"{type(obj).__module__}.{type(obj).__qualname__} shows a secret: {text[:200]}"
        checked += 1
    assert checked > 100
    assert find_secrets(repr(ssm_kms) + repr(ssm_kms.trail), secrets_in_use) == []


def test_plugin_logs_hold_no_secret(caplog):
    caplog.set_level(logging.DEBUG)  # everything, botocore included
    with caplog.at_level(logging.DEBUG, logger="pytest_ssmkms"):
        from pytest_ssmkms import mock_ssm_kms

        with mock_ssm_kms() as aws:
            ssm = aws.client("ssm")
            value = f"logged-{uuid.uuid4().hex}"
            ssm.put_parameter(Name="/log/p", Value=value, Type="SecureString")
            assert ssm.get_parameter(Name="/log/p", WithDecryption=True)["Parameter"]["Value"] == value
            material = key_material(aws.world)
    ours = [r for r in caplog.records if r.name.startswith("pytest_ssmkms")]
    text = "\n".join(f"{r.getMessage()} {r.args!r}" for r in ours)
    assert find_secrets(text, [value, *material]) == []
    # botocore itself logs bodies at DEBUG (as against real AWS): what we do not promise.
    assert any(r.name.startswith("botocore") for r in caplog.records)


FAILING_TEST = '''
import boto3


def secret():
    # Built at run time so the source shown in the traceback does not contain it.
    return "".join(reversed("{reversed_secret}"))


def test_fails_after_handling_a_secret(ssm_kms):
    ssm, kms = boto3.client("ssm"), boto3.client("kms")
    ssm.put_parameter(Name="/report/pw", Value=secret(), Type="SecureString")
    # Results are not bound to locals: --showlocals would print the test's own variables.
    ssm.get_parameter(Name="/report/pw", WithDecryption=True)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=secret().encode())["CiphertextBlob"]
    kms.decrypt(CiphertextBlob=blob)
    assert ssm_kms.trail.lookup(event_name="Decrypt") == [], "fails on purpose"

'''


def test_pytest_failure_report_holds_no_secret(pytester):
    value = f"report-secret-{uuid.uuid4().hex}"
    pytester.makepyfile(FAILING_TEST.format(reversed_secret=value[::-1]))
    trail_file = pytester.path / "trail.json"
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-vv", "--tb=long", "-rA", f"--ssm-kms-trail={trail_file}", "--showlocals"
    )
    result.assert_outcomes(failed=1)
    output = result.stdout.str() + result.stderr.str()
    assert "fails on purpose" in output
    assert "GetParameter" in output  # the trail section is in the report
    assert find_secrets(output, [value]) == []
    assert find_secrets(trail_file.read_text(), [value]) == []


def test_an_internal_error_never_quotes_the_value_it_failed_on(ssm_kms, monkeypatch):
    # A plugin bug whose exception text quotes the secret (int(value), f"bad {value}") is
    # answered as InternalFailure naming the exception type and place, not its text.
    from pytest_ssmkms.aws.ssm import handlers

    value = f"internal-{uuid.uuid4().hex}"

    def broken(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        raise ValueError(f"cannot store {params['Value']}")

    monkeypatch.setitem(handlers.OPERATIONS, "PutParameter", broken)
    with pytest.raises(ClientError) as caught:
        boto3.client("ssm").put_parameter(Name="/broken", Value=value, Type="SecureString")
    error = caught.value.response["Error"]
    assert error["Code"] == "InternalFailure"
    assert "ValueError at pytest_ssmkms/" in error["Message"]
    assert find_secrets(error["Message"] + json.dumps(list(ssm_kms.trail)), [value]) == []
    cause = ssm_kms.trail.calls[-1].error.__cause__  # the raw call keeps it for maintainers
    assert isinstance(cause, ValueError) and value in str(cause)


def test_trail_file_merged_from_xdist_workers_holds_no_secret(pytester):
    value = f"xdist-secret-{uuid.uuid4().hex}"
    source = FAILING_TEST.format(reversed_secret=value[::-1])
    # Two failing tests and a passing one, so that both workers record and report.
    source += source.replace("test_fails_after_handling_a_secret", "test_fails_again_with_the_secret")
    source += (
        "\n\ndef test_passes_with_the_secret(ssm_kms):\n"
        "    boto3.client('ssm').put_parameter(Name='/ok/pw', Value=secret(), Type='SecureString')\n"
    )
    pytester.makepyfile(source)
    trail_file = pytester.path / "trail.json"
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-n", "2", "-rA", "--tb=long", f"--ssm-kms-trail={trail_file}"
    )
    result.assert_outcomes(failed=2, passed=1)
    records = json.loads(trail_file.read_text())["Records"]
    assert any(r["eventName"] == "PutParameter" for r in records)
    assert find_secrets(trail_file.read_text() + result.stdout.str(), [value]) == []
