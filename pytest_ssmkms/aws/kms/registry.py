"""The key registry of one account and region: keys, aliases, identifiers and due events.

SSM and KMS share it (SSM reaches it only through the KMS operation table). Events that come
due on the backend clock (deletions, import expiry, scheduled rotation) are applied lazily,
the next time the registry is read, so nothing runs in the background.
"""

from __future__ import annotations

import builtins
import os
import random
import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pytest_ssmkms.aws.strict import shift
from pytest_ssmkms.aws.kms import crypto
from pytest_ssmkms.aws.kms.errors import NotFoundException
from pytest_ssmkms.aws.kms.keys import (
    CREATING,
    ENABLED,
    PENDING_DELETION,
    PENDING_IMPORT,
    PENDING_REPLICA_DELETION,
    Alias,
    Grant,
    Key,
    Material,
)
from pytest_ssmkms.aws.iam.managed import default_key_policy, ssm_managed_key_policy
from pytest_ssmkms.aws.kms.last_usage import UsageIndex
from pytest_ssmkms.aws.kms.multi_region import MultiRegionSet
from pytest_ssmkms.aws.partitions import partition_id

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import Backend

KEY_ID = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$")
_ARN = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]*):([0-9]{12}):(key|alias)/(.+)$")

# AWS managed keys this mock creates on first use: alias -> (service, description, policy).
MANAGED_ALIASES = {
    "alias/aws/ssm": "Default key that protects my SSM parameters when no other key is defined",
}
_MANAGED_POLICIES = {"alias/aws/ssm": ssm_managed_key_policy}

# The AWS managed aliases ListAliases shows before any key exists (without TargetKeyId): the
# alias/aws/ names of a ListAliases answer recorded from a real account (eu-central-1), those
# with a key and those without. Only alias/aws/ssm gets its key here (on first use); the
# others stay without one, as they do in an account that never used their service.
PREDEFINED_ALIASES = (
    "alias/aws/backup", "alias/aws/codecommit", "alias/aws/dynamodb", "alias/aws/ebs",
    "alias/aws/elasticfilesystem", "alias/aws/es", "alias/aws/fsx", "alias/aws/glue",
    "alias/aws/kinesisvideo", "alias/aws/lambda", "alias/aws/lightsail", "alias/aws/rds",
    "alias/aws/redshift", "alias/aws/s3", "alias/aws/ssm", "alias/aws/xray",
)


# GCM needs IVs that never repeat under a key; 96 bits from this generator (seeded from the
# OS, untouched by random.seed() in tests) repeat no more often than os.urandom's.
_nonces = random.Random(os.urandom(32))
if hasattr(os, "register_at_fork"):  # a forked child shares the keys: never its parent's IVs
    os.register_at_fork(after_in_child=lambda: _nonces.seed(os.urandom(32)))


class RandomSource:
    """Key ids, key material and IVs: os.urandom, or a seeded generator in deterministic mode."""

    def __init__(self, seed: int | str | None, scope: str) -> None:
        self._rng = random.Random(f"pytest-ssmkms/{seed}/{scope}") if seed is not None else None

    def bytes(self, count: int) -> bytes:
        if self._rng is None:
            return os.urandom(count)
        return self._rng.randbytes(count)

    def nonce(self, count: int) -> builtins.bytes:
        """Bytes that must be unique, not secret (GCM IVs): from a generator seeded by the OS
        instead of a urandom syscall on every Encrypt; in deterministic mode, exactly what
        :meth:`bytes` gives, so seeded runs draw the same sequence as before."""
        if self._rng is None:
            return _nonces.getrandbits(count * 8).to_bytes(count, "little")
        return self._rng.randbytes(count)

    def uuid(self) -> str:
        return str(uuid.UUID(bytes=self.bytes(16), version=4))


