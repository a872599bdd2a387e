"""Imported key material: wrap with the real public key, import, expire, delete, re-import."""

from __future__ import annotations

import hmac
import os
from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

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


# ---- asymmetric and HMAC key material --------------------------------------------------

def pkcs8(private_key):
    return private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def spki(private_key):
    return private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_rsa_private_key_imported_signs_what_the_public_key_verifies(kms):
    key = kms.create_key(Origin="EXTERNAL", KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    assert key["KeyState"] == "PendingImport" and key["SigningAlgorithms"]
    private = rsa.generate_private_key(65537, 2048)
    out = import_material(kms, key["KeyId"], pkcs8(private), algorithm="RSA_AES_KEY_WRAP_SHA_256",
                          ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    assert out["KeyId"] == key["Arn"] and "KeyMaterialId" not in out
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    # As recorded against KMS for imported asymmetric keys: no CurrentKeyMaterialId.
    assert meta["KeyState"] == "Enabled" and meta["ExpirationModel"] == "KEY_MATERIAL_DOES_NOT_EXPIRE"
    assert "CurrentKeyMaterialId" not in meta
    assert kms.get_public_key(KeyId=key["KeyId"])["PublicKey"] == spki(private)
    signature = kms.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
    # Verified outside KMS with the imported key's own public half.
    private.public_key().verify(
        signature, b"m", padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256()
    )


@pytest.mark.parametrize(
    ("spec", "curve", "algorithm", "wrapping_algorithm", "wrapping_spec"),
    [
        # The wrapping choices LocalStack's snapshot tests recorded succeeding against KMS.
        ("ECC_NIST_P256", ec.SECP256R1(), "ECDSA_SHA_256", "RSAES_OAEP_SHA_1", "RSA_2048"),
        ("ECC_NIST_P384", ec.SECP384R1(), "ECDSA_SHA_384", "RSAES_OAEP_SHA_1", "RSA_2048"),
        ("ECC_NIST_P521", ec.SECP521R1(), "ECDSA_SHA_512", "RSAES_OAEP_SHA_256", "RSA_4096"),
        ("ECC_SECG_P256K1", ec.SECP256K1(), "ECDSA_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_2048"),
    ],
)
def test_ecc_private_key_imported(kms, spec, curve, algorithm, wrapping_algorithm, wrapping_spec):
    key = kms.create_key(Origin="EXTERNAL", KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    private = ec.generate_private_key(curve)
    import_material(kms, key["KeyId"], pkcs8(private), algorithm=wrapping_algorithm, spec=wrapping_spec)
    assert kms.get_public_key(KeyId=key["KeyId"])["PublicKey"] == spki(private)
    signature = kms.sign(KeyId=key["KeyId"], Message=b"msg", SigningAlgorithm=algorithm)["Signature"]
    digest = {"ECDSA_SHA_256": hashes.SHA256(), "ECDSA_SHA_384": hashes.SHA384(), "ECDSA_SHA_512": hashes.SHA512()}
    private.public_key().verify(signature, b"msg", ec.ECDSA(digest[algorithm]))
    assert kms.verify(KeyId=key["KeyId"], Message=b"msg", Signature=signature,
                      SigningAlgorithm=algorithm)["SignatureValid"] is True


def test_imported_ecc_key_agreement_matches_ecdh_outside(kms):
    key = kms.create_key(Origin="EXTERNAL", KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]
    private = ec.generate_private_key(ec.SECP256R1())
    import_material(kms, key["KeyId"], pkcs8(private))
    peer = ec.generate_private_key(ec.SECP256R1())
    secret = kms.derive_shared_secret(KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=spki(peer))
    assert secret["SharedSecret"] == peer.exchange(ec.ECDH(), private.public_key())


@pytest.mark.parametrize(("spec", "length", "algorithm"), [
    ("HMAC_224", 28, "HMAC_SHA_224"), ("HMAC_256", 64, "HMAC_SHA_256"),
    ("HMAC_384", 48, "HMAC_SHA_384"), ("HMAC_512", 128, "HMAC_SHA_512"),
])
def test_hmac_material_imported_matches_hmac_outside(kms, spec, length, algorithm):
    key = kms.create_key(Origin="EXTERNAL", KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    material = os.urandom(length)
    import_material(kms, key["KeyId"], material, spec="RSA_4096")
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "Enabled" and "CurrentKeyMaterialId" not in meta
    mac = kms.generate_mac(KeyId=key["KeyId"], Message=b"m", MacAlgorithm=algorithm)["Mac"]
    assert mac == hmac.new(material, b"m", algorithm[5:].replace("_", "").lower()).digest()


@pytest.mark.parametrize(("spec", "length"), [("HMAC_224", 27), ("HMAC_256", 65), ("HMAC_512", 63)])
def test_hmac_material_of_the_wrong_length(kms, spec, length):
    key = kms.create_key(Origin="EXTERNAL", KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    with pytest.raises(kms.exceptions.IncorrectKeyMaterialException):
        import_material(kms, key["KeyId"], os.urandom(length))
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"


def test_material_that_is_not_a_key_of_the_spec(kms):
    key = kms.create_key(Origin="EXTERNAL", KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    for material in (pkcs8(ec.generate_private_key(ec.SECP256R1())), os.urandom(48)):
        with pytest.raises(kms.exceptions.IncorrectKeyMaterialException):
            import_material(kms, key["KeyId"], material)
    rsa_key = kms.create_key(Origin="EXTERNAL", KeySpec="RSA_3072", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    with pytest.raises(kms.exceptions.IncorrectKeyMaterialException):
        import_material(kms, rsa_key["KeyId"], pkcs8(rsa.generate_private_key(65537, 2048)),
                        algorithm="RSA_AES_KEY_WRAP_SHA_256")


@pytest.mark.parametrize(("spec", "algorithm", "wrapping_spec"), [
    ("RSA_2048", "RSAES_OAEP_SHA_256", "RSA_4096"),
    ("RSA_4096", "RSAES_OAEP_SHA_1", "RSA_2048"),
    ("ECC_NIST_P521", "RSAES_OAEP_SHA_256", "RSA_2048"),
])
def test_wrapping_choices_that_cannot_carry_the_material(kms, spec, algorithm, wrapping_spec):
    key = kms.create_key(Origin="EXTERNAL", KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    with pytest.raises(ClientError) as caught:
        kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm=algorithm, WrappingKeySpec=wrapping_spec)
    assert code_of(caught) == "ValidationException"
    # The documented way round works.
    kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256",
                                  WrappingKeySpec=wrapping_spec)


def test_asymmetric_material_deleted_and_reimported(kms):
    key = kms.create_key(Origin="EXTERNAL", KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    private = ec.generate_private_key(ec.SECP256R1())
    import_material(kms, key["KeyId"], pkcs8(private))
    assert "KeyMaterialId" not in kms.delete_imported_key_material(KeyId=key["KeyId"])
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "PendingImport" and "ExpirationModel" not in meta
    with pytest.raises(kms.exceptions.KMSInvalidStateException):
        kms.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    # Asymmetric keys keep their first material: another key is refused, the same one is taken.
    with pytest.raises(kms.exceptions.IncorrectKeyMaterialException):
        import_material(kms, key["KeyId"], pkcs8(ec.generate_private_key(ec.SECP256R1())))
    import_material(kms, key["KeyId"], pkcs8(private))
    signature = kms.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    private.public_key().verify(signature, b"m", ec.ECDSA(hashes.SHA256()))


@pytest.mark.parametrize("extra", [{"ImportType": "NEW_KEY_MATERIAL"}, {"KeyMaterialDescription": "d"}])
def test_import_type_and_material_options_are_for_symmetric_keys(kms, extra):
    key = kms.create_key(Origin="EXTERNAL", KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    with pytest.raises(ClientError) as caught:
        import_material(kms, key["KeyId"], os.urandom(32), **extra)
    assert code_of(caught) == "ValidationException"


def test_expires_without_valid_to_in_kms_words(kms, key):
    with pytest.raises(ClientError) as caught:
        import_material(kms, key["KeyId"], os.urandom(32), ExpirationModel="KEY_MATERIAL_EXPIRES")
    assert caught.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES",
    }


def test_symmetric_material_id_stays_shown_after_deletion(kms, key):
    out = import_material(kms, key["KeyId"], os.urandom(32))
    kms.delete_imported_key_material(KeyId=key["KeyId"])
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    # As recorded against KMS: PendingImport, still naming its (absent) current material.
    assert meta["KeyState"] == "PendingImport" and meta["CurrentKeyMaterialId"] == out["KeyMaterialId"]


# ---- several key materials: ImportType, KeyMaterialId, on-demand rotation ---------------

def states_of(kms, key_id):
    rotations = kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    return {r["KeyMaterialId"]: (r["KeyMaterialState"], r["ImportState"]) for r in rotations}


def test_new_material_waits_for_rotation_on_demand(kms, key):
    first = import_material(kms, key["KeyId"], os.urandom(32))["KeyMaterialId"]
    old = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"old")["CiphertextBlob"]
    with pytest.raises(ClientError) as caught:
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
    assert caught.value.response["Error"] == {  # recorded against KMS
        "Code": "KMSInvalidStateException",
        "Message": f"No available key material pending rotation for the key: {key['Arn']}.",
    }
    second = import_material(kms, key["KeyId"], os.urandom(32), ImportType="NEW_KEY_MATERIAL",
                             KeyMaterialDescription="next one")["KeyMaterialId"]
    assert second != first
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"] == first
    assert states_of(kms, key["KeyId"]) == {first: ("CURRENT", "IMPORTED"), second: ("PENDING_ROTATION", "IMPORTED")}
    assert kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"])[
        "KeyMaterialId"] == first
    third = os.urandom(32)
    with pytest.raises(ClientError) as caught:
        import_material(kms, key["KeyId"], third, ImportType="NEW_KEY_MATERIAL")
    error = caught.value.response["Error"]
    assert error["Code"] == "KMSInvalidStateException"
    assert error["Message"].endswith(
        f"cannot be imported into KMS key {key['KeyId']}, because another key material (id: {second}) "
        "is pending rotation."
    )
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"] == second
    assert states_of(kms, key["KeyId"]) == {first: ("NON_CURRENT", "IMPORTED"), second: ("CURRENT", "IMPORTED")}
    (rotation,) = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert rotation["RotationType"] == "ON_DEMAND" and rotation["KeyMaterialDescription"] == "next one"
    new = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"new")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=new)["KeyMaterialId"] == second
    assert kms.decrypt(CiphertextBlob=old)["Plaintext"] == b"old"


def test_key_material_id_options(kms, key):
    material = os.urandom(32)
    first = import_material(kms, key["KeyId"], material)["KeyMaterialId"]
    with pytest.raises(ClientError) as caught:
        import_material(kms, key["KeyId"], os.urandom(32), ImportType="NEW_KEY_MATERIAL", KeyMaterialId=first)
    assert code_of(caught) == "ValidationException"
    with pytest.raises(kms.exceptions.IncorrectKeyMaterialException):
        import_material(kms, key["KeyId"], material, ImportType="EXISTING_KEY_MATERIAL", KeyMaterialId="0" * 64)
    with pytest.raises(kms.exceptions.IncorrectKeyMaterialException):  # already the key's
        import_material(kms, key["KeyId"], material, ImportType="NEW_KEY_MATERIAL")
    out = import_material(kms, key["KeyId"], material, ImportType="EXISTING_KEY_MATERIAL", KeyMaterialId=first)
    assert out["KeyMaterialId"] == first


def test_deleting_staged_or_older_material(kms, key):
    first_material = os.urandom(32)
    first = import_material(kms, key["KeyId"], first_material)["KeyMaterialId"]
    staged = import_material(kms, key["KeyId"], os.urandom(32), ImportType="NEW_KEY_MATERIAL")["KeyMaterialId"]
    # Staged material is not yet the key's: deleting it frees the place for other material.
    assert kms.delete_imported_key_material(KeyId=key["KeyId"], KeyMaterialId=staged)["KeyMaterialId"] == staged
    assert staged not in states_of(kms, key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    second = import_material(kms, key["KeyId"], os.urandom(32), ImportType="NEW_KEY_MATERIAL")["KeyMaterialId"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    # Any permanently associated material missing makes the key wait for it.
    kms.delete_imported_key_material(KeyId=key["KeyId"], KeyMaterialId=first)
    assert states_of(kms, key["KeyId"])[first] == ("NON_CURRENT", "PENDING_IMPORT")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.delete_imported_key_material(KeyId=key["KeyId"], KeyMaterialId="f" * 64)
    import_material(kms, key["KeyId"], first_material)  # EXISTING_KEY_MATERIAL by default now
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"] == second
    assert kms.decrypt(CiphertextBlob=blob)["KeyMaterialId"] == first


def test_staged_material_expires_on_the_clock(ssm_kms, kms, key):
    import_material(kms, key["KeyId"], os.urandom(32))
    staged = import_material(kms, key["KeyId"], os.urandom(32), ImportType="NEW_KEY_MATERIAL",
                             ExpirationModel="KEY_MATERIAL_EXPIRES",
                             ValidTo=ssm_kms.clock.now() + timedelta(days=1))["KeyMaterialId"]
    ssm_kms.clock.advance(days=2)
    assert states_of(kms, key["KeyId"])[staged] == ("PENDING_ROTATION", "PENDING_IMPORT")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    with pytest.raises(kms.exceptions.KMSInvalidStateException):
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
