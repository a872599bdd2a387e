"""The key model: keys, their material versions, grants and aliases.

Nothing secret appears in a repr: key material lives in :class:`Material`, whose repr shows
only its public id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:
    from pytest_ssmkms.aws.kms.multi_region import MultiRegionSet

ENABLED = "Enabled"
DISABLED = "Disabled"
PENDING_DELETION = "PendingDeletion"
PENDING_IMPORT = "PendingImport"
STATES = (ENABLED, DISABLED, PENDING_DELETION, PENDING_IMPORT)  # the states a seed may ask for
# Multi-Region keys only: a new replica, and a primary waiting for its replicas' deletion.
CREATING = "Creating"
PENDING_REPLICA_DELETION = "PendingReplicaDeletion"
DELETING = (PENDING_DELETION, PENDING_REPLICA_DELETION)

# Key spec -> key usages KMS accepts for it (the first is what an omitted KeyUsage means
# only for SYMMETRIC_DEFAULT; for other specs KMS also defaults to ENCRYPT_DECRYPT).
KEY_USAGES: dict[str, tuple[str, ...]] = {
    "SYMMETRIC_DEFAULT": ("ENCRYPT_DECRYPT",),
    "RSA_2048": ("ENCRYPT_DECRYPT", "SIGN_VERIFY"),
    "RSA_3072": ("ENCRYPT_DECRYPT", "SIGN_VERIFY"),
    "RSA_4096": ("ENCRYPT_DECRYPT", "SIGN_VERIFY"),
    "ECC_NIST_P256": ("SIGN_VERIFY", "KEY_AGREEMENT"),
    "ECC_NIST_P384": ("SIGN_VERIFY", "KEY_AGREEMENT"),
    "ECC_NIST_P521": ("SIGN_VERIFY", "KEY_AGREEMENT"),
    "ECC_SECG_P256K1": ("SIGN_VERIFY",),
    "ECC_NIST_EDWARDS25519": ("SIGN_VERIFY",),
    "SM2": ("SIGN_VERIFY", "ENCRYPT_DECRYPT", "KEY_AGREEMENT"),
    "HMAC_224": ("GENERATE_VERIFY_MAC",),
    "HMAC_256": ("GENERATE_VERIFY_MAC",),
    "HMAC_384": ("GENERATE_VERIFY_MAC",),
    "HMAC_512": ("GENERATE_VERIFY_MAC",),
    "ML_DSA_44": ("SIGN_VERIFY",),
    "ML_DSA_65": ("SIGN_VERIFY",),
    "ML_DSA_87": ("SIGN_VERIFY",),
    "ML_KEM_512": ("ENCAPSULATE_DECAPSULATE",),
    "ML_KEM_768": ("ENCAPSULATE_DECAPSULATE",),
    "ML_KEM_1024": ("ENCAPSULATE_DECAPSULATE",),
}
ORIGINS = ("AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE")

_RSA_SIGNING = [
    "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
]
_SIGNING: dict[str, list[str]] = {
    "ECC_NIST_P256": ["ECDSA_SHA_256"],
    "ECC_NIST_P384": ["ECDSA_SHA_384"],
    "ECC_NIST_P521": ["ECDSA_SHA_512"],
    "ECC_SECG_P256K1": ["ECDSA_SHA_256"],
    "ECC_NIST_EDWARDS25519": ["ED25519_SHA_512", "ED25519_PH_SHA_512"],
    "SM2": ["SM2DSA"],
    "ML_DSA_44": ["ML_DSA_SHAKE_256"],
    "ML_DSA_65": ["ML_DSA_SHAKE_256"],
    "ML_DSA_87": ["ML_DSA_SHAKE_256"],
}
# Specs that existed before KeySpec replaced CustomerMasterKeySpec (the old member's enum).
_LEGACY_SPECS = {
    "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
    "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2",
}


@dataclass(eq=False)
class Material:
    """One version of a key's material. ``secret`` is None while imported material is absent."""

    material_id: str
    ref: bytes
    created: datetime
    secret: bytes | None = field(default=None, repr=False)
    rotation_type: str | None = None  # None for the first material, else AUTOMATIC/ON_DEMAND
    valid_to: datetime | None = None
    # Imported material only: its ExpirationModel and KeyMaterialDescription.
    expiration_model: str | None = None
    description: str | None = None
    _aead: AESGCM | None = field(default=None, repr=False)

    @property
    def aead(self) -> AESGCM:
        # Built once per material: the hot path (Encrypt/Decrypt) reuses it.
        if self._aead is None:
            assert self.secret is not None
            self._aead = AESGCM(self.secret)
        return self._aead

    def forget(self) -> None:
        self.secret = None
        self._aead = None


