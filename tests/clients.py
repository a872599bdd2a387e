"""Clients of either kind, for tests parametrized over sync and async: a boto3 client, or a
real aiobotocore client driven from the (sync) test on an event loop of its own. The test's
code stays the same; each call of an async client is awaited to its end before it returns."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

KINDS = ["sync", "async"]


class AsyncClient:
    """An aiobotocore client whose API calls are run to completion on a private event loop."""

    def __init__(self, context: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._context = context
        self._client = self._loop.run_until_complete(context.__aenter__())

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._client, name)
        if not callable(value):
            return value  # meta, exceptions

        def call(*args: Any, **kwargs: Any) -> Any:
            # aiobotocore's API methods are wrapped: tell them by what they return.
            result = value(*args, **kwargs)
            return self._loop.run_until_complete(result) if inspect.isawaitable(result) else result

        return call

    def close(self) -> None:
        try:
            self._loop.run_until_complete(self._context.__aexit__(None, None, None))
        finally:
            self._loop.close()


class Clients:
    """``clients("ssm")`` as ``boto3.client("ssm")``; ``clients("ssm", principal)`` as
    ``principal.client("ssm")``; of the kind the test is parametrized with."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._open: list[AsyncClient] = []

    def __call__(self, service: str, principal: Any = None, **kwargs: Any) -> Any:
        if self.kind == "sync":
            return boto3.client(service, **kwargs) if principal is None else principal.client(service, **kwargs)
        if principal is None:
            from aiobotocore.session import AioSession

            context = AioSession().create_client(service, **kwargs)
        else:
            context = principal.aio_client(service, **kwargs)
        client = AsyncClient(context)
        self._open.append(client)
        return client

    def close(self) -> None:
        while self._open:
            self._open.pop().close()


@pytest.fixture(params=KINDS)
def clients(request: pytest.FixtureRequest) -> Iterator[Clients]:
    """Import it into a test module to run its tests through boto3 and through aiobotocore."""
    if request.param == "async":
        pytest.importorskip("aiobotocore")
    made = Clients(request.param)
    yield made
    made.close()
