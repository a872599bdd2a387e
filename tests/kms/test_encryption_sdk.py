"""The AWS Encryption SDK round-trips data through the mocked KMS, and fails as AWS does."""

from __future__ import annotations

import boto3
import pytest

aws_encryption_sdk = pytest.importorskip("aws_encryption_sdk")
from aws_encryption_sdk import CommitmentPolicy  # noqa: E402
from aws_encryption_sdk.exceptions import (  # noqa: E402
    DecryptKeyError,
    GenerateKeyError,
)
from aws_encryption_sdk.key_providers.kms import KMSMasterKey, KMSMasterKeyConfig  # noqa: E402


@pytest.fixture
def setup(ssm_kms):
    kms = boto3.client("kms")
    key = kms.create_key(Description="esdk")["KeyMetadata"]
    master_key = KMSMasterKey(config=KMSMasterKeyConfig(key_id=key["Arn"], client=kms))
    client = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
    )
    return kms, key, master_key, client


def test_round_trip(ssm_kms, setup):
    kms, key, master_key, client = setup
    plaintext = b"a message larger than any KMS plaintext limit " * 200
    ciphertext, header = client.encrypt(
        source=plaintext, key_provider=master_key, encryption_context={"purpose": "test"}
    )
    assert plaintext not in ciphertext
    assert header.encryption_context["purpose"] == "test"
    decrypted, decrypt_header = client.decrypt(source=ciphertext, key_provider=master_key)
    assert decrypted == plaintext
    assert decrypt_header.encryption_context["purpose"] == "test"
    ssm_kms.trail.assert_called("GenerateDataKey", times=1)
    ssm_kms.trail.assert_called("Decrypt", times=1)


def test_fails_when_the_key_is_disabled(ssm_kms, setup):
    kms, key, master_key, client = setup
    ciphertext, _ = client.encrypt(source=b"data", key_provider=master_key)
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(DecryptKeyError):
        client.decrypt(source=ciphertext, key_provider=master_key)
    (failed,) = ssm_kms.trail.lookup(event_name="Decrypt")
    assert failed["errorCode"] == "DisabledException"
    assert failed["errorMessage"] == f"{key['Arn']} is disabled."
    with pytest.raises(GenerateKeyError):
        client.encrypt(source=b"data", key_provider=master_key)
    kms.enable_key(KeyId=key["KeyId"])
    assert client.decrypt(source=ciphertext, key_provider=master_key)[0] == b"data"
