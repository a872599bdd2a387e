"""The backend clock: the one source of "now" for every time-dependent rule."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone


class Clock:
    """Wall time plus an offset that tests move with :meth:`advance`.

    Reading wall time through ``datetime.now`` means time-machine and freezegun, when a test
    activates them, move this clock too.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen: datetime | None = _aware(start) if start is not None else None

    def now(self) -> datetime:
        """The current backend time, timezone-aware UTC, millisecond precision."""
        base = self._frozen if self._frozen is not None else datetime.now(timezone.utc)
        moment = base + self._offset
        return moment.replace(microsecond=(moment.microsecond // 1000) * 1000)

    def advance(
        self,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> datetime:
        """Move the clock forward; pending deletions and expirations that come due are applied
        on the next call that reads the clock. Returns the new time."""
        delta = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward; got a negative duration")
        with self._lock:
            self._offset += delta
        return self.now()

    def set(self, moment: datetime) -> None:
        """Freeze the clock at ``moment`` (later :meth:`advance` calls move it from there)."""
        with self._lock:
            self._frozen = _aware(moment)
            self._offset = timedelta(0)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
