"""The AWS query protocol, and only it: form-encoded requests in, XML answers and errors out.

STS speaks it (botocore's model says ``"protocol": "query"``): a request is
``Action=AssumeRole&Version=2011-06-15&RoleArn=...`` with lists as ``Name.member.N`` and maps
as ``Name.entry.N.key``; an answer is ``<OpResponse><OpResult>...</OpResult><ResponseMetadata>``
and an error ``<ErrorResponse><Error><Type>Sender</Type><Code>..</Code><Message>..</Message>
</Error><RequestId>..</RequestId></ErrorResponse>``. botocore's QueryParser reads both.

Decoding follows the operation's input shape, as ``protocol`` does for JSON 1.1: integers,
booleans, timestamps and blobs arrive as text and leave here typed.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape as _escape

from botocore.model import OperationModel, Shape

from pytest_ssmkms.aws.errors import AwsError

CONTENT_TYPE = "text/xml"
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_FIELDS = 10_000  # more form fields than any STS request carries
MAX_LIST_ITEMS = 1_000


class QueryError(AwsError):
    """A query request that cannot be read (the query family's codes and texts)."""

    code = "MalformedQueryString"


class MissingAction(QueryError):
    code = "MissingAction"

    def __init__(self) -> None:
        # Unverified text: what query services are reported to answer for a body without Action.
        super().__init__("Missing Action")


class InvalidAction(QueryError):
    code = "InvalidAction"

    def __init__(self, action: str, version: str) -> None:
        # The text STS is quoted answering for an Action it does not have.
        super().__init__(f"Could not find operation {action[:128]} for version {version[:32]}")


class InvalidParameterValue(QueryError):
    code = "InvalidParameterValue"


# Characters XML 1.0 cannot hold: botocore's parser would fail on the whole answer.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def escape(text: str) -> str:
    """``text`` as XML character data (characters XML cannot hold become U+FFFD)."""
    return _escape(_NOT_XML.sub("\ufffd", text))


def parse_form(body: Any) -> dict[str, str]:
    """The form fields of a query body (``key -> value``; a repeated key keeps its last value)."""
    if body is None or body in (b"", ""):
        return {}
    if isinstance(body, (bytearray, memoryview)):
        body = bytes(body)
    elif hasattr(body, "read"):
        body = body.read(MAX_BODY_BYTES + 1)
    if isinstance(body, bytes):
        if len(body) > MAX_BODY_BYTES:
            raise QueryError(f"Request body of {len(body)} bytes exceeds the limit of {MAX_BODY_BYTES} bytes.")
        text = body.decode("utf-8", "replace")
    elif isinstance(body, str):
        text = body
    else:
        raise QueryError(f"The request body must be form-encoded text, not {type(body).__name__}.")
    if len(text) > MAX_BODY_BYTES:
        raise QueryError(f"Request body exceeds the limit of {MAX_BODY_BYTES} bytes.")
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FIELDS)
    except ValueError as error:
        raise QueryError(f"The request body is not a valid query string: {error}") from None
    return dict(pairs)


def action_of(form: Mapping[str, str]) -> str:
    """The operation a query request names (``Action``)."""
    action = form.get("Action")
    if not action:
        raise MissingAction()
    return action


def decode_request(operation: OperationModel, form: Mapping[str, str]) -> dict[str, Any]:
    """The request's parameters, typed by the operation's input shape (unknown fields ignored,
    as query services ignore them)."""
    shape = operation.input_shape
    if shape is None:
        return {}
    prefixes: set[str] = set()
    for key in form:
        parts = key.split(".")
        for end in range(1, len(parts)):
            prefixes.add(".".join(parts[:end]))
    result: dict[str, Any] = _structure(shape, "", form, prefixes)
    return result


