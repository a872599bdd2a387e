"""The front door's Response as the ``AWSResponse`` botocore's parsers read."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

from botocore.awsrequest import AWSResponse

from pytest_ssmkms.wire.door import JSON_1_1, Response


class RawBody(io.BytesIO):
    """The raw body botocore reads from an AWSResponse."""

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        contents = self.read()
        while contents:
            yield contents
            contents = self.read()


def aws_response(url: str, response: Response) -> AWSResponse:
    if _FAST_RESPONSE is not None and response.content_type == JSON_1_1:
        return _FAST_RESPONSE(url, response.status, response.body, response.request_id)
    return AWSResponse(url, response.status, response.headers, RawBody(response.body))


def _fast_response_factory() -> Callable[[str, int, bytes, str], AWSResponse] | None:
    """The same AWSResponse, built without copying its headers key by key: botocore's
    ``HeadersDict`` makes a key object per header on every insert. Used only if this botocore
    builds responses the way checked here; otherwise the plain constructor is used."""
    try:
        from botocore.awsrequest import HeadersDict, _HeaderKey
    except ImportError:  # pragma: no cover - another botocore layout
        return None
    keys = tuple(_HeaderKey(name) for name in ("Content-Type", "Content-Length", "x-amzn-RequestId"))

    class _Response(AWSResponse):  # type: ignore[misc]
        def __init__(self, url: str, status_code: int, headers: Any, raw: Any) -> None:
            self.url = url
            self.status_code = status_code
            self.headers = headers
            self.raw = raw
            self._content = None

    def build(url: str, status: int, body: bytes, request_id: str) -> AWSResponse:
        headers = HeadersDict.__new__(HeadersDict)
        headers._dict = {keys[0]: JSON_1_1, keys[1]: str(len(body)), keys[2]: request_id}
        return _Response(url, status, headers, RawBody(body))

    try:
        sample = Response(200, b"{}", "r")
        plain = AWSResponse("https://x", 200, sample.headers, None)
        built = build("https://x", 200, b"{}", "r")
        same = (
            vars(plain).keys() == vars(built).keys()
            and vars(plain)["_content"] is None
            and dict(plain.headers) == dict(built.headers)
            and built.headers["content-length"] == "2"
        )
    except Exception:  # pragma: no cover - another botocore layout
        return None
    return build if same else None


_FAST_RESPONSE = _fast_response_factory()
