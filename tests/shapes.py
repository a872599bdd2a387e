"""Output-shape contract: every response the mock produces must fit botocore's model.

Two checks, because botocore's parser silently drops members it does not know:
- ``check_wire_result`` looks at what the handler put on the wire (unknown members, JSON types);
- ``check_parsed_response`` runs botocore's own validator over the parsed response.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.session
from botocore.model import Shape
from botocore.validate import ParamValidator

from pytest_ssmkms.wire.protocol import encode_result

_session = botocore.session.get_session()

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "float": (int, float),
    "double": (int, float),
    "timestamp": (int, float),
    "blob": (str,),
    "list": (list,),
    "map": (dict,),
    "structure": (dict,),
}


def output_shape(service: str, operation: str) -> Shape | None:
    return _session.get_service_model(service).operation_model(operation).output_shape


def check_wire_result(service: str, operation: str, result: dict[str, Any]) -> list[str]:
    """Problems with a handler's result as it goes on the wire (empty list: it fits)."""
    shape = output_shape(service, operation)
    wire = json.loads(encode_result(result))
    problems: list[str] = []
    if shape is None:
        if wire:
            problems.append(f"{service} {operation} has no output shape but returned {sorted(wire)}")
        return problems
    _walk(shape, wire, operation, problems)
    return problems


def _walk(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    allowed = _JSON_TYPES.get(kind, (object,))
    if isinstance(value, bool) and kind not in ("boolean",):
        problems.append(f"{path}: expected {kind}, got a boolean")
        return
    if not isinstance(value, allowed):
        problems.append(f"{path}: expected {kind}, got {type(value).__name__}")
        return
    if kind == "structure":
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                problems.append(f"{path}.{name}: not a member of {shape.name}")
            elif item is not None:
                _walk(member, item, f"{path}.{name}", problems)
    elif kind == "list":
        for index, item in enumerate(value):
            _walk(shape.member, item, f"{path}[{index}]", problems)
    elif kind == "map":
        for key, item in value.items():
            _walk(shape.value, item, f"{path}.{key}", problems)
    elif kind == "string" and shape.enum and value not in shape.enum:
        problems.append(f"{path}: {value!r} is not one of {shape.enum}")


def check_parsed_response(service: str, operation: str, response: dict[str, Any]) -> None:
    """Raise AssertionError if botocore's validator rejects the parsed response."""
    shape = output_shape(service, operation)
    if shape is None:
        return
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    report = ParamValidator().validate(body, shape)
    if report.has_errors():
        raise AssertionError(f"{service} {operation} response does not fit its shape:\n{report.generate_report()}")


def check_trail_outputs(trail: Any) -> list[str]:
    """Shape problems of every successful call in a trail (a Trail, or raw calls such as
    ``trail.calls[start:]``; the trail's own items are CloudTrail dicts without results)."""
    records = trail.calls if hasattr(trail, "calls") else trail
    problems: list[str] = []
    for record in records:
        if isinstance(record, dict):
            raise TypeError("check_trail_outputs takes raw calls: pass trail.calls[start:], not trail[start:]")
        if record.error is None and record.result is not None:
            problems.extend(check_wire_result(record.service, record.operation, record.result))
    return problems


def model_has(service: str, operation: str) -> bool:
    """Whether the installed botocore's model of ``service`` has ``operation`` (models grow)."""
    return operation in _session.get_service_model(service).operation_names


def model_lists(service: str, shape: str, value: str) -> bool:
    """Whether the installed model's enum ``shape`` of ``service`` lists ``value``."""
    return value in (_session.get_service_model(service).shape_for(shape).enum or ())
