"""Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, GenerateRandom through boto3."""

from __future__ import annotations

import base64

import boto3
import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


@pytest.fixture
def key(kms):
    return kms.create_key(Description="app")["KeyMetadata"]


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = caught.value.response["Error"]
    return error["Code"], error.get("Message", "")


def test_encrypt_decrypt_round_trip_without_key_id(kms, key):
    out = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret")
    assert out["KeyId"] == key["Arn"]
    assert out["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert base64.b64encode(out["CiphertextBlob"]).startswith(b"AQICAH")
    assert b"secret" not in out["CiphertextBlob"]
    back = kms.decrypt(CiphertextBlob=out["CiphertextBlob"])
    assert back["Plaintext"] == b"secret"
    assert back["KeyId"] == key["Arn"]
    assert back["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"


def test_each_encryption_is_fresh(kms, key):
    one = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    two = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert one != two


def test_encryption_context_must_match_exactly_in_any_order(kms, key):
    context = {"a": "1", "b": "2"}
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p", EncryptionContext=context)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"b": "2", "a": "1"})["Plaintext"] == b"p"
    for wrong in ({}, {"a": "1"}, {"a": "1", "b": "3"}, {"A": "1", "b": "2"}, {**context, "c": "3"}):
        with pytest.raises(ClientError) as caught:
            kms.decrypt(CiphertextBlob=blob, EncryptionContext=wrong)
        assert error_of(caught)[0] == "InvalidCiphertextException"


def test_invalid_ciphertext_has_an_empty_message_as_in_aws(kms, key):
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p", EncryptionContext={"a": "1"})["CiphertextBlob"]
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=blob)
    assert caught.value.response["Error"] == {"Code": "InvalidCiphertextException", "Message": ""}
    assert str(caught.value).endswith("when calling the Decrypt operation: ")


def test_context_given_only_on_decrypt_fails(kms, key):
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "1"})


@pytest.mark.parametrize("position", [0, 10, 60, -1])
def test_tampered_blob_is_invalid_ciphertext(kms, key, position):
    blob = bytearray(kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"])
    blob[position] ^= 0x01
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=bytes(blob))
    assert error_of(caught)[0] in ("InvalidCiphertextException", "AccessDeniedException")


def test_garbage_blob_is_invalid_ciphertext(kms, key):
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=b"not a kms ciphertext")


def test_decrypt_with_another_key_id_is_incorrect_key(kms, key):
    other = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=blob, KeyId=other["KeyId"])
    assert error_of(caught) == (
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.",
    )
    assert kms.decrypt(CiphertextBlob=blob, KeyId=key["Arn"])["Plaintext"] == b"p"


def test_decrypt_after_the_key_is_gone_is_access_denied(ssm_kms, kms, key):
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    ssm_kms.clock.advance(days=8)
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=blob)
    assert error_of(caught) == (
        "AccessDeniedException",
        "The ciphertext refers to a customer master key that does not exist, does not exist in "
        "this region, or you are not allowed to access.",
    )


def test_a_blob_from_another_region_is_not_found_there(kms, key):
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    west = boto3.client("kms", region_name="us-west-2")
    with pytest.raises(ClientError) as caught:
        west.decrypt(CiphertextBlob=blob)
    assert error_of(caught)[0] == "AccessDeniedException"


@pytest.mark.parametrize("size", [0, 4097])
def test_plaintext_size_limits(kms, key, size):
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x" * size)
    assert error_of(caught)[0] in ("ValidationException", "ParamValidation")


def test_plaintext_of_4096_bytes_round_trips(kms, key):
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x" * 4096)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x" * 4096


def test_asymmetric_algorithm_on_a_symmetric_key_is_invalid_key_usage(kms, key):
    with pytest.raises(kms.exceptions.InvalidKeyUsageException):
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p", EncryptionAlgorithm="RSAES_OAEP_SHA_256")


def test_hmac_key_cannot_encrypt(kms):
    mac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=mac["KeyId"], Plaintext=b"p")
    code, message = error_of(caught)
    assert code == "InvalidKeyUsageException"
    assert "GENERATE_VERIFY_MAC" in message


def test_dry_run(kms, key):
    with pytest.raises(kms.exceptions.DryRunOperationException):
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p", DryRun=True)


