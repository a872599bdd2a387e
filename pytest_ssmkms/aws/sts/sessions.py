"""Role sessions: what AssumeRole hands out, and who calls signed with its credentials are.

A session acts as its role (the role's identity policies, read at each call), limited by the
session policy passed to AssumeRole, until ``expiration`` on the backend clock; after that the
world refuses its key with ExpiredTokenException (``World.caller_for``).
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.aws.context import Caller
from pytest_ssmkms.aws.iam import access_keys
from pytest_ssmkms.aws.iam.evaluation import PrincipalRef

if TYPE_CHECKING:
    from pytest_ssmkms.aws.iam.policy import Policy
    from pytest_ssmkms.aws.iam.roles import Role

class RoleSession:
    """One AssumeRole answer: temporary credentials acting as ``role``."""

    def __init__(
        self,
        role: Role,
        session_name: str,
        issued: datetime,
        expiration: datetime,
        session_policy: Policy | None,
        chained: bool,
        source_identity: str | None,
        tags: dict[str, str],
        random_bytes: bytes,
    ) -> None:
        self.role = role
        self.session_name = session_name
        self.issued = issued
        self.expiration = expiration
        self.session_policy = session_policy
        self.chained = chained  # made with another role session's credentials
        self.source_identity = source_identity
        self.tags = tags  # session tags: the session's aws:PrincipalTag/<key> values
        self.access_key_id = access_keys.issue("ASIA", random_bytes[:10])
        # The secret and the token from independent digests: the token, which the trail shows
        # as CloudTrail does, must not hold the secret, which it never shows.
        secret = hashlib.sha256(b"secret:" + random_bytes).digest()
        self.secret_access_key = base64.b64encode(secret[:30]).decode()
        token = b"".join(hashlib.sha256(b"token:%d:" % i + random_bytes).digest() for i in range(5))
        # Real session tokens are long base64 blobs starting with this prefix.
        self.session_token = "IQoJb3JpZ2luX2VjE" + base64.b64encode(token).decode()
        self.account_id = role.account_id
        self.session_arn = f"arn:{role.partition}:sts::{role.account_id}:assumed-role/{role.name}/{session_name}"
        self.assumed_role_id = f"{role.unique_id}:{session_name}"
        # How resource policies name this caller: the role and the session (authorizer).
        self.ref = PrincipalRef(role.account_id, frozenset({role.arn, self.session_arn}))
        self.caller = Caller(
            type="AssumedRole",
            arn=self.session_arn,
            principal_id=self.assumed_role_id,
            account_id=role.account_id,
            access_key_id=self.access_key_id,
            user_name=role.name,
            principal=self,
            expires=expiration,
        )

    def __repr__(self) -> str:
        return f"<RoleSession {self.session_arn} access_key_id={self.access_key_id}>"

    @property
    def arn(self) -> str:
        """aws:PrincipalArn of the session: its role's ARN."""
        return self.role.arn

    @property
    def policies(self) -> tuple[Policy, ...]:
        """The role's identity policies, as they are now (attach_policy applies at once)."""
        return self.role.policies

    def credentials(self) -> dict[str, Any]:
        return {
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key,
            "SessionToken": self.session_token,
            "Expiration": self.expiration,
        }


def start_session(
    role: Role,
    session_name: str,
    issued: datetime,
    expiration: datetime,
    session_policy: Policy | None,
    chained: bool,
    source_identity: str | None = None,
    tags: dict[str, str] | None = None,
) -> RoleSession:
    """A new session of ``role``, its key known to the role's world from now on."""
    world = role.world
    seed = world.settings.deterministic_seed
    with world.lock:
        if seed is not None:
            # Deterministic worlds give the same credentials in the same order of calls.
            count = len(world.identities)
            random_bytes = hashlib.sha256(f"{seed}:session:{count}:{role.arn}:{session_name}".encode()).digest()
            random_bytes += hashlib.sha256(random_bytes).digest()[:8]
        else:
            random_bytes = os.urandom(40)
        session = RoleSession(
            role, session_name, issued, expiration, session_policy, chained, source_identity,
            dict(tags or {}), random_bytes,
        )
        # Expired sessions stay known: their key must keep answering ExpiredTokenException,
        # never fall back to acting as the account's administrator.
        world.identities[session.access_key_id] = session.caller
    return session

