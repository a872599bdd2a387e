"""Who is calling and the facts of one call, handed to every handler."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import Backend


# Request ids need to be unique, not secret: a generator of our own (seeded from the OS,
# untouched by random.seed() in tests) instead of a urandom syscall on every call.
_ids = random.Random(os.urandom(32))
if hasattr(os, "register_at_fork"):  # a forked child must not repeat its parent's ids
    os.register_at_fork(after_in_child=lambda: _ids.seed(os.urandom(32)))


# The version nibble of the UUID text (its 13th hex digit), set to 4.
_VERSION_MASK = ~(0xF << 76) & ((1 << 128) - 1)
_VERSION_4 = 0x4 << 76


def new_request_id() -> str:
    """A random UUID-formatted request id (cheaper than uuid.uuid4(): this runs every call).
    The 16 bytes are grouped 4-2-2-2-6 by bytes.hex, which costs less than slicing text."""
    raw = ((_ids.getrandbits(128) & _VERSION_MASK) | _VERSION_4).to_bytes(16, "big")
    return f"{raw[:4].hex()}-{raw[4:10].hex('-', 2)}-{raw[10:].hex()}"


@dataclass(frozen=True)
class Caller:
    """The identity a request was signed as (CloudTrail's ``userIdentity``)."""

    type: str  # "IAMUser", "AssumedRole" or "Root"
    arn: str
    principal_id: str
    account_id: str
    access_key_id: str
    user_name: str
    # The iam.Principal carrying identity policies; None for the default administrator.
    principal: Any = None
    # When temporary credentials stop working (a role session's Expiration); None: never.
    expires: datetime | None = None

    @property
    def is_default_admin(self) -> bool:
        return self.principal is None


@dataclass(frozen=True)
class AuthorizationRequest:
    """What a handler asks the authorizer: may the caller do ``action`` on ``resource``?"""

    action: str
    resource: str
    conditions: dict[str, Any] = field(default_factory=dict)
    # For KMS: the resolved key (its policy, grants, tags and aliases take part).
    key: Any = None


@dataclass(slots=True)  # not frozen: frozen dataclasses cost a setattr per field per call
class CallContext:
    """One call as the backend sees it."""

    backend: Backend
    caller: Caller
    region: str
    request_id: str
    event_time: datetime
    user_agent: str = ""
    source_ip: str = "127.0.0.1"
    # Set on calls a service makes on the caller's behalf (SSM calling KMS).
    invoked_by: str | None = None
    called_via: tuple[str, ...] = ()
    # Preseeding (markers, handle methods): skips authorization; such calls are not recorded.
    trusted: bool = False
    # Per-call scratch space (the deciding policy statement, ...): never shared with child calls.
    notes: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def via(self, service_principal: str) -> CallContext:
        """The context for a call that ``service_principal`` makes for this caller."""
        return CallContext(
            self.backend,
            self.caller,
            self.region,
            new_request_id(),  # the inner call is a request of its own
            self.event_time,
            service_principal,  # user_agent
            service_principal,  # source_ip
            service_principal,  # invoked_by
            (*self.called_via, service_principal),
            self.trusted,
        )

    def authorize(
        self,
        action: str,
        resource: str,
        *,
        conditions: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
        key: Any = None,
    ) -> Any:
        """Raise AccessDeniedException unless policies allow ``action`` on ``resource``.

        ``conditions`` may also be a function that makes them: it is called only when the
        decision is not already known (most calls are answered from the authorizer's cache).
        Returns whatever the authorizer reports as the deciding statement (for the trail)."""
        if self.trusted:
            return None
        return _decide(self, action, resource, conditions or {}, key)


Decide = Callable[["CallContext", str, str, Any, Any], Any]


def _no_authorizer(ctx: CallContext, action: str, resource: str, conditions: Any, key: Any) -> Any:
    raise RuntimeError("no authorizer installed: import pytest_ssmkms.aws (it installs iam's)")


# The permission engine's decide(), installed by aws.iam when it loads: iam builds on this
# module, so this module cannot import it.
_decide: Decide = _no_authorizer


def install_authorizer(decide: Decide) -> None:
    """Make ``decide`` the function every ``CallContext.authorize`` asks."""
    global _decide
    _decide = decide
