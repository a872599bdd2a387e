"""The wire format, and only it: AWS JSON 1.1 requests in, responses and error bodies out.

Requests are decoded with the botocore input shape of their operation: blobs arrive base64 and
leave here as ``bytes``, timestamps arrive as epoch numbers and leave as aware ``datetime``s,
and a member of the wrong JSON type is refused as AWS's JSON services refuse it
(``SerializationException``). Responses go the other way without a shape: ``bytes`` become
base64 strings and ``datetime``s epoch floats, which is what botocore's parser expects.
"""

from __future__ import annotations

import binascii
import json
import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from botocore.model import OperationModel, Shape

from pytest_ssmkms.aws.strict import iso_time
from pytest_ssmkms.aws.jsondoc import nested_deeper_than
from pytest_ssmkms.aws.errors import AwsError, SerializationException

Decoder = Callable[[Any, str], Any]

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_NESTING = 64
# A UTF-16 surrogate (U+D800-U+DFFF), as a JSON escape or as the bytes json.loads lets through
# (it decodes with "surrogatepass"); paired escapes are fine, lone surrogates are not.
_SURROGATE = re.compile(rb"\\u[dD][89abcdefABCDEF]|\xed[\xa0-\xbf]")


def target_operation(headers: Any) -> tuple[str, str] | None:
    """``("AmazonSSM", "GetParameter")`` from the ``X-Amz-Target`` header, if any."""
    return parse_target(headers.get("X-Amz-Target"))


def parse_target(target: Any) -> tuple[str, str] | None:
    """``("AmazonSSM", "GetParameter")`` from an ``X-Amz-Target`` header value, if any."""
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
        if type(body) is not bytes:
            body = _body_bytes(body)
        if len(body) > MAX_BODY_BYTES:
            raise _RequestTooLarge(len(body))
        raw = _load_json(body)
    if not isinstance(raw, dict):
        raise SerializationException("The request body must be a JSON object.")
    # Depth can only exceed the limit if the body has that many brackets: skip the walk otherwise
    # (and skip counting them in a body too short to hold as many pairs: the JSON parsed).
    if (
        isinstance(body, bytes)
        and len(body) > 2 * MAX_NESTING
        and body.count(b"{") + body.count(b"[") > MAX_NESTING
        and nested_deeper_than(raw, MAX_NESTING)
    ):
        raise SerializationException(f"The request body is nested deeper than {MAX_NESTING} levels.")
    if isinstance(body, bytes) and (b"\\u" in body or b"\xed" in body) and _SURROGATE.search(body):
        _refuse_lone_surrogates(raw, "")
    shape = operation.input_shape
    if shape is None:
        return raw
    result: dict[str, Any] = _shape_decoder(shape)(raw, "")
    return result


def _load_json(body: bytes) -> Any:
    """``json.loads(body)``, with a direct path for what botocore sends (UTF-8 text of one
    object): the C scanner without json's Python layers (encoding detection, ``decode``,
    ``raw_decode``). Anything else, or any failure, goes through ``json.loads`` itself, so
    the result and every error message are json's own."""
    if body[:1] == b"{" and body[1:2] != b"\x00":  # json.detect_encoding would say UTF-8
        try:
            text = body.decode("utf-8", "surrogatepass")
            value, end = _SCAN_ONCE(text, 0)
            if end == len(text) or _JSON_SPACE(text, end).end() == len(text):
                return value
        except (ValueError, RecursionError, StopIteration):
            pass  # json.loads raises its own error below
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise SerializationException(f"The request body is not valid JSON: {exc}") from None


# The scanner json.loads itself ends in (C when available) and its whitespace rule.
_SCAN_ONCE: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_JSON_SPACE: Callable[[str, int], re.Match[str]] = json.decoder.WHITESPACE.match  # type: ignore[attr-defined]


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


# A member whose decoded value is the JSON value itself, accepted as is when its exact type
# is one of these (json.loads gives exact types); anything else goes to the member's decoder,
# which accepts it or raises (bool is never an integer, floats must be finite).
_PLAIN_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}),
    "boolean": frozenset({bool}),
    "integer": frozenset({int}),
    "long": frozenset({int}),
    "float": frozenset({int}),
    "double": frozenset({int}),
}
_NONE: frozenset[type] = frozenset()
Member = tuple[frozenset[type], Decoder]


