"""Where aiobotocore (and so aioboto3) meets the mock.

aiobotocore's sessions register botocore's built-in handlers, so the ``before-send`` handler of
``botocore_hook`` already sees every async request. What differs is the response: aiobotocore's
endpoint awaits ``response.content``, where botocore reads it. So each request an async
endpoint creates is tagged with this module's response builder, and ``before_send`` answers it
with an ``AioAWSResponse`` whose content is already there: produced once, awaited correctly.

As for sync clients, the transport is guarded too: ``_send`` of every async endpoint class is
wrapped, so a client whose session was made before the plugin was installed is answered there
instead of opening a connection. And a client made with no credentials at all is signed with
the test's default ones.

aiobotocore is optional: the hooks are installed when ``aiobotocore.endpoint`` is imported,
whether that happened before the plugin was installed or happens later.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

import wrapt

from pytest_ssmkms.adapters.activation import active_world
from pytest_ssmkms.adapters.botocore_hook import (
    RESPONSE_BUILDER,
    door_answer,
    needs_default_credentials,
)
from pytest_ssmkms.aws.backend import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY
from pytest_ssmkms.wire import door

# Reentrant: a post-import hook for a module already imported runs inside install().
_install_lock = threading.RLock()
_registered = False
_installed: set[str] = set()


def install() -> None:
    """Install the hooks as soon as aiobotocore is imported (idempotent, cheap after the first
    call). Nothing is imported here: without aiobotocore this costs nothing."""
    global _registered
    if _registered:
        return
    with _install_lock:
        if _registered:
            return
        # Runs at once for a module already imported, otherwise on its import.
        wrapt.register_post_import_hook(_hook_endpoints, "aiobotocore.endpoint")
        wrapt.register_post_import_hook(_hook_signers, "aiobotocore.signers")
        _registered = True


def installed() -> frozenset[str]:
    """Which of aiobotocore's modules are hooked (for tests and diagnostics)."""
    return frozenset(_installed)


def _hook_endpoints(module: ModuleType) -> None:
    with _install_lock:
        if "endpoint" in _installed:
            return
        base = module.AioEndpoint
        wrapt.wrap_function_wrapper(module, "AioEndpoint.create_request", _tag_request)
        # Every endpoint class (AioEndpoint, and AnyioEndpoint of aiobotocore 3 for httpx)
        # that defines its own transport; the others inherit a guarded one.
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, base) and "_send" in vars(value):
                wrapt.wrap_function_wrapper(module, f"{value.__name__}._send", _guard_transport)
        _installed.add("endpoint")


def _hook_signers(module: ModuleType) -> None:
    with _install_lock:
        if "signers" in _installed:
            return
        wrapt.wrap_function_wrapper(
            module, "AioRequestSigner.get_auth_instance", _sign_without_credentials
        )
        _installed.add("signers")


def aio_response(url: str, response: door.Response) -> Any:
    """The door's Response as the ``AioAWSResponse`` aiobotocore's endpoint awaits."""
    from aiobotocore.awsrequest import AioAWSResponse

    built = AioAWSResponse(url, response.status, response.headers, _AsyncRawBody(response.body))
    # Read already: ``await built.content`` returns these bytes without touching ``raw``.
    built._content = response.body
    return built


class _AsyncRawBody:
    """A raw body read the way aiobotocore reads its aiohttp and httpx responses."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self, amt: int | None = None) -> bytes:
        if amt is None or amt < 0:
            body, self._body = self._body, b""
        else:
            body, self._body = self._body[:amt], self._body[amt:]
        return body

    async def aread(self) -> bytes:
        return await self.read()


async def _tag_request(
    wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    request = await wrapped(*args, **kwargs)
    setattr(request, RESPONSE_BUILDER, aio_response)
    return request


async def _guard_transport(
    wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """A request that reached an async transport while a mock is active came from a session
    that lacks the ``before-send`` handler; answer it here rather than let it leave."""
    world = active_world()
    if world is None:
        return await wrapped(*args, **kwargs)
    request = args[0] if args else kwargs["request"]
    service = getattr(instance, "_endpoint_prefix", "")
    answer = door_answer(world, request, str(service))
    if answer is None:
        return await wrapped(*args, **kwargs)
    return aio_response(request.url, answer)


async def _sign_without_credentials(
    wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """An async client created with no credentials at all is signed with the test's default
    credentials instead of failing with NoCredentialsError (as for sync clients)."""
    if needs_default_credentials(instance, kwargs):
        from aiobotocore.credentials import AioCredentials

        kwargs["request_credentials"] = AioCredentials(
            DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY
        )
    return await wrapped(*args, **kwargs)
