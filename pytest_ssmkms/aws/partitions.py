"""AWS partitions and Regions, read from botocore's own endpoint data (``endpoints.json``,
present in every botocore version), so they track the installed botocore.

Every ARN names its partition (``arn:aws:``, ``arn:aws-cn:``, ``arn:aws-us-gov:``, ...): the
partition of the Region the resource lives in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Partition:
    id: str  # "aws", "aws-cn", "aws-us-gov", "aws-iso", ...
    name: str  # "AWS Standard"
    dns_suffix: str  # "amazonaws.com"
    region_regex: str
    regions: dict[str, str]  # code -> description ("US East (N. Virginia)")
    services: dict[str, Any]  # service -> its endpoints entry
    hostname: str = "{service}.{region}.{dnsSuffix}"  # the partition's endpoint template

    def __hash__(self) -> int:
        return hash(self.id)


@lru_cache(maxsize=1)
def partitions() -> tuple[Partition, ...]:
    import botocore.loaders

    data = botocore.loaders.Loader().load_data("endpoints")
    return tuple(
        Partition(
            id=p["partition"],
            name=p.get("partitionName", p["partition"]),
            dns_suffix=p.get("dnsSuffix", "amazonaws.com"),
            region_regex=p.get("regionRegex", "^$"),
            regions={code: r.get("description", code) for code, r in p.get("regions", {}).items()},
            services=p.get("services", {}),
            hostname=p.get("defaults", {}).get("hostname", "{service}.{region}.{dnsSuffix}"),
        )
        for p in data["partitions"]
    )


@lru_cache(maxsize=256)
def partition_of(region: str) -> Partition:
    """The partition a Region belongs to: by botocore's list, else by its Region pattern, else
    the standard partition (as botocore itself falls back)."""
    known = partitions()
    for partition in known:
        if region in partition.regions:
            return partition
    for partition in known:
        if re.match(partition.region_regex, region):
            return partition
    return known[0]


# Region -> partition id: asked for every ARN a call makes, so a plain dict in front of
# partition_of (bounded: Region codes come from requests).
_ids: dict[str, str] = {}


def partition_id(region: str) -> str:
    """``aws``, ``aws-cn``, ``aws-us-gov``, ... for a Region code."""
    found = _ids.get(region)
    if found is None:
        if len(_ids) >= 1024:
            _ids.clear()
        found = _ids[region] = partition_of(region).id
    return found


def dns_suffix(region: str) -> str:
    """The DNS suffix of a Region's partition (``amazonaws.com``, ``amazonaws.com.cn``, ...):
    service principals' host names there (``ssm.cn-north-1.amazonaws.com.cn``)."""
    return partition_of(region).dns_suffix


def partition_of_arn(arn: str) -> str:
    """The partition field of an ARN (``arn:aws-cn:iam::...`` → ``aws-cn``); ``aws`` if none."""
    parts = arn.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == "arn" and parts[1] else "aws"


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    """Every Region code botocore lists, in any partition."""
    return frozenset(code for p in partitions() for code in p.regions)


ARN_PARTITIONS = r"aws(?:-[a-z]+)*"  # the partition field of an ARN, as a pattern
