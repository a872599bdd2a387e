"""ML-KEM keys: CreateKey, DescribeKey, GetPublicKey, Encapsulate and Decapsulate through boto3,
checked against cryptography's ML-KEM outside the plugin.

botocore models Encapsulate/Decapsulate and the ML_KEM_* key specs from 1.44: with an older
model these tests skip (and the operations answer UnknownOperationException, tested last). The
party outside KMS uses cryptography's ML-KEM where it has the parameter set (it has no
ML-KEM-512), else the FIPS 203 code of tests/kms/test_mlkem_fips203.py's subject.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization

from pytest_ssmkms import mock_ssm_kms
from pytest_ssmkms.aws.kms import mlkem, mlkem_fips203
from tests.reliability.test_raw_bodies import send
from tests.shapes import check_trail_outputs, model_has, model_lists

SPECS = ["ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"]
MODELLED = model_has("kms", "Encapsulate")
needs_model = pytest.mark.skipif(not MODELLED, reason="botocore's model has no Encapsulate (before 1.44)")
# FIPS 203's sizes: encapsulation key and ciphertext bytes per parameter set.
PUBLIC_BYTES = {"ML_KEM_512": 800, "ML_KEM_768": 1184, "ML_KEM_1024": 1568}
CIPHERTEXT_BYTES = {"ML_KEM_512": 768, "ML_KEM_768": 1088, "ML_KEM_1024": 1568}


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


def outside_public(spec, der):
    """A public key from its DER, as a party outside KMS loads it."""
    try:
        return serialization.load_der_public_key(der)
    except Exception:  # cryptography without this parameter set (ML-KEM-512)
        return mlkem_fips203.PublicKey(spec, der[-PUBLIC_BYTES[spec]:])


def outside_private(der):
    try:
        return serialization.load_der_private_key(der, password=None)
    except Exception:
        return mlkem.load_pkcs8(der)


def create(kms, spec, **extra):
    return kms.create_key(KeySpec=spec, KeyUsage="ENCAPSULATE_DECAPSULATE", **extra)["KeyMetadata"]


def error(caught):
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


@needs_model
@pytest.mark.parametrize("spec", SPECS)
def test_key_is_described_with_its_encapsulation_algorithm(kms, spec):
    key = create(kms, spec)
    assert key["KeySpec"] == spec and key["KeyUsage"] == "ENCAPSULATE_DECAPSULATE"
    assert key["EncapsulationAlgorithms"] == ["ML_KEM"]
    assert "CustomerMasterKeySpec" not in key and "SigningAlgorithms" not in key
    assert "EncryptionAlgorithms" not in key
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["EncapsulationAlgorithms"] == ["ML_KEM"]


@needs_model
@pytest.mark.parametrize("spec", SPECS)
def test_shared_secret_round_trip_and_outside_kms(kms, spec):
    key = create(kms, spec)
    public = kms.get_public_key(KeyId=key["KeyId"])
    assert public["KeySpec"] == spec and public["KeyUsage"] == "ENCAPSULATE_DECAPSULATE"
    assert public["EncapsulationAlgorithms"] == ["ML_KEM"] and "CustomerMasterKeySpec" not in public
    # DER SubjectPublicKeyInfo, as for every KMS public key: cryptography reads it as ML-KEM.
    outside = outside_public(spec, public["PublicKey"])
    assert len(outside.public_bytes_raw()) == PUBLIC_BYTES[spec]

    out = kms.encapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM")
    assert out["KeyId"] == key["Arn"] and out["EncapsulationAlgorithm"] == "ML_KEM"
    assert len(out["SharedSecret"]) == 32
    assert len(out["SharedSecretCiphertextBlob"]) == CIPHERTEXT_BYTES[spec]
    back = kms.decapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM",
                           SharedSecretCiphertextBlob=out["SharedSecretCiphertextBlob"])
    assert back["SharedSecret"] == out["SharedSecret"] and back["KeyId"] == key["Arn"]

    # A party outside KMS encapsulates with GetPublicKey's key; KMS recovers the same secret.
    secret, ciphertext = outside.encapsulate()
    got = kms.decapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM",
                          SharedSecretCiphertextBlob=ciphertext)
    assert got["SharedSecret"] == secret


@needs_model
def test_each_encapsulation_is_new_and_another_key_gives_implicit_rejection(kms):
    key, other = create(kms, "ML_KEM_768"), create(kms, "ML_KEM_768")
    one = kms.encapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM")
    two = kms.encapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM")
    assert one["SharedSecret"] != two["SharedSecret"]
    # Documented: a ciphertext of the right length made for another key is no error; the
    # answer is a pseudo-random 32 bytes (FIPS 203's implicit rejection), the same each time.
    blob = one["SharedSecretCiphertextBlob"]
    wrong = kms.decapsulate(KeyId=other["KeyId"], EncapsulationAlgorithm="ML_KEM",
                            SharedSecretCiphertextBlob=blob)["SharedSecret"]
    assert len(wrong) == 32 and wrong != one["SharedSecret"]
    again = kms.decapsulate(KeyId=other["KeyId"], EncapsulationAlgorithm="ML_KEM",
                            SharedSecretCiphertextBlob=blob)["SharedSecret"]
    assert again == wrong
    altered = bytes([blob[0] ^ 1]) + blob[1:]
    assert kms.decapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM",
                           SharedSecretCiphertextBlob=altered)["SharedSecret"] != one["SharedSecret"]


@needs_model
def test_ciphertext_of_another_length_is_invalid(kms):
    key = create(kms, "ML_KEM_768")
    for size in (1, 768, 1087, 1089, 1568):
        with pytest.raises(kms.exceptions.InvalidCiphertextException):
            kms.decapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM",
                            SharedSecretCiphertextBlob=b"\x01" * size)


@needs_model
def test_other_keys_are_refused_with_the_key_usage_text(kms):
    symmetric = kms.create_key()["KeyMetadata"]
    rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    for key, usage in ((symmetric, "ENCRYPT_DECRYPT"), (rsa, "ENCRYPT_DECRYPT")):
        with pytest.raises(kms.exceptions.InvalidKeyUsageException) as caught:
            kms.encapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM")
        assert error(caught)[1] == f"{key['Arn']} key usage is {usage} which is not valid for Encapsulate."
        with pytest.raises(kms.exceptions.InvalidKeyUsageException) as caught:
            kms.decapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM",
                            SharedSecretCiphertextBlob=b"\x00" * 1088)
        assert error(caught)[1] == f"{key['Arn']} key usage is {usage} which is not valid for Decapsulate."
    kem = create(kms, "ML_KEM_768")
    with pytest.raises(kms.exceptions.InvalidKeyUsageException):
        kms.encrypt(KeyId=kem["KeyId"], Plaintext=b"x")
    with pytest.raises(kms.exceptions.InvalidKeyUsageException):
        kms.sign(KeyId=kem["KeyId"], Message=b"x", SigningAlgorithm="ML_DSA_SHAKE_256")


@needs_model
def test_key_usage_and_spec_must_match(kms):
    with pytest.raises(ClientError) as caught:
        kms.create_key(KeySpec="ML_KEM_768", KeyUsage="ENCRYPT_DECRYPT")
    assert error(caught) == ("ValidationException", "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ML_KEM_768")
    with pytest.raises(ClientError) as caught:
        kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCAPSULATE_DECAPSULATE")
    assert error(caught)[0] == "ValidationException"
    with pytest.raises(ClientError) as caught:
        kms.create_key(KeySpec="ML_KEM_768")  # no KeyUsage: not a symmetric key
    assert error(caught)[0] == "ValidationException"


@needs_model
def test_key_states(kms):
    key = create(kms, "ML_KEM_768")
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(kms.exceptions.DisabledException) as caught:
        kms.encapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM")
    assert error(caught)[1] == f"{key['Arn']} is disabled."
    kms.enable_key(KeyId=key["KeyId"])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    with pytest.raises(kms.exceptions.KMSInvalidStateException) as caught:
        kms.decapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM",
                        SharedSecretCiphertextBlob=b"\x00" * 1088)
    assert error(caught)[1] == f"{key['Arn']} is pending deletion."


@needs_model
def test_dry_run_and_grant_tokens(kms):
    key = create(kms, "ML_KEM_768")
    with pytest.raises(kms.exceptions.DryRunOperationException):
        kms.encapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM", DryRun=True)
    with pytest.raises(kms.exceptions.InvalidCiphertextException):  # checked before DryRun answers
        kms.decapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM",
                        SharedSecretCiphertextBlob=b"\x00", DryRun=True)
    with pytest.raises(kms.exceptions.InvalidGrantTokenException):
        kms.encapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM", GrantTokens=["nope"])


@needs_model
def test_permissions_are_kms_encapsulate_and_decapsulate(ssm_kms):
    admin = boto3.client("kms")
    key = create(admin, "ML_KEM_768")
    blob = admin.encapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM")["SharedSecretCiphertextBlob"]
    sender = ssm_kms.principal("sender", {"Statement": [
        {"Effect": "Allow", "Action": "kms:Encapsulate", "Resource": key["Arn"]}]}).session().client("kms")
    sender.encapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM")
    with pytest.raises(ClientError) as caught:
        sender.decapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM",
                           SharedSecretCiphertextBlob=blob)
    code, message = error(caught)
    assert code == "AccessDeniedException" and "kms:Decapsulate" in message
    # A grant for Decapsulate lets a grantee without any policy recover secrets.
    receiver = ssm_kms.principal("receiver")
    admin.create_grant(KeyId=key["KeyId"], GranteePrincipal=receiver.arn, Operations=["Decapsulate"])
    client = receiver.session().client("kms")
    client.decapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM", SharedSecretCiphertextBlob=blob)
    with pytest.raises(ClientError):
        client.encapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM")


@needs_model
def test_trail_hides_the_secret_and_last_usage_tracks_it(ssm_kms, kms):
    key = create(kms, "ML_KEM_768")
    start = len(ssm_kms.trail.calls)
    out = kms.encapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM")
    kms.decapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM",
                    SharedSecretCiphertextBlob=out["SharedSecretCiphertextBlob"])
    assert check_trail_outputs(ssm_kms.trail.calls[start:]) == []
    text = json.dumps(ssm_kms.trail.lookup("Encapsulate") + ssm_kms.trail.lookup("Decapsulate"))
    assert out["SharedSecret"].hex() not in text and "sharedSecret" not in text
    event = ssm_kms.trail.lookup("Decapsulate")[-1]
    assert event["readOnly"] is True
    assert event["resources"][0]["ARN"] == key["Arn"]
    if model_lists("kms", "KeyLastUsageTrackingOperation", "Decapsulate"):
        usage = kms.get_key_last_usage(KeyId=key["KeyId"])["KeyLastUsage"]
        assert usage["Operation"] == "Decapsulate" and usage["CloudTrailEventId"] == event["eventID"]


@needs_model
@pytest.mark.parametrize("spec", SPECS)
def test_data_key_pairs(kms, spec):
    wrapping = kms.create_key()["KeyMetadata"]["KeyId"]
    pair = kms.generate_data_key_pair(KeyId=wrapping, KeyPairSpec=spec)
    assert pair["KeyPairSpec"] == spec
    private = outside_private(pair["PrivateKeyPlaintext"])
    # Documented: the PKCS #8 private key is in seed format, the same length for every spec
    # (the 64-byte seed behind a fixed header).
    assert len(pair["PrivateKeyPlaintext"]) == 86 and pair["PrivateKeyPlaintext"].endswith(
        private.private_bytes_raw())
    public = outside_public(spec, pair["PublicKey"])
    secret, ciphertext = public.encapsulate()
    assert private.decapsulate(ciphertext) == secret
    assert kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"])["Plaintext"] == pair["PrivateKeyPlaintext"]


@needs_model
def test_not_in_china_regions(ssm_kms):
    kms = boto3.client("kms", region_name="cn-north-1")
    with pytest.raises(kms.exceptions.UnsupportedOperationException):
        create(kms, "ML_KEM_768")
    wrapping = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(kms.exceptions.UnsupportedOperationException):
        kms.generate_data_key_pair(KeyId=wrapping, KeyPairSpec="ML_KEM_768")


@pytest.mark.skipif(MODELLED, reason="the installed botocore models Encapsulate")
def test_an_older_model_answers_unknown_operation():
    with mock_ssm_kms():
        response = send("kms", "Encapsulate", b'{"KeyId": "k", "EncapsulationAlgorithm": "ML_KEM"}')
    assert response.status_code == 400
    assert json.loads(response.content)["__type"] == "UnknownOperationException"


@needs_model
def test_imported_ml_kem_key(kms):
    """Imported material is the PKCS #8 private key (seed format, as GenerateDataKeyPair gives
    it); the key then decapsulates what its own public key encapsulated outside KMS."""
    from cryptography.hazmat.primitives.asymmetric import mlkem as outside_mlkem

    from pytest_ssmkms.aws.kms.wrapping import wrap

    mine = outside_mlkem.MLKEM768PrivateKey.generate()
    pkcs8 = mine.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())
    key = create(kms, "ML_KEM_768", Origin="EXTERNAL")
    params = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                           WrappingKeySpec="RSA_2048")
    kms.import_key_material(KeyId=key["KeyId"], ImportToken=params["ImportToken"],
                            EncryptedKeyMaterial=wrap(params["PublicKey"], "RSAES_OAEP_SHA_256", pkcs8),
                            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    public = kms.get_public_key(KeyId=key["KeyId"])["PublicKey"]
    assert public == mine.public_key().public_bytes(serialization.Encoding.DER,
                                                    serialization.PublicFormat.SubjectPublicKeyInfo)
    secret, ciphertext = mine.public_key().encapsulate()
    assert kms.decapsulate(KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM",
                           SharedSecretCiphertextBlob=ciphertext)["SharedSecret"] == secret
    other = outside_mlkem.MLKEM1024PrivateKey.generate().private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fresh = create(kms, "ML_KEM_768", Origin="EXTERNAL")
    params = kms.get_parameters_for_import(KeyId=fresh["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                           WrappingKeySpec="RSA_2048")
    with pytest.raises(kms.exceptions.IncorrectKeyMaterialException):
        kms.import_key_material(KeyId=fresh["KeyId"], ImportToken=params["ImportToken"],
                                EncryptedKeyMaterial=wrap(params["PublicKey"], "RSAES_OAEP_SHA_256", other),
                                ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")


@needs_model
def test_deterministic_mode_reproduces_the_key_pair():

    def public_key():
        with mock_ssm_kms(deterministic=42):
            kms = boto3.client("kms", region_name="us-east-1")
            key = create(kms, "ML_KEM_768")
            return kms.get_public_key(KeyId=key["KeyId"])["PublicKey"]

    assert public_key() == public_key()
