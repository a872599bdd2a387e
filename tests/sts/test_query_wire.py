"""The query protocol's wire format as pure functions: decoding by the input shape, encoding
answers that botocore's own query parser reads back."""

from __future__ import annotations

from datetime import datetime, timezone

import botocore.session
import pytest
from botocore.awsrequest import prepare_request_dict
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from pytest_ssmkms.aws import services
from pytest_ssmkms.aws.errors import AccessDeniedException, ValidationException
from pytest_ssmkms.wire import query

MODEL = botocore.session.get_session().get_service_model("sts")
NAMESPACE = MODEL.metadata["xmlNamespace"]


def _form(operation: str, params: dict[str, object]) -> dict[str, str]:
    """The form botocore's own serializer makes for ``params``."""
    request = create_serializer("query").serialize_to_request(params, MODEL.operation_model(operation))
    body = request["body"]
    return query.parse_form(body if isinstance(body, str) else _encode(body))


def _encode(body: dict[str, str]) -> bytes:
    from urllib.parse import urlencode

    return urlencode(body).encode()


def test_what_botocore_serializes_decodes_back_to_the_same_params() -> None:
    params = {
        "RoleArn": "arn:aws:iam::123456789012:role/app",
        "RoleSessionName": "s-1",
        "DurationSeconds": 1800,
        "Tags": [{"Key": "team", "Value": "a&b=c"}, {"Key": "env", "Value": ""}],
        "TransitiveTagKeys": ["team"],
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
        "Policy": '{"Version": "2012-10-17"}',
    }
    form = _form("AssumeRole", params)
    assert form["Action"] == "AssumeRole" and form["Version"] == "2011-06-15"
    assert query.action_of(form) == "AssumeRole"
    assert query.decode_request(MODEL.operation_model("AssumeRole"), form) == params


def test_an_empty_list_and_typed_scalars() -> None:
    operation = MODEL.operation_model("AssumeRole")
    decoded = query.decode_request(operation, {"RoleArn": "a" * 20, "Tags": "", "DurationSeconds": "900"})
    assert decoded == {"RoleArn": "a" * 20, "Tags": [], "DurationSeconds": 900}
    with pytest.raises(query.InvalidParameterValue, match="DurationSeconds"):
        query.decode_request(operation, {"DurationSeconds": "soon"})


def test_answers_parse_with_botocores_query_parser() -> None:
    operation = MODEL.operation_model("AssumeRole")
    expiration = datetime(2026, 12, 2, 11, 3, 31, tzinfo=timezone.utc)
    result = {
        "Credentials": {"AccessKeyId": "ASIAEXAMPLEEXAMPLE12", "SecretAccessKey": "s<&>", "SessionToken": "t",
                        "Expiration": expiration},
        "AssumedRoleUser": {"AssumedRoleId": "AROAEXAMPLE:s", "Arn": "arn:aws:sts::123456789012:assumed-role/r/s"},
        "PackedPolicySize": 7,
    }
    body = query.encode_result(operation, result, "rid-1", NAMESPACE)
    assert b"<Expiration>2026-12-02T11:03:31Z</Expiration>" in body
    parsed = create_parser("query").parse({"status_code": 200, "headers": {}, "body": body}, operation.output_shape)
    assert parsed["Credentials"] == {**result["Credentials"]}
    assert parsed["AssumedRoleUser"] == result["AssumedRoleUser"]
    assert parsed["PackedPolicySize"] == 7
    assert parsed["ResponseMetadata"]["RequestId"] == "rid-1"


def test_text_xml_cannot_hold_is_replaced_not_sent() -> None:
    operation = MODEL.operation_model("GetCallerIdentity")
    body = query.encode_result(operation, {"UserId": "a\x00b", "Account": "1", "Arn": "x"}, "r", NAMESPACE)
    parsed = create_parser("query").parse({"status_code": 200, "headers": {}, "body": body}, operation.output_shape)
    assert parsed["UserId"] == "a\ufffdb"


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (ValidationException("too long"), "ValidationError", 400),
        (AccessDeniedException("User: x is not authorized"), "AccessDenied", 403),
    ],
)
def test_shared_errors_take_stss_codes(error: object, code: str, status: int) -> None:
    assert isinstance(error, (ValidationException, AccessDeniedException))
    assert services.error_code("sts", error) == (code, status)
    assert services.error_code("ssm", error) == (error.code, error.status)
    got_status, body = query.encode_error(error, "rid", NAMESPACE, *services.error_code("sts", error))
    assert got_status == status
    parsed = create_parser("query").parse({"status_code": status, "headers": {}, "body": body}, None)
    assert parsed["Error"]["Code"] == code and parsed["Error"]["Message"] == error.message


def test_a_body_past_the_limit_is_refused() -> None:
    with pytest.raises(query.QueryError, match="exceeds"):
        query.parse_form(b"Action=GetCallerIdentity&x=" + b"a" * query.MAX_BODY_BYTES)