def _member(shape: Shape) -> Member:
    return _PLAIN_TYPES.get(shape.type_name, _NONE), _shape_decoder(shape)


@lru_cache(maxsize=None)
def _shape_decoder(shape: Shape) -> Decoder:
    kind = shape.type_name
    if kind == "structure":
        members = {name: _member(member) for name, member in shape.members.items()}

        def decode_structure(value: Any, path: str) -> Any:
            if not isinstance(value, dict):
                raise _type_error(path, "structure", value)
            out: dict[str, Any] = {}
            for name, item in value.items():
                entry = members.get(name)
                # Unknown members are ignored, as AWS's JSON services do.
                if entry is None or item is None:
                    continue
                if type(item) in entry[0]:
                    out[name] = item
                else:
                    out[name] = entry[1](item, f"{path}.{name}" if path else name)
            return out

        return decode_structure
    if kind == "list":
        plain, decode_member = _member(shape.member)

        def decode_list(value: Any, path: str) -> Any:
            if not isinstance(value, list):
                raise _type_error(path, "list", value)
            return [
                item if type(item) in plain else decode_member(item, f"{path}[{i}]")
                for i, item in enumerate(value)
            ]

        return decode_list
    if kind == "map":
        plain, decode_value = _member(shape.value)

        def decode_map(value: Any, path: str) -> Any:
            if not isinstance(value, dict):
                raise _type_error(path, "map", value)
            return {
                str(k): v if type(v) in plain else decode_value(v, f"{path}.{k}")
                for k, v in value.items()
            }

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
        # base64.b64decode(value, validate=True) without its Python layers.
        return binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError):
        raise SerializationException(f"Member {path} is not valid base64.") from None


def _decode_timestamp(value: Any, path: str) -> datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise SerializationException(f"Member {path} is not a valid timestamp.") from None
    if isinstance(value, str):
        # ASCII only, in UTC: a time whose zone puts it before year 1 or after 9999 is none.
        parsed = iso_time(value)
        if parsed is None:
            raise SerializationException(f"Member {path} is not a valid timestamp.")
        return parsed
    raise _type_error(path, "timestamp", value)


def _type_error(path: str, expected: str, value: Any) -> SerializationException:
    found = {dict: "object", list: "array", str: "string", bool: "boolean"}.get(type(value), "number")
    return SerializationException(f"Member {path or '(body)'} must be a {expected}, not a JSON {found}.")


def encode_result(result: dict[str, Any]) -> bytes:
    """JSON for a successful response (bytes → base64, datetime → epoch seconds)."""
    if _ENCODE is None:
        return json.dumps(result, default=_encode_value, separators=(",", ":")).encode("utf-8")
    return "".join(_ENCODE(result, 0)).encode("utf-8")


def _encode_value(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return binascii.b2a_base64(value, newline=False).decode("ascii")
    if isinstance(value, datetime):
        if value.tzinfo is timezone.utc and not value.microsecond % 1000:
            # Whole milliseconds (every time the backend clock gives): the same float as
            # round(value.timestamp(), 3), from exact integer arithmetic, at half the cost.
            return ((value - _EPOCH) // _MILLISECOND) / 1000
        # Held at 9999-12-31T23:59:59.999, which clients can still read (a deadline held at
        # the last instant, aws/strict.py, would round to the year 10000).
        return min(round(value.timestamp(), 3), _LAST_MILLISECOND)
    raise TypeError(f"cannot encode {type(value).__name__}")


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MILLISECOND = timedelta(milliseconds=1)
_LAST_MILLISECOND = 253402300799.999  # 9999-12-31T23:59:59.999Z


# json.dumps(result, default=_encode_value, separators=(",", ":")) builds a JSONEncoder and
# this C encoder on every call; built once, it gives the same text. No circular-reference
# markers: a shared markers dict is not thread-safe, and a cycle (never made by a handler)
# still fails, with RecursionError.
_ENCODE: Callable[[Any, int], Any] | None = (
    json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, _encode_value, json.encoder.encode_basestring_ascii, None, ":", ",",
        False, False, True,
    )
    if getattr(json.encoder, "c_make_encoder", None) is not None
    else None
)


def encode_error(error: AwsError) -> bytes:
    body: dict[str, Any] = {"__type": error.code}
    if error.message_key:  # "" for error shapes without members: AWS sends the code alone
        body[error.message_key] = error.message
    return json.dumps(body, separators=(",", ":")).encode("utf-8")