class KeyRegistry:
    """Keys and aliases of one account and region."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.account_id = backend.account_id
        self.region = backend.region
        self.partition = partition_id(backend.region)  # every ARN names it
        self.random = RandomSource(
            backend.world.settings.deterministic_seed, f"{self.account_id}/{self.region}"
        )
        self._keys: dict[str, Key] = {}
        self._aliases: dict[str, Alias] = {}
        # "arn:aws:kms:<region>:<account>:key/": key ARNs of this registry start so (None if
        # _ARN would not accept this region and account, so by_arn keeps to the regex).
        own = self.key_arn("")
        match = _ARN.match(own + "k")
        self._own_key_arns: str | None = (
            own if match is not None and match.groups()[:3] == (self.region, self.account_id, "key")
            else None
        )
        self.grant_tokens: dict[str, Grant] = {}
        # GetParametersForImport tokens -> their parameters (ops_import.ImportParameters).
        self.import_tokens: dict[bytes, Any] = {}
        # Earliest moment something scheduled comes due; None: nothing scheduled.
        self._due: datetime | None = None
        # GetKeyLastUsage's index of the trail (it reads records the trail is asked to clear).
        self.usage = UsageIndex(backend.world.trail)

    # ---- names -------------------------------------------------------------------------
    def key_arn(self, key_id: str) -> str:
        return f"arn:{self.partition}:kms:{self.region}:{self.account_id}:key/{key_id}"

    def alias_arn(self, name: str) -> str:
        return f"arn:{self.partition}:kms:{self.region}:{self.account_id}:{name}"

    def now(self) -> datetime:
        return self.backend.clock.now()

    # ---- reading ----------------------------------------------------------------------
    def keys(self) -> list[Key]:
        self.apply_due()
        return list(self._keys.values())

    def aliases(self) -> list[Alias]:
        """Every alias, the not-yet-created AWS managed ones included (ListAliases shows them)."""
        self.apply_due()
        found = dict(self._aliases)
        for name in PREDEFINED_ALIASES:
            found.setdefault(name, Alias(name, self.alias_arn(name), None, None, None))
        return [found[name] for name in sorted(found)]

    def alias(self, name: str) -> Alias | None:
        self.apply_due()
        return self._aliases.get(name)

    def key(self, key_id: str) -> Key | None:
        """The key with this id, if it exists (no error)."""
        if self._due is not None:
            self.apply_due()
        return self._keys.get(key_id)

    def resolve(
        self, identifier: str, *, aliases: bool = True, create_managed: bool = False
    ) -> Key:
        """The key an identifier names: key id, key ARN, and (when ``aliases``) alias name or
        alias ARN. AWS managed aliases come into being when ``create_managed`` is set."""
        if self._due is not None:
            self.apply_due()
        found = self._keys.get(identifier)
        if found is not None and KEY_ID.match(identifier):
            return found  # a key id (what _by_id would answer)
        if identifier.startswith("arn:"):
            match = _ARN.match(identifier)
            if match is None:
                # Not documented for a malformed ARN; the observed text for a wrong region.
                raise NotFoundException("Invalid arn")
            region, account, kind, rest = match.groups()
            if region != self.region:
                # Observed on real KMS: "NotFoundException: Invalid arn us-west-1".
                raise NotFoundException(f"Invalid arn {region}")
            if kind == "alias":
                if not aliases:
                    raise NotFoundException(f"Invalid keyId '{identifier}'")
                if account != self.account_id:
                    # Aliases only work in their own account.
                    raise NotFoundException(f"Alias {identifier} is not found.")
                return self._by_alias(f"alias/{rest}", create_managed)
            if account != self.account_id:
                # Another account's key, used by ARN (its key policy decides who may).
                backend = self.backend.world.existing(account, region)
                if backend is None:
                    # No key was ever made there: _by_id's answers, without making a backend.
                    if not KEY_ID.match(rest):
                        raise NotFoundException(f"Invalid keyId {rest}")
                    raise NotFoundException(f"Key 'arn:aws:kms:{region}:{account}:key/{rest}' does not exist")
                other = backend.kms
                assert isinstance(other, KeyRegistry)
                return other.resolve(rest, aliases=False)
            return self._by_id(rest)
        if identifier.startswith("alias/"):
            if not aliases:
                raise NotFoundException(f"Invalid keyId '{identifier}'")
            return self._by_alias(identifier, create_managed)
        return self._by_id(identifier)

    def get(self, identifier: str) -> Key:
        """Any identifier form, AWS managed aliases included (for trusted callers)."""
        return self.resolve(identifier, create_managed=True)

    def by_arn(self, arn: str) -> Key | None:
        """The key a ciphertext names by ARN, in this or another account; None if gone."""
        own = self._own_key_arns
        if own is not None and arn.startswith(own):
            key_id = arn[len(own):]
            if key_id and "\n" not in key_id:  # then _ARN's last group is exactly key_id
                return self.key(key_id)
        match = _ARN.match(arn)
        if match is None or match.group(3) != "key":
            return None
        registry: KeyRegistry = self
        if match.group(2) != self.account_id:
            backend = self.backend.world.existing(match.group(2), self.region)
            if backend is None:
                return None  # no key was ever made there (and a ciphertext makes none)
            registry = backend.kms
        if match.group(1) != self.region:
            # A multi-Region key's ciphertext decrypts under any related key, each in its
            # own region (same key id, same material); other keys never leave their region.
            if not match.group(4).startswith("mrk-"):
                return None
            found = registry.key(match.group(4))
            return found if found is not None and found.multi_region_set is not None else None
        return registry.key(match.group(4))

    def _by_id(self, key_id: str) -> Key:
        if not KEY_ID.match(key_id):
            # Recorded against KMS (LocalStack's snapshot tests): the text in quotes.
            raise NotFoundException(f"Invalid keyId '{key_id}'")
        found = self._keys.get(key_id)
        if found is None:
            raise NotFoundException(f"Key '{self.key_arn(key_id)}' does not exist")
        return found

    def _by_alias(self, name: str, create_managed: bool) -> Key:
        alias = self._aliases.get(name)
        if alias is None and create_managed and name in MANAGED_ALIASES:
            return self.managed_key(name)
        if alias is None or alias.target_key_id is None:
            raise NotFoundException(f"Alias {self.alias_arn(name)} is not found.")
        return self._keys[alias.target_key_id]

    def managed_key(self, alias_name: str = "alias/aws/ssm") -> Key:
        """The AWS managed key behind ``alias_name``, created on first use as AWS does."""
        alias = self._aliases.get(alias_name)
        if alias is not None and alias.target_key_id is not None:
            return self._keys[alias.target_key_id]
        key = self.create_key(
            description=MANAGED_ALIASES[alias_name],
            policy=_MANAGED_POLICIES[alias_name](self.account_id, self.region),
            key_manager="AWS",
        )
        # AWS managed keys rotate every year, always.
        key.rotation_enabled = True
        key.rotation_period_days = 365
        key.next_rotation = shift(key.created, timedelta(days=365))
        self.add_alias(alias_name, key)
        self.reschedule()
        return key

    # ---- writing ----------------------------------------------------------------------
    def create_key(
        self,
        *,
        description: str = "",
        key_usage: str = "ENCRYPT_DECRYPT",
        key_spec: str = "SYMMETRIC_DEFAULT",
        origin: str = "AWS_KMS",
        policy: str | None = None,
        tags: dict[str, str] | None = None,
        multi_region: bool = False,
        key_id: str | None = None,
        key_manager: str = "CUSTOMER",
    ) -> Key:
        """A new key (inputs already validated by the caller)."""
        if key_id is None:
            key_id = f"mrk-{self.random.bytes(16).hex()}" if multi_region else self.random.uuid()
        now = self.now()
        key = Key(
            key_id=key_id,
            arn=self.key_arn(key_id),
            account_id=self.account_id,
            created=now,
            policy=policy if policy is not None else default_key_policy(self.account_id, self.partition),
            description=description,
            key_manager=key_manager,
            key_spec=key_spec,
            key_usage=key_usage,
            origin=origin,
            multi_region=multi_region,
            tags=dict(tags or {}),
        )
        if origin == "EXTERNAL":
            key.state = PENDING_IMPORT
        else:
            self.add_material(key, self.random.bytes(_material_bytes(key_spec)), None, now)
        if multi_region:
            key.multi_region_set = MultiRegionSet(
                key_id, self.account_id, self.region, {self.region: key.arn}
            )
        self._keys[key_id] = key
        return key

    # ---- multi-Region keys --------------------------------------------------------------
    def registry_in(self, region: str) -> KeyRegistry:
        """This account's registry in ``region``."""
        other: KeyRegistry = self.backend.world.backend(self.account_id, region).kms
        return other

    def related(self, key: Key) -> list[tuple[KeyRegistry, Key]]:
        """Every existing member of ``key``'s multi-Region set, ``key`` included, with the
        registry that holds it (just ``key`` for a single-Region key)."""
        mrs = key.multi_region_set
        if mrs is None:
            return [(self, key)]
        found = []
        for region in mrs.arns:
            registry = self if region == self.region else self.registry_in(region)
            member = registry._keys.get(key.key_id)
            if member is not None and member.multi_region_set is mrs:
                found.append((registry, member))
        return found

    def rotate(self, key: Key, rotation_type: str, when: datetime) -> None:
        """New material for ``key`` and, for a multi-Region key, the same material for every
        related key (KMS synchronizes rotation from the primary)."""
        secret = self.random.bytes(_material_bytes(key.key_spec))
        for registry, member in self.related(key):
            registry.add_material(member, secret, rotation_type, when)

    def add_material(
        self, key: Key, secret: bytes, rotation_type: str | None, when: datetime
    ) -> Material:
        """Make ``secret`` the key's current material (older ones keep decrypting)."""
        material_id = crypto.material_id(secret)
        ref = crypto.material_ref(material_id)
        material = key.materials.get(ref)
        if material is None:
            material = Material(material_id, ref, when, secret, rotation_type)
            key.materials[ref] = material
        else:
            material.secret = secret  # the same material imported again
        key.current = material
        return material

    def add_alias(self, name: str, key: Key) -> Alias:
        now = self.now()
        alias = Alias(name, self.alias_arn(name), key.key_id, now, now)
        self._aliases[name] = alias
        key.aliases.append(name)
        return alias

    def retarget_alias(self, alias: Alias, key: Key) -> None:
        old = self._keys.get(alias.target_key_id or "")
        if old is not None and alias.name in old.aliases:
            old.aliases.remove(alias.name)
        alias.target_key_id = key.key_id
        alias.updated = self.now()
        key.aliases.append(alias.name)

    def remove_alias(self, alias: Alias) -> None:
        del self._aliases[alias.name]
        key = self._keys.get(alias.target_key_id or "")
        if key is not None and alias.name in key.aliases:
            key.aliases.remove(alias.name)

    # ---- time -------------------------------------------------------------------------
    def reschedule(self) -> None:
        """Recompute when the next scheduled event comes due (after any state change)."""
        moments: list[datetime] = []
        for key in self._keys.values():
            if key.state == PENDING_DELETION and key.deletion_date is not None:
                moments.append(key.deletion_date)
            if key.state == CREATING and key.ready_at is not None:
                moments.append(key.ready_at)
            if key.state != PENDING_DELETION:
                moments.extend(m.valid_to for m in key.expiring() if m.valid_to is not None)
            if key.rotation_enabled and key.next_rotation is not None and key.state == ENABLED:
                moments.append(key.next_rotation)
        self._due = min(moments) if moments else None

    def apply_due(self) -> None:
        """Apply what has come due on the backend clock: deletions, expiry, rotations."""
        if self._due is None:
            return
        now = self.now()
        if now < self._due:
            return
        for key in list(self._keys.values()):
            if key.state == PENDING_DELETION:
                if key.deletion_date is not None and key.deletion_date <= now:
                    self._delete(key)
                continue
            if key.state == CREATING and key.ready_at is not None and key.ready_at <= now:
                # A new replica is ready: Enabled, or PendingImport until its material is
                # imported (replicas of imported keys start without material).
                has_material = key.current is not None and key.current.secret is not None
                key.state = ENABLED if has_material else PENDING_IMPORT
                key.ready_at = None
            for material in key.expiring():
                if material.valid_to is not None and material.valid_to <= now:
                    # Imported material expired: KMS deletes it and the key waits for an import.
                    key.forget(material)
            if key.multi_region_set is not None and not key.is_primary:
                # A replica rotates when its primary does, with the primary's material.
                due = key.next_rotation
                if key.rotation_enabled and due is not None and due <= now:
                    self.registry_in(key.multi_region_set.primary_region).apply_due()
                continue
            while (
                key.rotation_enabled
                and key.state == ENABLED
                and key.next_rotation is not None
                and key.next_rotation <= now
                and key.rotation_period_days
            ):
                self.rotate(key, "AUTOMATIC", key.next_rotation)
                step = timedelta(days=key.rotation_period_days)
                for registry, member in self.related(key):
                    if member is not key and member.next_rotation is not None:
                        member.next_rotation = shift(key.next_rotation, step)
                        registry.reschedule()
                key.next_rotation = shift(key.next_rotation, step)  # LATEST is never due
        self.reschedule()

    def _delete(self, key: Key) -> None:
        related = self.related(key)
        del self._keys[key.key_id]
        for name in list(key.aliases):
            self._aliases.pop(name, None)
        for material in key.materials.values():
            material.forget()
        mrs = key.multi_region_set
        if mrs is not None:
            mrs.arns.pop(self.region, None)
            self._start_primary_window(mrs, related, when=key.deletion_date or self.now())

    def _start_primary_window(
        self, mrs: MultiRegionSet, related: list[tuple[KeyRegistry, Key]], when: datetime
    ) -> None:
        """When the last replica is deleted, a primary waiting in PendingReplicaDeletion moves
        to PendingDeletion and its waiting period begins (ScheduleKeyDeletion reference)."""
        if mrs.replica_regions:
            return
        for registry, member in related:
            if member.state == PENDING_REPLICA_DELETION and member.pending_window_days:
                member.state = PENDING_DELETION
                member.deletion_date = shift(when, timedelta(days=member.pending_window_days))
                registry.reschedule()


def _material_bytes(key_spec: str) -> int:
    if key_spec.startswith("HMAC_"):
        return {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}[key_spec]
    return 32
