"""GetCallerIdentity as applications call it at start-up, through real boto3 clients, and the
query protocol behind it (form-encoded requests, XML answers) read by botocore's own parser."""

from __future__ import annotations

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.parsers import create_parser

from pytest_ssmkms import SsmKms, mock_ssm_kms
from pytest_ssmkms.adapters.activation import active_world
from pytest_ssmkms.wire import door

NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"


def test_the_default_credentials_are_the_accounts_administrator(ssm_kms: SsmKms) -> None:
    answer = boto3.client("sts").get_caller_identity()
    assert answer["Account"] == ssm_kms.account_id
    assert answer["Arn"] == f"arn:aws:iam::{ssm_kms.account_id}:user/test-admin"
    assert answer["UserId"].startswith("AIDA")
    assert answer["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "text/xml"


def test_a_user_and_a_role_session_as_aws_names_them(ssm_kms: SsmKms) -> None:
    alice = ssm_kms.principal("alice")
    mine = alice.client("sts").get_caller_identity()
    assert mine["Arn"] == f"arn:aws:iam::{ssm_kms.account_id}:user/alice"
    assert mine["UserId"] == alice.unique_id and mine["UserId"].startswith("AIDA")
    app = ssm_kms.principal("app", kind="role")
    session = app.client("sts").get_caller_identity()
    assert session["Arn"] == f"arn:aws:sts::{ssm_kms.account_id}:assumed-role/app/pytest-ssmkms"
    assert session["UserId"] == f"{app.unique_id}:pytest-ssmkms" and session["UserId"].startswith("AROA")


def test_no_policy_is_needed_and_a_deny_does_not_stop_it(ssm_kms: SsmKms) -> None:
    # The STS API reference: "No permissions are required to perform this operation", even
    # against an explicit deny.
    deny_all = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    bob = ssm_kms.principal("bob", deny_all)
    assert bob.client("sts").get_caller_identity()["Arn"].endswith(":user/bob")
    with pytest.raises(ClientError):
        bob.client("ssm").get_parameter(Name="/x")


def test_the_account_of_the_mock(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_ssm_kms(region="eu-west-1", account_id="111122223333"):
        sts = boto3.client("sts", region_name="eu-west-1")
        assert sts.get_caller_identity()["Account"] == "111122223333"


def test_regional_and_global_endpoints_are_answered(ssm_kms: SsmKms) -> None:
    regional = boto3.client("sts", region_name="ap-southeast-2", endpoint_url="https://sts.ap-southeast-2.amazonaws.com")
    world = boto3.client("sts", endpoint_url="https://sts.amazonaws.com")
    assert regional.get_caller_identity()["Account"] == world.get_caller_identity()["Account"]
    regions = [r["awsRegion"] for r in ssm_kms.trail.lookup(event_name="GetCallerIdentity")]
    assert regions == ["ap-southeast-2", ssm_kms.region]


def test_the_trail_records_it_as_cloudtrail_does(ssm_kms: SsmKms) -> None:
    alice = ssm_kms.principal("alice")
    alice.client("sts").get_caller_identity()
    record = ssm_kms.trail.assert_called("GetCallerIdentity", times=1)
    record = ssm_kms.trail.lookup(event_source="sts.amazonaws.com")[0]
    assert record["eventName"] == "GetCallerIdentity"
    assert record["readOnly"] is True
    assert record["requestParameters"] is None and record["responseElements"] is None
    assert record["userIdentity"]["arn"] == alice.arn
    events = boto3.client("cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "sts.amazonaws.com"}]
    )["Events"]
    assert [e["EventName"] for e in events] == ["GetCallerIdentity"]


def test_an_operation_not_implemented_says_so(ssm_kms: SsmKms) -> None:
    with pytest.raises(ClientError) as caught:
        boto3.client("sts").get_session_token()
    error = caught.value.response["Error"]
    assert error["Code"] == "UnknownOperationException"
    assert "does not implement sts GetSessionToken" in error["Message"]
    assert "GetCallerIdentity" in error["Message"]


def test_another_query_service_is_still_refused(ssm_kms: SsmKms) -> None:
    from pytest_ssmkms import UnmockedServiceError

    with pytest.raises(UnmockedServiceError):
        boto3.client("sns").list_topics()


def test_passthrough_does_not_take_sts_out_of_the_mock() -> None:
    # STS is answered like ssm and kms: a passthrough naming it has nothing to let out.
    with mock_ssm_kms(passthrough=["sts", "s3"]) as aws:
        assert boto3.client("sts").get_caller_identity()["Account"] == aws.account_id


# The door as a server hands it requests: no botocore event name, a local URL, the
# signature's scope naming the service.
def _raw(body: str, key: str = "AKIAIOSFODNN7EXAMPLE") -> door.Request:
    return door.Request(
        body.encode(),
        None,
        f"AWS4-HMAC-SHA256 Credential={key}/20261202/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0",
        "test-agent",
        "http://127.0.0.1:4566/",
    )


def _parse(operation: str, response: door.Response) -> dict[str, object]:
    model = botocore.session.get_session().get_service_model("sts").operation_model(operation)
    parsed: dict[str, object] = create_parser("query").parse(
        {"status_code": response.status, "headers": response.headers, "body": response.body},
        model.output_shape,
    )
    return parsed


def test_a_request_without_a_service_hint_is_routed_by_its_signature(ssm_kms: SsmKms) -> None:
    world = active_world()
    assert world is not None
    response = door.answer(world, _raw("Action=GetCallerIdentity&Version=2011-06-15"))
    assert response is not None and response.status == 200
    assert response.content_type == "text/xml"
    assert response.body.startswith(f'<GetCallerIdentityResponse xmlns="{NAMESPACE}"><GetCallerIdentityResult>'.encode())
    parsed = _parse("GetCallerIdentity", response)
    assert parsed["Account"] == ssm_kms.account_id
    assert parsed["ResponseMetadata"]["RequestId"] == response.request_id  # type: ignore[index]


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ("Version=2011-06-15", "MissingAction", "Missing Action"),
        ("Action=StealCredentials&Version=2011-06-15", "InvalidAction",
         "Could not find operation StealCredentials for version 2011-06-15"),
    ],
)
def test_requests_sts_cannot_read_get_its_error_body(ssm_kms: SsmKms, body: str, code: str, message: str) -> None:
    world = active_world()
    assert world is not None
    response = door.answer(world, _raw(body))
    assert response is not None and response.status == 400
    assert response.body.startswith(f'<ErrorResponse xmlns="{NAMESPACE}"><Error><Type>Sender</Type>'.encode())
    parsed = _parse("GetCallerIdentity", response)
    assert parsed["Error"] == {"Type": "Sender", "Code": code, "Message": message}
    assert parsed["ResponseMetadata"]["RequestId"] == response.request_id  # type: ignore[index]
    assert ssm_kms.trail.lookup(event_source="sts.amazonaws.com") == []
