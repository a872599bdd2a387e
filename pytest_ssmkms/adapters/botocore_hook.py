"""Where botocore meets the mock: one ``before-send`` handler, installed once.

``install()`` adds the handler to botocore's built-in handlers, so every session created from
then on (boto3's default session included) carries it, and wraps the transport so that a
client made before installation is answered just the same, never sent to the network. The
handler is inert while no mock is active: botocore then behaves as if the plugin were absent.

This is an adapter and only that: an ``AWSPreparedRequest`` becomes a ``door.Request``, the
door's ``Response`` becomes an ``AWSResponse``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import botocore.handlers
import wrapt
from botocore.awsrequest import AWSPreparedRequest, AWSResponse, HeadersDict, _HeaderKey
from botocore.credentials import Credentials

from pytest_ssmkms.adapters.activation import active_world
from pytest_ssmkms.adapters.botocore_response import aws_response
from pytest_ssmkms.aws import services
from pytest_ssmkms.aws.backend import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY
from pytest_ssmkms.wire import door

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World

# The request attribute an adapter sets to have before_send build its client's kind of
# response (aiobotocore awaits what botocore reads); absent, botocore's AWSResponse is built.
RESPONSE_BUILDER = "_ssmkms_response_builder"

_install_lock = threading.Lock()
_installed = False


def install() -> None:
    """Register the handler and the transport guard (idempotent, cheap after the first call)."""
    global _installed
    if _installed:
        return
    with _install_lock:
        if _installed:
            return
        # First: botocore calls every before-send handler and takes the first answer, so a
        # mock of ours answers its services even when moto (also a before-send handler) is
        # active too; for the services it leaves alone it answers None and moto's answers.
        botocore.handlers.BUILTIN_HANDLERS.insert(0, ("before-send", before_send))
        wrapt.wrap_function_wrapper("botocore.endpoint", "Endpoint._send", _guard_transport)
        wrapt.wrap_function_wrapper(
            "botocore.signers", "RequestSigner.get_auth_instance", _sign_without_credentials
        )
        _installed = True


def before_send(request: AWSPreparedRequest, event_name: str = "", **_: Any) -> AWSResponse | None:
    """botocore's ``before-send`` hook: answer ssm/kms/cloudtrail, refuse the rest."""
    world = active_world()
    if world is None:
        return None
    parts = event_name.split(".")
    service, operation = (parts[1], parts[2]) if len(parts) > 2 else ("", "")
    answer = door_answer(world, request, service, operation)
    if answer is None:
        return None
    # An async client's request carries the builder of the response its endpoint awaits.
    build = request.__dict__.get(RESPONSE_BUILDER)
    return aws_response(request.url, answer) if build is None else build(request.url, answer)


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
    answer = door_answer(world, request, str(service))
    return wrapped(*args, **kwargs) if answer is None else aws_response(request.url, answer)


def _sign_without_credentials(
    wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """A client created with no credentials at all (module-level, before the mock) is signed
    with the test's default credentials instead of failing with NoCredentialsError."""
    if needs_default_credentials(instance, kwargs):
        kwargs["request_credentials"] = Credentials(
            DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY
        )
    return wrapped(*args, **kwargs)


def needs_default_credentials(signer: Any, kwargs: dict[str, Any]) -> bool:
    """Whether a signer's ``sign`` call (sync or async) is for a mocked service while a mock is
    active, with no credentials given or resolved."""
    return (
        active_world() is not None
        and kwargs.get("request_credentials") is None
        and getattr(signer, "_credentials", None) is None
        and getattr(signer, "_service_id", None) is not None
        and signer._service_id.hyphenize() in services.names()
    )


def door_answer(
    world: World, request: AWSPreparedRequest, service_hint: str, operation_hint: str = ""
) -> door.Response | None:
    """The door's answer to a botocore request (sync or async client alike); None lets a
    passthrough service's request go on to the network."""
    headers = _plain_headers(request.headers)
    if headers is not None:
        target, authorization, user_agent = headers
        # botocore's signer leaves some headers as bytes; most are already text.
        if type(target) is not str:
            target = _text(target)
        if type(authorization) is not str:
            authorization = _text(authorization)
        if type(user_agent) is not str:
            user_agent = _text(user_agent)
    else:
        target = _header(request.headers, "X-Amz-Target")
        authorization = _header(request.headers, "Authorization")
        user_agent = _header(request.headers, "User-Agent")
    answer = door.answer(
        world,
        door.Request(
            request.body,
            target or None,
            authorization,
            user_agent,
            request.url or "",
            request.method or "POST",
            service_hint,
            operation_hint,
        ),
    )
    return answer


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
