"""The in-memory AWS over HTTP: an adapter like the botocore hook, for clients in other
processes (the AWS CLI, other SDKs, a Lambda runtime).

One HTTP/1.1 request becomes a ``door.Request`` and the door's ``Response`` the HTTP answer.
The service and region come from the SigV4 credential scope (every request arrives at
127.0.0.1, so the host names no service); the signature is checked against the secret of the
identity whose access key signed it. The Lambda Parameters and Secrets extension's local
API is answered on the same port (``lambda_extension``).

Only the standard library: a thread per connection, keep-alive, bounded bodies read after
their Content-Length is checked, a socket timeout for slow clients, and AWS-shaped errors
for everything, never a traceback. Nothing is logged but the operation and the status.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.adapters import lambda_extension
from pytest_ssmkms.aws.backend import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY
from pytest_ssmkms.aws.context import Caller, new_request_id
from pytest_ssmkms.aws.errors import AwsError, UnmockedServiceError
from pytest_ssmkms.wire import door, sigv4
from pytest_ssmkms.wire.protocol import MAX_BODY_BYTES

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World

# A connection idle (or a client silent mid-request) this long is closed.
SOCKET_TIMEOUT = 10.0

Log = Callable[[str], None]
# What turns a request into an answer: the front door; the benchmark's HTTP floor gives one
# that answers canned bodies, to measure this server's own cost.
Answer = Callable[["World", door.Request], "door.Response | None"]


class _HttpError(AwsError):
    """A request refused before any service reads it (HTTP framing, size)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status  # type: ignore[misc]
        self.code = code  # type: ignore[misc]


class _UnknownService(AwsError):
    code = "UnknownOperationException"


