"""Trusted, unrecorded key set-up for markers and handle methods.

These functions bypass authorization and the trail, but not the rules: bad values raise
:class:`PluginUsageError` naming the argument and what it accepts.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.aws.strict import shift
from pytest_ssmkms.aws.errors import AwsError, PluginUsageError
from pytest_ssmkms.aws.kms.keys import (
    DISABLED,
    ENABLED,
    KEY_USAGES,
    PENDING_DELETION,
    PENDING_IMPORT,
    STATES,
    Key,
)
from pytest_ssmkms.aws.kms.ops_aliases import check_alias_name
from pytest_ssmkms.aws.kms.policies import validate_policy
from pytest_ssmkms.aws.kms.registry import KEY_ID, KeyRegistry
from pytest_ssmkms.aws.kms.tagging import check_tag, merged

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import Backend

_ORIGINS = ("AWS_KMS", "EXTERNAL")


def _registry(backend: Backend) -> KeyRegistry:
    kms: KeyRegistry = backend.kms
    return kms


def _choice(name: str, value: Any, accepted: tuple[str, ...] | list[str]) -> str:
    if value not in accepted:
        raise PluginUsageError(f"{name}={value!r} is not accepted; use one of: {', '.join(accepted)}")
    return str(value)


def seed_key(
    backend: Backend,
    *,
    alias: str | list[str] | None = None,
    key_id: str | None = None,
    description: str = "",
    state: str = ENABLED,
    origin: str = "AWS_KMS",
    key_spec: str = "SYMMETRIC_DEFAULT",
    key_usage: str = "ENCRYPT_DECRYPT",
    policy: dict[str, Any] | str | None = None,
    tags: dict[str, str] | None = None,
    rotation: bool | int = False,
) -> Key:
    """Create a key as CreateKey would, then give it aliases, a state and rotation."""
    kms = _registry(backend)
    state = _choice("state", state, STATES)
    key_spec = _choice("key_spec", key_spec, list(KEY_USAGES))
    key_usage = _choice("key_usage", key_usage, KEY_USAGES[key_spec])
    if state == PENDING_IMPORT and origin == "AWS_KMS":
        origin = "EXTERNAL"  # only keys waiting for imported material are PendingImport
    origin = _choice("origin", origin, _ORIGINS)
    if origin == "EXTERNAL" and key_spec != "SYMMETRIC_DEFAULT":
        raise PluginUsageError("origin='EXTERNAL' works with key_spec='SYMMETRIC_DEFAULT' only")
    if key_id is not None:
        if not isinstance(key_id, str) or not KEY_ID.match(key_id):
            raise PluginUsageError(
                f"key_id={key_id!r} is not a KMS key id; use a lowercase UUID like "
                "'1234abcd-12ab-34cd-56ef-1234567890ab'"
            )
        if kms.key(key_id) is not None:
            raise PluginUsageError(f"key_id={key_id!r}: a key with this id already exists")
    names = [alias] if isinstance(alias, str) else list(alias or [])
    for name in names:
        _check_alias(kms, name)
    if len(set(names)) != len(names):
        raise PluginUsageError(f"alias={alias!r} names the same alias twice")
    policy_text = _policy_text(policy)
    tag_map = _tags(tags)
    period = _rotation_period(rotation)
    if not isinstance(description, str):
        raise PluginUsageError(f"description must be a string, got {description!r}")

    key = kms.create_key(
        description=description,
        key_usage=key_usage,
        key_spec=key_spec,
        origin=origin,
        policy=policy_text,
        tags=tag_map,
        key_id=key_id,
    )
    for name in names:
        kms.add_alias(name, key)
    if period is not None:
        if not key.is_symmetric or origin == "EXTERNAL":
            raise PluginUsageError(
                "rotation works with SYMMETRIC_DEFAULT keys of origin AWS_KMS only"
            )
        key.rotation_enabled = True
        key.rotation_period_days = period
        key.next_rotation = shift(key.created, timedelta(days=period))
    if origin == "EXTERNAL" and state != PENDING_IMPORT:
        _import_random_material(kms, key)
    if state != key.state:
        set_key_state(backend, key.key_id, state)
    kms.reschedule()
    return key


def _check_alias(kms: KeyRegistry, name: Any) -> None:
    if not isinstance(name, str):
        raise PluginUsageError(f"alias must be a string like 'alias/app' or a list of them, got {name!r}")
    try:
        check_alias_name(name, creating=True)
    except AwsError as error:
        raise PluginUsageError(f"alias={name!r}: {error.message}") from None
    if kms.alias(name) is not None:
        raise PluginUsageError(f"alias={name!r} already exists in this account and region")


def _policy_text(policy: dict[str, Any] | str | None) -> str | None:
    if policy is None:
        return None
    text = json.dumps(policy) if isinstance(policy, dict) else policy
    if not isinstance(text, str):
        raise PluginUsageError(f"policy must be a JSON string or a dict, got {policy!r}")
    try:
        validate_policy(text)
    except AwsError as error:
        raise PluginUsageError(f"policy is not a valid key policy: {error.message}") from None
    return text


def _tags(tags: dict[str, str] | None) -> dict[str, str]:
    if tags is None:
        return {}
    if not isinstance(tags, dict):
        raise PluginUsageError(f"tags must be a dict of tag key to value, got {tags!r}")
    try:
        for key, value in tags.items():
            check_tag(key, value)
        return merged({}, tags)
    except AwsError as error:
        raise PluginUsageError(f"tags: {error.message}") from None


def _rotation_period(rotation: bool | int) -> int | None:
    if rotation is True:
        return 365
    if rotation is False or rotation is None:
        return None
    if isinstance(rotation, int) and 90 <= rotation <= 2560:
        return rotation
    raise PluginUsageError(
        f"rotation={rotation!r} is not accepted; use True (every 365 days), False, or a "
        "rotation period in days from 90 to 2560"
    )


def _import_random_material(kms: KeyRegistry, key: Key) -> None:
    kms.add_material(key, kms.random.bytes(32), None, kms.now())
    key.expiration_model = "KEY_MATERIAL_DOES_NOT_EXPIRE"
    if key.state == PENDING_IMPORT:
        key.state = ENABLED


def set_key_state(
    backend: Backend, key_id: str, state: str, *, pending_window_days: int = 30
) -> None:
    """Put a key (id, ARN or alias) into ``state`` as if the matching operations had run."""
    kms = _registry(backend)
    state = _choice("state", state, STATES)
    key = _find(kms, key_id)
    if key.key_manager == "AWS":
        raise PluginUsageError(f"{key_id!r} is an AWS managed key; its state can't be changed")
    if state == PENDING_DELETION:
        if isinstance(pending_window_days, bool) or not isinstance(pending_window_days, int) or not (
            7 <= pending_window_days <= 30
        ):
            raise PluginUsageError(
                f"pending_window_days={pending_window_days!r} is not accepted; use 7 to 30"
            )
        if key.state != PENDING_DELETION:
            key.state_before_deletion = key.state
        key.state = PENDING_DELETION
        key.pending_window_days = pending_window_days
        key.deletion_date = shift(kms.now(), timedelta(days=pending_window_days))
    else:
        key.deletion_date = None
        key.pending_window_days = None
        key.state_before_deletion = None
        if state == PENDING_IMPORT:
            if key.origin != "EXTERNAL":
                raise PluginUsageError(
                    f"state='PendingImport' needs a key with origin='EXTERNAL'; {key_id!r} has "
                    f"origin {key.origin!r}"
                )
            if key.current is not None:
                key.current.forget()
        elif key.current is None or key.current.secret is None:
            _import_random_material(kms, key)  # an EXTERNAL key needs material to be usable
        key.state = state if state in (ENABLED, DISABLED, PENDING_IMPORT) else key.state
    kms.reschedule()


def key_state(backend: Backend, key_id: str) -> str:
    """The current state of a key (id, ARN or alias), after due events are applied."""
    return _find(_registry(backend), key_id).state


def _find(kms: KeyRegistry, key_id: str) -> Key:
    if not isinstance(key_id, str) or not key_id:
        raise PluginUsageError(f"give a key id, key ARN or alias name, got {key_id!r}")
    try:
        return kms.get(key_id)
    except AwsError as error:
        raise PluginUsageError(
            f"no key {key_id!r} in {kms.account_id}/{kms.region} (deleted, or never created): "
            f"{error.message}"
        ) from None
