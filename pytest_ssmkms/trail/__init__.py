"""The CloudTrail-like call log."""

from __future__ import annotations

from pytest_ssmkms.trail.log import Trail
from pytest_ssmkms.trail.record import CallRecord

__all__ = ["CallRecord", "Trail"]
