"""Preseeding: keys and parameters put in place before the code under test runs.

Markers (``kms_key``, ``ssm_parameter``, ``ssm_parameters``), seed files and the handle's
``create_key`` / ``put_parameter`` / ``set_key_state`` all come through here. This module
checks the arguments (names and types) so that every misuse gets one clear message listing
what is accepted; the values themselves (state names, key specs, policy documents, parameter
names) are checked by the KMS and SSM seeding functions, which know the rules. Those work with
trusted contexts, so nothing seeded here is authorized against policies or recorded in the
trail.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.aws.errors import PluginUsageError
from pytest_ssmkms.aws.jsondoc import load_bounded

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World

# argument -> (accepted Python types, how the message describes them)
_Spec = dict[str, tuple[tuple[type, ...], str]]

_OPTIONAL_STR = ((str, type(None)), "a string")
_TAGS = ((dict, list, tuple, type(None)), "a dict of tag key to value")

# Arguments whose values may be secrets: never echoed in messages.
_SECRET = frozenset({"value", "history"})

KMS_KEY_ARGUMENTS: _Spec = {
    "alias": ((str, list, tuple, type(None)), "an alias name like 'alias/app' (or a list)"),
    "key_id": _OPTIONAL_STR,
    "description": _OPTIONAL_STR,
    "state": ((str,), "a key state name"),
    "origin": ((str,), "a string"),
    "key_spec": ((str,), "a string"),
    "key_usage": ((str,), "a string"),
    "policy": ((str, dict, type(None)), "a key policy (a JSON string or a dict)"),
    "tags": _TAGS,
    "rotation": ((bool, int), "True, False or a rotation period in days (90-2560)"),
    "region": _OPTIONAL_STR,
}

SSM_PARAMETER_ARGUMENTS: _Spec = {
    "name": ((str,), "a parameter name"),
    "value": ((str, list, tuple), "a string (or a list of strings for a StringList)"),
    "type": ((str,), "String, StringList or SecureString"),
    "key_id": _OPTIONAL_STR,
    "description": _OPTIONAL_STR,
    "tier": _OPTIONAL_STR,
    "labels": ((list, tuple, type(None)), "a list of label strings"),
    "tags": _TAGS,
    "allowed_pattern": _OPTIONAL_STR,
    "data_type": _OPTIONAL_STR,
    "history": ((list, tuple, type(None)), "a list of older values, oldest first"),
    "region": _OPTIONAL_STR,
}

KEY_STATE_ARGUMENTS: _Spec = {
    "state": ((str,), "a key state name"),
    "pending_window_days": ((int,), "a number of days (7-30)"),
    "region": _OPTIONAL_STR,
}


@dataclass(frozen=True)
class SeededKey:
    """A key created by ``ssm_kms.create_key`` or a ``kms_key`` marker."""

    key_id: str
    arn: str
    alias: str | None = None

    def __str__(self) -> str:
        return self.key_id


def check_arguments(what: str, given: Mapping[str, Any], spec: _Spec) -> None:
    """Refuse unknown argument names and values of the wrong type, naming what is accepted."""
    unknown = sorted(set(given) - set(spec))
    if unknown:
        raise PluginUsageError(
            f"{what} got unknown argument(s) {', '.join(unknown)}; accepted: {', '.join(spec)}"
            f"{did_you_mean(unknown, spec)}"
        )
    for name, value in given.items():
        types, described = spec[name]
        # bool is an int subclass: refuse True where a number of days is wanted.
        wrong_bool = isinstance(value, bool) and bool not in types
        if not isinstance(value, types) or wrong_bool:
            shown = kind_of(value) if name in _SECRET else f"{value!r}"
            raise PluginUsageError(f"{what}: {name} must be {described}, got {shown}")


def kind_of(value: object) -> str:
    """What a value is, in words that fit both Python and JSON ("a number"), for messages
    that must not show the value itself."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object (dict)"
    return "None" if value is None else f"a {type(value).__name__}"


def did_you_mean(unknown: Sequence[str], accepted: Iterable[str]) -> str:
    """"; did you mean alias?" for likely typos, else ""."""
    choices = list(accepted)
    guesses = [
        (name, match[0])
        for name in unknown
        if (match := difflib.get_close_matches(name, choices, n=1, cutoff=0.6))
    ]
    if not guesses:
        return ""
    if len(unknown) == 1:
        return f"; did you mean {guesses[0][1]}?"
    return "; did you mean " + ", ".join(f"{good} for {bad}" for bad, good in guesses) + "?"


def _tags(what: str, tags: Any) -> dict[str, str] | None:
    """Tags as a dict; the AWS list forms ({TagKey,TagValue} / {Key,Value}) are accepted too."""
    if tags is None:
        return None
    if isinstance(tags, dict):
        pairs = list(tags.items())
    else:
        pairs = []
        for tag in tags:
            if isinstance(tag, dict) and {"TagKey", "TagValue"} == set(tag):
                pairs.append((tag["TagKey"], tag["TagValue"]))
            elif isinstance(tag, dict) and {"Key", "Value"} == set(tag):
                pairs.append((tag["Key"], tag["Value"]))
            else:
                raise PluginUsageError(
                    f"{what}: tags must be a dict of tag key to value (or a list of "
                    f"{{'TagKey': ..., 'TagValue': ...}}), got the entry {tag!r}"
                )
    for key, value in pairs:
        if not isinstance(key, str) or not isinstance(value, str):
            raise PluginUsageError(
                f"{what}: tags must map strings to strings, got {key!r}: {value!r}"
            )
    return dict(pairs)


