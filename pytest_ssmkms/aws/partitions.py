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


def partition_id(region: str) -> str:
    """``aws``, ``aws-cn``, ``aws-us-gov``, ... for a Region code."""
    return partition_of(region).id


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    """Every Region code botocore lists, in any partition."""
    return frozenset(code for p in partitions() for code in p.regions)


ARN_PARTITIONS = r"aws(?:-[a-z]+)*"  # the partition field of an ARN, as a pattern
