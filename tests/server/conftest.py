"""A world served over HTTP with no mock active: clients in this process then really go
over the socket, as a subprocess's would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from pytest_ssmkms.aws.backend import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    Settings,
    World,
)
from pytest_ssmkms.mock.handle import SsmKms
from pytest_ssmkms.mock.server import SsmKmsServer

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


class Served:
    def __init__(self, world: World, server: SsmKmsServer) -> None:
        self.world = world
        self.server = server
        self.handle = SsmKms(world)

    def client(self, service: str, key: str = DEFAULT_ACCESS_KEY_ID,
               secret: str = DEFAULT_SECRET_ACCESS_KEY, token: str | None = None, **kwargs: Any) -> Any:
        return boto3.session.Session().client(
            service,
            endpoint_url=self.server.endpoint_url,
            region_name=kwargs.pop("region_name", "us-east-1"),
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=token,
            config=NO_RETRIES,
            **kwargs,
        )


@pytest.fixture
def served() -> Iterator[Served]:
    world = World(Settings())
    with SsmKmsServer(world) as server:
        yield Served(world, server)
