"""Signature Version 4 as a server checks it: the ``Authorization`` header's parts, the
canonical request recomputed from what arrived, and AWS's refusals.

In-process clients are never checked (botocore signed them a moment ago); requests that come
over HTTP are, when their access key belongs to an identity whose secret the world knows.
The canonical request follows the published algorithm as botocore and the JavaScript SDK
compute it for services other than S3 (the path is URI-encoded once more, the query sorted
and encoded, header values trimmed).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, quote

from pytest_ssmkms.aws.errors import AwsError, InvalidSignatureException
from pytest_ssmkms.aws.errors import UnrecognizedClientException as UnrecognizedClientException

ALGORITHM = "AWS4-HMAC-SHA256"
AMZ_DATE = "%Y%m%dT%H%M%SZ"
# How far a request's X-Amz-Date may be from the server's clock: 5 minutes for JSON services
# (KMS, SSM), as their "Signature expired ... (... - 5 min.)" answers show; 15 for STS, whose
# SignatureDoesNotMatch answers quoted in public reports end "(... - 15 min.)".
MAX_SKEW = timedelta(minutes=5)
_SKEW_BY_SERVICE = {"sts": timedelta(minutes=15)}

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)

_SCOPE = re.compile(
    r"Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request"
)
_SIGNED_HEADERS = re.compile(r"SignedHeaders=([^,\s]+)")
_SIGNATURE = re.compile(r"Signature=([0-9a-fA-F]+)")
_SPACES = re.compile(r"\s+")


class IncompleteSignatureException(AwsError):
    """An Authorization header that is not a whole SigV4 signature."""

    code = "IncompleteSignatureException"


class MissingAuthenticationTokenException(AwsError):
    """A request with no signature at all."""

    code = "MissingAuthenticationTokenException"


@dataclass(frozen=True, slots=True)
class Scope:
    """What a SigV4 ``Authorization`` header says: who signed, for what, and the signature."""

    access_key: str
    date: str  # YYYYMMDD
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str

    @property
    def credential_scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def max_skew(service: str) -> timedelta:
    """How far from the server's clock ``service`` accepts a request's X-Amz-Date."""
    return _SKEW_BY_SERVICE.get(service, MAX_SKEW)


def parse_authorization(header: str) -> Scope | None:
    """The parts of a SigV4 ``Authorization`` header; None when it is not one (empty, or
    another scheme). Raises IncompleteSignatureException for a SigV4 header missing a part."""
    if not header:
        return None
    if not header.startswith(ALGORITHM):
        return None
    scope = _SCOPE.search(header)
    signed = _SIGNED_HEADERS.search(header)
    signature = _SIGNATURE.search(header)
    missing = [
        name
        for name, found in (("Credential", scope), ("SignedHeaders", signed), ("Signature", signature))
        if found is None
    ]
    if missing:
        # AWS's wording names each missing parameter and echoes the header; the header is
        # not echoed here (it would put a signature into logs and traces).
        raise IncompleteSignatureException(
            " ".join(f"Authorization header requires '{name}' parameter." for name in missing)
        )
    assert scope is not None and signed is not None and signature is not None
    return Scope(
        access_key=scope.group(1),
        date=scope.group(2),
        region=scope.group(3),
        service=scope.group(4),
        signed_headers=tuple(signed.group(1).lower().split(";")),
        signature=signature.group(1).lower(),
    )


def canonical_request(
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, Sequence[str]],
    signed_headers: Sequence[str],
    payload_hash: str,
) -> str:
    """The canonical request of the SigV4 algorithm. ``path`` and ``query`` are as they came
    on the request line (already percent-encoded); ``headers`` maps lower-case names to every
    value sent under that name."""
    lines = [
        method.upper(),
        quote(path or "/", safe="/~"),
        canonical_query(query),
    ]
    for name in signed_headers:
        values = headers.get(name, ())
        lines.append(f"{name}:{','.join(_SPACES.sub(' ', v.strip()) for v in values)}")
    lines.append("")
    lines.append(";".join(signed_headers))
    lines.append(payload_hash)
    return "\n".join(lines)


def canonical_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    encoded = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def signature(secret: str, scope: Scope, amz_date: str, canonical: str) -> str:
    """The hex signature of ``canonical`` for ``scope``, signed at ``amz_date``."""
    to_sign = "\n".join(
        [ALGORITHM, amz_date, scope.credential_scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = _hmac(f"AWS4{secret}".encode(), scope.date)
    for part in (scope.region, scope.service, "aws4_request"):
        key = _hmac(key, part)
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def verify(
    scope: Scope,
    secret: str,
    *,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, Sequence[str]],
    body: bytes,
    now: datetime | None = None,
) -> None:
    """Refuse the request as AWS does if its signature is not ``secret``'s, or its time is
    further from ``now`` than the scope's service accepts (:func:`max_skew`). ``headers``:
    lower-case name → values."""
    amz_date = _first(headers, "x-amz-date")
    if not amz_date:
        # AWS's text when neither X-Amz-Date nor Date is there.
        raise IncompleteSignatureException(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    try:
        signed_at = datetime.strptime(amz_date, AMZ_DATE).replace(tzinfo=timezone.utc)
    except ValueError:
        raise IncompleteSignatureException(
            f"Date must be in ISO-8601 'basic format'. Got '{amz_date[:32]}'."
        ) from None
    now = now or datetime.now(timezone.utc)
    skew = max_skew(scope.service)
    minutes = int(skew.total_seconds() // 60)
    if signed_at < now - skew:
        raise InvalidSignatureException(
            f"Signature expired: {amz_date} is now earlier than "
            f"{(now - skew).strftime(AMZ_DATE)} ({now.strftime(AMZ_DATE)} - {minutes} min.)"
        )
    if signed_at > now + skew:
        raise InvalidSignatureException(
            f"Signature not yet current: {amz_date} is still later than "
            f"{(now + skew).strftime(AMZ_DATE)} ({now.strftime(AMZ_DATE)} + {minutes} min.)"
        )
    declared = _first(headers, "x-amz-content-sha256")
    payload_hash = (
        declared if declared == "UNSIGNED-PAYLOAD" else hashlib.sha256(body).hexdigest()
    )
    canonical = canonical_request(method, path, query, headers, scope.signed_headers, payload_hash)
    expected = signature(secret, scope, amz_date, canonical)
    if not hmac.compare_digest(expected, scope.signature):
        raise InvalidSignatureException(SIGNATURE_MISMATCH)


def _first(headers: Mapping[str, Sequence[str]], name: str) -> str:
    values = headers.get(name)
    return values[0].strip() if values else ""
