"""The key-state table (KMS Developer Guide, "Key states of AWS KMS keys"), one check per row."""

from __future__ import annotations

from pytest_ssmkms.aws.kms.errors import (
    DisabledException,
    KMSInvalidStateException,
    UnsupportedOperationException,
)
from pytest_ssmkms.aws.kms.keys import (
    CREATING,
    DELETING,
    DISABLED,
    ENABLED,
    PENDING_DELETION,
    PENDING_IMPORT,
    PENDING_REPLICA_DELETION,
    Key,
)

# "<arn> is pending deletion." and "... is pending import." are recorded from KMS; the texts
# of the multi-Region states are assumed to follow the same pattern.
_STATE_TEXTS = {
    PENDING_DELETION: "pending deletion",
    PENDING_IMPORT: "pending import",
    PENDING_REPLICA_DELETION: "pending replica deletion",
    CREATING: "creating",
}


def invalid(key: Key) -> KMSInvalidStateException:
    text = _STATE_TEXTS.get(key.state, key.state)
    return KMSInvalidStateException(f"{key.arn} is {text}.")


def for_cryptography(key: Key) -> None:
    """Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, CreateGrant, RotateKeyOnDemand: Enabled only."""
    if key.state == ENABLED:
        return
    if key.state == DISABLED:
        raise DisabledException(f"{key.arn} is disabled.")
    raise invalid(key)


def for_enable_disable(key: Key) -> None:
    """EnableKey, DisableKey: Enabled or Disabled."""
    if key.state in (ENABLED, DISABLED):
        return
    raise invalid(key)


def for_rotation_settings(key: Key) -> None:
    """Enable/DisableKeyRotation: Enabled only; imported material can't be rotated this way."""
    if key.origin == "EXTERNAL":
        raise UnsupportedOperationException(
            f"{key.arn} origin is EXTERNAL which is not valid for this operation."
        )
    for_cryptography(key)


def not_pending_deletion(key: Key) -> None:
    """ScheduleKeyDeletion, CreateAlias, Tag/UntagResource, UpdateKeyDescription, import.
    A primary waiting for its replicas' deletion counts as pending deletion."""
    if key.state in DELETING:
        raise invalid(key)


def pending_deletion_only(key: Key) -> None:
    """CancelKeyDeletion."""
    if key.state not in DELETING:
        raise KMSInvalidStateException(f"{key.arn} is not pending deletion.")
