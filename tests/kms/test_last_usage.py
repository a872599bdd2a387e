"""GetKeyLastUsage: the last successful cryptographic call on a key, from the trail."""

from __future__ import annotations

from datetime import datetime

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.shapes import model_has

pytestmark = pytest.mark.skipif(
    not model_has("kms", "GetKeyLastUsage"), reason="this botocore has no GetKeyLastUsage"
)


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


def test_an_unused_key_has_an_empty_last_usage(kms):
    meta = kms.create_key()["KeyMetadata"]
    kms.describe_key(KeyId=meta["KeyId"])  # not cryptographic: not tracked
    out = kms.get_key_last_usage(KeyId=meta["Arn"])
    assert out["KeyId"] == meta["KeyId"]
    assert out["KeyLastUsage"] == {}
    assert out["TrackingStartDate"] == out["KeyCreationDate"] == meta["CreationDate"]


def test_the_last_successful_cryptographic_call(ssm_kms, kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"p", EncryptionContext={"a": "b"})["CiphertextBlob"]
    ssm_kms.clock.advance(minutes=5)
    kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=blob)  # failed: not tracked
    with pytest.raises(ClientError):
        kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", DryRun=True)  # not a use
    usage = kms.get_key_last_usage(KeyId=key_id)["KeyLastUsage"]
    decrypt = ssm_kms.trail.lookup("Decrypt", succeeded=True)[-1]
    assert usage["Operation"] == "Decrypt"
    assert usage["CloudTrailEventId"] == decrypt["eventID"]
    assert usage["KmsRequestId"] == decrypt["requestID"]
    # CloudTrail's eventTime has whole seconds; the timestamp is the call's own time.
    event_time = datetime.fromisoformat(decrypt["eventTime"].replace("Z", "+00:00"))
    assert usage["Timestamp"].replace(microsecond=0) == event_time
    assert usage["Timestamp"] > kms.describe_key(KeyId=key_id)["KeyMetadata"]["CreationDate"]


def test_reencrypt_counts_for_both_keys_and_clear_forgets_nothing(ssm_kms, kms):
    source = kms.create_key()["KeyMetadata"]["KeyId"]
    destination = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=source, Plaintext=b"p")["CiphertextBlob"]
    kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=destination)
    ssm_kms.trail.clear()
    for key_id in (source, destination):
        assert kms.get_key_last_usage(KeyId=key_id)["KeyLastUsage"]["Operation"] == "ReEncrypt"


def test_ssm_calls_count_for_the_parameter_key(ssm_kms, kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/p", Value="v", Type="SecureString", KeyId=key_id)
    ssm.get_parameter(Name="/p", WithDecryption=True)
    usage = kms.get_key_last_usage(KeyId=key_id)["KeyLastUsage"]
    inner = ssm_kms.trail.lookup("Decrypt", invoked_by="ssm.amazonaws.com")[-1]
    assert usage["Operation"] == "Decrypt" and usage["CloudTrailEventId"] == inner["eventID"]


def test_related_multi_region_keys_track_usage_apart(ssm_kms, kms):
    replica = boto3.client("kms", region_name="eu-west-1")
    key_id = kms.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
    kms.replicate_key(KeyId=key_id, ReplicaRegion="eu-west-1")
    ssm_kms.clock.advance(seconds=3)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"p")["CiphertextBlob"]
    replica.decrypt(CiphertextBlob=blob)
    assert kms.get_key_last_usage(KeyId=key_id)["KeyLastUsage"]["Operation"] == "Encrypt"
    assert replica.get_key_last_usage(KeyId=key_id)["KeyLastUsage"]["Operation"] == "Decrypt"


def test_key_ids_only(kms):
    kms.create_alias(AliasName="alias/a", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.get_key_last_usage(KeyId="alias/a")
