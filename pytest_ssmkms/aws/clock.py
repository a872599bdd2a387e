"""The backend clock: the one source of "now" for every time-dependent rule."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone


class Clock:
    """Wall time plus an offset that tests move with :meth:`advance`.

    Wall time is read through ``datetime.now`` on every call, so time-machine
    (``travel``, ``shift``, ``move_to``) and freezegun (``freeze_time``, ``tick``, ``move_to``,
    ``tick=True``), when a test activates them, move this clock too; :meth:`advance` adds its
    own offset on top. :meth:`set` pins the clock, after which only :meth:`advance` moves it.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen: datetime | None = _aware(start) if start is not None else None

    def now(self) -> datetime:
        """The current backend time, timezone-aware UTC, millisecond precision."""
        frozen = self._frozen
        moment = frozen if frozen is not None else datetime.now(timezone.utc)
        offset = self._offset
        if offset:
            moment = moment + offset
        # moment.replace(microsecond=(moment.microsecond // 1000) * 1000), at half the cost
        # (this runs on every call).
        micro = moment.microsecond % 1000
        return moment - _MICROSECONDS[micro] if micro else moment

    @property
    def offset(self) -> timedelta:
        """How far :meth:`advance` has moved this clock ahead of wall time (or of :meth:`set`)."""
        return self._offset

    def advance(
        self,
        delta: timedelta | None = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> datetime:
        """Move the clock forward by ``delta`` and/or the given units; pending deletions and
        expirations that come due are applied on the next call that reads the clock. Returns
        the new time."""
        if delta is not None and not isinstance(delta, timedelta):
            raise TypeError(f"advance() takes a timedelta or days=/hours=/...; got {delta!r}")
        delta = (delta or timedelta(0)) + timedelta(
            days=days, hours=hours, minutes=minutes, seconds=seconds
        )
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward; got a negative duration")
        with self._lock:
            # Refuse a move past datetime's range before taking it: a broken clock would fail
            # every later call of the test.
            try:
                (self._frozen or datetime.now(timezone.utc)) + self._offset + delta
            except OverflowError:
                raise ValueError(
                    f"advancing the clock by {delta} would pass the year 9999"
                ) from None
            self._offset += delta
        return self.now()

    def set(self, moment: datetime) -> None:
        """Freeze the clock at ``moment`` (later :meth:`advance` calls move it from there)."""
        with self._lock:
            self._frozen = _aware(moment)
            self._offset = timedelta(0)


_MICROSECONDS = tuple(timedelta(microseconds=count) for count in range(1000))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