def test_re_encrypt_moves_a_ciphertext_to_another_key_and_context(kms, key):
    other = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p", EncryptionContext={"a": "1"})["CiphertextBlob"]
    out = kms.re_encrypt(
        CiphertextBlob=blob,
        SourceEncryptionContext={"a": "1"},
        DestinationKeyId=other["KeyId"],
        DestinationEncryptionContext={"b": "2"},
    )
    assert out["SourceKeyId"] == key["Arn"]
    assert out["KeyId"] == other["Arn"]
    assert out["SourceEncryptionAlgorithm"] == out["DestinationEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    back = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"b": "2"})
    assert back == {**back, "Plaintext": b"p", "KeyId": other["Arn"]}


def test_re_encrypt_with_wrong_source_context_fails(kms, key):
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p", EncryptionContext={"a": "1"})["CiphertextBlob"]
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=key["KeyId"])


def test_re_encrypt_with_a_wrong_source_key_id_is_incorrect_key(kms, key):
    other = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    with pytest.raises(kms.exceptions.IncorrectKeyException):
        kms.re_encrypt(CiphertextBlob=blob, SourceKeyId=other["KeyId"], DestinationKeyId=key["KeyId"])


@pytest.mark.parametrize(("kwargs", "size"), [({"KeySpec": "AES_256"}, 32), ({"KeySpec": "AES_128"}, 16), ({"NumberOfBytes": 7}, 7), ({"NumberOfBytes": 1024}, 1024)])
def test_generate_data_key(kms, key, kwargs, size):
    out = kms.generate_data_key(KeyId=key["KeyId"], EncryptionContext={"k": "v"}, **kwargs)
    assert len(out["Plaintext"]) == size
    assert out["KeyId"] == key["Arn"]
    back = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"k": "v"})
    assert back["Plaintext"] == out["Plaintext"]


def test_generate_data_key_without_plaintext(kms, key):
    out = kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], KeySpec="AES_256")
    assert "Plaintext" not in out
    assert len(kms.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"]) == 32


@pytest.mark.parametrize("kwargs", [{}, {"KeySpec": "AES_256", "NumberOfBytes": 32}])
def test_generate_data_key_needs_exactly_one_size(kms, key, kwargs):
    with pytest.raises(ClientError) as caught:
        kms.generate_data_key(KeyId=key["KeyId"], **kwargs)
    assert error_of(caught) == ("ValidationException", "Please specify either number of bytes or key spec.")


def test_generate_data_key_over_1024_bytes(kms, key):
    with pytest.raises(ClientError) as caught:
        kms.generate_data_key(KeyId=key["KeyId"], NumberOfBytes=1025)
    assert error_of(caught)[0] == "ValidationException"


def test_generate_random(kms):
    one = kms.generate_random(NumberOfBytes=32)["Plaintext"]
    assert len(one) == 32
    assert one != kms.generate_random(NumberOfBytes=32)["Plaintext"]
    with pytest.raises(ClientError) as caught:
        kms.generate_random(NumberOfBytes=1025)
    assert error_of(caught)[0] == "ValidationException"
    with pytest.raises(ClientError) as caught:
        kms.generate_random()
    assert error_of(caught)[0] == "ValidationException"


def test_unknown_grant_token_is_refused(kms, key):
    with pytest.raises(kms.exceptions.InvalidGrantTokenException):
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p", GrantTokens=["nonsense"])


def test_trail_never_holds_plaintext(ssm_kms, kms, key):
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"top-secret-value")["CiphertextBlob"]
    kms.decrypt(CiphertextBlob=blob)
    for record in ssm_kms.trail:
        assert "top-secret-value" not in repr(record)


@pytest.mark.parametrize("operation", ["decrypt", "re_encrypt"])
def test_missing_ciphertext_is_a_validation_error(ssm_kms, key, operation):
    from botocore.config import Config

    raw = boto3.client("kms", config=Config(parameter_validation=False))
    extra = {"DestinationKeyId": key["KeyId"]} if operation == "re_encrypt" else {}
    with pytest.raises(ClientError) as caught:
        getattr(raw, operation)(**extra)
    assert error_of(caught)[0] == "ValidationException"
    assert "ciphertextBlob" in error_of(caught)[1]
