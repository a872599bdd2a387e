"""Property: JSON bodies built from each operation's input shape, with any JSON value of any
type at any position (structures, lists, maps, blobs and timestamps included, which botocore's
serializer would refuse to send), go straight to the before-send hook. The answer is a 200
whose body botocore parses into a response fitting the output shape, or a 400 whose code is
modelled for the operation or a front-end code. Never an exception out of the hook."""

from __future__ import annotations

import base64
import json
from typing import Any

import botocore.parsers
import pytest
from botocore.model import Shape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_ssmkms import mock_ssm_kms
from tests.reliability.support import all_implemented, allowed_error_codes, model, response_problems, seed
from tests.reliability.test_raw_bodies import send

JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


def wire(shape: Shape, hints: dict[str, st.SearchStrategy[Any]], depth: int = 0) -> st.SearchStrategy[Any]:
    """A JSON value for ``shape`` as it travels on the wire, or now and then any JSON at all."""
    return st.one_of(_right(shape, hints, depth), _right(shape, hints, depth), _right(shape, hints, depth), JUNK)


def _right(shape: Shape, hints: dict[str, st.SearchStrategy[Any]], depth: int) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if depth > 4:
        return JUNK
    if kind == "structure":
        members = {
            name: st.one_of(hints[name], wire(member, hints, depth + 1)) if name in hints else wire(member, hints, depth + 1)
            for name, member in shape.members.items()
        }
        return st.fixed_dictionaries({}, optional=members)
    if kind == "list":
        return st.lists(wire(shape.member, hints, depth + 1), max_size=3)
    if kind == "map":
        return st.dictionaries(st.text(max_size=6), wire(shape.value, hints, depth + 1), max_size=3)
    if kind == "blob":
        return st.binary(max_size=40).map(lambda data: base64.b64encode(data).decode("ascii"))
    if kind == "timestamp":
        return st.one_of(st.integers(min_value=-(2**40), max_value=2**40), st.floats(allow_nan=False))
    if kind == "boolean":
        return st.booleans()
    if kind in ("integer", "long"):
        return st.integers(min_value=-(2**64), max_value=2**64)
    if kind in ("float", "double"):
        return st.floats(allow_nan=False)
    if shape.enum:
        return st.one_of(st.sampled_from(list(shape.enum)), st.text(max_size=6))
    return st.text(max_size=20)


@pytest.mark.parametrize(("service", "operation"), all_implemented())
def test_any_json_at_any_position_gets_a_fitting_200_or_a_modelled_400(service: str, operation: str) -> None:
    operation_model = model(service, operation)
    allowed = allowed_error_codes(service, operation)
    parser = botocore.parsers.create_parser("json")
    problems: list[str] = []

    with mock_ssm_kms() as aws:
        seeded = seed(aws)
        hints: dict[str, st.SearchStrategy[Any]] = {}
        if seeded.key_refs():
            hints["KeyId"] = st.sampled_from(seeded.key_refs())
        if service == "ssm" and seeded.names:
            hints["Name"] = st.sampled_from(seeded.names)
        shape = operation_model.input_shape
        bodies = _right(shape, hints, 0) if shape is not None else st.just({})

        @settings(max_examples=20, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(body=bodies)
        def answer_is_well_formed(body: dict[str, Any]) -> None:
            response = send(service, operation, json.dumps(body).encode("utf-8"))
            assert response is not None
            if response.status_code == 200:
                parsed = parser.parse(
                    {"status_code": 200, "headers": dict(response.headers), "body": response.content},
                    operation_model.output_shape,
                )
                fits = response_problems(service, operation, parsed)
                assert not fits, f"{operation} response does not fit its shape: {fits}"
                return
            assert response.status_code == 400, f"{operation} answered HTTP {response.status_code}"
            error = json.loads(response.content)
            assert error["__type"] in allowed, f"{operation} answered unmodelled {error}"

        try:
            answer_is_well_formed()
        except AssertionError as failure:
            problems.append(str(failure))
    assert not problems, problems[0]