@dataclass(eq=False)
class Grant:
    grant_id: str
    grant_token: str
    key_arn: str  # ListGrants reports the key by ARN
    # An IAM principal's ARN, or (botocore 1.44's GranteeServicePrincipal) None and a
    # service principal in ``grantee_service_principal``.
    grantee_principal: str | None
    operations: list[str]
    issuing_account: str
    created: datetime
    retiring_principal: str | None = None
    # EncryptionContextSubset/EncryptionContextEquals (maps) and SourceArn (an ARN).
    constraints: dict[str, Any] | None = None
    name: str | None = None
    grantee_service_principal: str | None = None
    retiring_service_principal: str | None = None

    def entry(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "KeyId": self.key_arn,
            "GrantId": self.grant_id,
            "CreationDate": self.created,
            "IssuingAccount": self.issuing_account,
            "Operations": list(self.operations),
        }
        if self.grantee_principal is not None:
            out["GranteePrincipal"] = self.grantee_principal
        if self.grantee_service_principal is not None:
            out["GranteeServicePrincipal"] = self.grantee_service_principal
        if self.name is not None:
            out["Name"] = self.name
        if self.retiring_principal is not None:
            out["RetiringPrincipal"] = self.retiring_principal
        if self.retiring_service_principal is not None:
            out["RetiringServicePrincipal"] = self.retiring_service_principal
        if self.constraints:
            out["Constraints"] = {
                k: dict(v) if isinstance(v, dict) else v for k, v in self.constraints.items()
            }
        return out


@dataclass(eq=False)
class Alias:
    name: str
    arn: str
    target_key_id: str | None
    created: datetime | None
    updated: datetime | None

    def entry(self) -> dict[str, Any]:
        out: dict[str, Any] = {"AliasName": self.name, "AliasArn": self.arn}
        if self.target_key_id is not None:
            out["TargetKeyId"] = self.target_key_id
        if self.created is not None:
            out["CreationDate"] = self.created
            out["LastUpdatedDate"] = self.updated or self.created
        return out


