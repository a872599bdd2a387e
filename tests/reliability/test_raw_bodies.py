"""Raw bodies sent straight to the before-send hook, as a broken or hostile client would send
them: each gets a clear 400 with an AWS error body, memory stays bounded, and the plugin keeps
answering ordinary calls afterwards."""

from __future__ import annotations

import gc
import io
import json
import random
import tracemalloc
from typing import Any

import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.exceptions import ClientError

from pytest_ssmkms import mock_ssm_kms
from pytest_ssmkms.adapters.botocore_hook import before_send
from tests.reliability.support import UNVALIDATED

AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/{service}/aws4_request, "
    "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0"
)
URLS = {
    "ssm": "https://ssm.us-east-1.amazonaws.com/",
    "kms": "https://kms.us-east-1.amazonaws.com/",
    "cloudtrail": "https://cloudtrail.us-east-1.amazonaws.com/",
}
PREFIXES = {
    "ssm": "AmazonSSM",
    "kms": "TrentService",
    "cloudtrail": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101",
}
MEGABYTE = 1024 * 1024
DEEP = 10_000
# Generous: the 1 MB bodies are copied a handful of times (bytes, str, JSON), nothing more.
PEAK_BOUND = 64 * MEGABYTE


def send(service: str, operation: str, body: Any, target: str | None = None) -> Any:
    headers = {
        "X-Amz-Target": target if target is not None else f"{PREFIXES[service]}.{operation}",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": AUTH.format(service=service),
    }
    request = AWSPreparedRequest("POST", URLS[service], headers, body, stream_output=False)
    return before_send(request, event_name=f"before-send.{service}.{operation}")