def _strings(what: str, name: str, values: Any) -> list[str] | None:
    if values is None:
        return None
    wrong = [value for value in values if not isinstance(value, str)]
    if wrong:
        shown = kind_of(wrong[0]) if name in _SECRET else repr(wrong[0])
        raise PluginUsageError(f"{what}: {name} must be a list of strings, got {shown} in it")
    return list(values)


def _policy(what: str, policy: Any) -> str | None:
    """A key policy as the JSON text KMS stores; a dict is serialized, a string must parse."""
    if policy is None:
        return None
    if isinstance(policy, dict):
        return json.dumps(policy)
    # Parsed here too, so that a typo gets the JSON parser's pointer to where it is.
    try:
        document = load_bounded(policy)
    except ValueError as error:
        raise PluginUsageError(
            f"{what}: policy is not valid JSON ({error}); give a JSON string or a dict like "
            '{"Version": "2012-10-17", "Statement": [...]}'
        ) from None
    if not isinstance(document, dict):
        raise PluginUsageError(
            f"{what}: policy must be a JSON object with a Statement list, got {policy!r}"
        )
    return str(policy)


def create_key(world: World, what: str, arguments: Mapping[str, Any]) -> SeededKey:
    """Create a key from ``kms_key`` arguments, unrecorded."""
    check_arguments(what, arguments, KMS_KEY_ARGUMENTS)
    options = dict(arguments)
    backend = world.backend(None, options.pop("region", None))
    options["tags"] = _tags(what, options.get("tags"))
    options["policy"] = _policy(what, options.get("policy"))
    if options.get("description") is None:
        options.pop("description", None)
    from pytest_ssmkms.seeding.kms import seed_key

    with world.lock:
        key = _seeding(what, seed_key, backend, **options)
    alias = options.get("alias")
    if isinstance(alias, (list, tuple)):
        alias = alias[0] if alias else None
    return SeededKey(key.key_id, key.arn, alias)


def put_parameter(world: World, what: str, arguments: Mapping[str, Any]) -> None:
    """Put a parameter (and its older versions) from ``ssm_parameter`` arguments, unrecorded."""
    check_arguments(what, arguments, SSM_PARAMETER_ARGUMENTS)
    for required in ("name", "value"):
        if required not in arguments:
            raise PluginUsageError(f"{what}: {required} is required (name, value, then options)")
    options = dict(arguments)
    backend = world.backend(None, options.pop("region", None))
    name, value = options.pop("name"), options.pop("value")
    if not isinstance(value, str):
        value = ",".join(_strings(what, "value", value) or [])
        options.setdefault("type", "StringList")
    options["tags"] = _tags(what, options.get("tags"))
    options["labels"] = _strings(what, "labels", options.get("labels"))
    options["history"] = _strings(what, "history", options.get("history"))
    from pytest_ssmkms.seeding.ssm import seed_parameter

    with world.lock:
        _seeding(what, seed_parameter, backend, name, value, **options)


def set_key_state(world: World, what: str, key: str, arguments: Mapping[str, Any]) -> None:
    """Put a key (by id, ARN or alias) into ``state``, unrecorded."""
    check_arguments(what, arguments, KEY_STATE_ARGUMENTS)
    options = dict(arguments)
    backend = world.backend(None, options.pop("region", None))
    from pytest_ssmkms.seeding.kms import set_key_state as seed_state

    with world.lock:
        _seeding(what, seed_state, backend, key, **options)


def key_state(world: World, what: str, key: str, region: str | None = None) -> str:
    """The state of a key given by id, ARN or alias."""
    backend = world.backend(None, region)
    from pytest_ssmkms.seeding.kms import key_state as read_state

    with world.lock:
        return str(_seeding(what, read_state, backend, key))


def _seeding(what: str, function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a seeding function; its errors (AWS-style or usage) are reported as usage errors
    that name the marker or method, so that the user sees where the bad value came from."""
    from pytest_ssmkms.aws.errors import AwsError

    try:
        return function(*args, **kwargs)
    except PluginUsageError as error:
        raise PluginUsageError(f"{what}: {error}") from None
    except AwsError as error:
        raise PluginUsageError(f"{what}: {error.code}: {error.message}") from None


def describe_call(name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
    """How a marker or method call reads in messages; values are elided (they may be secret)."""
    if name == "ssm_parameter":  # (name, value): the value may be a secret
        shown = [repr(arg) for arg in args[:1]] + ["..." for _ in args[1:]]
    else:  # seed file paths are shown; inline documents hold values, so they are not
        shown = ["{...}" if isinstance(arg, (dict, list)) else repr(arg) for arg in args]
    shown += [f"{key}={_safe(key, value)}" for key, value in kwargs.items()]
    return f"{name}({', '.join(shown)})"


def _safe(key: str, value: Any) -> str:
    return "..." if key in _SECRET or key == "policy" else repr(value)
