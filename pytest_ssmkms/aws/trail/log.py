"""The trail: every call the mock answered, in call order, as CloudTrail records."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from pytest_ssmkms.aws.trail.index import TrailIndex, newest_first
from pytest_ssmkms.aws.trail.query import ANY, Where, summary_lines
from pytest_ssmkms.aws.trail.record import CallRecord

ClearListener = Callable[[int, list[CallRecord]], None]


class TrailAssertionError(AssertionError):
    """A trail assertion failed (an AssertionError, so pytest reports a failure, not an error)."""


class Trail(Sequence[dict[str, Any]]):
    """A read-only sequence of CloudTrail records (dicts) of the calls answered so far.

    ``trail[0]["eventName"]``, ``len(trail)``, ``for event in trail`` work as on a list. Records
    are built from the raw calls on first access; :attr:`calls` gives the raw calls."""

    def __init__(self) -> None:
        self._records: list[CallRecord] = []
        self._lock = threading.Lock()
        # Number of records dropped by clear(): a record's sequence number is _base + index.
        self._base = 0
        self._clear_listeners: list[ClearListener] = []
        # LookupEvents' index by lookup attribute, built on first use (trail/index.py).
        self._index = TrailIndex()

    # -- recording (the hot path: keep it a list append) -----------------------------------
    def mark(self) -> int:
        """The position the next record takes (for :meth:`append`'s ``at``)."""
        return self._base + len(self._records)

    def append(self, record: CallRecord, at: int | None = None) -> None:
        """Record a call; ``at`` (a :meth:`mark` taken when the call started) places it before
        the records of calls it made meanwhile."""
        with self._lock:
            index = len(self._records) if at is None else at - self._base
            if 0 <= index < len(self._records):
                self._records.insert(index, record)
                if at is not None and self._index.covers(at):
                    self._index.reset()  # the records after it moved: index them again
            else:
                self._records.append(record)

    def clear(self) -> None:
        """Forget every record so far (the ``--ssm-kms-trail`` file still gets them)."""
        with self._lock:
            cleared, first = self._records, self._base
            self._records = []
            self._base += len(cleared)
            self._index.reset()
            listeners = list(self._clear_listeners)
        for listener in listeners:
            listener(first, cleared)

    # -- sequence ----------------------------------------------------------------------------
    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [record.event for record in self._records[index]]
        return self._records[index].event

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (record.event for record in self.calls)

    def __repr__(self) -> str:
        return f"<Trail of {len(self)} calls>"

    @property
    def calls(self) -> tuple[CallRecord, ...]:
        """The raw calls (service, operation, params, result, error, ctx) in call order.

        ``params`` and ``result`` hold secrets exactly as the caller sent and received them."""
        with self._lock:
            return tuple(self._records)

    # -- positions, for the pytest glue --------------------------------------------------
    @property
    def total(self) -> int:
        """How many calls were ever recorded (clear() does not lower it)."""
        with self._lock:
            return self._base + len(self._records)

    def since(self, position: int) -> tuple[int, list[CallRecord]]:
        """(sequence number of the first, records) of the records at ``position`` and later."""
        with self._lock:
            start = max(position - self._base, 0)
            return self._base + start, self._records[start:]

    def select(
        self,
        attribute: str,
        values: list[str],
        place: tuple[str, str],
        before: int | None = None,
    ) -> Iterator[tuple[int, CallRecord]]:
        """(sequence number, record) of the records of ``place`` (account, region) indexed
        under ``attribute`` with any of ``values`` (trail/index.py: a superset of what
        :class:`Where` matches), newest first, below ``before``; lazily, without copying the
        trail. The records a lookup then checks are these only."""
        with self._lock:
            index = self._index.extend(attribute, self._base, self._records)
            base, records = self._base, self._records
            sequences = newest_first(index, place, values, before)
        # clear() replaces the list, so this one stays whole; the callers hold the world's
        # lock, which every insert into the middle holds too.
        for sequence in sequences:
            if sequence >= base:
                yield sequence, records[sequence - base]

    def add_clear_listener(self, listener: ClearListener) -> None:
        with self._lock:
            self._clear_listeners.append(listener)

    def remove_clear_listener(self, listener: ClearListener) -> None:
        with self._lock:
            if listener in self._clear_listeners:
                self._clear_listeners.remove(listener)

    # -- queries -------------------------------------------------------------------------
    def lookup(
        self,
        event_name: str | None = None,
        *,
        event_source: str | None = None,
        resource_name: str | None = None,
        username: str | None = None,
        access_key_id: str | None = None,
        read_only: bool | str | None = None,
        resource_type: str | None = None,
        event_id: str | None = None,
        error_code: str | None = None,
        succeeded: bool | None = None,
        invoked_by: Any = ANY,
    ) -> list[dict[str, Any]]:
        """The records matching every given attribute, in call order.

        Attributes mirror CloudTrail's lookup attributes: ``event_source`` takes ``"kms"`` or
        ``"kms.amazonaws.com"``; ``resource_name`` a parameter name or ARN, or a key id, key
        ARN or the alias the call used. Beyond CloudTrail: ``error_code``, ``succeeded`` and
        ``invoked_by`` (``"ssm.amazonaws.com"`` for the KMS calls SSM made for the caller,
        ``None`` for the caller's own calls)."""
        where = Where(
            event_name, event_source, resource_name, resource_type, username, access_key_id,
            read_only, event_id, error_code, succeeded, invoked_by,
        )
        return [record.event for record in self.calls if where.matches(record)]

    def assert_called(self, event_name: str, times: int | None = None, **where: Any) -> None:
        """Fail unless ``event_name`` was called (exactly ``times`` times, if given) with the
        lookup attributes in ``where``. The failure lists the calls that did happen."""
        condition = _where(event_name, where)
        matched = [record for record in self.calls if condition.matches(record)]
        if times is None and matched or times is not None and len(matched) == times:
            return
        wanted = "at least once" if times is None else _times(times)
        raise TrailAssertionError(
            f"expected {_describe(condition)} to be called {wanted}, "
            f"but it was called {_times(len(matched))}.\n" + self._listing()
        )

    def assert_not_called(self, event_name: str, **where: Any) -> None:
        """Fail if ``event_name`` was called with the lookup attributes in ``where``."""
        condition = _where(event_name, where)
        matched = [record for record in self.calls if condition.matches(record)]
        if not matched:
            return
        raise TrailAssertionError(
            f"expected {_describe(condition)} not to be called, "
            f"but it was called {_times(len(matched))}:\n"
            + "\n".join(summary_lines(matched))
            + "\n"
            + self._listing()
        )

    def _listing(self) -> str:
        calls = self.calls
        if not calls:
            return "No calls were recorded."
        return f"Calls that happened ({len(calls)}):\n" + "\n".join(summary_lines(calls))


def _where(event_name: str, where: dict[str, Any]) -> Where:
    unknown = sorted(set(where) - set(Where.__dataclass_fields__) - {"event_name"})
    if unknown:
        accepted = ", ".join(name for name in Where.__dataclass_fields__ if name != "event_name")
        raise TypeError(f"unknown trail attribute(s) {', '.join(unknown)}; accepted: {accepted}")
    return Where(event_name, **where)


def _describe(condition: Where) -> str:
    attributes = condition.describe()
    return f"{condition.event_name}" + (f" ({attributes})" if attributes else "")


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"
