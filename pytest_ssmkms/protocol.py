"""The wire format, and only it: AWS JSON 1.1 requests in, responses and error bodies out.

Requests are decoded with the botocore input shape of their operation: blobs arrive base64 and
leave here as ``bytes``, timestamps arrive as epoch numbers and leave as aware ``datetime``s,
and a member of the wrong JSON type is refused as AWS's JSON services refuse it
(``SerializationException``). Responses go the other way without a shape: ``bytes`` become
base64 strings and ``datetime``s epoch floats, which is what botocore's parser expects.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.model import OperationModel, Shape

from pytest_ssmkms.errors import AwsError, SerializationException

Decoder = Callable[[Any, str], Any]

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_NESTING = 64
# A UTF-16 surrogate (U+D800-U+DFFF), as a JSON escape or as the bytes json.loads lets through
# (it decodes with "surrogatepass"); paired escapes are fine, lone surrogates are not.
_SURROGATE = re.compile(rb"\\u[dD][89abcdefABCDEF]|\xed[\xa0-\xbf]")


class _RawBody(io.BytesIO):
    """The raw body botocore reads from an AWSResponse."""

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        contents = self.read()
        while contents:
            yield contents
            contents = self.read()


def target_operation(headers: Any) -> tuple[str, str] | None:
    """``("AmazonSSM", "GetParameter")`` from the ``X-Amz-Target`` header, if any."""
    target = headers.get("X-Amz-Target")
    if not target:
        return None
    if isinstance(target, bytes):
        target = target.decode("ascii", "replace")
    prefix, _, operation = target.rpartition(".")
    return prefix, operation


def decode_request(operation: OperationModel, body: Any) -> dict[str, Any]:
    """Parse and type-check a JSON 1.1 request body against the operation's input shape."""
    if body is None or body in (b"", ""):
        raw: Any = {}
    else:
        body = _body_bytes(body)
        if len(body) > MAX_BODY_BYTES:
            raise _RequestTooLarge(len(body))
        try:
            raw = json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise SerializationException(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise SerializationException("The request body must be a JSON object.")
    # Depth can only exceed the limit if the body has that many brackets: skip the walk otherwise.
    if (
        isinstance(body, bytes)
        and body.count(b"{") + body.count(b"[") > MAX_NESTING
        and _depth_exceeds(raw, MAX_NESTING)
    ):
        raise SerializationException(f"The request body is nested deeper than {MAX_NESTING} levels.")
    if isinstance(body, bytes) and (b"\\u" in body or b"\xed" in body) and _SURROGATE.search(body):
        _refuse_lone_surrogates(raw, "")
    decoder = _decoder_for(operation)
    if decoder is None:
        return raw
    result: dict[str, Any] = decoder(raw, "")
    return result


class _RequestTooLarge(AwsError):
    code = "RequestEntityTooLargeException"

    def __init__(self, size: int) -> None:
        super().__init__(f"Request body of {size} bytes exceeds the limit of {MAX_BODY_BYTES} bytes.")


def _body_bytes(body: Any) -> bytes:
    """The body as bytes, whatever a hand-made or custom request carries (botocore gives bytes).

    A file-like body is read up to one byte past the limit; text that cannot be UTF-8 (lone
    surrogates) is passed through so that JSON parsing refuses it as it refuses other bytes."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8", "surrogatepass")
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    read = getattr(body, "read", None)
    if callable(read):
        data = read(MAX_BODY_BYTES + 1)
        return data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    raise SerializationException(f"The request body must be JSON text, not {type(body).__name__}.")


def _refuse_lone_surrogates(value: Any, path: str) -> None:
    """A string with a lone surrogate (``"\\ud800"`` in the JSON) has no UTF-8 form: every
    service would fail on it, so it is refused here, once, naming the member.

    Real AWS's answer is not documented; a SerializationException is what its JSON front end
    gives for text it cannot read, and it keeps such strings out of handlers and the trail."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise SerializationException(
                f"Member {path or '(body)'} is not valid Unicode: it holds a lone UTF-16 surrogate."
            ) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_lone_surrogates(key, f"{path}.(key)" if path else "(key)")
            _refuse_lone_surrogates(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_lone_surrogates(item, f"{path}[{index}]")


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _decoder_for(operation: OperationModel) -> Decoder | None:
    shape = operation.input_shape
    if shape is None:
        return None
    return _shape_decoder(shape)


@lru_cache(maxsize=None)
def _shape_decoder(shape: Shape) -> Decoder:
    kind = shape.type_name
    if kind == "structure":
        members = {name: _shape_decoder(member) for name, member in shape.members.items()}

        def decode_structure(value: Any, path: str) -> Any:
            if not isinstance(value, dict):
                raise _type_error(path, "structure", value)
            out: dict[str, Any] = {}
            for name, item in value.items():
                decode = members.get(name)
                # Unknown members are ignored, as AWS's JSON services do.
                if decode is not None and item is not None:
                    out[name] = decode(item, f"{path}.{name}" if path else name)
            return out

        return decode_structure
    if kind == "list":
        decode_member = _shape_decoder(shape.member)

        def decode_list(value: Any, path: str) -> Any:
            if not isinstance(value, list):
                raise _type_error(path, "list", value)
            return [decode_member(item, f"{path}[{i}]") for i, item in enumerate(value)]

        return decode_list
    if kind == "map":
        decode_value = _shape_decoder(shape.value)

        def decode_map(value: Any, path: str) -> Any:
            if not isinstance(value, dict):
                raise _type_error(path, "map", value)
            return {str(k): decode_value(v, f"{path}.{k}") for k, v in value.items()}

        return decode_map
    if kind == "blob":
        return _decode_blob
    if kind == "timestamp":
        return _decode_timestamp
    if kind == "boolean":
        return _check(lambda v: isinstance(v, bool), "boolean")
    if kind in ("integer", "long"):
        return _check(lambda v: isinstance(v, int) and not isinstance(v, bool), kind)
    if kind in ("float", "double"):
        return _check(
            lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
            kind,
        )
    return _check(lambda v: isinstance(v, str), "string")


def _check(accepts: Callable[[Any], bool], kind: str) -> Decoder:
    def decode_scalar(value: Any, path: str) -> Any:
        if not accepts(value):
            raise _type_error(path, kind, value)
        return value

    return decode_scalar


def _decode_blob(value: Any, path: str) -> bytes:
    if not isinstance(value, str):
        raise _type_error(path, "blob", value)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SerializationException(f"Member {path} is not valid base64.") from None


def _decode_timestamp(value: Any, path: str) -> datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise SerializationException(f"Member {path} is not a valid timestamp.") from None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise SerializationException(f"Member {path} is not a valid timestamp.") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    raise _type_error(path, "timestamp", value)


def _type_error(path: str, expected: str, value: Any) -> SerializationException:
    found = {dict: "object", list: "array", str: "string", bool: "boolean"}.get(type(value), "number")
    return SerializationException(f"Member {path or '(body)'} must be a {expected}, not a JSON {found}.")


def encode_result(result: dict[str, Any]) -> bytes:
    """JSON for a successful response (bytes → base64, datetime → epoch seconds)."""
    return json.dumps(result, default=_encode_value, separators=(",", ":")).encode("utf-8")


def _encode_value(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return round(value.timestamp(), 3)
    raise TypeError(f"cannot encode {type(value).__name__}")


def encode_error(error: AwsError) -> bytes:
    body: dict[str, Any] = {"__type": error.code, error.message_key: error.message}
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def http_response(url: str, status: int, body: bytes, request_id: str) -> AWSResponse:
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "Content-Length": str(len(body)),
        "x-amzn-RequestId": request_id,
    }
    return AWSResponse(url, status, headers, _RawBody(body))
