"""Multi-Region keys: the set of related keys one primary and its replicas form.

A primary and its replicas are separate keys, one per region, each in its own registry; they
share the key id, key material, spec, usage, origin and rotation status, and each has its own
policy, tags, aliases, grants, description and state (KMS Developer Guide, "Multi-Region keys
in AWS KMS"). The set only records which regions hold a member and which one is the primary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pytest_ssmkms.aws import partitions

# "After a few seconds" (ReplicateKey reference): how long a new replica stays Creating on
# the backend clock. Tests move past it with ``ssm_kms.clock.advance(seconds=...)``.
REPLICA_CREATION_TIME = timedelta(seconds=2)

def partition_of(region: str) -> str:
    """The id of the AWS partition a region belongs to (botocore's endpoint data)."""
    return partitions.partition_of(region).id


@dataclass(eq=False)
class MultiRegionSet:
    """The regions that hold a member of one multi-Region key, in the order they were added."""

    key_id: str
    account_id: str
    primary_region: str
    # region -> the member's key ARN; the primary's region included.
    arns: dict[str, str] = field(default_factory=dict)

    @property
    def replica_regions(self) -> list[str]:
        return [region for region in self.arns if region != self.primary_region]

    def configuration(self, region: str) -> dict[str, Any]:
        """DescribeKey's MultiRegionConfiguration as the member in ``region`` reports it."""
        primary = self.primary_region
        return {
            "MultiRegionKeyType": "PRIMARY" if region == primary else "REPLICA",
            "PrimaryKey": {"Arn": self.arns[primary], "Region": primary},
            "ReplicaKeys": [
                {"Arn": self.arns[other], "Region": other} for other in self.replica_regions
            ],
        }
