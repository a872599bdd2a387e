"""The in-memory AWS: a World per activation, a Backend per account and region."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_ssmkms.aws import services
from pytest_ssmkms.aws.clock import Clock
from pytest_ssmkms.aws.context import CallContext, Caller, new_request_id
from pytest_ssmkms.aws.errors import (
    AwsError,
    ExpiredTokenException,
    UnknownOperationError,
    UnrecognizedClientException,
)
from pytest_ssmkms.aws.iam import access_keys
from pytest_ssmkms.aws.partitions import partition_id
from pytest_ssmkms.aws.services import Handler
from pytest_ssmkms.aws.trail import CallRecord, Trail

__all__ = ["Backend", "Handler", "Settings", "World"]

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
DEFAULT_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DEFAULT_USER_NAME = "test-admin"


@dataclass
class Settings:
    """What one activation was configured with."""

    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT_ID
    passthrough: frozenset[str] = frozenset()
    enforce_permissions: bool = True
    # Seed for deterministic key ids, key material and ciphertexts; None means random.
    deterministic_seed: int | str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class World:
    """Everything one activation owns: the clock, the trail, and a backend per account+region."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # The partition of the configured Region: the world's accounts, users and roles live
        # there (an account belongs to one partition), so their IAM ARNs name it.
        self.partition = partition_id(settings.region)
        self.clock = Clock()
        self.trail = Trail()
        self.lock = threading.RLock()
        self._backends: dict[tuple[str, str], Backend] = {}
        # access key id -> the identity that signs with it (filled by principals and by
        # STS's AssumeRole, whose sessions expire on the clock).
        self.identities: dict[str, Caller] = {}
        # role ARN -> the IAM role that AssumeRole may turn into a session (aws/iam/roles.py).
        self.roles: dict[str, Any] = {}
        # The authorizer's cache of decisions that read no condition key (iam/authorizer.py).
        self.decisions: dict[tuple[Any, ...], Any] = {}
        # World-wide state a service keeps beyond its backends (ssm: the values a test gave
        # public parameters, which every account of a Region reads).
        self.service_state: dict[str, Any] = {}
        self.default_caller = Caller(
            type="IAMUser",
            arn=f"arn:{self.partition}:iam::{settings.account_id}:user/{DEFAULT_USER_NAME}",
            principal_id="AIDAPYTESTSSMKMSADMIN",
            account_id=settings.account_id,
            access_key_id=DEFAULT_ACCESS_KEY_ID,
            user_name=DEFAULT_USER_NAME,
        )

    def backend(self, account_id: str | None = None, region: str | None = None) -> Backend:
        key = (account_id or self.settings.account_id, region or self.settings.region)
        found = self._backends.get(key)
        if found is None:
            with self.lock:
                found = self._backends.get(key)
                if found is None:
                    found = self._backends[key] = Backend(self, *key)
        return found

    def existing(self, account_id: str, region: str) -> Backend | None:
        """The backend of an account and region if anything has made it; for lookups driven
        by request input, which must not create state when they find nothing."""
        return self._backends.get((account_id, region))

    def places(self) -> list[tuple[str, str]]:
        """(account, region) of every backend made so far."""
        return list(self._backends)

    def backends(self) -> list[Backend]:
        """Every backend made so far (an account+region that has been called or seeded)."""
        with self.lock:
            return list(self._backends.values())

    def caller_for(self, access_key_id: str | None) -> Caller:
        """The identity behind an access key. Raises ExpiredTokenException for temporary
        credentials past their expiration, and UnrecognizedClientException for a key the mock
        issued in another world (a principal or session of another mock): it is nobody here.

        A key the mock never issued (your own credentials, from a session made before the
        mock) acts as the account's administrator, recorded with the default key id: a real
        key id never reaches the trail, the trail file or a failure report."""
        if access_key_id:
            known = self.identities.get(access_key_id)
            if known is not None:
                if known.expires is not None and self.clock.now() >= known.expires:
                    raise ExpiredTokenException()
                return known
            if access_keys.is_issued(access_key_id):
                raise UnrecognizedClientException()
        return self.default_caller

    def context(
        self, caller: Caller, region: str, user_agent: str = ""
    ) -> CallContext:
        backend = self._backends.get((caller.account_id, region))
        return CallContext(
            backend if backend is not None else self.backend(caller.account_id, region),
            caller,
            region,
            new_request_id(),
            self.clock.now(),
            user_agent,
        )


    def system_context(self, region: str | None = None) -> CallContext:
        """A trusted context for preseeding: not authorized, not recorded."""
        return CallContext(
            backend=self.backend(None, region),
            caller=self.default_caller,
            region=region or self.settings.region,
            request_id=new_request_id(),
            event_time=self.clock.now(),
            user_agent="pytest-ssmkms",
            trusted=True,
        )


class Backend:
    """One account in one region: its key registry and its parameter store."""

    kms: Any  # the KMS key registry (made on first use, see __getattr__)
    ssm: Any  # the SSM parameter store (made on first use)

    def __init__(self, world: World, account_id: str, region: str) -> None:
        self.world = world
        self.account_id = account_id
        self.region = region

    @property
    def clock(self) -> Clock:
        return self.world.clock

    def state(self, name: str) -> Any:
        """A service's state if it has been made (None otherwise: nothing is made by asking)."""
        return self.__dict__.get(name)

    def __getattr__(self, name: str) -> Any:
        # A service's state (``kms``: the key registry, ``ssm``: the parameter store) is made
        # on first use (most tests touch few services) and then is a plain attribute: the hot
        # path reads it on every call without a property call.
        factory = services.state_factory(name)
        if factory is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        with self.world.lock:
            made = self.__dict__.get(name)
            if made is None:
                made = self.__dict__[name] = factory(self)
        return made

    def invoke(
        self,
        service: str,
        operation: str,
        params: dict[str, Any],
        ctx: CallContext,
        *,
        check: Callable[[dict[str, Any]], None] | None = None,
    ) -> dict[str, Any]:
        """Answer one operation and record it in the trail, success or failure.

        ``check`` is given for calls that came over the wire: it refuses input outside the
        operation's model (the wire's validation), and its refusal is recorded like any other
        error; calls between services are trusted. Calls made with a trusted context
        (preseeding) are not recorded."""
        table = services.operation_table(service)
        handler = table.get(operation)
        with self.world.lock:
            # Where this call's record goes: before the records of the calls it makes itself
            # (SSM's Encrypt/Decrypt), so the trail reads in the order calls were made.
            at = self.world.trail.mark()
            try:
                if handler is None:
                    raise UnknownOperationError(service, operation, list(table))
                if check is not None:
                    check(params)
                result = handler(ctx, params)
            except AwsError as error:
                if not ctx.trusted:
                    self.record(service, operation, params, None, error, ctx, at=at)
                raise
            if not ctx.trusted:
                self.record(service, operation, params, result, None, ctx, at=at)
            return result

    def record(
        self,
        service: str,
        operation: str,
        params: dict[str, Any],
        result: dict[str, Any] | None,
        error: AwsError | None,
        ctx: CallContext,
        *,
        at: int | None = None,
    ) -> None:
        """Append one call to the trail (at position ``at``, a ``trail.mark()``, if given)."""
        self.world.trail.append(
            CallRecord(service, operation, params, result, error, ctx, ctx.notes.get("decision")),
            at,
        )
