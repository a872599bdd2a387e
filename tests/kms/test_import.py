"""Imported key material: wrap with the real public key, import, expire, delete, re-import."""

from __future__ import annotations

import os
from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms.aws.kms.wrapping import wrap


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


@pytest.fixture
def key(kms):
    return kms.create_key(Origin="EXTERNAL")["KeyMetadata"]


def code_of(caught):
    return caught.value.response["Error"]["Code"]


def import_material(kms, key_id, material, algorithm="RSAES_OAEP_SHA_256", spec="RSA_2048", **kwargs):
    params = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec=spec)
    wrapped = wrap(params["PublicKey"], algorithm, material)
    return kms.import_key_material(
        KeyId=key_id, ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrapped, **kwargs
    )


@pytest.mark.parametrize(
    ("algorithm", "spec"),
    [
        ("RSAES_OAEP_SHA_1", "RSA_2048"),
        ("RSAES_OAEP_SHA_256", "RSA_3072"),
        ("RSA_AES_KEY_WRAP_SHA_1", "RSA_2048"),
        ("RSA_AES_KEY_WRAP_SHA_256", "RSA_4096"),
    ],
)
def test_import_round_trip(ssm_kms, kms, key, algorithm, spec):
    params = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm=algorithm, WrappingKeySpec=spec)
    assert params["KeyId"] == key["Arn"]
    assert abs(params["ParametersValidTo"] - (ssm_kms.clock.now() + timedelta(hours=24))) < timedelta(seconds=5)
    material = os.urandom(32)
    out = kms.import_key_material(
        KeyId=key["KeyId"],
        ImportToken=params["ImportToken"],
        EncryptedKeyMaterial=wrap(params["PublicKey"], algorithm, material),
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
    )
    assert out["KeyId"] == key["Arn"] and len(out["KeyMaterialId"]) == 64
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "Enabled"
    assert meta["ExpirationModel"] == "KEY_MATERIAL_DOES_NOT_EXPIRE"
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"


def test_delete_and_reimport_the_same_material_restores_old_ciphertexts(kms, key):
    material = os.urandom(32)
    import_material(kms, key["KeyId"], material)
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    out = kms.delete_imported_key_material(KeyId=key["KeyId"])
    assert out["KeyId"] == key["Arn"]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=blob)
    assert caught.value.response["Error"] == {
        "Code": "KMSInvalidStateException",
        "Message": f"{key['Arn']} is pending import.",
    }
    with pytest.raises(kms.exceptions.IncorrectKeyMaterialException):
        import_material(kms, key["KeyId"], os.urandom(32))
    import_material(kms, key["KeyId"], material)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"


def test_valid_to_is_honoured_on_the_clock(ssm_kms, kms, key):
    valid_to = ssm_kms.clock.now() + timedelta(days=10)
    import_material(kms, key["KeyId"], os.urandom(32), ValidTo=valid_to, ExpirationModel="KEY_MATERIAL_EXPIRES")
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"
    assert abs(meta["ValidTo"] - valid_to) < timedelta(seconds=1)
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")
    ssm_kms.clock.advance(days=10, seconds=1)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    with pytest.raises(kms.exceptions.KMSInvalidStateException):
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")


@pytest.mark.parametrize(
    "kwargs",
    [{"ExpirationModel": "KEY_MATERIAL_EXPIRES"}, {"ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE", "ValidTo": "2999-01-01"}],
)
def test_expiration_model_and_valid_to_must_agree(kms, key, kwargs):
    with pytest.raises(ClientError) as caught:
        import_material(kms, key["KeyId"], os.urandom(32), **kwargs)
    assert code_of(caught) == "ValidationException"


def test_wrong_token_or_material(kms, key):
    other = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
    params = kms.get_parameters_for_import(KeyId=other["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    wrapped = wrap(params["PublicKey"], "RSAES_OAEP_SHA_256", os.urandom(32))
    with pytest.raises(kms.exceptions.InvalidImportTokenException):
        kms.import_key_material(KeyId=key["KeyId"], ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrapped)
    with pytest.raises(kms.exceptions.InvalidImportTokenException):
        kms.import_key_material(KeyId=other["KeyId"], ImportToken=b"made up", EncryptedKeyMaterial=wrapped)
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.import_key_material(KeyId=other["KeyId"], ImportToken=params["ImportToken"], EncryptedKeyMaterial=b"x" * 256)
    # Wrapped with SHA-1 while the token says SHA-256.
    sha1 = wrap(params["PublicKey"], "RSAES_OAEP_SHA_1", os.urandom(32))
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.import_key_material(KeyId=other["KeyId"], ImportToken=params["ImportToken"], EncryptedKeyMaterial=sha1)
    short = wrap(params["PublicKey"], "RSAES_OAEP_SHA_256", os.urandom(16))
    with pytest.raises(kms.exceptions.IncorrectKeyMaterialException):
        kms.import_key_material(KeyId=other["KeyId"], ImportToken=params["ImportToken"], EncryptedKeyMaterial=short)


def test_expired_import_token(ssm_kms, kms, key):
    params = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    ssm_kms.clock.advance(hours=24, seconds=1)
    with pytest.raises(kms.exceptions.ExpiredImportTokenException):
        kms.import_key_material(
            KeyId=key["KeyId"],
            ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrap(params["PublicKey"], "RSAES_OAEP_SHA_256", os.urandom(32)),
        )


def test_only_external_keys_import(kms):
    native = kms.create_key()["KeyMetadata"]
    for call, kwargs in (
        (kms.get_parameters_for_import, {"WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}),
        (kms.delete_imported_key_material, {}),
    ):
        with pytest.raises(ClientError) as caught:
            call(KeyId=native["KeyId"], **kwargs)
        assert caught.value.response["Error"] == {
            "Code": "UnsupportedOperationException",
            "Message": f"{native['Arn']} origin is AWS_KMS which is not valid for this operation.",
        }


def test_import_refused_while_pending_deletion(kms, key):
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    with pytest.raises(kms.exceptions.KMSInvalidStateException):
        kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    kms.cancel_key_deletion(KeyId=key["KeyId"])
    # Cancelling the deletion of a key that never had material leaves it waiting for it.
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"


def test_unsupported_wrapping_choices(kms, key):
    with pytest.raises(ClientError) as caught:
        kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_PKCS1_V1_5", WrappingKeySpec="RSA_2048")
    assert code_of(caught) == "ValidationException"
