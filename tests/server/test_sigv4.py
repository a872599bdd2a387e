"""SigV4 as the server checks it, against signatures botocore's own signer makes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from pytest_ssmkms.aws.errors import InvalidSignatureException
from pytest_ssmkms.wire import sigv4

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def signed(body: bytes = b'{"Name":"/a"}', url: str = "http://127.0.0.1:4566/", secret: str = SECRET,
           token: str | None = None, service: str = "ssm") -> AWSRequest:
    request = AWSRequest("POST", url, data=body, headers={
        "X-Amz-Target": "AmazonSSM.GetParameter", "Content-Type": "application/x-amz-json-1.1"})
    SigV4Auth(Credentials("AKIAIOSFODNN7EXAMPLE", secret, token), service, "eu-west-1").add_auth(request)
    return request


def check(request: AWSRequest, secret: str = SECRET, now: datetime | None = None, body: bytes | None = None) -> None:
    scope = sigv4.parse_authorization(request.headers["Authorization"])
    assert scope is not None
    headers = {k.lower(): [v if isinstance(v, str) else v.decode()] for k, v in request.headers.items()}
    # what a server receives: the Host header the client's HTTP stack adds
    headers.setdefault("host", [request.url.split("/")[2]])
    path, _, query = request.url.split("/", 3)[3].partition("?")
    sigv4.verify(scope, secret, method="POST", path="/" + path, query=query, headers=headers,
                 body=request.body if body is None else body, now=now)


def test_scope_names_key_region_and_service():
    scope = sigv4.parse_authorization(signed().headers["Authorization"])
    assert scope is not None
    assert (scope.access_key, scope.region, scope.service) == ("AKIAIOSFODNN7EXAMPLE", "eu-west-1", "ssm")
    assert "x-amz-date" in scope.signed_headers and "host" in scope.signed_headers


def test_botocore_signature_verifies():
    check(signed())


def test_signature_with_query_and_token_verifies():
    check(signed(url="http://127.0.0.1:4566/a%20b/c?b=2&a=1&a=0&e=", token="tok"))


def test_other_secret_is_refused_with_aws_text():
    with pytest.raises(InvalidSignatureException) as caught:
        check(signed(), secret="another")
    assert caught.value.message == (
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method. Consult the service documentation for details."
    )


def test_changed_body_is_refused():
    with pytest.raises(InvalidSignatureException):
        check(signed(), body=b'{"Name":"/b"}')


def test_stale_request_is_refused_with_aws_text():
    request = signed()
    amz_date = request.headers["X-Amz-Date"]
    signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    now = signed_at + timedelta(minutes=6)
    with pytest.raises(InvalidSignatureException) as caught:
        check(request, now=now)
    assert caught.value.message == (
        f"Signature expired: {amz_date} is now earlier than "
        f"{(now - timedelta(minutes=5)).strftime('%Y%m%dT%H%M%SZ')} "
        f"({now.strftime('%Y%m%dT%H%M%SZ')} - 5 min.)"
    )
    check(request, now=signed_at + timedelta(minutes=4))  # within the skew


def test_sts_accepts_fifteen_minutes_of_skew():
    request = signed(b"Action=GetCallerIdentity&Version=2011-06-15", service="sts")
    amz_date = request.headers["X-Amz-Date"]
    signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    check(request, now=signed_at + timedelta(minutes=14))
    check(request, now=signed_at - timedelta(minutes=14))
    now = signed_at + timedelta(minutes=16)
    with pytest.raises(InvalidSignatureException) as caught:
        check(request, now=now)
    assert caught.value.message == (
        f"Signature expired: {amz_date} is now earlier than "
        f"{(now - timedelta(minutes=15)).strftime('%Y%m%dT%H%M%SZ')} "
        f"({now.strftime('%Y%m%dT%H%M%SZ')} - 15 min.)"
    )


def test_request_from_the_future_is_refused():
    request = signed()
    signed_at = datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    with pytest.raises(InvalidSignatureException, match=r"Signature not yet current: .* \+ 5 min\.\)$"):
        check(request, now=signed_at - timedelta(minutes=6))


def test_incomplete_header_names_what_is_missing():
    with pytest.raises(sigv4.IncompleteSignatureException) as caught:
        sigv4.parse_authorization("AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/ssm/aws4_request")
    assert caught.value.message == (
        "Authorization header requires 'SignedHeaders' parameter. "
        "Authorization header requires 'Signature' parameter."
    )


def test_other_schemes_are_not_sigv4():
    assert sigv4.parse_authorization("") is None
    assert sigv4.parse_authorization("Bearer abc") is None


def test_canonical_query_sorts_and_encodes():
    assert sigv4.canonical_query("b=2&a=%2F x&a=1") == "a=%2F%20x&a=1&b=2"
