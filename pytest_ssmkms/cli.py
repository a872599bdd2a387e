"""``python -m pytest_ssmkms serve``: the in-memory AWS as a long-running local server, for
local development and docker-compose.

It prints the endpoint once it listens, answers until SIGINT or SIGTERM, then writes the trail
file (``--trail``) and the state file (``--state``, restored on the next start) and exits 0.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from pytest_ssmkms.adapters import http_server
from pytest_ssmkms.aws.backend import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, Settings, World
from pytest_ssmkms.aws.errors import PluginUsageError
from pytest_ssmkms.mock import state_file
from pytest_ssmkms.mock.environment import region_from_environment
from pytest_ssmkms.seeding import files as seed_files
from pytest_ssmkms.seeding import preseed

DEFAULT_PORT = 4566  # the port LocalStack users' configurations already name


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m pytest_ssmkms")
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="serve the in-memory SSM, KMS and CloudTrail over HTTP"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free port)")
    serve.add_argument(
        "--region", default=None,
        help=f"default region (default: AWS_DEFAULT_REGION, else AWS_REGION, else {DEFAULT_REGION})",
    )
    serve.add_argument("--account-id", default=None, help=f"account id (default {DEFAULT_ACCOUNT_ID})")
    serve.add_argument(
        "--seed", action="append", default=[], metavar="FILE",
        help="a parameter seed file (docs/pytest.md's formats); repeatable",
    )
    serve.add_argument("--trail", metavar="FILE", help='write the trail as {"Records": [...]} on exit')
    serve.add_argument(
        "--state", metavar="FILE",
        help="restore the whole world from FILE on start (if it exists) and save it there on exit; "
        "it holds key material and secrets, and is written mode 0600",
    )
    serve.add_argument(
        "--allow-remote", action="store_true",
        help="allow --host to be an address other than loopback (anyone who reaches it is admin)",
    )
    serve.add_argument("--quiet", action="store_true", help="do not log one line per request")
    return top


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = parser().parse_args(argv)
    try:
        return _serve(args, out)
    except PluginUsageError as error:
        print(f"pytest-ssmkms: {error}", file=sys.stderr)
        return 2


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    if not _is_loopback(args.host):
        if not args.allow_remote:
            raise PluginUsageError(
                f"--host {args.host} is not a loopback address: anyone who reaches it can call "
                "this AWS as its administrator. Pass --allow-remote to bind it anyway."
            )
        print(
            f"pytest-ssmkms: WARNING: serving on {args.host}, beyond this machine; every "
            "caller who reaches it acts as the account's administrator.",
            file=sys.stderr,
        )
    if not (0 <= args.port <= 65535):
        raise PluginUsageError(f"--port must be 0-65535, got {args.port}")
    if args.account_id is not None:
        _check_account_id(args.account_id)
    state = Path(args.state) if args.state else None
    restored = state_file.load(state) if state is not None else None
    if restored is not None:
        world = restored
        _check_matches(world, args)
        args.region, args.account_id = world.settings.region, world.settings.account_id
        if args.seed:
            print(f"pytest-ssmkms: restored {state}; --seed files are not applied over a "
                  "restored state (they were, when it was first made)", file=sys.stderr)
    else:
        args.region = args.region or region_from_environment()
        args.account_id = args.account_id or DEFAULT_ACCOUNT_ID
        world = World(Settings(region=args.region, account_id=args.account_id))
        for path in args.seed:
            _seed(world, path)
    log = None if args.quiet else _log_to(out)
    try:
        server = http_server.serve(world, args.host, args.port, log=log)
    except OSError as error:
        raise PluginUsageError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(f"pytest-ssmkms serving {server.endpoint_url} (region {args.region}, account "
              f"{args.account_id})", file=out, flush=True)
        while not stopping.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if args.trail:
        _write_trail(world, Path(args.trail))
    if state is not None:
        state_file.save(world, state)
    print("pytest-ssmkms stopped", file=out, flush=True)
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_matches(world: World, args: argparse.Namespace) -> None:
    """A restored world keeps its account and Region: a flag naming others is a mistake."""
    for flag, given, saved in (
        ("--account-id", args.account_id, world.settings.account_id),
        ("--region", args.region, world.settings.region),
    ):
        if given is not None and given != saved:
            raise PluginUsageError(
                f"{flag} {given} differs from the state file's {saved}: drop {flag}, or "
                "give another --state file to start a new world"
            )


def _check_account_id(account_id: str) -> None:
    if not (len(account_id) == 12 and account_id.isdigit()):
        raise PluginUsageError(f"--account-id must be 12 digits, got {account_id!r}")


def _seed(world: World, path: str) -> None:
    resolved = seed_files.resolve(path, Path.cwd())
    try:
        entries = seed_files.load_seed_file(resolved)
    except PluginUsageError as error:
        raise PluginUsageError(f"{error} (named by --seed)") from None
    for where, arguments in entries:
        preseed.put_parameter(world, f"seed file {resolved}: entry {where}", arguments)


def _write_trail(world: World, path: Path) -> None:
    records: list[Any] = list(world.trail)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump({"Records": records}, handle, separators=(",", ":"), default=str)
    os.replace(temporary, path)


def _log_to(out: TextIO) -> http_server.Log:
    lock = threading.Lock()

    def log(line: str) -> None:
        with lock:
            print(line, file=out, flush=True)

    return log
