"""``aws.serve()`` and the ``ssm_kms_server`` fixture's object: the handle's world over HTTP,
with the environment a subprocess needs to call it."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from pytest_ssmkms.adapters import http_server
from pytest_ssmkms.aws.backend import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, World
from pytest_ssmkms.aws.context import Caller
from pytest_ssmkms.aws.errors import PluginUsageError


class SsmKmsServer:
    """The in-memory AWS of one mock, served on ``127.0.0.1`` (a free port unless given).

    ``endpoint_url`` is ``http://127.0.0.1:<port>``; ``env`` is the environment for a
    subprocess signed with the default credentials, ``env_for(principal)`` the same signed as
    a principal (``ssm_kms.principal(...)``). The server stops with its ``with`` block (or
    :meth:`stop`), leaving no thread or socket behind."""

    def __init__(
        self,
        world: World,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log: http_server.Log | None = None,
        timeout: float = http_server.SOCKET_TIMEOUT,
    ) -> None:
        self._world = world
        self._server = http_server.serve(world, host, port, log=log, timeout=timeout)

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:<port>``: give it to clients as their endpoint URL."""
        return self._server.endpoint_url

    @property
    def port(self) -> int:
        return int(self._server.port)

    @property
    def env(self) -> dict[str, str]:
        """Environment variables for a subprocess calling this server with the default
        credentials: ``AWS_ENDPOINT_URL``, credentials and session token, region, no config,
        credential files or instance metadata, and the Lambda extension's port. Merge it into
        the parent's: ``subprocess.run(..., env={**os.environ, **server.env})``."""
        return http_server.environment(
            self._server, self._world.default_caller, DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY
        )

    def env_for(self, principal: Any) -> dict[str, str]:
        """:attr:`env` with ``principal``'s own access key, secret and session token."""
        key = getattr(principal, "access_key_id", None)
        caller: Caller | None = self._world.identities.get(key) if isinstance(key, str) else None
        if caller is None or caller != getattr(principal, "caller", None):
            raise PluginUsageError(
                f"env_for() takes a principal of this mock (ssm_kms.principal(...)), got {principal!r}"
            )
        assert caller is not None
        return http_server.environment(
            self._server, caller, principal.access_key_id, principal.secret_access_key
        )

    def stop(self) -> None:
        """Stop serving: close every connection and join every thread."""
        self._server.stop()

    def __enter__(self) -> SsmKmsServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<SsmKmsServer {self.endpoint_url}>"
