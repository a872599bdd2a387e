"""Asymmetric and HMAC keys: GetPublicKey, Sign/Verify, GenerateMac/VerifyMac, RSA Encrypt/Decrypt."""

from __future__ import annotations

import hashlib

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding

from tests.shapes import model_lists


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


def code_of(caught):
    return caught.value.response["Error"]["Code"]


@pytest.mark.parametrize(
    ("spec", "algorithm"),
    [
        ("ECC_NIST_P256", "ECDSA_SHA_256"),
        ("ECC_NIST_P384", "ECDSA_SHA_384"),
        ("ECC_NIST_P521", "ECDSA_SHA_512"),
        ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
        pytest.param(
            "ECC_NIST_EDWARDS25519",
            "ED25519_SHA_512",
            marks=pytest.mark.skipif(
                not model_lists("kms", "KeySpec", "ECC_NIST_EDWARDS25519"),
                reason="this botocore's model has no ECC_NIST_EDWARDS25519",
            ),
        ),
        ("RSA_2048", "RSASSA_PSS_SHA_256"),
        ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_384"),
    ],
)
def test_sign_and_verify(kms, spec, algorithm):
    key = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    out = kms.sign(KeyId=key["KeyId"], Message=b"message", SigningAlgorithm=algorithm)
    assert out["KeyId"] == key["Arn"] and out["SigningAlgorithm"] == algorithm
    ok = kms.verify(KeyId=key["KeyId"], Message=b"message", Signature=out["Signature"], SigningAlgorithm=algorithm)
    assert ok["SignatureValid"] is True
    with pytest.raises(kms.exceptions.KMSInvalidSignatureException):
        kms.verify(KeyId=key["KeyId"], Message=b"other", Signature=out["Signature"], SigningAlgorithm=algorithm)


def test_signature_verifies_with_the_public_key_outside_kms(kms):
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    public = kms.get_public_key(KeyId=key["KeyId"])
    assert public["SigningAlgorithms"] == ["ECDSA_SHA_256"] and public["KeyUsage"] == "SIGN_VERIFY"
    loaded = serialization.load_der_public_key(public["PublicKey"])
    digest = hashlib.sha256(b"payload").digest()
    signature = kms.sign(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    loaded.verify(signature, b"payload", ec.ECDSA(hashes.SHA256()))


def test_rsa_encrypt_decrypt(kms):
    key = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    out = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p", EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert out["EncryptionAlgorithm"] == "RSAES_OAEP_SHA_256"
    back = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], KeyId=key["KeyId"], EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert back["Plaintext"] == b"p"
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=out["CiphertextBlob"], KeyId=key["KeyId"], EncryptionAlgorithm="RSAES_OAEP_SHA_1")
    # Encrypting outside KMS with the public key, as users of asymmetric keys do.
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    outside = public.encrypt(b"q", padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None))
    assert kms.decrypt(CiphertextBlob=outside, KeyId=key["Arn"], EncryptionAlgorithm="RSAES_OAEP_SHA_1")["Plaintext"] == b"q"
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x" * 191, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert code_of(caught) == "ValidationException"
    with pytest.raises(kms.exceptions.InvalidKeyUsageException):
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")  # SYMMETRIC_DEFAULT on an RSA key
    with pytest.raises(kms.exceptions.InvalidKeyUsageException):
        kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")


@pytest.mark.parametrize("spec", ["HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512"])
def test_generate_and_verify_mac(kms, spec):
    algorithm = f"HMAC_SHA_{spec[5:]}"
    key = kms.create_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    out = kms.generate_mac(KeyId=key["KeyId"], Message=b"m", MacAlgorithm=algorithm)
    assert out["KeyId"] == key["Arn"] and len(out["Mac"]) == int(spec[5:]) // 8
    assert kms.generate_mac(KeyId=key["KeyId"], Message=b"m", MacAlgorithm=algorithm)["Mac"] == out["Mac"]
    assert kms.verify_mac(KeyId=key["KeyId"], Message=b"m", MacAlgorithm=algorithm, Mac=out["Mac"])["MacValid"] is True
    with pytest.raises(kms.exceptions.KMSInvalidMacException):
        kms.verify_mac(KeyId=key["KeyId"], Message=b"n", MacAlgorithm=algorithm, Mac=out["Mac"])


