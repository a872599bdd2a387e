"""IAM principals a test creates: users and roles with identity policies and their own keys.

Calls are attributed by the access key in the request's signature: the world maps each
principal's access key id to its :class:`Caller`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from typing import TYPE_CHECKING, Any, TypeVar

from pytest_ssmkms.aws.context import Caller
from pytest_ssmkms.aws.iam import access_keys
from pytest_ssmkms.aws.errors import PluginUsageError
from pytest_ssmkms.aws.iam.evaluation import PrincipalRef
from pytest_ssmkms.aws.iam.policy import Policy, PolicyError, parse_policy

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World

KINDS = ("user", "role")
SESSION_NAME = "pytest-ssmkms"  # the role session name a role principal's calls carry
NAME_PATTERN = re.compile(r"^[\w+=,.@-]{1,64}$")


class Principal:
    """An IAM user, or a session of an IAM role, with identity policies.

    ``arn`` is what policies name (``arn:aws:iam::<acct>:user/<name>`` or ``...:role/<name>``);
    a role's calls are made as ``arn:aws:sts::<acct>:assumed-role/<name>/pytest-ssmkms``."""

    def __init__(
        self,
        world: World,
        name: str,
        kind: str,
        policies: tuple[Policy, ...],
        seed: str,
        account_id: str | None = None,
    ) -> None:
        account = account_id or world.settings.account_id
        partition = world.partition  # the partition of the world's Region
        self.world = world
        self.name = name
        self.kind = kind
        self.account_id = account
        self.policies = policies
        digest = hashlib.sha256(seed.encode()).digest()
        letters = base64.b32encode(digest).decode()  # A-Z and 2-7, as AWS ids use
        unique_id = ("AIDA" if kind == "user" else "AROA") + letters[:17]
        # A key id the mock recognises as its own in any world (iam/access_keys.py).
        self.access_key_id = access_keys.issue(
            "AKIA" if kind == "user" else "ASIA", hashlib.sha256(b"key id:" + digest).digest()
        )
        # The credentials a client signs with (the mock's Principal makes boto3 sessions).
        self.secret_access_key = base64.b64encode(digest[8:38]).decode()
        self.session_token = (
            None if kind == "user" else "FwoGZXIvYXdzE" + base64.b64encode(digest).decode()
        )
        if kind == "user":
            self.arn = f"arn:{partition}:iam::{account}:user/{name}"
            caller_arn, principal_id, caller_type = self.arn, unique_id, "IAMUser"
        else:
            self.arn = f"arn:{partition}:iam::{account}:role/{name}"
            caller_arn = f"arn:{partition}:sts::{account}:assumed-role/{name}/{SESSION_NAME}"
            principal_id, caller_type = f"{unique_id}:{SESSION_NAME}", "AssumedRole"
        self.unique_id = unique_id
        # How key policies and grants name this principal (read by the authorizer).
        self.ref = PrincipalRef(account, frozenset({self.arn, caller_arn}))
        self.caller = Caller(
            type=caller_type,
            arn=caller_arn,
            principal_id=principal_id,
            account_id=account,
            access_key_id=self.access_key_id,
            user_name=name,
            principal=self,
        )

    def __repr__(self) -> str:
        return f"<Principal {self.kind} {self.arn} access_key_id={self.access_key_id}>"

    @property
    def session_arn(self) -> str:
        """The ARN the caller has in CloudTrail and AccessDenied messages."""
        return self.caller.arn

    def attach_policy(self, policy: Any) -> None:
        """Add an identity policy (a dict or JSON string); it applies from the next call."""
        self.policies = (*self.policies, parse_identity_policy(policy, self.name, len(self.policies) + 1))


def parse_identity_policy(document: Any, name: str, number: int) -> Policy:
    if isinstance(document, (list, tuple)):
        raise PluginUsageError(
            f"policy {number} of principal {name!r} is a list: pass each policy as its own "
            "argument, ssm_kms.principal(name, policy1, policy2)"
        )
    try:
        return parse_policy(document, resource_policy=False, name=f"{name}-policy-{number}")
    except PolicyError as error:
        raise PluginUsageError(f"policy {number} of principal {name!r} is malformed: {error}") from None


P = TypeVar("P", bound=Principal)


def create_principal(
    world: World,
    name: str,
    *policies: Any,
    kind: str = "user",
    cls: type[P] = Principal,  # type: ignore[assignment]
    account_id: str | None = None,
) -> P:
    """An IAM user (or role, ``kind="role"``) whose calls are evaluated against ``policies``,
    in the world's account or ``account_id``. ``cls`` is the Principal class to make (the
    mock's adds boto3 sessions)."""
    if account_id is not None and (
        not isinstance(account_id, str) or len(account_id) != 12 or not account_id.isdigit()
    ):
        raise PluginUsageError(f"principal account_id must be 12 digits, got {account_id!r}")
    account = account_id or world.settings.account_id
    if kind not in KINDS:
        raise PluginUsageError(f"principal kind must be 'user' or 'role', got {kind!r}")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise PluginUsageError(
            f"principal name must be 1-64 letters, digits or +=,.@_- (an IAM {kind} name), got {name!r}"
        )
    parsed = tuple(parse_identity_policy(policy, name, number) for number, policy in enumerate(policies, 1))
    with world.lock:
        wanted = f"::{account}:{kind}/{name}"
        for caller in world.identities.values():
            existing = caller.principal
            if isinstance(existing, cls) and existing.arn.endswith(wanted):
                if existing.policies == parsed:
                    # Asking again for the same principal (tests sharing a module- or
                    # session-scoped mock): the one that exists, with its access key.
                    return existing
                raise PluginUsageError(
                    f"an IAM {kind} named {name!r} already exists in this mock ({existing.arn}) "
                    "with other policies; give each principal its own name, or use "
                    "attach_policy() to add policies"
                )
        seed = world.settings.deterministic_seed
        salt = f"{seed}" if seed is not None else os.urandom(16).hex()
        principal = cls(world, name, kind, parsed, f"{salt}:{account}:{kind}:{name}", account)
        world.identities[principal.access_key_id] = principal.caller
    return principal
