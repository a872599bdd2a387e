"""Every key identifier form where AWS takes it, AWS's errors where it doesn't; aliases."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
REGION = "us-east-1"


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


@pytest.fixture
def key(kms):
    meta = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=meta["KeyId"])
    return meta


def forms(meta):
    return [
        meta["KeyId"],
        meta["Arn"],
        "alias/app",
        f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app",
    ]


def error_of(caught):
    error = caught.value.response["Error"]
    return error["Code"], error.get("Message", "")


@pytest.mark.parametrize("form", range(4))
def test_four_form_operations_take_every_identifier(kms, key, form):
    identifier = forms(key)[form]
    assert kms.describe_key(KeyId=identifier)["KeyMetadata"]["KeyId"] == key["KeyId"]
    blob = kms.encrypt(KeyId=identifier, Plaintext=b"p")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, KeyId=identifier)["Plaintext"] == b"p"
    data = kms.generate_data_key(KeyId=identifier, KeySpec="AES_256")
    assert data["KeyId"] == key["Arn"]
    kms.generate_data_key_without_plaintext(KeyId=identifier, NumberOfBytes=16)
    out = kms.re_encrypt(CiphertextBlob=blob, SourceKeyId=identifier, DestinationKeyId=identifier)
    assert out["KeyId"] == key["Arn"]


@pytest.mark.parametrize("form", [2, 3])
@pytest.mark.parametrize(
    ("operation", "extra"),
    [
        ("enable_key", {}),
        ("disable_key", {}),
        ("schedule_key_deletion", {}),
        ("cancel_key_deletion", {}),
        ("update_key_description", {"Description": "d"}),
        ("get_key_policy", {"PolicyName": "default"}),
        ("list_resource_tags", {}),
        ("get_key_rotation_status", {}),
        ("enable_key_rotation", {}),
        ("list_grants", {}),
        ("get_parameters_for_import", {"WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}),
        ("tag_resource", {"Tags": []}),
    ],
)
def test_key_id_only_operations_refuse_aliases(kms, key, form, operation, extra):
    identifier = forms(key)[form]
    method = getattr(kms, operation)
    with pytest.raises(ClientError) as caught:
        method(KeyId=identifier, **extra)
    assert error_of(caught) == ("NotFoundException", f"Invalid keyId '{identifier}'")


def test_missing_key_id(kms):
    missing = "0f9b9a1c-1111-2222-3333-444455556666"
    with pytest.raises(ClientError) as caught:
        kms.describe_key(KeyId=missing)
    assert error_of(caught) == (
        "NotFoundException",
        f"Key 'arn:aws:kms:{REGION}:{ACCOUNT}:key/{missing}' does not exist",
    )
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{missing}", Plaintext=b"p")
    assert error_of(caught)[1] == f"Key 'arn:aws:kms:{REGION}:{ACCOUNT}:key/{missing}' does not exist"


def test_malformed_key_id(kms):
    with pytest.raises(ClientError) as caught:
        kms.describe_key(KeyId="not-a-key")
    assert error_of(caught) == ("NotFoundException", "Invalid keyId 'not-a-key'")


def test_missing_alias(kms):
    for identifier in ("alias/nope", f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/nope"):
        with pytest.raises(ClientError) as caught:
            kms.encrypt(KeyId=identifier, Plaintext=b"p")
        assert error_of(caught) == (
            "NotFoundException",
            f"Alias arn:aws:kms:{REGION}:{ACCOUNT}:alias/nope is not found.",
        )


def test_malformed_arn(kms):
    with pytest.raises(ClientError) as caught:
        kms.describe_key(KeyId="arn:aws:kms:us-east-1:123:thing")
    assert error_of(caught) == ("NotFoundException", "Invalid arn")


def test_an_arn_of_another_region(kms, key):
    # Real KMS: "NotFoundException: Invalid arn us-west-2".
    other = key["Arn"].replace(REGION, "us-west-2")
    for identifier in (other, f"arn:aws:kms:us-west-2:{ACCOUNT}:alias/app"):
        with pytest.raises(ClientError) as caught:
            kms.encrypt(KeyId=identifier, Plaintext=b"p")
        assert error_of(caught) == ("NotFoundException", "Invalid arn us-west-2")


def test_create_alias_rules(kms, key):
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="app2", TargetKeyId=key["KeyId"])
    assert error_of(caught)[0] == "ValidationException"
    assert error_of(caught)[1].startswith('Alias must start with the prefix "alias/".')
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    assert error_of(caught) == (
        "AlreadyExistsException",
        f"An alias with the name arn:aws:kms:{REGION}:{ACCOUNT}:alias/app already exists",
    )
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="alias/aws/mine", TargetKeyId=key["KeyId"])
    assert error_of(caught) == ("NotAuthorizedException", "")
    with pytest.raises(kms.exceptions.InvalidAliasNameException):
        kms.create_alias(AliasName="alias/has:colon", TargetKeyId=key["KeyId"])
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=key["KeyId"])["Aliases"]] == ["alias/app"]
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="alias/x", TargetKeyId="alias/app")
    assert error_of(caught) == ("NotFoundException", "Invalid keyId 'alias/app'")
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="alias/bad name", TargetKeyId=key["KeyId"])
    assert error_of(caught)[0] == "ValidationException"


def test_aliases_are_case_sensitive(kms, key):
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.describe_key(KeyId="alias/APP")


def test_update_and_delete_alias(kms, key):
    other = kms.create_key()["KeyMetadata"]
    kms.update_alias(AliasName="alias/app", TargetKeyId=other["Arn"])
    assert kms.describe_key(KeyId="alias/app")["KeyMetadata"]["KeyId"] == other["KeyId"]
    # A ciphertext made through the alias still decrypts: it names the key, not the alias.
    kms.delete_alias(AliasName="alias/app")
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.describe_key(KeyId="alias/app")
    with pytest.raises(ClientError) as caught:
        kms.delete_alias(AliasName="alias/app")
    assert error_of(caught) == (
        "NotFoundException",
        f"Alias arn:aws:kms:{REGION}:{ACCOUNT}:alias/app is not found.",
    )
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.update_alias(AliasName="alias/app", TargetKeyId=other["KeyId"])


def test_update_alias_needs_the_same_kind_of_key(kms, key):
    mac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    with pytest.raises(ClientError) as caught:
        kms.update_alias(AliasName="alias/app", TargetKeyId=mac["KeyId"])
    assert error_of(caught)[0] == "ValidationException"


def test_list_aliases_shows_the_aws_managed_alias_before_its_key_exists(kms, key):
    aliases = kms.list_aliases()["Aliases"]
    by_name = {a["AliasName"]: a for a in aliases}
    assert by_name["alias/app"]["TargetKeyId"] == key["KeyId"]
    assert by_name["alias/app"]["AliasArn"] == f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app"
    assert "CreationDate" in by_name["alias/app"] and "LastUpdatedDate" in by_name["alias/app"]
    assert by_name["alias/aws/ssm"] == {
        "AliasName": "alias/aws/ssm",
        "AliasArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ssm",
    }


def test_list_aliases_of_one_key_and_pagination(kms, key):
    for n in range(4):
        kms.create_alias(AliasName=f"alias/more-{n}", TargetKeyId=key["KeyId"])
    kms.create_alias(AliasName="alias/elsewhere", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    names, marker = [], None
    while True:
        page = kms.list_aliases(KeyId=key["Arn"], Limit=2, **({"Marker": marker} if marker else {}))
        names += [a["AliasName"] for a in page["Aliases"]]
        assert len(page["Aliases"]) <= 2
        if not page["Truncated"]:
            assert "NextMarker" not in page
            break
        marker = page["NextMarker"]
    assert sorted(names) == sorted(["alias/app"] + [f"alias/more-{n}" for n in range(4)])
    with pytest.raises(kms.exceptions.InvalidMarkerException):
        kms.list_aliases(Marker="garbage")


def test_deleted_key_takes_its_aliases(ssm_kms, kms, key):
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    ssm_kms.clock.advance(days=7, seconds=1)
    names = [a["AliasName"] for a in kms.list_aliases()["Aliases"]]
    assert "alias/app" not in names
    kms.create_alias(AliasName="alias/app", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])


def test_cross_account_key_by_arn(ssm_kms):
    other = ssm_kms.session().client("kms")
    from pytest_ssmkms.seeding.kms import seed_key

    share = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
             "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"},
        ],
    }
    foreign = seed_key(ssm_kms.world.backend("111122223333", REGION), policy=share)
    blob = other.encrypt(KeyId=foreign.arn, Plaintext=b"p")["CiphertextBlob"]
    assert other.decrypt(CiphertextBlob=blob)["KeyId"] == foreign.arn
    with pytest.raises(other.exceptions.NotFoundException):
        other.describe_key(KeyId=foreign.key_id)  # a bare id means this account's key
