"""The last successful cryptographic call on each key, read from the trail (GetKeyLastUsage).

The index reads the trail's records once each, in order, and keeps the latest tracked call
per key ARN, so a key's last use survives ``trail.clear()`` (cleared records are read before
they go).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from pytest_ssmkms.aws.trail.resources import KEY_TYPE

if TYPE_CHECKING:
    from pytest_ssmkms.aws.trail import CallRecord, Trail

# The operations KMS tracks (the model's KeyLastUsageTrackingOperation enum; Encapsulate and
# Decapsulate from botocore 1.44, the models that have these operations).
TRACKED = frozenset({
    "Decapsulate", "Decrypt", "DeriveSharedSecret", "Encapsulate", "Encrypt", "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext", "GenerateMac",
    "ReEncrypt", "Sign", "Verify", "VerifyMac",
})


class UsageIndex:
    """Key ARN -> the latest successful tracked KMS call that used it."""

    def __init__(self, trail: Trail) -> None:
        self._trail = trail
        self._lock = threading.Lock()
        self._position = 0  # the trail sequence number read up to
        self._last: dict[str, CallRecord] = {}
        trail.add_clear_listener(self._read)

    def last(self, key_arn: str) -> CallRecord | None:
        self._read(*self._trail.since(self._position))
        return self._last.get(key_arn)

    def _read(self, first: int, records: list[CallRecord]) -> None:
        with self._lock:
            start = max(self._position - first, 0)
            for record in records[start:]:
                if record.service == "kms" and record.error is None and record.operation in TRACKED:
                    for resource in record.resources:
                        if resource.type == KEY_TYPE:
                            self._last[resource.arn] = record
            self._position = max(self._position, first + len(records))
