"""KMS error codes and texts as real KMS answers them, case by case.

Every expected answer here is quoted from a response recorded against AWS (the source is named
where it is not LocalStack's): LocalStack's
snapshot tests (tests/aws/services/kms/test_kms.snapshot.json, tests marked aws.validated, so
the snapshot is what KMS itself answered; recording dates 2023-04 to 2025-11). Placeholders of
the snapshot (<key-arn>, <key-id>) are this test's own key.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.shapes import model_lists


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


@pytest.fixture
def raw(ssm_kms):
    """A client without botocore's own checks: the request reaches the service, as a request
    from another SDK would."""
    return boto3.client("kms", config=Config(parameter_validation=False))


def answer(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    error = caught.value.response["Error"]
    return error["Code"], error.get("Message", "")


def key(kms, **kwargs):
    return kms.create_key(**kwargs)["KeyMetadata"]


# ---- key identifiers ---------------------------------------------------------------------

@pytest.mark.parametrize("key_id", ["fake-key-id", "134f2428cec14b25a1ae9048164dba47", "mrk-fake-key-id"])
def test_invalid_key_id_is_quoted(kms, key_id):
    assert answer(kms.describe_key, KeyId=key_id) == ("NotFoundException", f"Invalid keyId '{key_id}'")


def test_key_that_does_not_exist(kms, ssm_kms):
    key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    arn = f"arn:aws:kms:{ssm_kms.region}:{ssm_kms.account_id}:key/{key_id}"
    assert answer(kms.describe_key, KeyId=key_id) == ("NotFoundException", f"Key '{arn}' does not exist")


def test_key_arn_of_another_region(kms, ssm_kms):
    arn = key(kms)["Arn"].replace(ssm_kms.region, "ap-southeast-1")
    assert answer(kms.describe_key, KeyId=arn) == ("NotFoundException", "Invalid arn ap-southeast-1")


# ---- key usage and algorithms --------------------------------------------------------------

def test_key_usage_texts(kms):
    symmetric = key(kms)
    signing = key(kms, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    mac = key(kms, KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    peer = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    def usage(arn, usage, operation):
        return ("InvalidKeyUsageException", f"{arn} key usage is {usage} which is not valid for {operation}.")

    assert answer(kms.generate_mac, KeyId=symmetric["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256") == \
        usage(symmetric["Arn"], "ENCRYPT_DECRYPT", "GenerateMac")
    assert answer(kms.verify, KeyId=symmetric["KeyId"], Message=b"m", Signature=b"s",
                  SigningAlgorithm="ECDSA_SHA_256") == usage(symmetric["Arn"], "ENCRYPT_DECRYPT", "Verify")
    assert answer(kms.sign, KeyId=mac["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256") == \
        usage(mac["Arn"], "GENERATE_VERIFY_MAC", "Sign")
    assert answer(kms.encrypt, KeyId=signing["KeyId"], Plaintext=b"p") == \
        usage(signing["Arn"], "SIGN_VERIFY", "Encrypt")
    assert answer(kms.derive_shared_secret, KeyId=signing["KeyId"], KeyAgreementAlgorithm="ECDH",
                  PublicKey=peer) == usage(signing["Arn"], "SIGN_VERIFY", "DeriveSharedSecret")
    assert answer(kms.derive_shared_secret, KeyId=symmetric["KeyId"], KeyAgreementAlgorithm="ECDH",
                  PublicKey=peer) == usage(symmetric["Arn"], "ENCRYPT_DECRYPT", "DeriveSharedSecret")


@pytest.mark.parametrize(("spec", "algorithm"), [("HMAC_224", "HMAC_SHA_256"), ("HMAC_256", "HMAC_SHA_512")])
def test_mac_algorithm_of_another_spec(kms, spec, algorithm):
    mac = key(kms, KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")
    assert answer(kms.generate_mac, KeyId=mac["KeyId"], Message=b"m", MacAlgorithm=algorithm) == (
        "InvalidKeyUsageException", f"Algorithm {algorithm} is incompatible with key spec {spec}.")


def test_mac_algorithm_outside_the_enum(raw):
    mac = key(raw, KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    assert answer(raw.generate_mac, KeyId=mac["KeyId"], Message=b"m", MacAlgorithm="INVALID") == (
        "ValidationException",
        "1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: "
        "Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]")


def test_key_agreement_algorithm_outside_the_enum(raw):
    agreeing = key(raw, KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    assert answer(raw.derive_shared_secret, KeyId=agreeing["KeyId"], KeyAgreementAlgorithm="INVALID",
                  PublicKey=b"k") == (
        "ValidationException",
        "1 validation error detected: Value 'INVALID' at 'keyAgreementAlgorithm' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ECDH]")


def test_bad_mac_and_bad_signature_have_no_message(kms):
    mac = key(kms, KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    assert answer(kms.verify_mac, KeyId=mac["KeyId"], Message=b"m", Mac=b"x" * 32,
                  MacAlgorithm="HMAC_SHA_256") == ("KMSInvalidMacException", "")
    signing = key(kms, KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    assert answer(kms.verify, KeyId=signing["KeyId"], Message=b"m", Signature=b"x" * 256,
                  SigningAlgorithm="RSASSA_PSS_SHA_256") == ("KMSInvalidSignatureException", "")


@pytest.mark.parametrize("algorithm", ["ECDSA_SHA_256"])
def test_digest_of_the_wrong_length(kms, algorithm):
    signing = key(kms, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    assert answer(kms.sign, KeyId=signing["KeyId"], Message=b"short", MessageType="DIGEST",
                  SigningAlgorithm=algorithm) == (
        "ValidationException", f"Digest is invalid length for algorithm {algorithm}.")


@pytest.mark.parametrize(("spec", "algorithm", "limit"), [
    ("RSA_2048", "RSAES_OAEP_SHA_1", 214), ("RSA_2048", "RSAES_OAEP_SHA_256", 190),
    ("RSA_3072", "RSAES_OAEP_SHA_256", 318), ("RSA_4096", "RSAES_OAEP_SHA_1", 470),
])
def test_rsa_plaintext_too_long(kms, spec, algorithm, limit):
    rsa_key = key(kms, KeySpec=spec, KeyUsage="ENCRYPT_DECRYPT")
    assert answer(kms.encrypt, KeyId=rsa_key["KeyId"], Plaintext=b"x" * (limit + 1),
                  EncryptionAlgorithm=algorithm) == (
        "ValidationException",
        f"Algorithm {algorithm} and key spec {spec} cannot encrypt data larger than {limit} bytes.")


# ---- encryption --------------------------------------------------------------------------

def test_decrypt_under_another_key(kms):
    blob = kms.encrypt(KeyId=key(kms)["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    mac = key(kms, KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    assert answer(kms.decrypt, CiphertextBlob=blob, KeyId=mac["KeyId"]) == (
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.")


def test_wrong_encryption_context_has_no_message(kms):
    blob = kms.encrypt(KeyId=key(kms)["KeyId"], Plaintext=b"p", EncryptionContext={"a": "b"})["CiphertextBlob"]
    assert answer(kms.decrypt, CiphertextBlob=blob) == ("InvalidCiphertextException", "")


def test_plaintext_too_long_is_not_echoed(raw):
    assert answer(raw.encrypt, KeyId=key(raw)["KeyId"], Plaintext=b"x" * 4097) == (
        "ValidationException",
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must "
        "have length less than or equal to 4096")


def test_dry_run(kms):
    assert answer(kms.generate_data_key_pair, KeyId=key(kms)["KeyId"], KeyPairSpec="ECC_NIST_P256",
                  DryRun=True) == (
        "DryRunOperationException", "The request would have succeeded, but the DryRun option is set.")


@pytest.mark.parametrize(("count", "text"), [
    (None, "NumberOfBytes is required."),
    (0, "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"),
    (1025, "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
           "constraint: Member must have value less than or equal to 1024"),
])
def test_generate_random_sizes(raw, count, text):
    kwargs = {} if count is None else {"NumberOfBytes": count}
    assert answer(raw.generate_random, **kwargs) == ("ValidationException", text)


# ---- creating keys, tags, aliases --------------------------------------------------------

def test_create_key_shape_texts(raw):
    assert answer(raw.create_key, KeySpec="HMAC_256") == (
        "ValidationException",
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.")
    assert answer(raw.create_key, KeySpec="RSA_2048", KeyUsage="KEY_AGREEMENT") == (
        "ValidationException", "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048")


def test_tag_texts(kms, raw):
    def tags(*pairs):
        return [{"TagKey": k, "TagValue": v} for k, v in pairs]

    assert answer(kms.create_key, Tags=tags(("k", "1"), ("k", "2"))) == ("TagException", "Duplicate tag keys")
    for reserved in ("aws:key1", "AWS:key1"):
        assert answer(kms.create_key, Tags=tags((reserved, "v"))) == (
            "TagException", "Tags beginning with aws: are reserved")
    assert answer(kms.tag_resource, KeyId=key(kms)["KeyId"], Tags=tags(("aws:key1", "v"))) == (
        "TagException", "Tags beginning with aws: are reserved")
    assert answer(kms.create_key, Tags=tags(*((f"key{i}", f"value{i}") for i in range(51)))) == (
        "TagException", "Too many tags")
    assert answer(raw.create_key, Tags=tags(("a" * 129, "v"))) == (
        "ValidationException",
        f"1 validation error detected: Value '{'a' * 129}' at 'tags.1.member.tagKey' failed to "
        "satisfy constraint: Member must have length less than or equal to 128")
    assert answer(raw.create_key, Tags=tags(("tag1", "v" * 257))) == (
        "ValidationException",
        f"1 validation error detected: Value '{'v' * 257}' at 'tags.1.member.tagValue' failed to "
        "satisfy constraint: Member must have length less than or equal to 256")


def test_alias_without_prefix(kms):
    assert answer(kms.create_alias, AliasName="no-prefix", TargetKeyId=key(kms)["KeyId"]) == (
        "ValidationException",
        'Alias must start with the prefix "alias/". Please see '
        "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html")


# ---- imported material and rotation --------------------------------------------------------

def test_import_parameters_for_a_key_kms_made(kms):
    native = key(kms)
    assert answer(kms.get_parameters_for_import, KeyId=native["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                  WrappingKeySpec="RSA_2048") == (
        "UnsupportedOperationException", f"{native['Arn']} origin is AWS_KMS which is not valid for this operation.")


def test_encrypt_before_import(kms):
    external = key(kms, Origin="EXTERNAL")
    assert answer(kms.encrypt, KeyId=external["KeyId"], Plaintext=b"p") == (
        "KMSInvalidStateException", f"{external['Arn']} is pending import.")
    assert answer(kms.rotate_key_on_demand, KeyId=external["KeyId"]) == (
        "KMSInvalidStateException", f"{external['Arn']} is pending import.")


def test_rotate_a_disabled_key(kms):
    disabled = key(kms)
    kms.disable_key(KeyId=disabled["KeyId"])
    assert answer(kms.rotate_key_on_demand, KeyId=disabled["KeyId"]) == (
        "DisabledException", f"{disabled['Arn']} is disabled.")


# ---- grants --------------------------------------------------------------------------------

def test_grant_with_both_context_constraints(kms, ssm_kms):
    # Quoted from KMS in terraform-provider-aws (internal/service/kms/grant.go), not a snapshot.
    assert answer(kms.create_grant, KeyId=key(kms)["KeyId"], GranteePrincipal=f"arn:aws:iam::{ssm_kms.account_id}:root",
                  Operations=["Decrypt"], Constraints={"EncryptionContextEquals": {"a": "b"},
                                                       "EncryptionContextSubset": {"a": "b"}}) == (
        "ValidationException", "More than one constraint supplied")
    assert kms.list_grants(KeyId=kms.list_keys()["Keys"][0]["KeyId"])["Grants"] == []


def test_re_encrypt_from_another_source_key(kms):
    blob = kms.encrypt(KeyId=key(kms)["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    mac = key(kms, KeySpec="HMAC_224", KeyUsage="GENERATE_VERIFY_MAC")
    assert answer(kms.re_encrypt, CiphertextBlob=blob, SourceKeyId=mac["KeyId"], DestinationKeyId=mac["KeyId"],
                  SourceEncryptionAlgorithm="SYMMETRIC_DEFAULT",
                  DestinationEncryptionAlgorithm="SYMMETRIC_DEFAULT") == (
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.")


def test_key_usage_outside_the_enum(raw):
    # Recorded (2023) as [ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC], before KEY_AGREEMENT
    # existed; KEY_AGREEMENT and, in models that have it, ENCAPSULATE_DECAPSULATE (botocore 1.44)
    # are assumed to follow.
    newer = ", ENCAPSULATE_DECAPSULATE" if model_lists("kms", "KeyUsageType", "ENCAPSULATE_DECAPSULATE") else ""
    assert answer(raw.create_key, KeySpec="HMAC_256", KeyUsage="RANDOM") == (
        "ValidationException",
        "1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: "
        "Member must satisfy enum value set: [ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT"
        + newer + "]")
