"""Public parameters as a Region's reads see them: AWS's catalog plus a test's own values.

Public parameters belong to no account: their ARNs have an empty account field
(``arn:aws:ssm:us-east-1::parameter/aws/service/...``), DescribeParameters never lists them,
and only GetParameter, GetParameters and GetParametersByPath read them (the User Guide's
"Public parameters" page); writes are refused as for any reserved ``aws`` name.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.aws.ssm.errors import AccessDeniedException
from pytest_ssmkms.aws.ssm.index import Segments, TreeIndex
from pytest_ssmkms.aws.ssm.model import Parameter, Version
from pytest_ssmkms.aws.ssm.names import arn_of, key_of, segments_of
from pytest_ssmkms.aws.ssm.public_catalog import (
    GLOBAL_INFRASTRUCTURE_REGIONS,
    KNOWN_NAMESPACES,
    ROOT,
    Entry,
    global_infrastructure,
    images,
)

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World

_STATE = "ssm.public"  # where a world keeps the values tests gave public names
ALL_REGIONS = "*"


def public_arn(region: str, name: str) -> str:
    return arn_of(region, "", name)


def namespace_refusal(name: str) -> AccessDeniedException:
    """AWS's answer for a name under ``/aws/`` outside every namespace it publishes here (a
    real GetParameters answer, bottlerocket-os/twoliter#518)."""
    namespace = "/".join(segments_of(key_of(name))[:3])
    return AccessDeniedException(f'No access to "/aws/" namespace: {namespace} is not a valid namespace')


class PublicView:
    """The public parameters of one Region: AWS's catalog, shadowed by a test's overrides."""

    def __init__(self, world: World, region: str) -> None:
        self.region = region
        self._catalogs: list[TreeIndex[Entry]] = [images(region)]
        if region in GLOBAL_INFRASTRUCTURE_REGIONS:
            self._catalogs.append(global_infrastructure())
        overrides: dict[str, TreeIndex[Entry]] = world.service_state.get(_STATE, {})
        self._overrides = [overrides[k] for k in (region, ALL_REGIONS) if k in overrides]

    def namespace_exists(self, name: str) -> bool:
        segments = segments_of(key_of(name))
        if segments[:2] != ROOT:
            # Outside /aws/service/ (e.g. /aws/reference/secretsmanager/..., which reads
            # Secrets Manager, not mocked here): nothing is found, nothing refused.
            return True
        if len(segments) < 3:
            return True
        if segments[2] == "global-infrastructure":
            return self.region in GLOBAL_INFRASTRUCTURE_REGIONS or self._overridden(segments[:3])
        return segments[2] in KNOWN_NAMESPACES or self._overridden(segments[:3])

    def _overridden(self, base: Segments) -> bool:
        return any(next(index.walk(base, recursive=True), None) is not None for index in self._overrides)

    def find(self, name: str) -> Entry | None:
        segments = segments_of(key_of(name))
        for index in (*self._overrides, *self._catalogs):
            found = index.get(segments)
            if found is not None:
                return found
        return None

    def walk(
        self, base: Segments, *, recursive: bool, after: Segments | None = None
    ) -> Iterator[tuple[Segments, Entry]]:
        """Entries below ``base`` in name order; an override hides the catalog's entry."""
        streams = [
            ((segments, rank, entry) for segments, entry in index.walk(base, recursive=recursive, after=after))
            for rank, index in enumerate((*self._overrides, *self._catalogs))
        ]
        previous: Segments | None = None
        for segments, _, entry in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
            if segments != previous:
                yield segments, entry
            previous = segments


def view_of(world: World, region: str) -> PublicView:
    return PublicView(world, region)


def set_override(world: World, name: str, value: str, region: str | None, now: datetime) -> None:
    """Give a public name another value (for one Region, or every Region when None)."""
    overrides: dict[str, TreeIndex[Entry]] = world.service_state.setdefault(_STATE, {})
    where = region or ALL_REGIONS
    segments = segments_of(key_of(name))
    previous = PublicView(world, region or world.settings.region).find(name)
    version = previous.version + 1 if previous is not None else 1
    overrides.setdefault(where, TreeIndex()).add(segments, Entry(segments, value, version, now))


def as_parameter(entry: Entry, *, with_value: bool = True) -> tuple[Parameter, Version]:
    """The stored-parameter shape of an entry, for the filter code."""
    version = Version(
        version=entry.version,
        type="String",
        value=entry.text() if with_value else "",
        tier="Standard",
        data_type="text",
        modified=entry.modified,
        modified_user="",
    )
    name = entry.name
    return Parameter(name, key_of(name), {version.version: version}, version), version


def parameter_out(entry: Entry, region: str, selector: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Name": entry.name,
        "Type": "String",
        "Value": entry.text(),
        "Version": entry.version,
        "LastModifiedDate": entry.modified,
        "ARN": public_arn(region, entry.name),
        "DataType": "text",
    }
    if selector is not None:
        out["Selector"] = selector
    return out
