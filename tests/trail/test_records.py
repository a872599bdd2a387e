"""Records in CloudTrail's format, made through real boto3 clients."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms import SsmKms
from tests.trail.support import SECRET, dump

TOP_LEVEL = [
    "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
    "sourceIPAddress", "userAgent", "requestParameters", "responseElements", "requestID",
    "eventID", "readOnly", "resources", "eventType", "managementEvent", "recipientAccountId",
    "eventCategory", "pytestSsmKmsDecision",
]
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_put_parameter_record_has_every_cloudtrail_field(ssm_kms: SsmKms) -> None:
    ssm_kms.clock.set(datetime(2026, 11, 28, 22, 0, 0, 123000, tzinfo=timezone.utc))
    response = boto3.client("ssm").put_parameter(Name="/app/db/url", Value=SECRET, Type="String")

    (event,) = ssm_kms.trail
    assert list(event) == TOP_LEVEL
    assert event["eventVersion"] == "1.08"
    assert event["userIdentity"] == {
        "type": "IAMUser",
        "principalId": "AIDAPYTESTSSMKMSADMIN",
        "arn": "arn:aws:iam::123456789012:user/test-admin",
        "accountId": "123456789012",
        "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
        "userName": "test-admin",
    }
    assert event["eventTime"] == "2026-11-28T22:00:00Z"
    assert (event["eventSource"], event["eventName"]) == ("ssm.amazonaws.com", "PutParameter")
    assert event["awsRegion"] == "us-east-1"
    assert event["sourceIPAddress"] == "127.0.0.1"
    assert event["userAgent"].startswith("Boto3/")
    assert event["requestParameters"] == {
        "name": "/app/db/url",
        "value": "HIDDEN_DUE_TO_SECURITY_REASONS",
        "type": "String",
    }
    assert event["responseElements"] == {"version": 1, "tier": "Standard"}
    assert event["requestID"] == response["ResponseMetadata"]["RequestId"]
    assert UUID.match(event["eventID"])
    assert event["readOnly"] is False
    assert event["resources"] == [
        {
            "accountId": "123456789012",
            "type": "AWS::SSM::Parameter",
            "ARN": "arn:aws:ssm:us-east-1:123456789012:parameter/app/db/url",
        }
    ]
    assert (event["eventType"], event["managementEvent"]) == ("AwsApiCall", True)
    assert (event["recipientAccountId"], event["eventCategory"]) == ("123456789012", "Management")
    assert "errorCode" not in event and "errorMessage" not in event
    # Why the call was allowed: the default credentials act as the account administrator.
    assert event["pytestSsmKmsDecision"]["effect"] == "Allow"
    assert SECRET not in dump(ssm_kms.trail)


def test_read_operation_records_no_response_elements(ssm_kms: SsmKms) -> None:
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="plain", Value=SECRET, Type="String")
    assert ssm.get_parameter(Name="plain", WithDecryption=True)["Parameter"]["Value"] == SECRET

    event = ssm_kms.trail[-1]
    assert event["eventName"] == "GetParameter"
    assert event["requestParameters"] == {"name": "plain", "withDecryption": True}
    assert event["responseElements"] is None
    assert event["readOnly"] is True
    assert event["resources"][0]["ARN"] == "arn:aws:ssm:us-east-1:123456789012:parameter/plain"
    assert SECRET not in dump(ssm_kms.trail)


def test_failed_call_records_error_code_and_message(ssm_kms: SsmKms) -> None:
    kms = boto3.client("kms")
    with pytest.raises(ClientError):
        kms.describe_key(KeyId="arn:aws:kms:us-east-1:123456789012:key/0f9b5f3e-1111-2222-3333-444455556666")

    event = ssm_kms.trail[-1]
    assert event["errorCode"] == "NotFoundException"
    assert event["errorMessage"]
    assert event["responseElements"] is None
    assert event["resources"][0]["type"] == "AWS::KMS::Key"
    # errorCode and errorMessage come right after userAgent, as in real records.
    keys = list(event)
    assert keys.index("errorCode") == keys.index("userAgent") + 1


def test_create_key_response_elements_are_camel_case(ssm_kms: SsmKms) -> None:
    metadata = boto3.client("kms").create_key(Description="app key")["KeyMetadata"]

    event = ssm_kms.trail[-1]
    assert event["requestParameters"] == {"description": "app key"}
    recorded = event["responseElements"]["keyMetadata"]
    assert recorded["keyId"] == metadata["KeyId"]
    assert recorded["aWSAccountId"] == "123456789012"  # the Java bean name real records show
    assert recorded["arn"] == metadata["Arn"]
    # Timestamps inside elements are written the way CloudTrail's KMS records write them.
    assert re.match(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$", recorded["creationDate"])
    assert event["resources"] == [{"accountId": "123456789012", "type": "AWS::KMS::Key", "ARN": metadata["Arn"]}]


def test_call_without_parameters_records_null(ssm_kms: SsmKms) -> None:
    boto3.client("kms").create_key()
    assert ssm_kms.trail[-1]["requestParameters"] is None


def test_records_are_json_and_in_call_order(ssm_kms: SsmKms) -> None:
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/a", Value="1", Type="String")
    ssm.get_parameter(Name="/a")
    with pytest.raises(ClientError):
        ssm.get_parameter(Name="/missing")
    names = [(e["eventName"], e.get("errorCode")) for e in ssm_kms.trail]
    assert names == [("PutParameter", None), ("GetParameter", None), ("GetParameter", "ParameterNotFound")]
    assert json.loads(json.dumps(list(ssm_kms.trail))) == list(ssm_kms.trail)


def test_undecodable_request_is_recorded_as_a_failure(ssm_kms: SsmKms) -> None:
    ssm = boto3.client("ssm")

    def corrupt(request, **_):  # type: ignore[no-untyped-def]
        request.data = b"{not json"

    ssm.meta.events.register("before-sign.ssm.GetParameter", corrupt)
    with pytest.raises(ClientError) as raised:
        ssm.get_parameter(Name="/a")
    code = raised.value.response["Error"]["Code"]
    event = ssm_kms.trail[-1]
    assert (event["eventName"], event["errorCode"]) == ("GetParameter", code)
    assert event["requestParameters"] is None


def test_unknown_operation_is_recorded(ssm_kms: SsmKms) -> None:
    with pytest.raises(ClientError):
        boto3.client("cloudtrail").describe_trails()
    event = ssm_kms.trail[-1]
    assert (event["eventSource"], event["eventName"]) == ("cloudtrail.amazonaws.com", "DescribeTrails")
    assert event["errorCode"] == "UnknownOperationException"


def test_trail_is_read_only_and_clear_forgets(ssm_kms: SsmKms) -> None:
    boto3.client("ssm").put_parameter(Name="/a", Value="1", Type="String")
    trail = ssm_kms.trail
    assert len(trail) == 1 and trail[0] is trail[-1] and trail[:1] == [trail[0]]
    with pytest.raises(TypeError):
        trail[0] = {}  # type: ignore[index]
    assert not hasattr(trail, "__setitem__") and not hasattr(trail, "__delitem__")
    trail.clear()
    assert len(trail) == 0 and list(trail) == []
    boto3.client("ssm").get_parameter(Name="/a")
    assert [e["eventName"] for e in trail] == ["GetParameter"]


def test_record_is_built_once_and_cached(ssm_kms: SsmKms) -> None:
    boto3.client("ssm").put_parameter(Name="/a", Value="1", Type="String")
    assert ssm_kms.trail[0] is ssm_kms.trail[0]
    assert ssm_kms.trail[0]["eventID"] == ssm_kms.trail.lookup(event_name="PutParameter")[0]["eventID"]


def test_other_region_and_account_are_recorded(ssm_kms: SsmKms) -> None:
    boto3.client("ssm", region_name="eu-west-1").put_parameter(Name="/a", Value="1", Type="String")
    event = ssm_kms.trail[-1]
    assert event["awsRegion"] == "eu-west-1"
    assert event["resources"][0]["ARN"] == "arn:aws:ssm:eu-west-1:123456789012:parameter/a"


def test_preseeding_is_not_recorded(ssm_kms: SsmKms) -> None:
    world = ssm_kms.world
    world.backend().invoke("kms", "CreateKey", {}, world.system_context())
    assert len(ssm_kms.trail) == 0


@pytest.mark.ssm_kms(enforce_permissions=False)
def test_no_decision_field_when_permissions_are_not_enforced(ssm_kms: SsmKms) -> None:
    boto3.client("ssm").put_parameter(Name="/a", Value="1", Type="String")
    assert "pytestSsmKmsDecision" not in ssm_kms.trail[0]


def test_assumed_role_and_users_are_recorded_as_themselves(ssm_kms: SsmKms) -> None:
    alice = ssm_kms.principal(
        "alice", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*"}]}
    )
    alice.session().client("ssm").put_parameter(Name="/a", Value="1", Type="String")
    identity = ssm_kms.trail[-1]["userIdentity"]
    assert identity["userName"] == "alice"
    assert identity["arn"] == "arn:aws:iam::123456789012:user/alice"
    assert identity["accessKeyId"] == alice.access_key_id
    assert ssm_kms.trail[-1]["pytestSsmKmsDecision"]["effect"] == "Allow"


def test_role_sessions_are_recorded_as_assumed_roles(ssm_kms: SsmKms) -> None:
    role = ssm_kms.principal(
        "app-role",
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*"}]},
        kind="role",
    )
    role.session().client("ssm").put_parameter(Name="/a", Value="1", Type="String")
    identity = ssm_kms.trail[-1]["userIdentity"]
    assert identity["type"] == "AssumedRole"
    assert identity["arn"].startswith("arn:aws:sts::123456789012:assumed-role/app-role/")
    assert "userName" not in identity
    assert identity["sessionContext"]["sessionIssuer"]["arn"] == "arn:aws:iam::123456789012:role/app-role"
    session = identity["arn"].rsplit("/", 1)[1]
    assert len(ssm_kms.trail.lookup(username="app-role")) == 1
    assert len(ssm_kms.trail.lookup(username=session)) == 1
    (event,) = boto3.client("cloudtrail").lookup_events()["Events"]
    assert event["Username"] == session  # CloudTrail names an assumed role by its session


def test_kms_write_records_name_the_key_arn(ssm_kms: SsmKms) -> None:
    kms = boto3.client("kms")
    key = kms.create_key()["KeyMetadata"]
    grant = kms.create_grant(
        KeyId=key["KeyId"], GranteePrincipal="arn:aws:iam::123456789012:user/x", Operations=["Decrypt"]
    )
    kms.disable_key(KeyId=key["KeyId"])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    create_grant, disable, schedule = ssm_kms.trail[1:]
    # KMS adds the key ARN to responseElements.keyId even where the API returns nothing.
    assert disable["responseElements"] == {"keyId": key["Arn"]}
    # A grant's record has its id, never its token.
    assert create_grant["responseElements"] == {"grantId": grant["GrantId"], "keyId": key["Arn"]}
    assert grant["GrantToken"] not in json.dumps(create_grant)
    assert schedule["responseElements"]["keyId"] == key["Arn"]
    assert schedule["responseElements"]["keyState"] == "PendingDeletion"
    assert schedule["responseElements"]["pendingWindowInDays"] == 7


@pytest.mark.kms_key(alias="alias/app")
@pytest.mark.ssm_parameter("/app/db/pw", SECRET, type="SecureString", key_id="alias/app")
def test_seeding_markers_leave_no_record(ssm_kms: SsmKms) -> None:
    assert len(ssm_kms.trail) == 0
    boto3.client("ssm").get_parameter(Name="/app/db/pw", WithDecryption=True)
    assert [e["eventName"] for e in ssm_kms.trail] == ["GetParameter", "Decrypt"]
    assert SECRET not in dump(ssm_kms.trail)