@dataclass(eq=False)
class Key:
    key_id: str
    arn: str
    account_id: str
    created: datetime
    policy: str = field(repr=False)
    description: str = ""
    state: str = ENABLED
    key_manager: str = "CUSTOMER"
    key_spec: str = "SYMMETRIC_DEFAULT"
    key_usage: str = "ENCRYPT_DECRYPT"
    origin: str = "AWS_KMS"
    multi_region: bool = False
    tags: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list, repr=False)
    deletion_date: datetime | None = None
    pending_window_days: int | None = None
    # Material versions by the reference a ciphertext carries; ``current`` encrypts.
    materials: dict[bytes, Material] = field(default_factory=dict, repr=False)
    current: Material | None = field(default=None, repr=False)
    # Imported material waiting for RotateKeyOnDemand (KeyMaterialState PENDING_ROTATION):
    # not in ``materials`` until the rotation makes it current.
    pending: Material | None = field(default=None, repr=False)
    rotation_enabled: bool = False
    rotation_period_days: int | None = None
    next_rotation: datetime | None = None
    on_demand_rotation_started: datetime | None = None
    expiration_model: str | None = None  # imported material: KEY_MATERIAL_(DOES_NOT_)EXPIRE
    state_before_deletion: str | None = None
    # The asymmetric private key, made on first use (RSA generation is slow).
    private_key: Any = field(default=None, repr=False)
    # Multi-Region keys: the set of related keys, and when a Creating replica is ready.
    multi_region_set: MultiRegionSet | None = field(default=None, repr=False)
    ready_at: datetime | None = None

    @property
    def region(self) -> str:
        return self.arn.split(":")[3]

    @property
    def is_primary(self) -> bool:
        """A multi-Region primary key (False for replicas and single-Region keys)."""
        mrs = self.multi_region_set
        return mrs is not None and mrs.primary_region == self.region

    @property
    def legacy_spec(self) -> str | None:
        """CustomerMasterKeySpec: only the specs that deprecated member's enum has."""
        return self.key_spec if self.key_spec in _LEGACY_SPECS else None

    @property
    def is_symmetric(self) -> bool:
        return self.key_spec == "SYMMETRIC_DEFAULT"

    @property
    def valid_to(self) -> datetime | None:
        if self.origin == "EXTERNAL" and self.current is not None and self.current.secret:
            return self.current.valid_to
        return None

    def expiring(self) -> list[Material]:
        """Imported materials present now that have a ValidTo (the pending one included)."""
        if self.origin != "EXTERNAL":
            return []
        found = [m for m in self.materials.values() if m.secret is not None and m.valid_to]
        if self.pending is not None and self.pending.secret is not None and self.pending.valid_to:
            found.append(self.pending)
        return found

    def forget(self, material: Material) -> None:
        """Imported ``material`` deleted or expired: gone until imported again. A key whose
        permanently associated material is missing waits in PendingImport (KMS Developer
        Guide, "Importing key material")."""
        material.forget()
        material.valid_to = None
        if material is self.pending:
            return
        if material is self.current:
            self.private_key = None  # an imported private key leaves with its material
        if self.state not in DELETING:
            self.state = PENDING_IMPORT

    def all_imported(self) -> bool:
        """Every material permanently associated with the key is present."""
        return bool(self.materials) and all(m.secret is not None for m in self.materials.values())

    def metadata(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "AWSAccountId": self.account_id,
            "KeyId": self.key_id,
            "Arn": self.arn,
            "CreationDate": self.created,
            "Enabled": self.state == ENABLED,
            "Description": self.description,
            "KeyUsage": self.key_usage,
            "KeyState": self.state,
            "Origin": self.origin,
            "KeyManager": self.key_manager,
            "KeySpec": self.key_spec,
            "MultiRegion": self.multi_region,
        }
        if self.legacy_spec is not None:
            out["CustomerMasterKeySpec"] = self.legacy_spec
        out.update(self.algorithms())
        if self.state == PENDING_DELETION and self.deletion_date is not None:
            out["DeletionDate"] = self.deletion_date
        if self.state == PENDING_REPLICA_DELETION and self.pending_window_days is not None:
            # The window starts when the last replica is gone: no DeletionDate yet.
            out["PendingDeletionWindowInDays"] = self.pending_window_days
        if self.origin == "EXTERNAL":
            if self.expiration_model is not None and self.state != PENDING_IMPORT:
                out["ExpirationModel"] = self.expiration_model
            if self.valid_to is not None:
                out["ValidTo"] = self.valid_to
        if self.is_symmetric and self.current is not None and self.state != CREATING:
            # Recorded against KMS (LocalStack's snapshot tests): only symmetric encryption
            # keys show it (HMAC and asymmetric keys, generated or imported, do not); an
            # imported key keeps showing it after its material is deleted; a replica being
            # created shows none yet.
            out["CurrentKeyMaterialId"] = self.current.material_id
        if self.multi_region_set is not None:
            out["MultiRegionConfiguration"] = self.multi_region_set.configuration(self.region)
        return out

    def algorithms(self) -> dict[str, list[str]]:
        """The algorithm lists of KeyMetadata/GetPublicKey for this spec and usage."""
        spec, usage = self.key_spec, self.key_usage
        if spec == "SYMMETRIC_DEFAULT":
            return {"EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"]}
        if spec.startswith("HMAC_"):
            return {"MacAlgorithms": [f"HMAC_SHA_{spec[5:]}"]}
        if usage == "ENCRYPT_DECRYPT":
            return {"EncryptionAlgorithms": ["SM2PKE"] if spec == "SM2"
                    else ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]}
        if usage == "KEY_AGREEMENT":
            return {"KeyAgreementAlgorithms": ["ECDH"]}
        if usage == "ENCAPSULATE_DECAPSULATE":
            return {"EncapsulationAlgorithms": ["ML_KEM"]}
        return {"SigningAlgorithms": _RSA_SIGNING if spec.startswith("RSA_") else _SIGNING[spec]}
