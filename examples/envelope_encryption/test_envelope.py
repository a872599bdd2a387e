"""The file vault against real KMS semantics: data keys, rotation, deletion, re-wrapping."""

import shutil

import boto3
import pytest

from .app import SealError, rewrap, seal, unseal

SECRET = b"quarterly numbers: do not share\n" * 100

pytestmark = pytest.mark.kms_key(alias="alias/file-vault", description="file vault")


@pytest.fixture
def sealed(tmp_path, ssm_kms):
    """A file sealed under alias/file-vault (the test's trail starts after it)."""
    source = tmp_path / "report.txt"
    source.write_bytes(SECRET)
    target = tmp_path / "report.txt.sealed"
    seal(source, target, "alias/file-vault")
    ssm_kms.trail.clear()
    return target


def vault_key_id():
    return boto3.client("kms").describe_key(KeyId="alias/file-vault")["KeyMetadata"]["KeyId"]


def test_round_trip(tmp_path, ssm_kms):
    source = tmp_path / "report.txt"
    source.write_bytes(SECRET)
    target = tmp_path / "report.txt.sealed"

    seal(source, target, "alias/file-vault")

    assert SECRET[:32] not in target.read_bytes()
    assert unseal(target) == SECRET
    # One data key per file; KMS saw the file's name as context, never its contents.
    (generated,) = ssm_kms.trail.lookup(event_name="GenerateDataKey")
    assert generated["requestParameters"]["encryptionContext"] == {
        "app": "file-vault",
        "file": "report.txt.sealed",
    }
    ssm_kms.trail.assert_called("Decrypt", times=1)


def test_a_renamed_file_does_not_open(sealed):
    moved = sealed.with_name("payroll.txt.sealed")
    shutil.copy(sealed, moved)
    with pytest.raises(SealError, match="InvalidCiphertextException"):
        unseal(moved)


def test_key_scheduled_for_deletion_blocks_opening_until_cancelled(sealed):
    kms = boto3.client("kms")
    key_id = vault_key_id()
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)

    with pytest.raises(SealError, match="KMSInvalidStateException: .* is pending deletion"):
        unseal(sealed)
    with pytest.raises(SealError, match="pending deletion"):
        seal(sealed, sealed.with_suffix(".again"), "alias/file-vault")

    # Cancelling leaves the key Disabled, as AWS does: it must be enabled again.
    kms.cancel_key_deletion(KeyId=key_id)
    with pytest.raises(SealError, match="DisabledException"):
        unseal(sealed)
    kms.enable_key(KeyId=key_id)
    assert unseal(sealed) == SECRET


def test_files_are_lost_once_the_deletion_window_passes(sealed, ssm_kms):
    boto3.client("kms").schedule_key_deletion(KeyId=vault_key_id(), PendingWindowInDays=7)
    ssm_kms.clock.advance(days=7, seconds=1)

    # The key is gone: KMS answers as for any ciphertext whose key it cannot find.
    gone = "AccessDeniedException: The ciphertext refers to a customer master key that does not exist"
    with pytest.raises(SealError, match=gone):
        unseal(sealed)


@pytest.mark.kms_key(alias="alias/file-vault-2025")
def test_rewrap_before_deleting_the_old_key(sealed, ssm_kms):
    body_before = sealed.read_bytes()[-len(SECRET):]
    rewrap(sealed, "alias/file-vault-2025")
    assert sealed.read_bytes()[-len(SECRET):] == body_before  # only the data key changed

    boto3.client("kms").schedule_key_deletion(KeyId=vault_key_id(), PendingWindowInDays=7)
    ssm_kms.clock.advance(days=8)
    assert unseal(sealed) == SECRET
    # Re-wrapping decrypted and re-encrypted inside KMS: no Decrypt or plaintext data key here.
    ssm_kms.trail.assert_called("ReEncrypt", times=1)


def test_files_sealed_before_a_rotation_still_open(tmp_path, sealed):
    kms = boto3.client("kms")
    key_id = vault_key_id()
    kms.rotate_key_on_demand(KeyId=key_id)

    # New files are sealed under the new key material, old ones still open, same key id.
    fresh_source = tmp_path / "fresh.txt"
    fresh_source.write_bytes(b"after rotation")
    fresh = tmp_path / "fresh.txt.sealed"
    seal(fresh_source, fresh, "alias/file-vault")
    assert unseal(fresh) == b"after rotation"
    assert unseal(sealed) == SECRET
    assert len(kms.list_key_rotations(KeyId=key_id)["Rotations"]) == 1


@pytest.mark.kms_key(alias="alias/file-vault", rotation=True)
def test_yearly_automatic_rotation_keeps_old_files_readable(sealed, ssm_kms):
    kms = boto3.client("kms")
    key_id = vault_key_id()
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True

    ssm_kms.clock.advance(days=366)

    (rotation,) = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    assert rotation["RotationType"] == "AUTOMATIC"
    assert unseal(sealed) == SECRET
