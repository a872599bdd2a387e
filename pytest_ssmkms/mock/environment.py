"""The process environment while a mock is active: fake credentials, its region, no profiles.

Several mocks may be active at once (nested, or started and stopped in any order): each
activation is an entry of one stack. An activation remembers what it found when it started;
when one stops, the environment returns to what it found only if it is the innermost, and
otherwise hands what it found to the activation started just after it (which then restores
that). So whatever the order, once the last one stops everything is as before the first
started: ``os.environ`` and boto3's default session (which, made or used inside a mock, would
keep the mock's credentials and empty config files for every later ``boto3.client()``).

And the region a mock takes when nothing configures one: the environment's, as boto3's.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from typing import Any

from pytest_ssmkms.aws.backend import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_REGION,
    DEFAULT_SECRET_ACCESS_KEY,
)

# Set while active so that no real credentials, profile or instance metadata are consulted.
_UNSET = (
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SSM",
    "AWS_ENDPOINT_URL_KMS",
)

Saved = dict[str, str | None]
_NOT_LOADED = object()  # boto3 was not imported: nothing of it to restore but its absence


@dataclass
class _Snapshot:
    """What an activation found when it started."""

    environ: Saved
    # boto3.DEFAULT_SESSION (or _NOT_LOADED), and the credentials its botocore session had
    # resolved then (None: not yet resolved, so they are looked up again afterwards).
    default_session: Any
    credentials: Any


@dataclass
class _Activation:
    token: object
    region: str
    found: _Snapshot


_lock = threading.RLock()
_stack: list[_Activation] = []


def region_from_environment() -> str:
    """``AWS_DEFAULT_REGION`` (what boto3 reads), else ``AWS_REGION`` (what the other SDKs and
    Lambda set), else ``us-east-1``: a client made at import time in the environment's region
    and one made inside the mock then talk to the same region, as with moto."""
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return DEFAULT_REGION


def enter(token: object, region: str) -> None:
    """Set the mock's environment for the activation ``token`` (any object, told apart by
    identity); :func:`leave` with the same token undoes it, in whatever order."""
    with _lock:
        found = _Snapshot(_read_environ(), *_read_default_session())
        _stack.append(_Activation(token, region, found))
        _set(_wanted(region))


def leave(token: object) -> None:
    """End the activation ``token``: the innermost restores what it found; any other hands
    what it found to the next one, which restores it in its turn. Unknown tokens: no-op."""
    with _lock:
        index = next(
            (i for i in range(len(_stack) - 1, -1, -1) if _stack[i].token is token), None
        )
        if index is None:
            return
        ending = _stack.pop(index)
        if index < len(_stack):
            _stack[index].found = ending.found
            return
        _set(ending.found.environ)
        _restore_default_session(ending.found)


def active_count() -> int:
    """How many activations hold the environment (0 when it is the developer's own)."""
    with _lock:
        return len(_stack)


def _wanted(region: str) -> Saved:
    wanted: Saved = dict.fromkeys(_UNSET)
    wanted.update(
        AWS_ACCESS_KEY_ID=DEFAULT_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY=DEFAULT_SECRET_ACCESS_KEY,
        AWS_DEFAULT_REGION=region,
        # The other SDKs (and the AWS CLI v2 in some set-ups) read AWS_REGION: a subprocess
        # sees the mock's region whichever it reads.
        AWS_REGION=region,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_CONFIG_FILE=os.devnull,
    )
    return wanted


def _read_environ() -> Saved:
    return {name: os.environ.get(name) for name in _wanted(DEFAULT_REGION)}


def _read_default_session() -> tuple[Any, Any]:
    boto3 = sys.modules.get("boto3")  # never imported here: it is not a runtime dependency
    if boto3 is None:
        return _NOT_LOADED, None
    session = getattr(boto3, "DEFAULT_SESSION", None)
    core = getattr(session, "_session", None)
    if core is not None:
        _settle(core)
    return session, getattr(core, "_credentials", None)


def _settle(core: Any) -> None:
    """Have a session from before the mock read, now, what botocore reads once and keeps: the
    config files and the credential providers (which capture the file paths). Read first
    inside the mock, they would be the mock's (empty files) for good."""
    try:
        core.full_config
        core.get_component("credential_provider")
    except Exception:  # noqa: BLE001 - a broken config of yours is yours to meet, later
        pass


def _restore_default_session(found: _Snapshot) -> None:
    boto3 = sys.modules.get("boto3")
    if boto3 is None:
        return
    if found.default_session is _NOT_LOADED or found.default_session is None:
        made_inside = getattr(boto3, "DEFAULT_SESSION", None)
        if made_inside is not None and not _forget_the_mock(getattr(made_inside, "_session", None)):
            setattr(boto3, "DEFAULT_SESSION", None)  # noqa: B010 - boto3 is untyped here
        return
    setattr(boto3, "DEFAULT_SESSION", found.default_session)  # noqa: B010
    core = getattr(found.default_session, "_session", None)
    if core is not None and hasattr(core, "_credentials"):
        # botocore resolves a session's credentials once and keeps them: resolved inside the
        # mock they would be the mock's test credentials from then on.
        core._credentials = found.credentials


def _forget_the_mock(core: Any) -> bool:
    """Make a default session made inside the mock read the environment afresh, as one made
    now would: its credentials, config files, profile and credential providers were the
    mock's. Keeping the session (rather than dropping it) keeps what is costly to rebuild
    and has nothing of the mock: its loaded models and ~130 registered handlers, which a new
    session takes ~100 ms to make. False if this botocore keeps them otherwise."""
    names = ("_credentials", "_config", "_profile_map", "_profile")
    register = getattr(core, "_register_credential_provider", None)
    if not callable(register) or not all(hasattr(core, name) for name in names):
        return False
    for name in names:
        setattr(core, name, None)
    register()
    return True


def _set(values: Saved) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