def _name(shape: Shape, default: str) -> str:
    return str(shape.serialization.get("name", default))


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _structure(shape: Shape, prefix: str, form: Mapping[str, str], prefixes: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for member_name, member in shape.members.items():
        key = _join(prefix, _name(member, member_name))
        value = _value(member, key, form, prefixes, member_name)
        if value is not None:
            out[member_name] = value
    return out


def _value(shape: Shape, key: str, form: Mapping[str, str], prefixes: set[str], path: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, key, form, prefixes) if key in prefixes else None
    if kind == "list":
        member: Shape = shape.member
        flattened = bool(shape.serialization.get("flattened"))
        base = key if flattened else f"{key}.{_name(member, 'member')}"
        if base not in prefixes:
            # "Tags=" with an empty value is how botocore sends an empty list.
            return [] if form.get(key) == "" else None
        items: list[Any] = []
        for index in range(1, MAX_LIST_ITEMS + 1):
            item_key = f"{base}.{index}"
            if item_key not in form and item_key not in prefixes:
                break
            items.append(_value(member, item_key, form, prefixes, f"{path}[{index}]"))
        return items
    if kind == "map":
        flattened = bool(shape.serialization.get("flattened"))
        base = key if flattened else f"{key}.entry"
        if base not in prefixes:
            return None
        key_name = _name(shape.key, "key")
        value_name = _name(shape.value, "value")
        entries: dict[str, Any] = {}
        for index in range(1, MAX_LIST_ITEMS + 1):
            entry = f"{base}.{index}"
            if entry not in prefixes:
                break
            name = form.get(f"{entry}.{key_name}")
            if name is not None:
                entries[name] = _value(shape.value, f"{entry}.{value_name}", form, prefixes, path)
        return entries
    raw = form.get(key)
    if raw is None:
        return None
    return _scalar(kind, raw, path)


def _scalar(kind: str, raw: str, path: str) -> Any:
    # botocore checks types before sending; only hand-made requests get these answers. Their
    # texts are not verified against STS (chosen to name the parameter and the value).
    if kind in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            raise _bad(path, raw) from None
    if kind in ("float", "double"):
        try:
            return float(raw)
        except ValueError:
            raise _bad(path, raw) from None
    if kind == "boolean":
        if raw.lower() not in ("true", "false"):
            raise _bad(path, raw)
        return raw.lower() == "true"
    if kind == "timestamp":
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise _bad(path, raw) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if kind == "blob":
        try:
            return binascii.a2b_base64(raw, strict_mode=True)
        except (binascii.Error, ValueError):
            raise _bad(path, raw) from None
    return raw


def _bad(path: str, raw: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Value ({raw[:64]}) for parameter {path} is invalid.")


def encode_result(
    operation: OperationModel, result: Mapping[str, Any], request_id: str, namespace: str
) -> bytes:
    """``<OpResponse xmlns=..><OpResult>..</OpResult><ResponseMetadata>..`` for a result."""
    name = operation.name
    parts = [f'<{name}Response xmlns="{escape(namespace)}">']
    shape = operation.output_shape
    if shape is not None:
        wrapper = str(shape.serialization.get("resultWrapper", f"{name}Result"))
        parts.append(f"<{wrapper}>")
        _members(shape, result, parts)
        parts.append(f"</{wrapper}>")
    parts.append(f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata>")
    parts.append(f"</{name}Response>")
    return "".join(parts).encode("utf-8")


def _members(shape: Shape, value: Mapping[str, Any], parts: list[str]) -> None:
    for member_name, member in shape.members.items():
        item = value.get(member_name)
        if item is not None:
            _element(_name(member, member_name), member, item, parts)


def _element(tag: str, shape: Shape, value: Any, parts: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        parts.append(f"<{tag}>")
        _members(shape, value, parts)
        parts.append(f"</{tag}>")
    elif kind == "list":
        member: Shape = shape.member
        if shape.serialization.get("flattened"):
            for item in value:
                _element(tag, member, item, parts)
        else:
            parts.append(f"<{tag}>")
            for item in value:
                _element(_name(member, "member"), member, item, parts)
            parts.append(f"</{tag}>")
    elif kind == "map":
        parts.append(f"<{tag}>")
        for key, item in value.items():
            parts.append("<entry>")
            _element(_name(shape.key, "key"), shape.key, key, parts)
            _element(_name(shape.value, "value"), shape.value, item, parts)
            parts.append("</entry>")
        parts.append(f"</{tag}>")
    else:
        parts.append(f"<{tag}>{escape(_text(kind, value))}</{tag}>")


def _text(kind: str, value: Any) -> str:
    if kind == "boolean" or isinstance(value, bool):
        return "true" if value else "false"
    if kind == "timestamp" and isinstance(value, datetime):
        # STS's form: 2026-12-02T11:03:31Z (UTC, seconds).
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "blob" and isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return str(value)


def encode_error(
    error: AwsError, request_id: str, namespace: str, code: str | None = None, status: int | None = None
) -> tuple[int, bytes]:
    """The status and ``<ErrorResponse>`` body of ``error`` (``code`` and ``status``: what the
    service calls it, when it names it otherwise, see ``services.error_code``)."""
    code = code or error.code
    status = status or error.status
    kind = "Sender" if status < 500 else "Receiver"
    message = f"<Message>{escape(error.message)}</Message>" if error.message else ""
    body = (
        f'<ErrorResponse xmlns="{escape(namespace)}"><Error><Type>{kind}</Type>'
        f"<Code>{escape(code)}</Code>{message}</Error>"
        f"<RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
    )
    return status, body.encode("utf-8")