def garbage(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def nested_lists(depth: int) -> bytes:
    return b'{"Name": ' + b"[" * depth + b"]" * depth + b"}"


def nested_objects(depth: int) -> bytes:
    return b'{"Name": ' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"


# (id, service, operation, body, expected code)
CASES: list[tuple[str, str, str, Any, str]] = [
    ("invalid-json", "ssm", "GetParameter", b'{"Name": "/a",', "SerializationException"),
    ("not-json-at-all", "kms", "Encrypt", b"Name=/a&Value=b", "SerializationException"),
    ("json-array", "ssm", "GetParameter", b'[{"Name": "/a"}]', "SerializationException"),
    ("json-string", "kms", "DescribeKey", b'"alias/x"', "SerializationException"),
    ("json-number", "ssm", "GetParameter", b"42", "SerializationException"),
    ("json-null", "ssm", "GetParameter", b"null", "SerializationException"),
    ("empty-body", "ssm", "GetParameter", b"", "ValidationException"),
    ("empty-object", "kms", "Encrypt", b"{}", "ValidationException"),
    ("name-is-number", "ssm", "GetParameter", b'{"Name": 12}', "SerializationException"),
    ("name-is-list", "ssm", "GetParameter", b'{"Name": ["/a"]}', "SerializationException"),
    ("name-is-object", "ssm", "GetParameter", b'{"Name": {"a": 1}}', "SerializationException"),
    ("bool-is-string", "ssm", "GetParameter", b'{"Name": "/a", "WithDecryption": "yes"}', "SerializationException"),
    ("names-is-string", "ssm", "GetParameters", b'{"Names": "/a"}', "SerializationException"),
    ("int-is-float", "ssm", "DescribeParameters", b'{"MaxResults": 1.5}', "SerializationException"),
    ("int-is-infinity", "ssm", "DescribeParameters", b'{"MaxResults": Infinity}', "SerializationException"),
    ("int-is-nan", "ssm", "DescribeParameters", b'{"MaxResults": NaN}', "SerializationException"),
    ("int-is-huge", "ssm", "DescribeParameters", b'{"MaxResults": 123456789012345678901234567890}', "ValidationException"),
    ("int-is-1e400", "kms", "ListKeys", b'{"Limit": 1e400}', "SerializationException"),
    ("blob-not-base64", "kms", "Encrypt", b'{"KeyId": "alias/a", "Plaintext": "!!!"}', "SerializationException"),
    ("blob-is-number", "kms", "Decrypt", b'{"CiphertextBlob": 5}', "SerializationException"),
    ("map-value-number", "kms", "Encrypt", b'{"KeyId": "alias/a", "Plaintext": "YQ==", "EncryptionContext": {"k": 1}}', "SerializationException"),
    ("map-is-list", "kms", "Encrypt", b'{"KeyId": "alias/a", "Plaintext": "YQ==", "EncryptionContext": ["k"]}', "SerializationException"),
    ("timestamp-is-text", "cloudtrail", "LookupEvents", b'{"StartTime": "yesterday"}', "SerializationException"),
    ("timestamp-overflows", "cloudtrail", "LookupEvents", b'{"StartTime": 1e300}', "SerializationException"),
    ("timestamp-is-nan", "cloudtrail", "LookupEvents", b'{"StartTime": NaN}', "SerializationException"),
    ("unknown-members", "ssm", "GetParameter", b'{"Name": "/nope", "Bogus": {"x": [1, 2]}, "name": 1}', "ParameterNotFound"),
    ("one-megabyte-value", "ssm", "PutParameter",
     b'{"Name": "/big", "Type": "String", "Value": "' + b"v" * MEGABYTE + b'"}', "ValidationException"),
    ("one-megabyte-plaintext", "kms", "Encrypt",
     b'{"KeyId": "alias/a", "Plaintext": "' + b"QUFB" * (MEGABYTE // 4) + b'"}', "ValidationException"),
    ("one-megabyte-name", "ssm", "GetParameter", b'{"Name": "' + b"n" * MEGABYTE + b'"}', "ValidationException"),
    ("over-the-body-limit", "ssm", "PutParameter",
     b'{"Name": "/big", "Type": "String", "Value": "' + b"v" * (3 * MEGABYTE) + b'"}', "RequestEntityTooLargeException"),
    ("deep-lists", "ssm", "GetParameter", nested_lists(DEEP), "SerializationException"),
    ("deep-objects", "ssm", "GetParameter", nested_objects(DEEP), "SerializationException"),
    ("moderately-deep-unknown-member", "ssm", "GetParameter",
     b'{"Name": "/x", "Extra": ' + b"[" * 100 + b"]" * 100 + b"}", "SerializationException"),
    ("binary-garbage", "ssm", "PutParameter", garbage(4096, 1), "SerializationException"),
    ("binary-garbage-kms", "kms", "Decrypt", garbage(65536, 2), "SerializationException"),
    ("utf16-bom", "ssm", "GetParameter", '{"Name": "/a"}'.encode("utf-16"), "ParameterNotFound"),
    ("nul-bytes", "kms", "Encrypt", b"\x00" * 1024, "SerializationException"),
    ("invalid-utf8", "ssm", "GetParameter", b'{"Name": "\xff\xfe"}', "SerializationException"),
    ("surrogate-as-utf8-bytes", "ssm", "PutParameter",
     b'{"Name": "/s", "Type": "SecureString", "Value": "\xed\xa0\x80"}', "SerializationException"),
    ("hangul-is-fine", "ssm", "GetParameter", '{"Name": "/\ud55c"}'.encode(), "ValidationException"),
    ("lone-surrogate-escape", "ssm", "GetParameter", b'{"Name": "\\ud800"}', "SerializationException"),
    ("lone-surrogate-in-map-key", "kms", "Encrypt", b'{"KeyId": "alias/a", "Plaintext": "YQ==", "EncryptionContext": {"\\uDC00": "v"}}', "SerializationException"),
    ("paired-surrogates-are-fine", "ssm", "GetParameter", b'{"Name": "\\ud83d\\ude00"}', "ValidationException"),
    ("file-like-body", "ssm", "GetParameter", io.BytesIO(b'{"Name": "/nope"}'), "ParameterNotFound"),
    ("file-like-huge-body", "ssm", "GetParameter", io.BytesIO(b" " * (3 * MEGABYTE)), "RequestEntityTooLargeException"),
    ("bytearray-body", "ssm", "GetParameter", bytearray(b'{"Name": "/nope"}'), "ParameterNotFound"),
    ("text-body", "ssm", "GetParameter", '{"Name": "/nope"}', "ParameterNotFound"),
    ("text-body-lone-surrogate", "ssm", "GetParameter", '{"Name": "\ud800"}', "SerializationException"),
    ("not-a-body-at-all", "ssm", "GetParameter", 12345, "SerializationException"),
    ("unknown-operation", "ssm", "NoSuchOperation", b"{}", "UnknownOperationException"),
    ("unknown-kms-operation", "kms", "FlyToTheMoon", b'{"KeyId": "x"}', "UnknownOperationException"),
]


def assert_clear_400(response: Any, expected: str) -> dict[str, Any]:
    assert response is not None, "the hook let the request through to the network"
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["__type"] == expected, body
    message = body.get("message", body.get("Message"))
    assert isinstance(message, (str, type(None)))
    assert "InternalFailure" not in response.content.decode("utf-8", "replace")
    return body


def still_works(aws: Any) -> None:
    ssm = aws.client("ssm")
    ssm.put_parameter(Name="/after", Value="fine", Type="String", Overwrite=True)
    assert ssm.get_parameter(Name="/after")["Parameter"]["Value"] == "fine"


@pytest.mark.parametrize(("service", "operation", "body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_raw_body_gets_a_clear_400_and_memory_stays_bounded(service, operation, body, expected):
    with mock_ssm_kms() as aws:
        gc.collect()
        tracemalloc.start()
        try:
            response = send(service, operation, body)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert_clear_400(response, expected)
        assert peak < PEAK_BOUND, f"peak {peak / MEGABYTE:.1f} MB answering {len(body)} bytes"
        # The failure is in the trail like any other call, and nothing is left half-done.
        assert aws.trail.calls[-1].error is not None
        still_works(aws)


@pytest.mark.parametrize(
    ("service", "target"),
    [
        ("ssm", "AmazonSSM"),  # no operation part
        ("ssm", ""),  # empty header
        ("ssm", "AmazonS3.GetParameter"),  # a known operation behind a foreign prefix
        ("kms", "TrentService."),
        ("kms", "\u00e9\u00e9.Encrypt"),
    ],
)
def test_unknown_target_on_a_mocked_endpoint_is_a_400(service, target):
    # Real JSON services answer UnknownOperationException for a target they do not know;
    # the endpoint still belongs to a mocked service, so this never goes to the network.
    with mock_ssm_kms() as aws:
        response = send(service, "GetParameter", b"{}", target=target)
        assert_clear_400(response, "UnknownOperationException")
        still_works(aws)


@pytest.mark.parametrize(
    ("service", "call"),
    [
        ("ssm", lambda c: c.put_parameter(Name="/s", Value="ab\ud800cd", Type="SecureString")),
        ("ssm", lambda c: c.put_parameter(Name="/s", Value="\udfff", Type="SecureString", Tier="Advanced")),
        ("kms", lambda c: c.encrypt(KeyId="alias/aws/ssm", Plaintext=b"x", EncryptionContext={"a\ud800": "b"})),
        ("kms", lambda c: c.generate_data_key(KeyId="alias/aws/ssm", NumberOfBytes=8, EncryptionContext={"a": "\udc00"})),
    ],
)
def test_lone_surrogates_through_boto3_are_a_400(service, call):
    # botocore sends a lone surrogate as a JSON escape; no UTF-8 form exists for it, so
    # handlers that encode values or encryption contexts used to fail with InternalFailure.
    with mock_ssm_kms() as aws:
        with pytest.raises(ClientError) as caught:
            call(aws.client(service, config=UNVALIDATED))
        assert caught.value.response["Error"]["Code"] == "SerializationException"
        assert "lone UTF-16 surrogate" in caught.value.response["Error"]["Message"]
        still_works(aws)


def test_hook_is_inert_without_a_mock():
    assert send("ssm", "GetParameter", b"not json") is None


def test_many_distinct_unknown_operations_do_not_grow_memory(monkeypatch):
    # Operation names come from a request header: nothing may be remembered per unknown name
    # (a cache keyed on them would grow with every name a fuzzer or a typo sends).
    # The trail keeps records by design, and pytest's trail collector keeps even cleared ones
    # until the test ends (for the failure report): keep it from watching this world.
    from pytest_ssmkms.adapters import activation as interception

    monkeypatch.setattr(interception, "activation_listeners", [])
    with mock_ssm_kms() as aws:
        for index in range(200):  # warm up: both models, decoders, the trail's first records
            send("ssm", f"Warm{index}", b"{}")
            send("kms", f"Warm{index}", b"{}")
        aws.trail.clear()
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for index in range(5_000):
                response = send("kms", f"NoSuchOperation{index:05d}", b"{}")
                assert response.status_code == 400
                if index % 500 == 0:
                    aws.trail.clear()  # records are kept by design; measure everything else
            aws.trail.clear()
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert grown < 300_000, f"{grown} bytes kept after 5,000 unknown operation names"


def _returns_unencodable(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
    return {"Parameter": {"Name": object()}}


def _raises(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
    raise RuntimeError("boom")


@pytest.mark.parametrize("where", ["handler-raises", "result-not-encodable", "context-fails", "decoder-fails"])
def test_a_plugin_bug_anywhere_is_a_400_not_a_traceback(monkeypatch, where):
    from pytest_ssmkms.wire import protocol
    from pytest_ssmkms.aws.clock import Clock
    from pytest_ssmkms.aws.ssm import handlers

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    with mock_ssm_kms() as aws:
        ssm = aws.client("ssm")
        with monkeypatch.context() as patch:
            if where == "handler-raises":
                patch.setitem(handlers.OPERATIONS, "GetParameter", _raises)
            elif where == "result-not-encodable":
                patch.setitem(handlers.OPERATIONS, "GetParameter", _returns_unencodable)
            elif where == "context-fails":
                # Building the call context fails (the interception builds it inline).
                patch.setattr(Clock, "now", broken)
            else:
                patch.setattr(protocol, "decode_request", broken)
            with pytest.raises(ClientError) as caught:
                ssm.get_parameter(Name="/x")
        assert caught.value.response["Error"]["Code"] == "InternalFailure"
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert "RuntimeError" in caught.value.response["Error"]["Message"] or where == "result-not-encodable"
        still_works(aws)


@pytest.mark.parametrize(
    "region", ["\u00e9\u00e9", "r" * 64, "-east", "us_east_1", "1234"]
)
def test_a_signature_scoped_to_an_impossible_region_is_a_400(region):
    # botocore refuses these region names; a hand-made request with one used to reach the
    # handlers (a non-ASCII region crashed KMS's ciphertext header with InternalFailure).
    with mock_ssm_kms() as aws:
        request = AWSPreparedRequest(
            "POST",
            URLS["ssm"],
            {
                "X-Amz-Target": "AmazonSSM.PutParameter",
                "Authorization": f"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/{region}/ssm/aws4_request",
            },
            b'{"Name": "/x", "Value": "v", "Type": "SecureString"}',
            stream_output=False,
        )
        assert_clear_400(before_send(request, event_name="before-send.ssm.PutParameter"), "InvalidSignatureException")
        still_works(aws)
