"""The CloudTrail-like call log: raw call records, their CloudTrail form, queries, LookupEvents."""

from __future__ import annotations

from pytest_ssmkms.aws.trail.elements import HIDDEN
from pytest_ssmkms.aws.trail.log import Trail, TrailAssertionError
from pytest_ssmkms.aws.trail.query import ANY
from pytest_ssmkms.aws.trail.record import CallRecord

__all__ = ["ANY", "HIDDEN", "CallRecord", "Trail", "TrailAssertionError"]
