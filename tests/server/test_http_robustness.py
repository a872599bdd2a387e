"""Malformed HTTP, oversized bodies, slow and vanishing clients: answered or closed, never a
crash, a wedge or a traceback; and stop() leaves nothing behind."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from pytest_ssmkms.aws.backend import Settings, World
from pytest_ssmkms.mock.server import SsmKmsServer
from pytest_ssmkms.wire.protocol import MAX_BODY_BYTES
from tests.server.conftest import Served


@pytest.fixture
def quick() -> Iterator[Served]:
    """A server that closes a connection silent for half a second."""
    world = World(Settings())
    with SsmKmsServer(world, timeout=0.5) as server:
        yield Served(world, server)


def exchange(served: Served, data: bytes, *, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", served.server.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def status_and_body(reply: bytes) -> tuple[int, dict[str, str], dict[str, object]]:
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def still_answers(served: Served) -> None:
    assert served.client("kms").list_keys()["Keys"] == []


def test_oversized_body_is_refused_before_it_is_read(served: Served):
    reply = exchange(served, (
        "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonSSM.PutParameter\r\n"
        f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n"
    ).encode())  # no body sent at all: the answer comes from the header alone
    status, headers, body = status_and_body(reply)
    assert status == 413 and body["__type"] == "RequestEntityTooLargeException"
    assert headers["Connection"] == "close"
    still_answers(served)


@pytest.mark.parametrize(("length", "status", "code"), [
    (None, 411, "LengthRequired"),
    ("abc", 400, "BadRequest"),
    ("-5", 400, "BadRequest"),
])
def test_missing_or_invalid_content_length(served: Served, length, status, code):
    header = "" if length is None else f"Content-Length: {length}\r\n"
    reply = exchange(served, f"POST / HTTP/1.1\r\nHost: x\r\n{header}\r\n".encode())
    got_status, headers, body = status_and_body(reply)
    assert (got_status, body["__type"]) == (status, code)
    assert "x-amzn-RequestId" in headers


def test_chunked_body_is_refused(served: Served):
    reply = exchange(served, b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    assert status_and_body(reply)[0] == 411


@pytest.mark.parametrize("data", [
    b"GARBAGE\r\n\r\n",
    b"POST / HTTP/9.9\r\n\r\n",
    b"POST / HTTP/1.1\r\n" + b"X-Long: " + b"a" * 70000 + b"\r\n\r\n",
    b"POST / HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(200)) + b"\r\n",
    b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 40,  # a TLS hello
])
def test_malformed_http_gets_a_json_error_or_a_close(quick: Served, data: bytes):
    served = quick  # the TLS hello has no line end: answered by the timeout
    reply = exchange(served, data)
    if reply:
        status, _, body = status_and_body(reply)
        assert 400 <= status < 600 and "__type" in body
        assert b"Traceback" not in reply and b"<html" not in reply.lower()
    still_answers(served)


def test_slow_client_is_timed_out_and_others_are_served(quick: Served):
    served = quick
    slow = socket.create_connection(("127.0.0.1", served.server.port))
    slow.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")  # 8 bytes never come
    still_answers(served)
    slow.settimeout(5)
    started = time.monotonic()
    assert slow.recv(100) == b""  # closed by the server
    assert time.monotonic() - started < 4
    slow.close()


def test_dropped_connections_do_not_hurt(served: Served):
    for data in (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Na",
                 b"POST / HTTP/1.1\r\nHo"):
        sock = socket.create_connection(("127.0.0.1", served.server.port))
        sock.sendall(data)
        sock.close()
    still_answers(served)


def test_nothing_is_logged_but_operation_and_status(capfd):
    lines: list[str] = []
    world = World(Settings())
    with SsmKmsServer(world, log=lines.append) as server:
        served = Served(world, server)
        ssm = served.client("ssm")
        ssm.put_parameter(Name="/s", Value="top-secret-value", Type="SecureString")
        ssm.get_parameter(Name="/s", WithDecryption=True)
        exchange(served, b"GARBAGE\r\n\r\n")
    out, err = capfd.readouterr()
    assert lines[:2] == ["AmazonSSM.PutParameter 200", "AmazonSSM.GetParameter 200"]
    everything = "\n".join(lines) + out + err
    for secret in ("top-secret-value", "wJalrXUtnFEMI", "Signature=", "Credential="):
        assert secret not in everything


def test_stop_leaves_no_thread_or_socket():
    before = set(threading.enumerate())
    world = World(Settings())
    server = SsmKmsServer(world)
    served = Served(world, server)
    served.client("kms").list_keys()
    idle = socket.create_connection(("127.0.0.1", server.port))  # an open keep-alive connection
    port = server.port
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 3  # the idle connection did not hold stop() up
    assert set(threading.enumerate()) <= before
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)
    idle.close()
    server.stop()  # a second stop is harmless
