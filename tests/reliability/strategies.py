"""Hypothesis strategies built from botocore input shapes: requests a careless or hostile
caller could send once client-side validation is off.

Each leaf mixes values that fit the model, values just outside its constraints (empty, one
past ``max``, out-of-range numbers, unknown enum values, unicode, lone surrogates, huge
strings) and values of the wrong JSON type. Members that name resources (``KeyId``, ``Name``)
also draw from ``hints``, so that some requests reach the handlers' success paths instead of
all stopping at "not found".

Wrong JSON types are only put where botocore's JSON serializer passes them through unchanged
(scalar members); a structure, list, map, blob or timestamp of the wrong type makes botocore
itself fail before sending, which tests nothing of ours. Those cases are sent as raw bodies in
``test_raw_bodies.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timezone
from typing import Any

from botocore.model import Shape
from hypothesis import strategies as st

MAX_DEPTH = 5
HUGE = 100_000  # characters: far past every string limit of these services, cheap to send

_WRONG_SCALARS = st.one_of(
    st.integers(min_value=-(2**64), max_value=2**64),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)

_TEXT = st.one_of(
    st.text(max_size=12),
    st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=40),
    # Lone surrogates survive botocore's json.dumps as \udXXX escapes and reach us as such.
    st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3),
    st.sampled_from(["", " ", "/", "//", "a" * 2049, "\x00", "alias/", "arn:aws:kms:"]),
)


def request_strategy(
    shape: Shape | None, hints: Mapping[str, st.SearchStrategy[Any]] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for one client call whose input shape is ``shape``."""
    if shape is None:
        return st.just({})
    return _structure(shape, dict(hints or {}), 0)


def _member(name: str, shape: Shape, hints: dict[str, st.SearchStrategy[Any]], depth: int) -> st.SearchStrategy[Any]:
    base = _value(shape, hints, depth)
    hint = hints.get(name)
    if hint is not None:
        # Lean on known-good resources half of the time.
        return st.one_of(hint, base)
    return base


def _structure(shape: Shape, hints: dict[str, st.SearchStrategy[Any]], depth: int) -> st.SearchStrategy[dict[str, Any]]:
    if depth > MAX_DEPTH:
        return st.just({})
    members = {name: _member(name, member, hints, depth + 1) for name, member in shape.members.items()}
    required = {name: members[name] for name in shape.required_members if name in members}
    optional = {name: s for name, s in members.items() if name not in required}
    complete = st.fixed_dictionaries(required, optional=optional)
    # Now and then drop required members: botocore would have refused, the service must too.
    loose = st.fixed_dictionaries({}, optional=members)
    return st.one_of(complete, complete, complete, loose)


def _value(shape: Shape, hints: dict[str, st.SearchStrategy[Any]], depth: int) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    meta = shape.metadata
    low, high = meta.get("min"), meta.get("max")
    if kind == "structure":
        return _structure(shape, hints, depth)
    if kind == "list":
        member = _value(shape.member, hints, depth + 1) if depth <= MAX_DEPTH else st.nothing()
        options = [st.lists(member, max_size=4)]
        if high is not None and high <= 1000:
            # Exactly one past the limit, built by repetition so hypothesis stays fast.
            options.append(member.map(lambda item, n=int(high) + 1: [item] * n))
        return st.one_of(*options)
    if kind == "map":
        value = _value(shape.value, hints, depth + 1) if depth <= MAX_DEPTH else st.nothing()
        key = _value(shape.key, hints, depth + 1)
        return st.dictionaries(key.filter(lambda k: isinstance(k, str)), value, max_size=4)
    if kind == "blob":
        sizes = [st.binary(max_size=64)]
        if high is not None:
            sizes.append(st.binary(min_size=int(high), max_size=int(high) + 1))
        return st.one_of(*sizes)
    if kind == "timestamp":
        return st.datetimes(timezones=st.just(timezone.utc))
    if kind == "boolean":
        return st.one_of(st.booleans(), st.booleans(), _WRONG_SCALARS)
    if kind in ("integer", "long"):
        edges = [v for v in (low, high) if v is not None]
        near = [st.sampled_from([e + d for e in edges for d in (-1, 0, 1)])] if edges else []
        return st.one_of(
            st.integers(min_value=-(2**40), max_value=2**40),
            st.sampled_from([0, -1, 2**31, 2**63, 2**70]),
            *near,
            _WRONG_SCALARS,
        )
    if kind in ("float", "double"):
        return st.one_of(st.floats(allow_nan=False, allow_infinity=False), _WRONG_SCALARS)
    # string
    options: list[st.SearchStrategy[Any]] = [_TEXT, _WRONG_SCALARS]
    if depth <= 1:
        # Huge strings only as top-level members: inside repeated lists they would make
        # requests of hundreds of megabytes.
        options.append(st.just("x" * HUGE))
    if shape.enum:
        options = [st.sampled_from(list(shape.enum))] * 3 + options
    if high is not None and high < HUGE and (depth <= 1 or high <= 4096):
        options.append(st.just("y" * (int(high) + 1)))
    if low:
        options.append(st.just("z" * int(low)))
    return st.one_of(*options)
