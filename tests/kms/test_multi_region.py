"""Multi-Region keys: ReplicateKey, UpdatePrimaryRegion, cross-region use, deletion, rotation."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from pytest_ssmkms.aws.kms.wrapping import wrap
from tests.shapes import model_lists

PRIMARY, REPLICA, OTHER = "us-east-1", "eu-west-1", "ap-southeast-2"


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms", region_name=PRIMARY)


@pytest.fixture
def kms_replica(ssm_kms):
    return boto3.client("kms", region_name=REPLICA)


@pytest.fixture
def kms_other(ssm_kms):
    return boto3.client("kms", region_name=OTHER)


def error_of(caught):
    return caught.value.response["Error"]


def replicate(ssm_kms, kms, key_id, region=REPLICA, **kwargs):
    out = kms.replicate_key(KeyId=key_id, ReplicaRegion=region, **kwargs)
    ssm_kms.clock.advance(seconds=3)  # past the Creating state
    return out


@pytest.fixture
def primary(kms):
    return kms.create_key(MultiRegion=True, Description="primary")["KeyMetadata"]


def test_a_replica_is_creating_then_enabled(ssm_kms, kms, kms_replica, primary):
    out = kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion=REPLICA)
    meta = out["ReplicaKeyMetadata"]
    replica_arn = primary["Arn"].replace(PRIMARY, REPLICA)
    assert meta["KeyId"] == primary["KeyId"] and meta["Arn"] == replica_arn
    assert meta["KeyState"] == "Creating" and meta["Enabled"] is False
    assert "CurrentKeyMaterialId" not in meta
    assert meta["Description"] == ""  # not shared: ReplicateKey's own Description
    assert meta["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "REPLICA",
        "PrimaryKey": {"Arn": primary["Arn"], "Region": PRIMARY},
        "ReplicaKeys": [{"Arn": replica_arn, "Region": REPLICA}],
    }
    assert json.loads(out["ReplicaPolicy"])["Id"] == "key-default-1"
    assert "ReplicaTags" not in out
    with pytest.raises(ClientError) as caught:
        kms_replica.encrypt(KeyId=primary["KeyId"], Plaintext=b"x")
    assert error_of(caught) == {
        "Code": "KMSInvalidStateException",
        "Message": f"{replica_arn} is creating.",
    }
    ssm_kms.clock.advance(seconds=3)
    described = kms_replica.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]
    assert described["KeyState"] == "Enabled" and described["Enabled"] is True
    assert described["CurrentKeyMaterialId"] == primary["CurrentKeyMaterialId"]
    on_primary = kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]
    assert on_primary["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "PRIMARY",
        "PrimaryKey": {"Arn": primary["Arn"], "Region": PRIMARY},
        "ReplicaKeys": [{"Arn": replica_arn, "Region": REPLICA}],
    }
    assert kms_replica.list_keys()["Keys"] == [{"KeyId": primary["KeyId"], "KeyArn": replica_arn}]


def test_ciphertexts_cross_between_related_keys(ssm_kms, kms, kms_replica, kms_other, primary):
    replicate(ssm_kms, kms, primary["KeyId"])
    blob = kms.encrypt(KeyId=primary["KeyId"], Plaintext=b"p", EncryptionContext={"a": "b"})[
        "CiphertextBlob"
    ]
    out = kms_replica.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})
    assert out["Plaintext"] == b"p"
    assert out["KeyId"] == primary["Arn"].replace(PRIMARY, REPLICA)
    back = kms_replica.encrypt(KeyId=primary["KeyId"], Plaintext=b"q")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=back)["Plaintext"] == b"q"
    # The encryption context still binds; a region without a related key can't decrypt.
    with pytest.raises(kms_replica.exceptions.InvalidCiphertextException):
        kms_replica.decrypt(CiphertextBlob=blob)
    with pytest.raises(ClientError) as caught:
        kms_other.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})
    assert error_of(caught)["Code"] == "AccessDeniedException"


def test_single_region_ciphertexts_stay_in_their_region(kms, kms_replica):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"p")["CiphertextBlob"]
    with pytest.raises(ClientError) as caught:
        kms_replica.decrypt(CiphertextBlob=blob)
    assert error_of(caught)["Code"] == "AccessDeniedException"


def test_replica_has_its_own_policy_tags_aliases_and_state(ssm_kms, kms, kms_replica, primary):
    policy = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                       "Action": "kms:*", "Resource": "*"}],
    })
    out = replicate(ssm_kms, kms, primary["KeyId"], Policy=policy, Description="copy",
                    Tags=[{"TagKey": "site", "TagValue": "dr"}])
    assert out["ReplicaPolicy"] == policy
    assert out["ReplicaTags"] == [{"TagKey": "site", "TagValue": "dr"}]
    key_id = primary["KeyId"]
    assert kms_replica.get_key_policy(KeyId=key_id)["Policy"] == policy
    assert json.loads(kms.get_key_policy(KeyId=key_id)["Policy"])["Id"] == "key-default-1"
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == []
    kms_replica.create_alias(AliasName="alias/dr", TargetKeyId=key_id)
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=key_id)["Aliases"]] == []
    kms_replica.disable_key(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    assert kms_replica.describe_key(KeyId="alias/dr")["KeyMetadata"]["Description"] == "copy"


def test_replication_errors(ssm_kms, kms, kms_replica, primary):
    replica_arn = primary["Arn"].replace(PRIMARY, REPLICA)
    replicate(ssm_kms, kms, primary["KeyId"])
    with pytest.raises(ClientError) as caught:
        kms_replica.replicate_key(KeyId=primary["KeyId"], ReplicaRegion=OTHER)
    assert error_of(caught) == {
        "Code": "UnsupportedOperationException",
        "Message": f"{replica_arn} is not a multi-region primary key.",
    }
    single = kms.create_key()["KeyMetadata"]
    with pytest.raises(kms.exceptions.UnsupportedOperationException):
        kms.replicate_key(KeyId=single["KeyId"], ReplicaRegion=REPLICA)
    for region in (REPLICA, PRIMARY):
        with pytest.raises(kms.exceptions.AlreadyExistsException):
            kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion=region)
    with pytest.raises(ClientError) as caught:
        kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="cn-north-1")
    assert error_of(caught)["Code"] == "ValidationException"
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.replicate_key(KeyId="alias/nope", ReplicaRegion=OTHER)
    # Nothing was made by the refused calls.
    regions = kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]
    assert [r["Region"] for r in regions["ReplicaKeys"]] == [REPLICA]


def test_update_primary_region(ssm_kms, kms, kms_replica, kms_other, primary):
    key_id = primary["KeyId"]
    replicate(ssm_kms, kms, key_id)
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.update_primary_region(KeyId=key_id, PrimaryRegion=OTHER)
    kms_replica.disable_key(KeyId=key_id)
    with pytest.raises(kms.exceptions.DisabledException):
        kms.update_primary_region(KeyId=key_id, PrimaryRegion=REPLICA)
    kms_replica.enable_key(KeyId=key_id)
    assert kms.update_primary_region(KeyId=key_id, PrimaryRegion=REPLICA)["ResponseMetadata"]
    replica_arn = primary["Arn"].replace(PRIMARY, REPLICA)
    for client, kind in ((kms, "REPLICA"), (kms_replica, "PRIMARY")):
        config = client.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"]
        assert config == {
            "MultiRegionKeyType": kind,
            "PrimaryKey": {"Arn": replica_arn, "Region": REPLICA},
            "ReplicaKeys": [{"Arn": primary["Arn"], "Region": PRIMARY}],
        }
    with pytest.raises(kms.exceptions.UnsupportedOperationException):
        kms.replicate_key(KeyId=key_id, ReplicaRegion=OTHER)
    replicate(ssm_kms, kms_replica, key_id, region=OTHER)
    assert kms_other.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"][
        "PrimaryKey"]["Region"] == REPLICA


def test_primary_waits_for_its_replicas_deletion(ssm_kms, kms, kms_replica, primary):
    key_id = primary["KeyId"]
    replicate(ssm_kms, kms, key_id)
    out = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=10)
    assert out["KeyState"] == "PendingReplicaDeletion" and out["PendingWindowInDays"] == 10
    assert "DeletionDate" not in out
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["KeyState"] == "PendingReplicaDeletion"
    assert meta["PendingDeletionWindowInDays"] == 10 and "DeletionDate" not in meta
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert error_of(caught) == {
        "Code": "KMSInvalidStateException",
        "Message": f"{primary['Arn']} is pending replica deletion.",
    }
    with pytest.raises(kms.exceptions.KMSInvalidStateException):
        kms.replicate_key(KeyId=key_id, ReplicaRegion=OTHER)
    ssm_kms.clock.advance(days=40)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingReplicaDeletion"
    replica_out = kms_replica.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    ssm_kms.clock.advance(days=8)
    with pytest.raises(kms_replica.exceptions.NotFoundException):
        kms_replica.describe_key(KeyId=key_id)
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion"
    assert meta["DeletionDate"] == replica_out["DeletionDate"] + timedelta(days=10)
    assert meta["MultiRegionConfiguration"]["ReplicaKeys"] == []
    ssm_kms.clock.advance(days=10)
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.describe_key(KeyId=key_id)


def test_cancelling_a_primary_deletion_leaves_it_disabled(ssm_kms, kms, primary):
    replicate(ssm_kms, kms, primary["KeyId"])
    kms.schedule_key_deletion(KeyId=primary["KeyId"])
    kms.cancel_key_deletion(KeyId=primary["KeyId"])
    meta = kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "Disabled" and "PendingDeletionWindowInDays" not in meta


def test_a_deleted_replica_can_be_made_again(ssm_kms, kms, kms_replica, primary):
    key_id = primary["KeyId"]
    replicate(ssm_kms, kms, key_id)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"p")["CiphertextBlob"]
    kms_replica.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    with pytest.raises(kms.exceptions.AlreadyExistsException):
        kms.replicate_key(KeyId=key_id, ReplicaRegion=REPLICA)  # even pending deletion
    ssm_kms.clock.advance(days=8)
    replicate(ssm_kms, kms, key_id)
    assert kms_replica.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"


def test_rotation_is_set_on_the_primary_and_shared(ssm_kms, kms, kms_replica, primary):
    key_id = primary["KeyId"]
    replicate(ssm_kms, kms, key_id)
    with pytest.raises(kms_replica.exceptions.UnsupportedOperationException):
        kms_replica.enable_key_rotation(KeyId=key_id)
    with pytest.raises(kms_replica.exceptions.UnsupportedOperationException):
        kms_replica.rotate_key_on_demand(KeyId=key_id)
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    status = kms_replica.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 90
    kms.rotate_key_on_demand(KeyId=key_id)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"new")["CiphertextBlob"]
    assert kms_replica.decrypt(CiphertextBlob=blob)["Plaintext"] == b"new"
    # Automatic rotation comes due while only the replica's region is used.
    ssm_kms.clock.advance(days=91)
    blob = kms_replica.encrypt(KeyId=key_id, Plaintext=b"auto")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"auto"

    def rotations(client):
        entries = client.list_key_rotations(KeyId=key_id)["Rotations"]
        return [(r["KeyMaterialId"], r["RotationType"]) for r in entries]

    assert rotations(kms) == rotations(kms_replica)
    assert [kind for _, kind in rotations(kms)] == ["ON_DEMAND", "AUTOMATIC"]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"] == (
        kms_replica.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"]
    )
    kms.disable_key_rotation(KeyId=key_id)
    assert kms_replica.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False


def test_asymmetric_replica_shares_the_key_pair(ssm_kms, kms, kms_replica):
    key = kms.create_key(MultiRegion=True, KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")[
        "KeyMetadata"
    ]
    replicate(ssm_kms, kms, key["KeyId"])
    public = kms.get_public_key(KeyId=key["KeyId"])["PublicKey"]
    assert kms_replica.get_public_key(KeyId=key["KeyId"])["PublicKey"] == public
    signature = kms_replica.sign(
        KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256"
    )["Signature"]
    loaded = serialization.load_der_public_key(public)
    loaded.verify(  # type: ignore[union-attr]
        signature, b"m",
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256(),
    )


def test_imported_material_is_imported_into_each_replica(ssm_kms, kms, kms_replica):
    key = kms.create_key(MultiRegion=True, Origin="EXTERNAL")["KeyMetadata"]
    material = os.urandom(32)

    def import_into(client, secret):
        params = client.get_parameters_for_import(
            KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
        )
        client.import_key_material(
            KeyId=key["KeyId"], ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrap(params["PublicKey"], "RSAES_OAEP_SHA_256", secret),
            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
        )

    import_into(kms, material)
    out = replicate(ssm_kms, kms, key["KeyId"])
    assert out["ReplicaKeyMetadata"]["Origin"] == "EXTERNAL"
    assert kms_replica.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    with pytest.raises(kms_replica.exceptions.IncorrectKeyMaterialException):
        import_into(kms_replica, os.urandom(32))
    import_into(kms_replica, material)
    assert kms_replica.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    assert kms_replica.decrypt(CiphertextBlob=blob)["Plaintext"] == b"p"


@pytest.mark.skipif(
    not model_lists("kms", "KeyMaterialState", "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"),
    reason="this botocore's model has no PENDING_MULTI_REGION_IMPORT_AND_ROTATION",
)
def test_new_imported_material_rotates_once_every_replica_has_it(ssm_kms, kms, kms_replica):
    key = kms.create_key(MultiRegion=True, Origin="EXTERNAL")["KeyMetadata"]

    def import_into(client, secret, **kwargs):
        params = client.get_parameters_for_import(
            KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
        )
        return client.import_key_material(
            KeyId=key["KeyId"], ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrap(params["PublicKey"], "RSAES_OAEP_SHA_256", secret), **kwargs
        )["KeyMaterialId"]

    def states(client):
        rotations = client.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")
        return {r["KeyMaterialId"]: r["KeyMaterialState"] for r in rotations["Rotations"]}

    first, second = os.urandom(32), os.urandom(32)
    first_id = import_into(kms, first)
    replicate(ssm_kms, kms, key["KeyId"])
    import_into(kms_replica, first)
    # New material goes into the primary; a replica takes it as existing material.
    with pytest.raises(ClientError) as caught:
        import_into(kms_replica, second, ImportType="NEW_KEY_MATERIAL")
    assert error_of(caught)["Code"] == "UnsupportedOperationException"
    second_id = import_into(kms, second, ImportType="NEW_KEY_MATERIAL")
    assert states(kms)[second_id] == "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"
    with pytest.raises(kms.exceptions.KMSInvalidStateException):
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
    assert import_into(kms_replica, second, ImportType="EXISTING_KEY_MATERIAL") == second_id
    assert states(kms)[second_id] == "PENDING_ROTATION"
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    for client in (kms, kms_replica):
        assert client.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"] == second_id
        assert states(client) == {first_id: "NON_CURRENT", second_id: "CURRENT"}
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"p")["CiphertextBlob"]
    assert kms_replica.decrypt(CiphertextBlob=blob)["KeyMaterialId"] == second_id
