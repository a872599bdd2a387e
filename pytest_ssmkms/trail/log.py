"""The trail: every call the mock answered, in call order."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any, overload

from pytest_ssmkms.trail.record import CallRecord


class Trail(Sequence[CallRecord]):
    """A read-only sequence of the calls answered while the mock was active."""

    def __init__(self) -> None:
        self._records: list[CallRecord] = []
        self._lock = threading.Lock()

    def append(self, record: CallRecord) -> None:
        with self._lock:
            self._records.append(record)

    def clear(self) -> None:
        """Forget every record so far."""
        with self._lock:
            self._records.clear()

    @overload
    def __getitem__(self, index: int) -> CallRecord: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[CallRecord]: ...

    def __getitem__(self, index: Any) -> Any:
        return self._records[index]

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[CallRecord]:
        return iter(list(self._records))

    def __repr__(self) -> str:
        return f"<Trail of {len(self)} calls>"
