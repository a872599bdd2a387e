"""The services the in-memory AWS answers, each registered by its own package.

The world and the backend know no service by name: a service package registers its operation
table, the ``X-Amz-Target`` prefix its requests carry, and the per-account state it keeps (made
on first use). ``pytest_ssmkms.aws`` imports every service package, so importing any part of
the in-memory AWS registers them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.aws.context import CallContext

if TYPE_CHECKING:
    from pytest_ssmkms.aws.errors import AwsError

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import Backend

Handler = Callable[[CallContext, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Service:
    name: str  # botocore's service name and the trail's: "ssm", "kms", "cloudtrail"
    # The X-Amz-Target prefix of its JSON requests ("AmazonSSM"); "" for a query-protocol
    # service (STS), whose requests name the operation in the body.
    target_prefix: str
    operations: Mapping[str, Handler]
    # The Backend attribute holding the service's state for one account and region, and what
    # makes it (None: a service without state of its own).
    state_attribute: str | None = None
    make_state: Callable[[Backend], Any] | None = None
    # How the service names errors shared by every service (raised by the core, the wire's
    # validation or iam), when it names them otherwise: code -> (its code, HTTP status).
    # STS says ValidationError and AccessDenied where JSON services say ...Exception.
    error_codes: Mapping[str, tuple[str, int]] = field(default_factory=dict)


_by_name: dict[str, Service] = {}
_by_prefix: dict[str, Service] = {}
_state_factories: dict[str, Callable[[Backend], Any]] = {}


def register(service: Service) -> None:
    """Add ``service``; registering the same name again replaces it (a reload)."""
    _by_name[service.name] = service
    if service.target_prefix:
        _by_prefix[service.target_prefix] = service
    if service.state_attribute is not None and service.make_state is not None:
        _state_factories[service.state_attribute] = service.make_state


def get(name: str) -> Service | None:
    return _by_name.get(name)


def by_target_prefix(prefix: str) -> Service | None:
    return _by_prefix.get(prefix)


def names() -> frozenset[str]:
    """The names of the services answered (``passthrough`` may not name them)."""
    return frozenset(_by_name)


def operation_table(name: str) -> Mapping[str, Handler]:
    """The operations of service ``name`` (KeyError for a service that is not answered)."""
    return _by_name[name].operations


def error_code(service: str, error: AwsError) -> tuple[str, int]:
    """The code and HTTP status ``service`` answers ``error`` with (its wire and its trail)."""
    found = _by_name.get(service)
    if found is not None and found.error_codes:
        named = found.error_codes.get(error.code)
        if named is not None:
            return named
    return error.code, error.status


def state_factory(attribute: str) -> Callable[[Backend], Any] | None:
    """What makes the Backend attribute ``attribute`` (``kms``, ``ssm``), or None."""
    return _state_factories.get(attribute)