def test_wrong_usage_and_algorithm(kms):
    symmetric = kms.create_key()["KeyMetadata"]
    with pytest.raises(kms.exceptions.InvalidKeyUsageException):
        kms.sign(KeyId=symmetric["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    with pytest.raises(kms.exceptions.InvalidKeyUsageException):
        kms.generate_mac(KeyId=symmetric["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")
    with pytest.raises(kms.exceptions.UnsupportedOperationException):
        kms.get_public_key(KeyId=symmetric["KeyId"])
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    with pytest.raises(kms.exceptions.InvalidKeyUsageException):
        kms.sign(KeyId=signing["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_384")
    with pytest.raises(ClientError) as caught:
        kms.sign(KeyId=signing["KeyId"], Message=b"short", MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256")
    assert code_of(caught) == "ValidationException"
    mac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    with pytest.raises(kms.exceptions.InvalidKeyUsageException):
        kms.generate_mac(KeyId=mac["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_512")


def test_disabled_signing_key(kms):
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as caught:
        kms.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    assert caught.value.response["Error"] == {"Code": "DisabledException", "Message": f"{key['Arn']} is disabled."}


def test_ecc_keys_are_reproducible_in_deterministic_mode():
    from pytest_ssmkms import mock_ssm_kms

    def public_key():
        with mock_ssm_kms(deterministic=5):
            kms = boto3.client("kms")
            key = kms.create_key(KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
            return kms.get_public_key(KeyId=key["KeyId"])["PublicKey"]

    assert public_key() == public_key()


NO_ED25519_PAIRS = pytest.mark.skipif(
    not model_lists("kms", "DataKeyPairSpec", "ECC_NIST_EDWARDS25519"),
    reason="this botocore's model has no ECC_NIST_EDWARDS25519 data key pairs",
)


@pytest.mark.parametrize(
    "spec", ["ECC_NIST_P256", "RSA_2048", pytest.param("ECC_NIST_EDWARDS25519", marks=NO_ED25519_PAIRS)]
)
def test_generate_data_key_pair(kms, spec):
    key = kms.create_key()["KeyMetadata"]
    out = kms.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec=spec, EncryptionContext={"a": "b"})
    assert out["KeyId"] == key["Arn"] and out["KeyPairSpec"] == spec
    private = serialization.load_der_private_key(out["PrivateKeyPlaintext"], password=None)
    assert private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == out["PublicKey"]
    back = kms.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"], EncryptionContext={"a": "b"})
    assert back["Plaintext"] == out["PrivateKeyPlaintext"]
    quiet = kms.generate_data_key_pair_without_plaintext(KeyId=key["KeyId"], KeyPairSpec=spec)
    assert "PrivateKeyPlaintext" not in quiet
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(kms.exceptions.DisabledException):
        kms.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec=spec)


@NO_ED25519_PAIRS
def test_ed25519_data_key_pair_signs(kms):
    key = kms.create_key()["KeyMetadata"]
    out = kms.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec="ECC_NIST_EDWARDS25519")
    private = serialization.load_der_private_key(out["PrivateKeyPlaintext"], password=None)
    assert isinstance(private, ed25519.Ed25519PrivateKey)
    serialization.load_der_public_key(out["PublicKey"]).verify(private.sign(b"m"), b"m")


def test_re_encrypt_between_symmetric_and_rsa_keys(kms):
    symmetric = kms.create_key()["KeyMetadata"]
    rsa_key = kms.create_key(KeySpec="RSA_3072")["KeyMetadata"]
    blob = kms.encrypt(KeyId=symmetric["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    to_rsa = kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=rsa_key["KeyId"],
                            DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert to_rsa["DestinationEncryptionAlgorithm"] == "RSAES_OAEP_SHA_256"
    assert "DestinationKeyMaterialId" not in to_rsa and "SourceKeyMaterialId" in to_rsa
    back = kms.re_encrypt(CiphertextBlob=to_rsa["CiphertextBlob"], SourceKeyId=rsa_key["Arn"],
                          SourceEncryptionAlgorithm="RSAES_OAEP_SHA_256", DestinationKeyId=symmetric["KeyId"])
    assert back["SourceKeyId"] == rsa_key["Arn"] and back["KeyId"] == symmetric["Arn"]
    assert kms.decrypt(CiphertextBlob=back["CiphertextBlob"])["Plaintext"] == b"p"


EDWARDS = pytest.mark.skipif(
    not model_lists("kms", "KeySpec", "ECC_NIST_EDWARDS25519"),
    reason="this botocore's model has no ECC_NIST_EDWARDS25519",
)


def test_ed25519ph_matches_rfc_8032():
    """RFC 8032 section 7.3's Ed25519ph test vector ("abc"), for the plugin's own Ed25519ph."""
    from pytest_ssmkms.aws.kms import ed25519ph

    seed = bytes.fromhex("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42")
    expected = bytes.fromhex(
        "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41"
        "31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406")
    prehash = hashlib.sha512(b"abc").digest()
    public = ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    assert ed25519ph.public_key(seed) == public
    assert ed25519ph.sign(seed, prehash) == expected
    assert ed25519ph.verify(public, prehash, expected)
    assert not ed25519ph.verify(public, hashlib.sha512(b"abd").digest(), expected)
    assert not ed25519ph.verify(public, prehash, expected[:63] + bytes([expected[63] ^ 1]))


@EDWARDS
def test_ed25519ph_signs_the_digest_kms_hashes_again(kms):
    """Documented: ED25519_PH_SHA_512 takes MessageType DIGEST (a 64-byte SHA-512 digest) and
    KMS still applies Ed25519ph's SHA-512 prehash, so the input is hashed twice; ED25519_SHA_512
    takes RAW only."""
    from pytest_ssmkms.aws.kms import ed25519ph

    key = kms.create_key(KeySpec="ECC_NIST_EDWARDS25519", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    raw_public = serialization.load_der_public_key(
        kms.get_public_key(KeyId=key["KeyId"])["PublicKey"]).public_bytes_raw()
    digest = hashlib.sha512(b"a long document").digest()
    out = kms.sign(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST",
                   SigningAlgorithm="ED25519_PH_SHA_512")
    assert len(out["Signature"]) == 64
    assert ed25519ph.verify(raw_public, hashlib.sha512(digest).digest(), out["Signature"])
    assert kms.verify(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST", Signature=out["Signature"],
                      SigningAlgorithm="ED25519_PH_SHA_512")["SignatureValid"] is True
    with pytest.raises(kms.exceptions.KMSInvalidSignatureException):
        kms.verify(KeyId=key["KeyId"], Message=hashlib.sha512(b"other").digest(), MessageType="DIGEST",
                   Signature=out["Signature"], SigningAlgorithm="ED25519_PH_SHA_512")
    for message, message_type, algorithm in ((digest, "RAW", "ED25519_PH_SHA_512"),
                                             (digest[:32], "DIGEST", "ED25519_PH_SHA_512"),
                                             (digest, "DIGEST", "ED25519_SHA_512")):
        with pytest.raises(ClientError) as caught:
            kms.sign(KeyId=key["KeyId"], Message=message, MessageType=message_type, SigningAlgorithm=algorithm)
        assert code_of(caught) == "ValidationException"
