"""Where botocore meets the mock: one ``before-send`` handler, installed once.

``install()`` adds the handler to botocore's built-in handlers, so every session created from
then on (boto3's default session included) carries it, and wraps the transport so that a
client made before installation is answered just the same, never sent to the network. The
handler is inert while no mock is active: botocore then behaves as if the plugin were absent.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import botocore.handlers
import wrapt
from botocore.awsrequest import AWSPreparedRequest, AWSResponse, HeadersDict, _HeaderKey
from botocore.credentials import Credentials
from botocore.model import OperationModel, ServiceModel

from pytest_ssmkms.wire import protocol
from pytest_ssmkms.aws.context import new_request_id
from pytest_ssmkms.aws.errors import (
    AwsError,
    InvalidSignatureException,
    PluginInternalError,
    UnmockedServiceError,
)

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World

# X-Amz-Target prefix -> our service name.
TARGET_PREFIXES = {
    "AmazonSSM": "ssm",
    "TrentService": "kms",
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101": "cloudtrail",
}
MOCKED_SERVICES = frozenset(TARGET_PREFIXES.values())

_CREDENTIAL_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/")
# botocore's own rule for region names (botocore.utils.validate_region_name).
_VALID_REGION = re.compile(r"(?![0-9]+$)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)")
_HOST_REGION = re.compile(r"^https?://[a-z0-9-]+\.([a-z0-9-]+)\.amazonaws\.com")

_install_lock = threading.Lock()
_installed = False
# Active worlds, innermost last. Global, not thread-local: calls from any thread are answered.
_active: list[World] = []
# Called with each world as it becomes active (the trail's pytest option listens here).
activation_listeners: list[Callable[[World], None]] = []


def active_world() -> World | None:
    """The innermost active mock, or None."""
    return _active[-1] if _active else None


def activate(world: World) -> None:
    install()
    _active.append(world)
    for listener in list(activation_listeners):
        listener(world)


def deactivate(world: World) -> None:
    # Remove this world even if activations were closed out of order.
    for index in range(len(_active) - 1, -1, -1):
        if _active[index] is world:
            del _active[index]
            return


def install() -> None:
    """Register the handler and the transport guard (idempotent, cheap after the first call)."""
    global _installed
    if _installed:
        return
    with _install_lock:
        if _installed:
            return
        botocore.handlers.BUILTIN_HANDLERS.append(("before-send", before_send))
        wrapt.wrap_function_wrapper("botocore.endpoint", "Endpoint._send", _guard_transport)
        wrapt.wrap_function_wrapper(
            "botocore.signers", "RequestSigner.get_auth_instance", _sign_without_credentials
        )
        _installed = True


def before_send(request: AWSPreparedRequest, event_name: str = "", **_: Any) -> AWSResponse | None:
    """botocore's ``before-send`` hook: answer ssm/kms/cloudtrail, refuse the rest."""
    if not _active:
        return None
    world = _active[-1]
    parts = event_name.split(".")
    service, operation = (parts[1], parts[2]) if len(parts) > 2 else ("", "")
    return _answer(world, request, service, operation)


