"""IAM roles that can be assumed: identity policies, a trust policy, a maximum session duration.

A role signs nothing by itself: STS's AssumeRole turns it into a role session with temporary
credentials (``aws/sts/sessions.py``). The world keeps its roles by ARN (``World.roles``).
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.aws.errors import PluginUsageError
from pytest_ssmkms.aws.iam.policy import Policy, PolicyError, parse_policy
from pytest_ssmkms.aws.iam.principals import NAME_PATTERN, parse_identity_policy

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World

DEFAULT_MAX_SESSION_DURATION = 3600
# IAM's bounds for a role's MaxSessionDuration (1 to 12 hours).
MIN_MAX_SESSION_DURATION, MAX_MAX_SESSION_DURATION = 3600, 43200


def account_trust_policy(account_id: str, partition: str = "aws") -> dict[str, Any]:
    """The trust policy a role gets when none is given: the account's own principals may
    assume it if their identity policies allow ``sts:AssumeRole`` on it (what the IAM console
    writes for "AWS account: this account")."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }


class Role:
    """An IAM role: ``arn`` is what policies and AssumeRole name."""

    def __init__(
        self,
        world: World,
        name: str,
        policies: tuple[Policy, ...],
        trust: Policy,
        max_session_duration: int,
        seed: str,
    ) -> None:
        account = world.settings.account_id
        self.world = world
        self.name = name
        self.account_id = account
        self.partition = world.partition
        self.arn = f"arn:{self.partition}:iam::{account}:role/{name}"
        self.policies = policies
        self.trust = trust
        self.max_session_duration = max_session_duration
        letters = base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode()
        self.unique_id = "AROA" + letters[:17]

    def __repr__(self) -> str:
        return f"<Role {self.arn}>"

    @property
    def trust_policy(self) -> str:
        """The trust policy's JSON text."""
        return self.trust.text

    def attach_policy(self, policy: Any) -> None:
        """Add an identity policy (a dict or JSON string); sessions use it from their next call."""
        self.policies = (*self.policies, parse_identity_policy(policy, self.name, len(self.policies) + 1))


def parse_trust_policy(document: Any, name: str) -> Policy:
    if isinstance(document, (list, tuple)):
        raise PluginUsageError(f"the trust policy of role {name!r} must be one policy document, not a list")
    try:
        return parse_policy(document, resource_policy=True, trust=True, name=f"{name}-trust-policy")
    except PolicyError as error:
        raise PluginUsageError(f"the trust policy of role {name!r} is malformed: {error}") from None


def create_role(
    world: World,
    name: str,
    *policies: Any,
    trust: Any = None,
    max_session_duration: int = DEFAULT_MAX_SESSION_DURATION,
) -> Role:
    """A role named ``name`` with identity ``policies`` and a trust policy (default: the
    account, see :func:`account_trust_policy`)."""
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise PluginUsageError(
            f"role name must be 1-64 letters, digits or +=,.@_- (an IAM role name), got {name!r}"
        )
    if (
        isinstance(max_session_duration, bool)
        or not isinstance(max_session_duration, int)
        or not MIN_MAX_SESSION_DURATION <= max_session_duration <= MAX_MAX_SESSION_DURATION
    ):
        raise PluginUsageError(
            "max_session_duration must be a number of seconds from 3600 to 43200 (IAM's "
            f"bounds for MaxSessionDuration), got {max_session_duration!r}"
        )
    parsed = tuple(parse_identity_policy(policy, name, number) for number, policy in enumerate(policies, 1))
    trust_policy = parse_trust_policy(
        trust if trust is not None else account_trust_policy(world.settings.account_id, world.partition),
        name,
    )
    arn = f"arn:{world.partition}:iam::{world.settings.account_id}:role/{name}"
    with world.lock:
        existing: Role | None = world.roles.get(arn)
        if existing is not None:
            if (
                existing.policies == parsed
                and existing.trust == trust_policy
                and existing.max_session_duration == max_session_duration
            ):
                return existing  # the same role asked for again (a shared, wider-scoped mock)
            raise PluginUsageError(
                f"a role named {name!r} already exists in this mock ({arn}) with other policies; "
                "give each role its own name, or use attach_policy() to add policies"
            )
        seed = world.settings.deterministic_seed
        salt = f"{seed}" if seed is not None else os.urandom(16).hex()
        role = Role(
            world, name, parsed, trust_policy, max_session_duration,
            f"{salt}:{world.settings.account_id}:assumable-role:{name}",
        )
        world.roles[arn] = role
    return role
