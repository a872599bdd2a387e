"""Async clients for the tests: aiobotocore clients on either HTTP backend it has."""

from __future__ import annotations

from typing import Any

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

BACKENDS = ["aiohttp", "httpx"]


def config(backend: str, **kwargs: Any) -> AioConfig:
    """aiobotocore's config for ``backend`` (its default is aiohttp)."""
    if backend == "httpx":
        pytest.importorskip("httpx")
        from aiobotocore.httpxsession import HttpxSession

        kwargs["http_session_cls"] = HttpxSession
    return AioConfig(**kwargs)


def client(service: str, backend: str = "aiohttp", session: AioSession | None = None, **kwargs: Any) -> Any:
    """``async with client("ssm") as ssm:`` an aiobotocore client made as code under test does."""
    kwargs.setdefault("region_name", "us-east-1")
    kwargs.pop("config_retries", None)
    # One attempt: a request that does leave (no mock, passthrough) fails fast.
    made = config(backend, retries={"total_max_attempts": 1})
    return (session or AioSession()).create_client(service, config=made, **kwargs)