def _guard_transport(
    wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """A request that reached the transport while a mock is active came from a client made
    before installation; answer it here rather than let it leave the process."""
    world = active_world()
    if world is None:
        return wrapped(*args, **kwargs)
    request = args[0] if args else kwargs["request"]
    service = instance._endpoint_prefix if hasattr(instance, "_endpoint_prefix") else ""
    answer = _answer(world, request, str(service))
    return wrapped(*args, **kwargs) if answer is None else answer


def _sign_without_credentials(
    wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """A client created with no credentials at all (module-level, before the mock) is signed
    with the test's default credentials instead of failing with NoCredentialsError."""
    world = active_world()
    if (
        world is not None
        and kwargs.get("request_credentials") is None
        and getattr(instance, "_credentials", None) is None
        and getattr(instance, "_service_id", None) is not None
        and instance._service_id.hyphenize() in MOCKED_SERVICES
    ):
        from pytest_ssmkms.aws.backend import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY

        kwargs["request_credentials"] = Credentials(
            DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY
        )
    return wrapped(*args, **kwargs)


def _answer(
    world: World, request: AWSPreparedRequest, service_hint: str, operation_hint: str = ""
) -> AWSResponse | None:
    fast = _plain_headers(request.headers)
    if fast is not None:
        target = protocol.parse_target(fast[0])
    else:
        target = protocol.target_operation(request.headers)
    service = TARGET_PREFIXES.get(target[0]) if target else None
    if service is None:
        name = service_hint or _service_from_url(request.url)
        if _passes_through(name, world.settings.passthrough):
            return None
        if name not in MOCKED_SERVICES:
            operation = target[1] if target else operation_hint or f"{request.method} {request.url}"
            raise UnmockedServiceError(name or "an unknown service", operation)
        # Our own endpoint with a missing or foreign X-Amz-Target: AWS's JSON services answer
        # UnknownOperationException. The whole header stands as the operation so that a known
        # operation behind a foreign prefix ("AmazonS3.GetParameter") is not answered.
        service = name
        operation = _header(request.headers, "X-Amz-Target") or "(no X-Amz-Target header)"
    else:
        assert target is not None
        operation = target[1]
    try:
        return _respond(world, request, service, operation, fast)
    except AwsError as error:
        return _error_response(request, error, new_request_id())
    except Exception as exc:  # a bug outside the handler (context, decoding, encoding): still a 400
        internal = PluginInternalError(service, operation, exc)
        return _error_response(request, internal, new_request_id())


def _respond(
    world: World,
    request: AWSPreparedRequest,
    service: str,
    operation: str,
    fast: tuple[Any, Any, Any] | None = None,
) -> AWSResponse:
    if fast is not None:
        # What _text gives, inline for the bytes botocore's signed headers hold (and text).
        authorization, user_agent = fast[1], fast[2]
        if type(authorization) is bytes:
            authorization = authorization.decode("utf-8", "replace")
        elif type(authorization) is not str:
            authorization = _text(authorization)
        if type(user_agent) is bytes:
            user_agent = user_agent.decode("utf-8", "replace")
        elif type(user_agent) is not str:
            user_agent = _text(user_agent)
    else:
        authorization = _header(request.headers, "Authorization")
        user_agent = _header(request.headers, "User-Agent")
    match = _CREDENTIAL_SCOPE.search(authorization)
    access_key, region = (match.group(1), match.group(2)) if match is not None else (None, None)
    if region is not None and region not in _valid_regions and not _valid_region(region):
        # botocore refuses such region names client-side; only a hand-made request has one.
        raise InvalidSignatureException(
            f"Credential should be scoped to a valid region, not '{region[:64]}'."
        )
    region = region or _region_from_url(request.url) or world.settings.region
    ctx = world.context(world.caller_for(access_key), region, user_agent)
    request_id = ctx.request_id
    params: dict[str, Any] = {}
    model = operation_model(service, operation)
    try:
        if model is not None:
            params = protocol.decode_request(model, request.body)
    except AwsError as error:
        ctx.backend.record(service, operation, params, None, error, ctx)
        return _error_response(request, error, request_id)
    try:
        result = ctx.backend.invoke(service, operation, params, ctx, model=model)
    except AwsError as error:
        return _error_response(request, error, request_id)
    except Exception as exc:  # a bug of ours: answer clearly, never a traceback or a retried 5xx
        internal = PluginInternalError(service, operation, exc)
        ctx.backend.record(service, operation, params, None, internal, ctx)
        return _error_response(request, internal, request_id)
    return protocol.http_response(request.url, 200, protocol.encode_result(result), request_id)


# Region names seen valid (a few per test run; bounded all the same).
_valid_regions: set[str] = set()


def _valid_region(region: str) -> bool:
    if not _VALID_REGION.fullmatch(region):
        return False
    if len(_valid_regions) < 256:
        _valid_regions.add(region)
    return True


def _passes_through(name: str, passthrough: frozenset[str]) -> bool:
    """Whether ``name`` (the hyphenated service id of the event, "secrets-manager") is let
    through; users also write boto3's client name ("secretsmanager"), so hyphens are ignored."""
    if not passthrough:
        return False
    return name in passthrough or name.replace("-", "") in {p.replace("-", "") for p in passthrough}


def _error_response(request: AWSPreparedRequest, error: AwsError, request_id: str) -> AWSResponse:
    return protocol.http_response(request.url, error.status, protocol.encode_error(error), request_id)


@lru_cache(maxsize=None)
def _service_model(service: str) -> ServiceModel:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def operation_model(service: str, operation: str) -> OperationModel | None:
    """The botocore model of an operation, or None for a name the service does not have."""
    found = _models.get((service, operation))
    if found is not None:
        return found
    # Only real names reach the cache: the operation comes from a request header, and caching
    # every unknown name a client sends would let memory grow without bound.
    if operation not in _operation_names(service):
        return None
    found = _models[(service, operation)] = _known_operation_model(service, operation)
    return found


# (service, operation) -> model, for real operation names only (see operation_model).
_models: dict[tuple[str, str], OperationModel] = {}


@lru_cache(maxsize=None)
def _operation_names(service: str) -> frozenset[str]:
    return frozenset(_service_model(service).operation_names)


@lru_cache(maxsize=None)
def _known_operation_model(service: str, operation: str) -> OperationModel:
    return _service_model(service).operation_model(operation)


def _header(headers: Any, name: str) -> str:
    return _text(headers.get(name, ""))


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value or "")


def _plain_headers(headers: Any) -> tuple[Any, Any, Any] | None:
    """X-Amz-Target, Authorization and User-Agent of botocore's own header dict, read in one
    pass over its entries: its ``get`` costs several Python calls per header. None for any
    other header object, which is then read through its own ``get``."""
    if type(headers) is not HeadersDict:
        return None
    entries = getattr(headers, "_dict", None)
    if type(entries) is not dict:
        return None
    target = authorization = user_agent = None
    try:
        for key, value in entries.items():
            if type(key) is not _HeaderKey:
                return None  # not the HeadersDict layout this reads
            lower = key._lower
            if lower == "x-amz-target":
                target = value
            elif lower == "authorization":
                authorization = value
            elif lower == "user-agent":
                user_agent = value
    except AttributeError:
        return None
    return target, authorization or "", user_agent or ""


def _region_from_url(url: str | None) -> str | None:
    match = _HOST_REGION.match(url or "")
    return match.group(1) if match else None


def _service_from_url(url: str | None) -> str:
    match = re.match(r"^https?://([a-z0-9-]+)\.", url or "")
    return match.group(1) if match else ""
