"""What botocore 1.44's KMS model adds besides ML-KEM: grants for service principals with the
SourceArn constraint, the ListGrants/ListRetirableGrants service-principal filters, and
ListKeys' ResourceOwners. Each test skips where the installed model lacks the member."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.shapes import check_trail_outputs

_MODEL = boto3.session.Session().client("kms", region_name="us-east-1").meta.service_model


def _has(shape: str, member: str) -> bool:
    return member in _MODEL.shape_for(shape).members


service_grants = pytest.mark.skipif(
    not _has("CreateGrantRequest", "GranteeServicePrincipal"),
    reason="botocore's model has no GranteeServicePrincipal (before 1.44)",
)
source_arn = pytest.mark.skipif(
    not _has("GrantConstraints", "SourceArn"), reason="botocore's model has no SourceArn constraint"
)
BUCKET = "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit"  # the model wants an account


@pytest.fixture
def kms(ssm_kms):
    return boto3.client("kms")


@pytest.fixture
def key(kms):
    return kms.create_key()["KeyMetadata"]


def error(caught):
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


@service_grants
def test_grant_for_a_service_principal_is_listed_with_its_members(ssm_kms, kms, key):
    start = len(ssm_kms.trail.calls)
    out = kms.create_grant(
        KeyId=key["KeyId"], GranteeServicePrincipal="cloudtrail.amazonaws.com", Operations=["Decrypt"],
        RetiringServicePrincipal="cloudtrail.amazonaws.com", Constraints={"SourceArn": BUCKET},
    )
    grant = kms.list_grants(KeyId=key["KeyId"])["Grants"][0]
    assert grant["GrantId"] == out["GrantId"]
    assert grant["GranteeServicePrincipal"] == "cloudtrail.amazonaws.com" and "GranteePrincipal" not in grant
    assert grant["RetiringServicePrincipal"] == "cloudtrail.amazonaws.com" and "RetiringPrincipal" not in grant
    assert grant["Constraints"] == {"SourceArn": BUCKET}
    assert check_trail_outputs(ssm_kms.trail.calls[start:]) == []
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=out["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


@service_grants
@pytest.mark.parametrize(
    ("extra", "text"),
    [
        ({"GranteePrincipal": "arn:aws:iam::123456789012:root", "GranteeServicePrincipal": "cloudtrail.amazonaws.com",
          "RetiringServicePrincipal": "cloudtrail.amazonaws.com", "Constraints": {"SourceArn": BUCKET}}, "but not both"),
        ({"GranteeServicePrincipal": "cloudtrail.amazonaws.com", "RetiringServicePrincipal": "cloudtrail.amazonaws.com"},
         "SourceArn"),
        ({"GranteeServicePrincipal": "cloudtrail.amazonaws.com", "Constraints": {"SourceArn": BUCKET}},
         "RetiringPrincipal or a RetiringServicePrincipal"),
        ({"GranteePrincipal": "arn:aws:iam::123456789012:root", "RetiringPrincipal": "arn:aws:iam::123456789012:root",
          "RetiringServicePrincipal": "cloudtrail.amazonaws.com"}, "but not both"),
        ({}, "granteePrincipal"),
    ],
)
def test_documented_rules_of_service_principal_grants(kms, key, extra, text):
    with pytest.raises(ClientError) as caught:
        kms.create_grant(KeyId=key["KeyId"], Operations=["Decrypt"], **extra)
    code, message = error(caught)
    assert code == "ValidationException" and text in message
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []  # nothing made


@service_grants
def test_service_principal_filters_are_for_service_callers(kms, key):
    for call, member in ((lambda: kms.list_grants(KeyId=key["KeyId"], GranteeServicePrincipal="cloudtrail.amazonaws.com"),
                          "GranteeServicePrincipal"),
                         (lambda: kms.list_retirable_grants(RetiringServicePrincipal="cloudtrail.amazonaws.com"),
                          "RetiringServicePrincipal")):
        with pytest.raises(ClientError) as caught:
            call()
        assert error(caught) == ("ValidationException",
                                 f"{member} is only usable by callers in a service principal.")


@source_arn
def test_source_arn_constraint_allows_only_calls_on_behalf_of_the_resource(ssm_kms, kms, key):
    """A user's own call is made on behalf of no resource: a SourceArn-constrained grant does
    not let it use the key; RetireGrant is not constrained."""
    alice = ssm_kms.principal("alice")  # no identity policy: only grants can let her in
    grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice.arn,
                             Operations=["Encrypt", "RetireGrant"], Constraints={"SourceArn": BUCKET})
    own = alice.session().client("kms")
    with pytest.raises(ClientError) as caught:
        own.encrypt(KeyId=key["Arn"], Plaintext=b"x")
    assert error(caught)[0] == "AccessDeniedException"
    own.retire_grant(KeyId=key["Arn"], GrantId=grant["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


@source_arn
def test_source_arn_with_an_encryption_context_constraint(kms, key):
    kms.create_grant(KeyId=key["KeyId"], GranteePrincipal="arn:aws:iam::123456789012:role/r",
                     Operations=["Decrypt"],
                     Constraints={"SourceArn": BUCKET, "EncryptionContextSubset": {"a": "b"}})
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"][0]["Constraints"] == {
        "SourceArn": BUCKET, "EncryptionContextSubset": {"a": "b"}}
    # SourceArn suits every operation; the encryption context constraints still do not.
    kms.create_grant(KeyId=key["KeyId"], GranteePrincipal="arn:aws:iam::123456789012:role/r",
                     Operations=["DescribeKey"], Constraints={"SourceArn": BUCKET})
    with pytest.raises(ClientError):
        kms.create_grant(KeyId=key["KeyId"], GranteePrincipal="arn:aws:iam::123456789012:role/r",
                         Operations=["DescribeKey"], Constraints={"EncryptionContextSubset": {"a": "b"}})


@pytest.mark.skipif(not _has("ListKeysRequest", "ResourceOwners"), reason="no ResourceOwners (before 1.44)")
def test_list_keys_resource_owners(kms):
    created = [kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(3)]
    own = [k["KeyId"] for k in kms.list_keys(ResourceOwners=["SELF"])["Keys"]]
    assert own == created
    # Keys shared through AWS RAM: none (the mock has no RAM shares of KMS keys).
    assert kms.list_keys(ResourceOwners=["OTHER_ACCOUNTS_VIA_RAM"]) | {"ResponseMetadata": None} == {
        "Keys": [], "Truncated": False, "ResponseMetadata": None}
    both = kms.list_keys(ResourceOwners=["OTHER_ACCOUNTS_VIA_RAM", "SELF"], Limit=2)
    assert [k["KeyId"] for k in both["Keys"]] == created[:2] and both["Truncated"] is True
    with pytest.raises(kms.exceptions.InvalidMarkerException):
        kms.list_keys(ResourceOwners=["OTHER_ACCOUNTS_VIA_RAM"], Marker=both["NextMarker"])