class Server:
    """A running server for one world. ``endpoint_url`` is what clients are given;
    :meth:`stop` (or leaving the ``with`` block) closes every connection and joins every
    thread it started."""

    def __init__(
        self,
        world: World,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log: Log | None = None,
        timeout: float = SOCKET_TIMEOUT,
        answer: Answer = door.answer,
    ) -> None:
        self.world = world
        self.timeout = timeout
        self.answer = answer
        # The session token the default credentials carry in .env: the Lambda extension's
        # token (AWS_SESSION_TOKEN), accepted as the default identity's own.
        self.session_token = "FwoGZXIvYXdzEPYTESTSSMKMS" + secrets.token_urlsafe(24)
        self._tokens: dict[str, Caller] = {self.session_token: world.default_caller}
        self._http = _HttpServer((host, port), _Handler, self, log)
        address = self._http.server_address
        self.host: str = str(address[0])
        self.port: int = int(address[1])
        self._thread = threading.Thread(
            target=self._http.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"pytest-ssmkms-server-{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def endpoint_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def token_for(self, caller: Caller) -> str:
        """A session token for ``caller`` (a role's own; a made one for a user), accepted
        with its access key and by the Lambda extension's API."""
        principal = caller.principal
        own = getattr(principal, "session_token", None)
        if own:
            return str(own)
        if caller == self.world.default_caller:
            return self.session_token
        for token, known in self._tokens.items():
            if known == caller:
                return token
        token = "FwoGZXIvYXdzEPYTESTSSMKMS" + secrets.token_urlsafe(24)
        self._tokens[token] = caller
        return token

    def caller_by_token(self, token: str) -> Caller | None:
        if not token:
            return None
        known = self._tokens.get(token)
        if known is not None:
            return known
        for caller in list(self.world.identities.values()):
            if getattr(caller.principal, "session_token", None) == token:
                return caller
        return None

    def stop(self) -> None:
        """Stop accepting, end every open connection, and join every thread."""
        if not self._thread.is_alive() and self._http.closed:
            return
        self._http.shutdown()
        self._thread.join()
        self._http.close_connections()
        self._http.server_close()

    def __enter__(self) -> Server:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<pytest-ssmkms server {self.endpoint_url}>"


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = False  # joined by server_close: nothing outlives stop()
    block_on_close = True
    allow_reuse_address = False  # a port in use is an error, not a shared port

    def __init__(
        self, address: tuple[str, int], handler: type[_Handler], owner: Server, log: Log | None
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.owner = owner
        self.log = log
        self.closed = False
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # An answer is written as headers then body: with Nagle's algorithm on, the body
        # waits for the client's (delayed, ~40 ms) ACK of the headers on every keep-alive call.
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # not a TCP socket (or already closed): nothing to tune
            pass
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every handler thread blocked on a keep-alive read."""
        with self._connections_lock:
            open_now = list(self._connections)
        for connection in open_now:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def server_close(self) -> None:
        self.closed = True
        super().server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A dropped connection or a bug in a handler thread: never a traceback on stderr
        # (it could quote a request), one line for the log at most.
        if self.log is not None:
            self.log("connection closed after an error")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT
    server_version = "pytest-ssmkms"
    sys_version = ""
    server: _HttpServer

    def setup(self) -> None:
        self.timeout = self.server.owner.timeout  # type: ignore[misc]  # read by StreamRequestHandler.setup
        super().setup()

    # -- what BaseHTTPRequestHandler calls -------------------------------------------------

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self._answer_api()

    def do_GET(self) -> None:  # noqa: N802
        if lambda_extension.handles(self.path):
            self._answer_extension()
        else:
            self._answer_api()

    def do_PUT(self) -> None:  # noqa: N802
        self._answer_api()

    def do_DELETE(self) -> None:  # noqa: N802
        self._answer_api()

    def do_HEAD(self) -> None:  # noqa: N802
        self._send(self._error(_HttpError(405, "MethodNotAllowed", "HEAD is not answered."), new_request_id()), body=False)

    def version_string(self) -> str:
        return self.server_version  # http.server appends a Python version (empty here) and a space

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        # http.server's access and error lines quote the request line: silenced (see _log).
        return

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed HTTP (http.server's own refusals): an AWS-shaped JSON error, and the
        connection closed, since what follows on it cannot be trusted."""
        self.close_connection = True
        if getattr(self, "request_version", "") not in ("HTTP/1.0", "HTTP/1.1"):
            # http.server answers an unreadable request line as HTTP/0.9 (no status line);
            # clients of today read an HTTP/1.1 answer.
            self.request_version = "HTTP/1.1"
        error = _HttpError(code, _HTTP_CODES.get(code, "BadRequest"), message or "Bad request.")
        try:
            self._send(self._error(error, new_request_id()))
        except OSError:
            pass

    # -- the API ---------------------------------------------------------------------------

    def _answer_api(self) -> None:
        request_id = new_request_id()
        body = self._read_body(request_id)
        if body is None:
            return
        try:
            response = self._through_door(body)
        except AwsError as error:
            response = self._error(error, request_id)
        except Exception:  # a bug of ours: an AWS-shaped 500, never a traceback
            response = self._error(
                _HttpError(500, "InternalFailure", "pytest-ssmkms failed to answer this request."),
                request_id,
            )
        self._send(response)

    def _error(self, error: AwsError, request_id: str) -> door.Response:
        """The door's answer to ``error``, in the wire of the service the signature is scoped
        to (STS's XML, else JSON): error bodies are never built here."""
        headers = getattr(self, "headers", None)  # absent when the request line was unreadable
        authorization = headers.get("Authorization", "") if headers is not None else ""
        return door.error_answer(error, request_id, door.scope_service(authorization))

    def _through_door(self, body: bytes) -> door.Response:
        world = self.server.owner.world
        authorization = self.headers.get("Authorization", "")
        scope = sigv4.parse_authorization(authorization)
        if scope is None:
            raise sigv4.MissingAuthenticationTokenException("Request is missing Authentication Token")
        self._check_signature(scope, body)
        path, _, _ = self.path.partition("?")
        request = door.Request(
            body,
            self.headers.get("X-Amz-Target") or None,
            authorization,
            self.headers.get("User-Agent", ""),
            f"http://{self.headers.get('Host', '127.0.0.1')}{path}",
            self.command,
            service_hint=scope.service,
        )
        try:
            response = self.server.owner.answer(world, request)
        except UnmockedServiceError as refused:
            raise _UnknownService(
                f"pytest-ssmkms does not answer {refused.service}: this server answers "
                "ssm, kms, cloudtrail and sts (the service comes from the signature's credential "
                "scope and the X-Amz-Target header)."
            ) from None
        if response is None:  # a passthrough service: there is nowhere to pass it to
            raise _UnknownService(
                f"pytest-ssmkms does not answer {scope.service} over HTTP."
            )
        self._log(request.target or f"{self.command} {path}", response.status)
        return response

    def _check_signature(self, scope: sigv4.Scope, body: bytes) -> None:
        """A request signed with a key whose secret the world knows must carry that secret's
        signature; other keys act as the account's administrator, as in-process."""
        owner = self.server.owner
        caller = owner.world.caller_for(scope.access_key)
        principal = caller.principal
        if principal is not None and caller.access_key_id == scope.access_key:
            secret = str(principal.secret_access_key)
        elif scope.access_key == DEFAULT_ACCESS_KEY_ID:
            secret = DEFAULT_SECRET_ACCESS_KEY
        else:
            return
        headers: dict[str, list[str]] = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        path, _, query = self.path.partition("?")
        sigv4.verify(
            scope, secret, method=self.command, path=path, query=query, headers=headers, body=body
        )
        token = self.headers.get("X-Amz-Security-Token", "")
        if token and owner.caller_by_token(token) != caller:
            raise sigv4.UnrecognizedClientException(
                "The security token included in the request is invalid."
            )
        if not token and getattr(principal, "session_token", None):
            # A role session's calls carry its token; without it the key is not valid.
            raise sigv4.UnrecognizedClientException(
                "The security token included in the request is invalid."
            )

    def _read_body(self, request_id: str) -> bytes | None:
        """The body, read only after its length is known and within bounds; None (the error
        answered, the connection closed) otherwise."""
        if self.headers.get("Transfer-Encoding"):
            return self._refuse(411, "LengthRequired", "Chunked request bodies are not accepted; send Content-Length.", request_id)
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            if self.command in ("GET", "DELETE"):
                return b""
            return self._refuse(411, "LengthRequired", "A request body needs a Content-Length header.", request_id)
        if not length_text.strip().isdigit():
            return self._refuse(400, "BadRequest", "Content-Length is not a number.", request_id)
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            return self._refuse(
                413,
                "RequestEntityTooLargeException",
                f"Request body of {length} bytes exceeds the limit of {MAX_BODY_BYTES} bytes.",
                request_id,
            )
        body = self.rfile.read(length)
        if len(body) < length:  # the client went away mid-body
            self.close_connection = True
            return None
        return body

    def _refuse(self, status: int, code: str, message: str, request_id: str) -> bytes | None:
        self.close_connection = True  # the unread body would be taken for the next request
        self._send(self._error(_HttpError(status, code, message), request_id))
        return None

    # -- the Lambda extension --------------------------------------------------------------

    def _answer_extension(self) -> None:
        owner = self.server.owner
        token = self.headers.get(lambda_extension.TOKEN_HEADER, "")
        status, body, content_type = lambda_extension.answer(
            owner.world, self.path, owner.caller_by_token(token), bool(token)
        )
        self._log(f"GET {lambda_extension.PATH}", status)
        self._send_raw(status, body, content_type, new_request_id())

    # -- writing ---------------------------------------------------------------------------

    def _send(self, response: door.Response, *, body: bool = True) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("x-amzn-RequestId", response.request_id)
        if response.error_code:
            self.send_header("x-amzn-ErrorType", response.error_code)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(response.body)

    def _send_raw(self, status: int, body: bytes, content_type: str, request_id: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", request_id)
        self.end_headers()
        self.wfile.write(body)

    def _log(self, what: str, status: int) -> None:
        log = self.server.log
        if log is not None:
            log(f"{what} {status}")


_HTTP_CODES = {
    400: "BadRequest",
    408: "RequestTimeout",
    411: "LengthRequired",
    413: "RequestEntityTooLarge",
    414: "RequestURITooLong",
    431: "RequestHeaderFieldsTooLarge",
    501: "NotImplemented",
    505: "HTTPVersionNotSupported",
}


def serve(
    world: World,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    log: Log | None = None,
    timeout: float = SOCKET_TIMEOUT,
    answer: Answer = door.answer,
) -> Server:
    """Start serving ``world`` on ``host:port`` (0: a free port) in a background thread;
    ``timeout``: seconds a connection may stay silent before it is closed; ``answer``: what
    answers each request (the front door)."""
    return Server(world, host, port, log=log, timeout=timeout, answer=answer)


def environment(server: Server, caller: Caller, access_key: str, secret: str) -> dict[str, str]:
    """The environment a subprocess needs to call ``server`` as ``caller``: endpoint,
    credentials, region, no profile/config/metadata, and the Lambda extension's variables."""
    world = server.world
    return {
        "AWS_ENDPOINT_URL": server.endpoint_url,
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_SESSION_TOKEN": server.token_for(caller),
        "AWS_DEFAULT_REGION": world.settings.region,
        "AWS_REGION": world.settings.region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_PAGER": "",
        "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT": str(server.port),
    }
