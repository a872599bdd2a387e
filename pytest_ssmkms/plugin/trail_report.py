"""pytest glue of the trail: the ``--ssm-kms-trail`` log file and the failure report section.

Which calls belong to which test: every world (mock activation) announces itself through
``adapters.activation.activation_listeners``; at each test's start we note how far each watched
world's trail has got, and what was appended up to the test's end is the test's. A world can
be module- or session-scoped and shared by several tests; positions handle that. Records a
test clears with ``trail.clear()`` still reach the file (the trail hands them over).

Under pytest-xdist each worker collects its own records and sends them to the controller in
``workeroutput``; the controller merges them when each worker goes down and writes one file.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pytest

from pytest_ssmkms.adapters import activation
from pytest_ssmkms.aws.trail.query import numbered, summary
from pytest_ssmkms.aws.trail.record import CallRecord

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World

OPTION = "ssm_kms_trail"
NODE_ID_FIELD = "pytestNodeId"
SECTION = "ssm-kms trail"
_WORKER_KEY = "ssm_kms_trail_records"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ssm-kms")
    group.addoption(
        "--ssm-kms-trail",
        dest=OPTION,
        metavar="PATH",
        default=None,
        help="write every CloudTrail record of the run to PATH as {\"Records\": [...]}, each "
        "tagged with its test's node id (pytestNodeId); merged across pytest-xdist workers",
    )


def pytest_configure(config: pytest.Config) -> None:
    collector = TrailCollector(config)
    config.pluginmanager.register(collector, "ssm-kms-trail-collector")
    activation.activation_listeners.append(collector.watch)
    activation.deactivation_listeners.append(collector.release)


def pytest_unconfigure(config: pytest.Config) -> None:
    collector = config.pluginmanager.get_plugin("ssm-kms-trail-collector")
    if isinstance(collector, TrailCollector):
        collector.close()
        config.pluginmanager.unregister(collector)


class _Watch:
    """One world's trail and how far this run has read it."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.position = world.trail.total
        self.cleared: list[CallRecord] = []
        world.trail.add_clear_listener(self.on_clear)

    def on_clear(self, first: int, records: list[CallRecord]) -> None:
        self.cleared.extend(records[max(self.position - first, 0):])
        self.position = first + len(records)

    def take(self) -> list[CallRecord]:
        first, records = self.world.trail.since(self.position)
        taken, self.cleared = [*self.cleared, *records], []
        self.position = first + len(records)
        return taken

    def detach(self) -> None:
        self.world.trail.remove_clear_listener(self.on_clear)


class TrailCollector:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        path = config.getoption(OPTION)
        self.path: Path | None = Path(config.invocation_params.dir, path) if path else None
        self.is_worker = hasattr(config, "workerinput")
        self.watches: list[_Watch] = []
        # Summary lines of the running test's calls so far (its failure section). Only text:
        # a record holds its world, and a test may run thousands of mocks one after another.
        self.current: list[str] = []
        # The node id of the running test (None between tests): what its records are tagged with.
        self.nodeid: str | None = None
        # Records of this process, one JSON document a line, until the session ends.
        self.spool: IO[str] | None = tempfile.TemporaryFile("w+", encoding="utf-8") if path else None
        # Lines sent by xdist workers, by worker id.
        self.from_workers: dict[str, str] = {}

    # -- worlds ----------------------------------------------------------------------------
    def watch(self, world: World) -> None:
        if not any(w.world is world for w in self.watches):
            self.watches.append(_Watch(world))

    def release(self, world: World) -> None:
        """A world stopped: take its last records now and let go of it, so that finished
        worlds do not pile up while one test runs many mocks."""
        for watch in self.watches:
            if watch.world is world:
                self._absorb(watch.take())
                watch.detach()
        self.watches = [w for w in self.watches if w.world is not world]

    def _take(self) -> None:
        for watch in self.watches:
            self._absorb(watch.take())
        # Worlds no longer active can't get new records: forget them (and their state).
        active = [w for w in self.watches if _is_active(w.world)]
        for watch in self.watches:
            if watch not in active:
                watch.detach()
        self.watches = active

    def _absorb(self, records: list[CallRecord]) -> None:
        """Records taken: into the file at once, and the running test's summary lines."""
        if not records:
            return
        self._write(records, self.nodeid)
        if self.nodeid is not None:
            self.current.extend(summary(record) for record in records)

    # -- per test --------------------------------------------------------------------------
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, None, None]:
        self.nodeid = None
        self._take()  # calls made between tests (session-level code)
        self.current = []
        self.nodeid = item.nodeid
        try:
            yield
        finally:
            self._take()
            self.current = []
            self.nodeid = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, None, None]:
        self._take()
        excinfo = call.excinfo
        if excinfo is not None and not excinfo.errisinstance(pytest.skip.Exception) and self.current:
            # Sections must be added before the report is made from the item.
            lines = numbered(self.current)
            count = len(self.current)
            heading = f"{count} call{'' if count == 1 else 's'}:"
            item.add_report_section(call.when, SECTION, heading + "\n" + "\n".join(lines))
        yield

    # -- the file --------------------------------------------------------------------------
    def _write(self, records: list[CallRecord], nodeid: str | None) -> None:
        if self.spool is None or not records:
            return
        for record in records:
            try:
                event = dict(record.event)
                line = json.dumps({**event, NODE_ID_FIELD: nodeid}, separators=(",", ":"))
            except Exception as exc:  # noqa: BLE001 - a bug of ours must not end the test run
                line = json.dumps(
                    {
                        "eventSource": f"{record.service}.amazonaws.com",
                        "eventName": record.operation,
                        "pytestSsmKmsTrailError": f"record could not be built: {type(exc).__name__}",
                        NODE_ID_FIELD: nodeid,
                    }
                )
            self.spool.write(line + "\n")

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.nodeid = None
        self._take()
        if self.spool is None or self.path is None:
            return
        self.spool.seek(0)
        lines = self.spool.read()
        if self.is_worker:
            # xdist sends workeroutput after this hook (its own hook wraps ours).
            session.config.workeroutput[_WORKER_KEY] = lines  # type: ignore[attr-defined]
            return
        self._write_file(lines)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", None) or {}
        lines = output.get(_WORKER_KEY)
        if isinstance(lines, str):
            self.from_workers[str(getattr(node, "gateway").id)] = lines

    def _write_file(self, own_lines: str) -> None:
        assert self.path is not None
        blocks = [own_lines] + [self.from_workers[w] for w in sorted(self.from_workers)]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("w", encoding="utf-8") as out:
            out.write('{"Records": [')
            first = True
            for block in blocks:
                for line in block.splitlines():
                    if line:
                        out.write(("\n" if first else ",\n") + line)
                        first = False
            out.write("\n]}\n")

    def close(self) -> None:
        for watch in self.watches:
            watch.detach()
        self.watches = []
        if self.watch in activation.activation_listeners:
            activation.activation_listeners.remove(self.watch)
        if self.release in activation.deactivation_listeners:
            activation.deactivation_listeners.remove(self.release)
        if self.spool is not None:
            self.spool.close()
            self.spool = None


def _is_active(world: World) -> bool:
    # A world that is no longer active will record nothing more.
    return activation.is_active(world)
