"""Numbers and times from requests, read strictly, and time arithmetic that cannot overflow.

``str.isdigit()`` accepts ``²`` and ``١`` (which ``int()`` then refuses or reads as a digit),
``float()`` accepts ``1_000`` and Arabic-Indic digits, and ``datetime`` arithmetic raises
``OverflowError`` past the years 1 and 9999. AWS reads only ASCII digits, and a value it
accepted never makes a later read fail: these helpers give both.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
LATEST = datetime.max.replace(tzinfo=timezone.utc)

# A whole number past this many digits is no count, version or epoch second AWS takes (and
# int() refuses strings over 4,300 digits).
MAX_DIGITS = 30


def is_digits(text: str) -> bool:
    """Only ASCII digits, at least one."""
    return text.isascii() and text.isdigit()


def whole_number(text: str) -> int | None:
    """``text`` as a non-negative integer if it is ASCII digits only (and not absurdly long)."""
    if not is_digits(text) or len(text) > MAX_DIGITS:
        return None
    return int(text)


def decimal_number(text: str) -> float | None:
    """``text`` as a number if it is one in ASCII (no ``_`` separators, no NaN)."""
    if not text.isascii() or "_" in text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return None if value != value else value


def iso_time(text: str) -> datetime | None:
    """An ISO 8601 time in ASCII as timezone-aware UTC (no zone: UTC), or None when it is not
    one or lies outside the years 1 to 9999 once in UTC."""
    if not text.isascii():
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        if moment.tzinfo is None:
            return moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None


def epoch_time(seconds: float) -> datetime | None:
    """Epoch seconds as timezone-aware UTC, or None outside the years 1 to 9999."""
    try:
        return datetime.fromtimestamp(seconds, timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def duration(amount: int, unit: timedelta) -> timedelta | None:
    """``amount`` units, or None past what a timedelta holds (about 2.7 million years)."""
    try:
        return amount * unit
    except OverflowError:
        return None


def shift(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, held at the first or last representable instant instead of
    overflowing (a deadline past the year 9999 never comes; one before year 1 has passed)."""
    try:
        return moment + delta
    except OverflowError:
        return LATEST if delta > timedelta(0) else EARLIEST
