"""The key-state table (KMS Developer Guide, "Key states of AWS KMS keys"), one check per row."""

from __future__ import annotations

from pytest_ssmkms.aws.kms.errors import (
    DisabledException,
    KMSInvalidStateException,
    UnsupportedOperationException,
)
from pytest_ssmkms.aws.kms.keys import DISABLED, ENABLED, PENDING_DELETION, PENDING_IMPORT, Key


def _invalid(key: Key) -> KMSInvalidStateException:
    text = {PENDING_DELETION: "pending deletion", PENDING_IMPORT: "pending import"}.get(
        key.state, key.state
    )
    return KMSInvalidStateException(f"{key.arn} is {text}.")


def for_cryptography(key: Key) -> None:
    """Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, CreateGrant, RotateKeyOnDemand: Enabled only."""
    if key.state == ENABLED:
        return
    if key.state == DISABLED:
        raise DisabledException(f"{key.arn} is disabled.")
    raise _invalid(key)


def for_enable_disable(key: Key) -> None:
    """EnableKey, DisableKey: Enabled or Disabled."""
    if key.state in (ENABLED, DISABLED):
        return
    raise _invalid(key)


def for_rotation_settings(key: Key) -> None:
    """Enable/DisableKeyRotation: Enabled only; imported material can't be rotated this way."""
    if key.origin == "EXTERNAL":
        raise UnsupportedOperationException(
            f"{key.arn} origin is EXTERNAL which is not valid for this operation."
        )
    for_cryptography(key)


def not_pending_deletion(key: Key) -> None:
    """ScheduleKeyDeletion, CreateAlias, Tag/UntagResource, UpdateKeyDescription, import."""
    if key.state == PENDING_DELETION:
        raise _invalid(key)


def pending_deletion_only(key: Key) -> None:
    """CancelKeyDeletion."""
    if key.state != PENDING_DELETION:
        raise KMSInvalidStateException(f"{key.arn} is not pending deletion.")
