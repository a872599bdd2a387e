"""What AWS publishes as public parameters (``/aws/service/...``), built without the network.

- ``global-infrastructure``: Regions and services from botocore's endpoint data (so the
  catalog tracks the installed botocore), as the Systems Manager User Guide shows them
  ("Calling public parameters for AWS services, Regions, endpoints, ..."): ``regions/<r>``
  (value ``<r>``) with ``longName``, ``partition``, ``domain`` and ``services/<s>`` (with
  ``endpoint``); ``services/<s>`` with ``regions/<r>`` and, where botocore has the service's
  model, ``longName`` (its ``serviceFullName``).
- AMI namespaces (Amazon Linux, Windows, ECS and EKS optimized, Bottlerocket, Ubuntu, Debian)
  under the names AWS documents, with AMI ids that look real, differ by Region and are the same
  in every run (a hash of Region and name): no real id is known offline.

Entries are light tuples; the parameter objects are made only for what a read returns.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple

from pytest_ssmkms.aws.partitions import Partition, partitions
from pytest_ssmkms.aws.ssm.index import Segments, TreeIndex

ROOT = ("aws", "service")

# The User Guide: "the path /aws/service/global-infrastructure is supported for queries in the
# following AWS Regions only" (elsewhere it answers as for a namespace that does not exist).
GLOBAL_INFRASTRUCTURE_REGIONS = frozenset({
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-east-1", "ap-south-1",
    "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ca-central-1",
    "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "sa-east-1",
})
# The Regions global-infrastructure lists: those of the partitions its documented answer shows
# (commercial, China, GovCloud); the ISO partitions are not published there.
_LISTED_PARTITIONS = ("aws", "aws-cn", "aws-us-gov")

# Namespaces AWS documents ("Discovering public parameters in Parameter Store"). A read under
# one of them that names nothing is "not found"; under any other, AWS refuses the namespace.
KNOWN_NAMESPACES = frozenset({
    "ami-amazon-linux-latest", "ami-windows-latest", "ec2-macos", "appmesh", "aws-for-fluent-bit",
    "aws-sdk-pandas", "bottlerocket", "canonical", "cloud9", "datasync", "deeplearning", "debian",
    "ecs", "eks", "fis", "freebsd", "global-infrastructure", "marketplace", "neuron",
    "powertools", "sagemaker-distribution", "storagegateway", "suse",
})


class Entry(NamedTuple):
    """One public parameter: its value (or how to compute it), version and date."""

    segments: Segments
    value: str | Callable[[], str]
    version: int
    modified: datetime

    @property
    def name(self) -> str:
        return "/" + "/".join(self.segments)

    def text(self) -> str:
        return self.value if isinstance(self.value, str) else self.value()


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


_EPOCH_INFRA = datetime(2019, 4, 8, 21, 37, 38, tzinfo=timezone.utc)
_EPOCH_IMAGES = datetime(2025, 1, 6, 18, 0, 0, tzinfo=timezone.utc)


def _infra(segments: Segments, value: str | Callable[[], str]) -> Entry:
    # Published once and rarely changed: version 1, a date near the namespace's launch.
    moment = _EPOCH_INFRA + timedelta(milliseconds=_digest("/".join(segments)) % 86_400_000)
    return Entry(segments, value, 1, moment)


def ami_id(region: str, name: str) -> str:
    """A plausible AMI id, stable for a Region and name (``ami-0`` and 16 hex digits)."""
    return f"ami-0{_digest(f'{region}/{name}'):016x}"


def _image(region: str, segments: Segments, value: str, basis: str) -> Entry:
    seed = _digest(f"{region}/{basis}")
    moment = _EPOCH_IMAGES + timedelta(seconds=seed % (300 * 86_400))
    return Entry(segments, value, 1 + seed % 120, moment)


# ---- global-infrastructure -------------------------------------------------------------------


@lru_cache(maxsize=None)
def _service_long_name(service: str) -> str:
    import botocore.loaders

    model = botocore.loaders.Loader().load_service_model(service, "service-2")
    return str(model["metadata"].get("serviceFullName", service))


@lru_cache(maxsize=1)
def _modelled_services() -> frozenset[str]:
    import botocore.loaders

    return frozenset(botocore.loaders.Loader().list_available_services("service-2"))


def _endpoint(partition: Partition, service: str, region: str) -> str:
    entry = partition.services.get(service, {})
    found = entry.get("endpoints", {}).get(region, {}).get("hostname")
    template = found or entry.get("defaults", {}).get("hostname") or partition.hostname
    return str(template).format(service=service, region=region, dnsSuffix=partition.dns_suffix)


@lru_cache(maxsize=1)
def global_infrastructure() -> TreeIndex[Entry]:
    """The ``/aws/service/global-infrastructure`` tree (the same from every Region)."""
    index: TreeIndex[Entry] = TreeIndex()
    base = (*ROOT, "global-infrastructure")
    modelled = _modelled_services()

    def add(segments: Segments, value: str | Callable[[], str]) -> None:
        index.add(segments, _infra(segments, value))

    for partition in partitions():
        if partition.id not in _LISTED_PARTITIONS:
            continue
        for region, description in partition.regions.items():
            here = (*base, "regions", region)
            add(here, region)
            add((*here, "longName"), description)
            add((*here, "partition"), partition.id)
            add((*here, "domain"), partition.dns_suffix)
        for service, entry in partition.services.items():
            regions = [r for r in entry.get("endpoints", {}) if r in partition.regions]
            if not regions:
                continue
            top = (*base, "services", service)
            add(top, service)
            if service in modelled:
                add((*top, "longName"), functools.partial(_service_long_name, service))
            for region in regions:
                add((*top, "regions", region), region)
                at: Segments = (*base, "regions", region, "services", service)
                add(at, service)
                add((*at, "endpoint"), _endpoint(partition, service, region))
    return index


# ---- AMI namespaces --------------------------------------------------------------------------

_AMAZON_LINUX = (
    *(f"al2023-ami-{kind}kernel-{kernel}-{arch}"
      for kind in ("", "minimal-") for kernel in ("default", "6.1", "6.12") for arch in ("x86_64", "arm64")),
    "amzn2-ami-hvm-x86_64-gp2", "amzn2-ami-hvm-arm64-gp2", "amzn2-ami-hvm-x86_64-ebs",
    "amzn2-ami-kernel-5.10-hvm-x86_64-gp2", "amzn2-ami-kernel-5.10-hvm-arm64-gp2",
    "amzn2-ami-kernel-5.10-hvm-x86_64-ebs", "amzn2-ami-minimal-hvm-x86_64-ebs",
    "amzn2-ami-minimal-hvm-arm64-ebs", "amzn-ami-hvm-x86_64-gp2", "amzn-ami-hvm-x86_64-ebs",
    "amzn-ami-hvm-x86_64-s3", "amzn-ami-minimal-hvm-x86_64-ebs", "amzn-ami-minimal-hvm-x86_64-s3",
)
_WINDOWS = tuple(
    f"Windows_Server-{year}-English-{edition}-Base"
    for year in ("2016", "2019", "2022", "2025") for edition in ("Full", "Core")
)
_ECS_VARIANTS = (
    ("amazon-linux-2",), ("amazon-linux-2", "arm64"), ("amazon-linux-2", "gpu"),
    ("amazon-linux-2023",), ("amazon-linux-2023", "arm64"), ("amazon-linux-2023", "gpu"),
)
_KUBERNETES = ("1.29", "1.30", "1.31", "1.32", "1.33")
_UBUNTU = (("20.04", "focal", "ebs-gp2"), ("22.04", "jammy", "ebs-gp2"), ("24.04", "noble", "ebs-gp3"))
_DEBIAN = (("11", "bullseye"), ("12", "bookworm"))


def _ecs(region: str, add: Callable[[Segments, str, str], None]) -> None:
    for variant in _ECS_VARIANTS:
        at: Segments = (*ROOT, "ecs", "optimized-ami", *variant, "recommended")
        basis = "/".join(at)
        image = ami_id(region, basis)
        arch = "arm64" if "arm64" in variant else "x86_64"
        gpu = "-gpu" if "gpu" in variant else ""
        if variant[0].endswith("2023"):
            os_name, image_name = "Amazon Linux 2023", f"al2023-ami-ecs{gpu}-hvm-2023.0.20250102-kernel-6.1-{arch}"
        else:
            os_name, image_name = "Amazon Linux 2", f"amzn2-ami-ecs{gpu}-hvm-2.0.20250102-{arch}-ebs"
        fields = {
            "schema_version": 1,
            "image_name": image_name,
            "image_id": image,
            "os": os_name,
            "ecs_runtime_version": "Docker version 25.0.6",
            "ecs_agent_version": "1.89.2",
        }
        add(at, json.dumps(fields, separators=(",", ":")), basis)
        for key, value in fields.items():
            add((*at, key), str(value), basis)


def _eks(region: str, add: Callable[[Segments, str, str], None]) -> None:
    for version in _KUBERNETES:
        for flavour in (("amazon-linux-2",), ("amazon-linux-2023", "x86_64", "standard"),
                        ("amazon-linux-2023", "arm64", "standard")):
            at: Segments = (*ROOT, "eks", "optimized-ami", version, *flavour, "recommended")
            basis = "/".join(at)
            fields = {
                "schema_version": "2",
                "image_id": ami_id(region, basis),
                "image_name": f"amazon-eks-node-{version}-v20250106",
                "release_version": f"{version}.8-20250106",
            }
            add(at, json.dumps(fields, separators=(",", ":")), basis)
            for key in ("image_id", "image_name", "release_version"):
                add((*at, key), fields[key], basis)


@lru_cache(maxsize=64)
def images(region: str) -> TreeIndex[Entry]:
    """The AMI namespaces of one Region."""
    index: TreeIndex[Entry] = TreeIndex()

    def add(segments: Segments, value: str, basis: str) -> None:
        index.add(segments, _image(region, segments, value, basis))

    def image(segments: Segments) -> None:
        basis = "/".join(segments)
        add(segments, ami_id(region, basis), basis)

    for name in _AMAZON_LINUX:
        image((*ROOT, "ami-amazon-linux-latest", name))
    for name in _WINDOWS:
        image((*ROOT, "ami-windows-latest", name))
    _ecs(region, add)
    _eks(region, add)
    for variant in ("aws-ecs-2", *(f"aws-k8s-{v}" for v in _KUBERNETES)):
        for arch in ("x86_64", "arm64"):
            at: Segments = (*ROOT, "bottlerocket", variant, arch, "latest")
            basis = "/".join(at)
            add((*at, "image_id"), ami_id(region, basis), basis)
            add((*at, "image_version"), "1.30.0-a3c8a5d9", basis)
    for number, codename, volume in _UBUNTU:
        for release in (number, codename):
            for arch in ("amd64", "arm64"):
                ubuntu: Segments = (*ROOT, "canonical", "ubuntu", "server", release, "stable",
                                    "current", arch, "hvm", volume, "ami-id")
                # The number and the codename name the same image.
                basis = "/".join((*ROOT, "canonical", number, arch))
                add(ubuntu, ami_id(region, basis), basis)
    for number, codename in _DEBIAN:
        for release in (number, codename):
            for arch in ("amd64", "arm64"):
                basis = "/".join((*ROOT, "debian", number, arch))
                add((*ROOT, "debian", "release", release, "latest", arch), ami_id(region, basis), basis)
    return index
