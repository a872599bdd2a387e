"""A parameter and its versions. Values never appear in reprs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pytest_ssmkms.aws.ssm.policies import Policy

DEFAULT_KEY = "alias/aws/ssm"
MAX_VERSIONS = 100
MAX_LABELS_PER_VERSION = 10


@dataclass
class Version:
    version: int
    type: str
    # String/StringList: the value. SecureString: the base64 KMS ciphertext (Standard tier) or
    # envelope message (Advanced tier), which is what a non-decrypting read returns.
    value: str = field(repr=False)
    tier: str
    data_type: str
    modified: datetime
    modified_user: str
    key_id: str | None = None  # as the caller gave it; DEFAULT_KEY when none was given
    description: str | None = None
    allowed_pattern: str | None = None
    policies: tuple[Policy, ...] = ()
    labels: list[str] = field(default_factory=list)

    @property
    def secure(self) -> bool:
        return self.type == "SecureString"


@dataclass
class ResourcePolicy:
    """A policy sharing a parameter with other accounts (PutResourcePolicy, or a RAM share)."""

    policy_id: str
    policy_hash: str
    text: str
    # True for a standard RAM resource share (DescribeParameters(Shared=True) lists it); a
    # policy put through PutResourcePolicy is not listed until RAM promotes its share.
    standard: bool = False


@dataclass
class Parameter:
    name: str  # as first created ("/a" or "a")
    key: str
    versions: dict[int, Version]  # oldest first
    latest: Version
    tags: dict[str, str] = field(default_factory=dict)
    resource_policies: dict[str, ResourcePolicy] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Parameter(name={self.name!r}, version={self.latest.version}, type={self.latest.type!r})"

    def version(self, number: int) -> Version | None:
        return self.versions.get(number)

    def labelled(self, label: str) -> Version | None:
        for version in self.versions.values():
            if label in version.labels:
                return version
        return None

    @property
    def oldest(self) -> Version:
        return next(iter(self.versions.values()))
