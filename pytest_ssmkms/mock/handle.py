"""``mock_ssm_kms``: activate the in-memory SSM and KMS, as a context manager or decorator."""

from __future__ import annotations

import copy
import dataclasses
import functools
import inspect
import unittest
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, TypeVar

from pytest_ssmkms import adapters
from pytest_ssmkms.aws.backend import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    Settings,
    World,
)
from pytest_ssmkms.aws.clock import Clock
from pytest_ssmkms.aws.errors import PluginUsageError
from pytest_ssmkms.aws.iam.roles import Role, create_role
from pytest_ssmkms.aws.trail import Trail
from pytest_ssmkms.mock import environment, generators
from pytest_ssmkms.mock.principals import create_principal
from pytest_ssmkms.mock.server import SsmKmsServer
from pytest_ssmkms.mock.sessions import new_aio_session, new_boto3_session
from pytest_ssmkms.seeding.methods import SeedingMethods
from pytest_ssmkms.seeding.preseed import did_you_mean

T = TypeVar("T")

class SsmKms(SeedingMethods):
    """The handle a test gets: configuration, clients, the trail, the clock, and seeding
    (``create_key``, ``put_parameter``, ``set_key_state``, ``key_state``)."""

    def __init__(self, world: World) -> None:
        self._world = world

    def __repr__(self) -> str:
        return f"<SsmKms region={self.region!r} account_id={self.account_id!r}>"

    @property
    def region(self) -> str:
        """The default region of this mock (clients without a region use it)."""
        return self._world.settings.region

    @property
    def account_id(self) -> str:
        """The account every default-credential call is made in."""
        return self._world.settings.account_id

    @property
    def trail(self) -> Trail:
        """Every call answered so far, in call order."""
        return self._world.trail

    @property
    def clock(self) -> Clock:
        """The backend clock; ``clock.advance(days=30)`` makes pending deletions come due."""
        return self._world.clock

    @property
    def world(self) -> World:
        """The backend state (for plugin internals and advanced use)."""
        return self._world

    def principal(
        self, name: str, *policies: Any, kind: str = "user", account_id: str | None = None
    ) -> Any:
        """An IAM user (or role, ``kind="role"``) with identity policies; its ``.session()``
        signs calls with its own access key, and policies decide what those calls may do.
        ``account_id``: another account of this mock (its own parameters and keys; it reads
        what others share with it by full ARN)."""
        return create_principal(self._world, name, *policies, kind=kind, account_id=account_id)

    def role(
        self,
        name: str,
        *policies: Any,
        trust: Any = None,
        max_session_duration: int = 3600,
    ) -> Role:
        """An IAM role that ``sts.assume_role(RoleArn=role.arn, ...)`` turns into a session
        acting with ``policies``. ``trust`` is its trust policy (a dict or JSON text); without
        one the role trusts its account, so any caller whose identity policies allow
        ``sts:AssumeRole`` on it may assume it. ``max_session_duration``: 3600 to 43200 s."""
        return create_role(
            self._world, name, *policies, trust=trust, max_session_duration=max_session_duration
        )

    def session(self, region_name: str | None = None) -> Any:
        """A ``boto3.Session`` signed with the default test credentials."""
        return new_boto3_session(
            DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, region_name or self.region
        )

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` in this mock's region (unless ``region_name`` is given)."""
        region = kwargs.pop("region_name", None)
        return self.session(region).client(service, **kwargs)

    def aio_session(self, region_name: str | None = None) -> Any:
        """An aiobotocore ``AioSession`` signed with the default test credentials (needs the
        ``async`` extra; aioboto3 takes it as ``aioboto3.Session(botocore_session=...)``)."""
        return new_aio_session(
            DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, region_name or self.region
        )

    def aio_client(self, service: str, **kwargs: Any) -> Any:
        """An aiobotocore client in this mock's region: ``async with ssm_kms.aio_client("kms")
        as kms:``."""
        region = kwargs.pop("region_name", None)
        return self.aio_session(region).create_client(service, **kwargs)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> SsmKmsServer:
        """Serve this mock's AWS over HTTP (a free port unless ``port`` is given), for
        subprocesses and other SDKs: ``with aws.serve() as server: ... server.env``. Its
        state, trail, principals and clock are this handle's."""
        return SsmKmsServer(self._world, host, port)


class mock_ssm_kms:  # noqa: N801 - named like a function, as users call it
    """Answer ssm, kms, sts and cloudtrail calls in memory while active.

    As a context manager (``with mock_ssm_kms() as aws:``), a function decorator, or a class
    decorator (every ``test*`` method of the class, unittest.TestCase included, runs inside its
    own fresh mock).

    Nesting joins: a mock started while another is active shares its AWS (state, trail,
    clock), as moto's nested mocks share one backend, so fixtures that each open a mock see one
    AWS. Stopping it leaves the outer one active; the outer one's stop ends that AWS.
    ``fresh=True`` starts a separate, empty AWS instead, which answers until it stops.
    """

    def __init__(
        self,
        region: str | None = None,
        account_id: str | None = None,
        *,
        passthrough: Iterable[str] | None = None,
        enforce_permissions: bool | None = None,
        deterministic: int | str | None = None,
        fresh: bool = False,
    ) -> None:
        # None means "not asked": the defaults for a new AWS, whatever an active one has when
        # joining it.
        if account_id is not None:
            _check_account_id(account_id)
        if region is not None and (not isinstance(region, str) or not region):
            raise PluginUsageError(f"region must be a region name like 'us-east-1', got {region!r}")
        if isinstance(passthrough, str):
            passthrough = [passthrough]
        elif passthrough is not None and isinstance(passthrough, Iterable):
            passthrough = list(passthrough)
        _check_options(passthrough, enforce_permissions, deterministic)
        _check_service_names(passthrough or ())
        if not isinstance(fresh, bool):
            raise PluginUsageError(f"fresh must be True or False, got {fresh!r}")
        self._fresh = fresh
        self._asked: dict[str, object] = {
            name: value
            for name, value in (
                ("region", region),
                ("account_id", account_id),
                ("passthrough", None if passthrough is None else frozenset(passthrough)),
                ("enforce_permissions", enforce_permissions),
                ("deterministic", deterministic),
            )
            if value is not None
        }
        # None: the environment's region when the mock starts (see start()).
        self._region = region
        self._settings = Settings(
            region=region or "",
            account_id=account_id or DEFAULT_ACCOUNT_ID,
            passthrough=frozenset(passthrough or ()),
            enforce_permissions=True if enforce_permissions is None else enforce_permissions,
            deterministic_seed=deterministic,
        )
        self._world: World | None = None
        # False while joined to another mock's AWS: that mock owns it and its environment.
        self._owner = False

    @property
    def handle(self) -> SsmKms:
        if self._world is None:
            raise PluginUsageError("this mock_ssm_kms is not active; use it as `with mock_ssm_kms():`")
        return SsmKms(self._world)

    @property
    def joined(self) -> bool:
        """True while this mock shares the AWS of a mock that was active when it started."""
        return self._world is not None and not self._owner

    def start(self) -> SsmKms:
        if self._world is not None:
            raise PluginUsageError("this mock_ssm_kms is already active; create another to nest")
        active = adapters.active_world()
        if active is not None and not self._fresh:
            self._check_joinable(active)
            self._world, self._owner = active, False
            return SsmKms(active)
        region = self._region or environment.region_from_environment()
        settings = dataclasses.replace(self._settings, region=region, extra={})
        self._world, self._owner = World(settings), True
        self._resume()
        return SsmKms(self._world)

    def stop(self) -> None:
        if self._world is None:
            return
        if not self._owner:
            # Joined: the AWS and the environment are the owner's, which ends them.
            self._world = None
            return
        try:
            self._suspend()
        finally:
            self._world = None

    def _resume(self) -> None:
        """Make the started world answer again (start, and each resume of a generator)."""
        assert self._world is not None
        if not self._owner:
            return  # joined: the owner's world answers, in the owner's environment
        environment.enter(self, self._world.settings.region)
        adapters.activate(self._world)

    def _suspend(self) -> None:
        """Stop answering, keeping the world (stop, and each time a generator yields)."""
        assert self._world is not None
        if not self._owner:
            return
        try:
            adapters.deactivate(self._world)
        finally:
            environment.leave(self)

    def _check_joinable(self, active: World) -> None:
        """A joining mock asks for nothing the active AWS is not: one AWS cannot have two
        regions or accounts by default, nor two permission settings."""
        has = {
            "region": active.settings.region,
            "account_id": active.settings.account_id,
            "passthrough": active.settings.passthrough,
            "enforce_permissions": active.settings.enforce_permissions,
            "deterministic": active.settings.deterministic_seed,
        }
        for name, value in self._asked.items():
            if value != has[name]:
                shown, other = (
                    sorted(v) if isinstance(v, frozenset) else v for v in (value, has[name])
                )
                raise PluginUsageError(
                    f"{name}={shown!r}: this mock_ssm_kms starts while another is active "
                    f"(its {name} is {other!r}) and joins it, as nested mocks share one AWS. "
                    f"Leave {name} out to join it, or pass fresh=True for a separate, empty AWS."
                )

    def __enter__(self) -> SsmKms:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> SsmKms:
        # Starting and stopping never wait on anything: the same as ``with``, for async code.
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __call__(self, target: T) -> T:
        if inspect.isclass(target):
            return self._decorate_class(target)  # type: ignore[return-value]
        if not callable(target):
            raise PluginUsageError(f"mock_ssm_kms decorates functions and classes, not {target!r}")
        return self._decorate_function(target)  # type: ignore[return-value]

    def _copy(self) -> mock_ssm_kms:
        """A mock configured as this one, for one decorated call (each starts its own)."""
        clone = copy.copy(self)
        clone._asked = dict(self._asked)
        clone._world, clone._owner = None, False
        return clone

    def _refuse_hiding_the_fixture(self, test: str) -> None:
        """A ``fresh=True`` decorator on a test that also runs inside the pytest ``ssm_kms``
        fixture (named, or activated by a marker) would test against its own empty AWS while
        the markers seeded the fixture's: refuse rather than let seeding vanish. Without
        ``fresh`` the decorator joins the fixture's AWS."""
        if not test or not self._fresh:
            return
        world = adapters.active_world()
        if world is not None and world.settings.extra.get("pytest_fixture") == "ssm_kms":
            raise PluginUsageError(
                f"{test} runs inside the ssm_kms fixture (named by the test or activated by an "
                "ssm_kms / kms_key / ssm_parameter / ssm_parameters marker) and is also "
                "decorated with @mock_ssm_kms(fresh=True), whose separate AWS would hide the "
                "fixture's: drop fresh=True to share the fixture's AWS, or drop the markers."
            )

    def _decorate_function(self, func: Callable[..., Any], test: str = "") -> Callable[..., Any]:
        def before() -> None:
            self._refuse_hiding_the_fixture(test)

        # Generators: active while the body runs, each resume (see mock/generators.py).
        if inspect.isasyncgenfunction(func):
            return generators.wrap_async_generator(func, self._copy, before)
        if inspect.isgeneratorfunction(func):
            return generators.wrap_generator(func, self._copy, before)
        if inspect.iscoroutinefunction(func):
            # A coroutine runs from its start to its return: active across its awaits.

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                self._refuse_hiding_the_fixture(test)
                with self._copy():
                    return await func(*args, **kwargs)

            return run_async

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            self._refuse_hiding_the_fixture(test)
            with self._copy():
                return func(*args, **kwargs)

        return run

    def _decorate_class(self, cls: type) -> type:
        if issubclass(cls, unittest.TestCase):
            return self._decorate_test_case(cls)
        for name, member in list(vars(cls).items()):
            if name.startswith("test") and callable(member):
                setattr(cls, name, self._decorate_function(member, f"{cls.__name__}.{name}"))
        return cls

    def _decorate_test_case(self, cls: type[unittest.TestCase]) -> type[unittest.TestCase]:
        """A TestCase gets a fresh mock per test that spans setUp, the test and tearDown, so
        that what setUp creates is there when the test runs."""
        original = cls.setUp
        template = self

        @functools.wraps(original)
        def setUp(test: unittest.TestCase) -> None:  # noqa: N802 - unittest's name
            template._refuse_hiding_the_fixture(test.id())
            mock = template._copy()
            mock.start()
            # Cleanups run after tearDown, and also when setUp fails.
            test.addCleanup(mock.stop)
            original(test)

        cls.setUp = setUp  # type: ignore[method-assign,assignment]
        return cls


@functools.cache
def _service_names() -> frozenset[str]:
    # The loader, not a Session: a session reads the profile, which may not exist here.
    import botocore.loaders

    return frozenset(botocore.loaders.create_loader().list_available_services("service-2"))


def _check_service_names(names: Iterable[str]) -> None:
    """A typo in passthrough would let nothing out, silently: botocore's names only (hyphens
    ignored, as passthrough matches the event's hyphenated service id too)."""
    known = {name.replace("-", "") for name in _service_names()}
    unknown = sorted(name for name in set(names) if name.replace("-", "") not in known)
    if unknown:
        raise PluginUsageError(
            f"passthrough names {', '.join(map(repr, unknown))}, not a botocore service name "
            f"(as in boto3.client('s3')){did_you_mean(unknown, sorted(_service_names()))}"
        )


def _check_account_id(account_id: object) -> None:
    if not (isinstance(account_id, str) and len(account_id) == 12 and account_id.isdigit()):
        raise PluginUsageError(
            f"account_id must be a 12-digit string like '123456789012', got {account_id!r}"
        )


def _check_options(passthrough: object, enforce_permissions: object, deterministic: object) -> None:
    if passthrough is not None and (
        not isinstance(passthrough, (list, tuple, set, frozenset))
        or not all(isinstance(s, str) for s in passthrough)
    ):
        raise PluginUsageError(
            "passthrough must be a list of botocore service names like ['s3', 'sts'], "
            f"got {passthrough!r}"
        )
    if enforce_permissions is not None and not isinstance(enforce_permissions, bool):
        raise PluginUsageError(
            f"enforce_permissions must be True or False, got {enforce_permissions!r}"
        )
    if deterministic is not None and (
        isinstance(deterministic, bool) or not isinstance(deterministic, (int, str))
    ):
        raise PluginUsageError(
            "deterministic must be a seed (an int or a string) or None, got "
            f"{deterministic!r}"
        )

