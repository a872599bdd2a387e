"""An index of the trail by lookup attribute, so that LookupEvents does not scan every record.

Built lazily, one attribute at a time, the first time a lookup asks for it, and extended by
the records appended since on each later lookup: recording stays a list append, and a trail
nobody looks up costs nothing more. Each entry maps (account, region, value) to the sequence
numbers of the records that hold that value, in call order (compact ``array('q')``s).

The values indexed for a record are a superset of what :class:`Where` matches (ResourceName
above all, whose matching resolves names, ARNs and aliases), so the lookup always checks each
candidate with ``Where.matches`` itself: the index only decides which records to look at.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from pytest_ssmkms.aws.trail.event import event_source, is_read_only
from pytest_ssmkms.aws.trail.query import normalize_source, read_only_flag, usernames
from pytest_ssmkms.aws.trail.record import CallRecord
from pytest_ssmkms.aws.trail.resources import alias_target, parameter_name_and_arn

ALL = "all"  # no lookup attribute: every record of a place
ATTRIBUTES = (
    ALL, "event_name", "event_source", "read_only", "username", "access_key_id", "event_id",
    "resource_type", "resource_name",
)
_KEY_SUFFIX = "\0key/"  # a KMS key by its id alone (what an alias lookup resolves to)

Place = tuple[str, str]  # (account, region)


def record_values(attribute: str, record: CallRecord) -> Iterable[str]:
    """The values of ``attribute`` under which ``record`` is indexed."""
    if attribute == ALL:
        return ("",)
    if attribute == "event_name":
        return (record.operation,)
    if attribute == "event_source":
        return (event_source(record.service),)
    if attribute == "read_only":
        return ("true" if is_read_only(record.operation) else "false",)
    if attribute == "username":
        return usernames(record)
    if attribute == "access_key_id":
        return (record.ctx.caller.access_key_id,)
    if attribute == "event_id":
        return (record.event["eventID"],)
    if attribute == "resource_type":
        return {r.type for r in record.resources}
    if attribute == "resource_name":
        return _resource_names(record)
    raise ValueError(f"no index for {attribute!r}")


def _resource_names(record: CallRecord) -> set[str]:
    # Every string CallRecord.matches_resource can match on: extra names, each resource's
    # names and ARN, and a KMS key's id (an alias lookup names the key it points to now).
    resources, extra = record._resource_info()
    names = set(extra)
    for resource in resources:
        names.update(resource.matches)
        names.add(resource.arn)
        if ":key/" in resource.arn:
            names.add(_KEY_SUFFIX + resource.arn.rsplit(":key/", 1)[1])
    return names


def query_values(attribute: str, value: Any, place: Place, backend: Any) -> list[str]:
    """The index values a lookup of ``attribute`` = ``value`` in ``place`` must look under."""
    if attribute == ALL:
        return [""]
    if attribute == "event_source":
        return [normalize_source(value)]
    if attribute == "read_only":
        return ["true" if read_only_flag(value) else "false"]
    if attribute != "resource_name":
        return [value]
    account, region = place
    found = [value]
    if not value.startswith("arn:"):
        found.append(parameter_name_and_arn(value, region, account)[1])
    if value.startswith("alias/") or ":alias/" in value:
        target = alias_target(backend, value) if backend is not None else None
        if target is not None:
            found.append(_KEY_SUFFIX + target)
    return found


class _AttributeIndex:
    __slots__ = ("upto", "entries")

    def __init__(self, start: int) -> None:
        self.upto = start  # the sequence number of the first record not indexed yet
        self.entries: dict[tuple[str, str, str], array[int]] = {}


class TrailIndex:
    """The indexes of one trail. The trail calls :meth:`extend` under its lock."""

    def __init__(self) -> None:
        self._indexes: dict[str, _AttributeIndex] = {}

    def reset(self) -> None:
        self._indexes = {}

    def covers(self, sequence: int) -> bool:
        """Whether any index holds records at ``sequence`` or later (an insert there moves
        them, so the index must be rebuilt)."""
        return any(index.upto > sequence for index in self._indexes.values())

    def extend(self, attribute: str, base: int, records: list[CallRecord]) -> _AttributeIndex:
        """The index of ``attribute``, brought up to date with ``records`` (the trail's list,
        whose first record has sequence number ``base``)."""
        index = self._indexes.get(attribute)
        if index is None or index.upto < base:
            index = self._indexes[attribute] = _AttributeIndex(base)
        entries = index.entries
        for offset in range(index.upto - base, len(records)):
            record = records[offset]
            account, region = record.ctx.backend.account_id, record.ctx.region
            for value in record_values(attribute, record):
                key = (account, region, value)
                found = entries.get(key)
                if found is None:
                    found = entries[key] = array("q")
                found.append(base + offset)
        index.upto = base + len(records)
        return index


def newest_first(index: _AttributeIndex, place: Place, values: list[str], before: int | None) -> Iterator[int]:
    """Sequence numbers under any of ``values`` in ``place``, newest first, below ``before``."""
    lists = [found for value in dict.fromkeys(values) if (found := index.entries.get((*place, value)))]
    if not lists:
        return iter(())
    if len(lists) == 1:
        return _descending(lists[0], before)
    merged = sorted({s for found in lists for s in found}, reverse=True)
    return (s for s in merged if before is None or s < before)


def _descending(found: array[int], before: int | None) -> Iterator[int]:
    end = len(found) if before is None else bisect.bisect_left(found, before)
    for position in range(end - 1, -1, -1):
        yield found[position]
