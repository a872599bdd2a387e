"""The parameter store of one account and region: lookups, versions, the index, expirations."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from pytest_ssmkms.aws.ssm.errors import (
    ParameterMaxVersionLimitExceeded,
    ParameterNotFound,
    ParameterVersionNotFound,
)
from pytest_ssmkms.aws.ssm.index import Segments, TreeIndex
from pytest_ssmkms.aws.ssm.model import MAX_VERSIONS, Parameter, Version
from pytest_ssmkms.aws.ssm.names import Reference, arn_prefix, key_of, segments_of
from pytest_ssmkms.aws.ssm.policies import expiration_of

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import Backend

STANDARD_LIMIT = 10_000


class ParameterStore:
    """Parameters by key (``/a`` and ``a`` share the key ``a``) plus a hierarchical index."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self.region = backend.region
        self.account_id = backend.account_id
        self._by_key: dict[str, Parameter] = {}
        self._index: TreeIndex[Parameter] = TreeIndex()
        self._standard = 0
        # (moment, sequence, key) of every Expiration policy set; stale entries are skipped.
        self._expiring: list[tuple[datetime, int, str]] = []
        self._sequence = itertools.count()
        # Every read makes ARNs: the part before the name, in this Region's partition, once.
        self._arn_prefix = arn_prefix(self.region, self.account_id)

    def __repr__(self) -> str:
        return f"ParameterStore({self.region}, {self.account_id}, {len(self._by_key)} parameters)"

    def now(self) -> datetime:
        return self._backend.clock.now()

    def arn(self, name: str) -> str:
        return self._arn_prefix + (name[1:] if name.startswith("/") else name)

    def arn_of_account(self, resource: str) -> str:
        """``arn:<partition>:ssm:<region>:<account>:<resource>`` (``*``: the account's all)."""
        return self._arn_prefix[: -len("parameter/")] + resource

    @property
    def standard_count(self) -> int:
        self._sweep()
        return self._standard

    # -- lookups ---------------------------------------------------------------------------

    def find(self, name: str) -> Parameter | None:
        if self._expiring:
            self._sweep()
        return self._by_key.get(name[1:] if name.startswith("/") else name)  # key_of(name)

    def get(self, name: str) -> Parameter:
        found = self.find(name)
        if found is None:
            raise ParameterNotFound()
        return found

    def resolve(self, reference: Reference) -> tuple[Parameter, Version]:
        """The parameter and the version a (possibly selected) reference names."""
        if not reference.local:
            raise ParameterNotFound()
        parameter = self.get(reference.name)
        if reference.version is not None:
            version = parameter.version(reference.version)
        elif reference.label is not None:
            version = parameter.labelled(reference.label)
        else:
            return parameter, parameter.latest
        if version is None:
            raise ParameterVersionNotFound(parameter.name, reference.selector[1:] if reference.selector else "")
        return parameter, version

    def walk(
        self, base: Segments, *, recursive: bool, after: Segments | None = None
    ) -> Iterator[tuple[Segments, Parameter]]:
        if self._expiring:
            self._sweep()
        return self._index.walk(base, recursive=recursive, after=after)

    # -- changes ---------------------------------------------------------------------------

    def create(self, name: str, version: Version, tags: dict[str, str]) -> Parameter:
        key = key_of(name)
        parameter = Parameter(name, key, {version.version: version}, version, dict(tags))
        self._by_key[key] = parameter
        self._index.add(segments_of(key), parameter)
        if version.tier == "Standard":
            self._standard += 1
        self._watch(parameter)
        return parameter

    def check_room_for_version(self, parameter: Parameter) -> None:
        """Refuse a new version when the oldest of 100 must go but carries a label."""
        if len(parameter.versions) >= MAX_VERSIONS and parameter.oldest.labels:
            raise ParameterMaxVersionLimitExceeded(parameter.name, parameter.oldest.version)

    def add_version(self, parameter: Parameter, version: Version) -> None:
        self.check_room_for_version(parameter)
        if len(parameter.versions) >= MAX_VERSIONS:
            del parameter.versions[parameter.oldest.version]
        if parameter.latest.tier == "Standard" and version.tier != "Standard":
            self._standard -= 1
        parameter.versions[version.version] = version
        parameter.latest = version
        self._watch(parameter)

    def delete(self, parameter: Parameter) -> None:
        if self._by_key.get(parameter.key) is not parameter:
            return
        del self._by_key[parameter.key]
        self._index.remove(segments_of(parameter.key))
        if parameter.latest.tier == "Standard":
            self._standard -= 1

    # -- expirations -----------------------------------------------------------------------

    def _watch(self, parameter: Parameter) -> None:
        moment = expiration_of(parameter.latest.policies)
        if moment is not None:
            heapq.heappush(self._expiring, (moment, next(self._sequence), parameter.key))

    def _sweep(self) -> None:
        """Delete parameters whose Expiration policy has come due on the backend clock."""
        if not self._expiring:
            return
        now = self.now()
        while self._expiring and self._expiring[0][0] <= now:
            moment, _, key = heapq.heappop(self._expiring)
            parameter = self._by_key.get(key)
            if parameter is not None and expiration_of(parameter.latest.policies) == moment:
                self.delete(parameter)
