"""What a new account shows: no custom key stores, AWS's predefined aliases; and the texts KMS
answers that public snapshot tests recorded (CreateKey's KeyUsage, GenerateRandom's count)."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.shapes import model_lists

ACCOUNT = "123456789012"
REGION = "us-east-1"
STORE = "cks-1234567890abcdef0"


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


def error_of(caught):
    error = caught.value.response["Error"]
    return error["Code"], error.get("Message", "")


def test_an_account_has_no_custom_key_stores(kms):
    answer = kms.describe_custom_key_stores()
    assert answer["CustomKeyStores"] == [] and answer["Truncated"] is False
    for by in ({"CustomKeyStoreId": STORE}, {"CustomKeyStoreName": "mine"}):
        with pytest.raises(kms.exceptions.CustomKeyStoreNotFoundException):
            kms.describe_custom_key_stores(**by)


@pytest.mark.parametrize(
    "operation, extra",
    [
        ("connect_custom_key_store", {}),
        ("disconnect_custom_key_store", {}),
        ("delete_custom_key_store", {}),
        ("update_custom_key_store", {"NewCustomKeyStoreName": "other"}),
    ],
)
def test_operations_on_a_store_find_none(kms, operation, extra):
    with pytest.raises(kms.exceptions.CustomKeyStoreNotFoundException) as caught:
        getattr(kms, operation)(CustomKeyStoreId=STORE, **extra)
    assert STORE in error_of(caught)[1]


def test_create_custom_key_store_finds_no_cluster_or_proxy(kms):
    with pytest.raises(kms.exceptions.CloudHsmClusterNotFoundException):
        kms.create_custom_key_store(
            CustomKeyStoreName="hsm", CloudHsmClusterId="cluster-234567abcde",
            TrustAnchorCertificate="cert", KeyStorePassword="password1",
        )
    xks = {
        "CustomKeyStoreName": "xks", "CustomKeyStoreType": "EXTERNAL_KEY_STORE",
        "XksProxyUriEndpoint": "https://proxy.example.com", "XksProxyUriPath": "/kms/xks/v1",
        "XksProxyAuthenticationCredential": {
            "AccessKeyId": "ABCDEFGHIJKLMNOPQRST", "RawSecretAccessKey": "a" * 43,
        },
    }
    with pytest.raises(kms.exceptions.XksProxyUriUnreachableException):
        kms.create_custom_key_store(XksProxyConnectivity="PUBLIC_ENDPOINT", **xks)
    with pytest.raises(kms.exceptions.XksProxyVpcEndpointServiceNotFoundException):
        kms.create_custom_key_store(
            XksProxyConnectivity="VPC_ENDPOINT_SERVICE",
            XksProxyVpcEndpointServiceName="com.amazonaws.vpce.us-east-1.vpce-svc-1", **xks,
        )
    assert kms.describe_custom_key_stores()["CustomKeyStores"] == []


def test_create_key_in_an_unknown_store(kms):
    for origin in ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"):
        with pytest.raises(kms.exceptions.CustomKeyStoreNotFoundException):
            kms.create_key(Origin=origin, CustomKeyStoreId=STORE)
        with pytest.raises(ClientError) as caught:
            kms.create_key(Origin=origin)
        assert error_of(caught)[0] == "ValidationException"
    with pytest.raises(kms.exceptions.CustomKeyStoreNotFoundException):
        kms.generate_random(NumberOfBytes=8, CustomKeyStoreId=STORE)
    assert kms.list_keys()["Keys"] == []


def test_list_aliases_shows_the_predefined_aws_aliases(kms):
    aliases = kms.list_aliases()["Aliases"]
    names = [a["AliasName"] for a in aliases]
    assert names == sorted(names)
    assert {"alias/aws/ebs", "alias/aws/rds", "alias/aws/s3", "alias/aws/ssm"} <= set(names)
    for alias in aliases:
        assert alias == {
            "AliasName": alias["AliasName"],
            "AliasArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:{alias['AliasName']}",
        }
    # alias/aws/ssm gets its key when first used (here: DescribeKey).
    key_id = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]["KeyId"]
    by_name = {a["AliasName"]: a for a in kms.list_aliases()["Aliases"]}
    assert by_name["alias/aws/ssm"]["TargetKeyId"] == key_id
    assert "TargetKeyId" not in by_name["alias/aws/s3"]
    assert len(by_name) == len(names)


def test_reserved_and_malformed_alias_names_create_nothing(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    before = kms.list_aliases()["Aliases"]
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="alias/aws/ssm", TargetKeyId=key_id)
    assert error_of(caught) == ("NotAuthorizedException", "")
    with pytest.raises(kms.exceptions.InvalidAliasNameException):
        kms.create_alias(AliasName="alias/a:b", TargetKeyId=key_id)
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="alias/ok", TargetKeyId="alias/aws/ssm")
    assert error_of(caught) == ("NotFoundException", "Invalid keyId 'alias/aws/ssm'")
    assert kms.list_aliases()["Aliases"] == before


def test_update_alias_across_key_usages_gives_kms_text(kms):
    first = kms.create_key()["KeyMetadata"]["KeyId"]
    mac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=first)
    with pytest.raises(ClientError) as caught:
        kms.update_alias(AliasName="alias/app", TargetKeyId=mac["KeyId"])
    assert error_of(caught) == (
        "ValidationException",
        "Alias alias/app cannot be changed from a CMK with key usage ENCRYPT_DECRYPT to a CMK "
        "with key usage GENERATE_VERIFY_MAC. The key usage of the current CMK and the new CMK "
        "must be the same.",
    )


@pytest.mark.parametrize(
    "spec",
    [
        "HMAC_256",
        "ECC_NIST_P256",
        pytest.param(
            "ECC_NIST_EDWARDS25519",
            marks=pytest.mark.skipif(
                not model_lists("kms", "KeySpec", "ECC_NIST_EDWARDS25519"),
                reason="this botocore's model has no ECC_NIST_EDWARDS25519",
            ),
        ),
    ],
)
def test_create_key_needs_key_usage_beyond_symmetric_and_rsa(kms, spec):
    with pytest.raises(ClientError) as caught:
        kms.create_key(KeySpec=spec)
    assert error_of(caught) == (
        "ValidationException",
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.",
    )
    assert kms.list_keys()["Keys"] == []


def test_create_key_with_a_usage_its_spec_lacks(kms):
    with pytest.raises(ClientError) as caught:
        kms.create_key(KeySpec="HMAC_256", KeyUsage="ENCRYPT_DECRYPT")
    assert error_of(caught) == (
        "ValidationException", "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec HMAC_256"
    )
    # RSA keys take the documented default usage.
    assert kms.create_key(KeySpec="RSA_2048")["KeyMetadata"]["KeyUsage"] == "ENCRYPT_DECRYPT"


def test_generate_random_counts(kms):
    from botocore.config import Config

    raw = boto3.client("kms", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as caught:
        raw.generate_random()
    assert error_of(caught) == ("ValidationException", "NumberOfBytes is required.")
    for count, bound in ((0, "greater than or equal to 1"), (1025, "less than or equal to 1024")):
        with pytest.raises(ClientError) as caught:
            raw.generate_random(NumberOfBytes=count)
        assert error_of(caught) == (
            "ValidationException",
            f"1 validation error detected: Value '{count}' at 'numberOfBytes' failed to satisfy "
            f"constraint: Member must have value {bound}",
        )
