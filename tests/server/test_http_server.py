"""The server through boto3 over a real socket: routing, identity, signatures, errors."""

from __future__ import annotations

import http.client
import json
import threading

import pytest
from botocore.exceptions import ClientError

from tests.server.conftest import Served


def raw(served: Served, method: str, path: str = "/", body: bytes | None = None,
        headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", served.server.port, timeout=10)
    connection.request(method, path, body=body, headers=headers or {})
    return connection.getresponse()


def test_ssm_and_kms_over_http_share_the_world(served: Served):
    ssm = served.client("ssm")
    ssm.put_parameter(Name="/app/db", Value="s3cret", Type="SecureString")
    assert ssm.get_parameter(Name="/app/db", WithDecryption=True)["Parameter"]["Value"] == "s3cret"
    kms = served.client("kms")
    assert kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]["KeyManager"] == "AWS"
    names = [event["eventName"] for event in served.world.trail]
    assert names[:3] == ["PutParameter", "Encrypt", "GetParameter"]


def test_region_comes_from_the_credential_scope(served: Served):
    served.client("ssm", region_name="eu-west-3").put_parameter(Name="/r", Value="v", Type="String")
    with pytest.raises(ClientError, match="ParameterNotFound"):
        served.client("ssm").get_parameter(Name="/r")
    arn = served.client("ssm", region_name="eu-west-3").get_parameter(Name="/r")["Parameter"]["ARN"]
    assert arn.startswith("arn:aws:ssm:eu-west-3:")


def test_error_carries_status_type_header_and_request_id(served: Served):
    with pytest.raises(ClientError) as caught:
        served.client("ssm").get_parameter(Name="/missing")
    meta = caught.value.response["ResponseMetadata"]
    assert caught.value.response["Error"]["Code"] == "ParameterNotFound"
    assert meta["HTTPStatusCode"] == 400
    assert meta["HTTPHeaders"]["x-amzn-errortype"] == "ParameterNotFound"
    assert meta["RequestId"] == meta["HTTPHeaders"]["x-amzn-requestid"]
    assert served.world.trail[-1]["requestID"] == meta["RequestId"]


def test_principal_calls_are_its_own(served: Served):
    reader = served.handle.principal("reader", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}]})
    ssm = served.client("ssm", key=reader.access_key_id, secret=reader.secret_access_key)
    with pytest.raises(ClientError, match="AccessDeniedException"):
        ssm.put_parameter(Name="/p", Value="v", Type="String")
    assert served.world.trail[-1]["userIdentity"]["arn"] == reader.arn


def test_wrong_secret_is_refused_as_aws_does(served: Served):
    reader = served.handle.principal("reader2")
    ssm = served.client("ssm", key=reader.access_key_id, secret="not-the-secret")
    with pytest.raises(ClientError) as caught:
        ssm.get_parameter(Name="/x")
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidSignatureException"
    assert error["Message"].startswith("The request signature we calculated does not match")
    default = served.client("kms", secret="wrong")
    with pytest.raises(ClientError, match="InvalidSignatureException"):
        default.list_keys()
    assert len(served.world.trail) == 0  # refused before any service ran


def test_role_needs_its_session_token(served: Served):
    role = served.handle.principal("app", kind="role")
    with_token = served.client("ssm", key=role.access_key_id, secret=role.secret_access_key,
                               token=role.session_token)
    with pytest.raises(ClientError, match="ParameterNotFound|AccessDenied"):
        with_token.get_parameter(Name="/x")
    for token in (None, "FwoGZXIvYXdzEother"):
        client = served.client("ssm", key=role.access_key_id, secret=role.secret_access_key, token=token)
        with pytest.raises(ClientError) as caught:
            client.get_parameter(Name="/x")
        assert caught.value.response["Error"] == {
            "Code": "UnrecognizedClientException",
            "Message": "The security token included in the request is invalid.",
        }


def test_unsigned_request_is_refused(served: Served):
    response = raw(served, "POST", body=b"{}", headers={"X-Amz-Target": "AmazonSSM.DescribeParameters",
                                                         "Content-Type": "application/x-amz-json-1.1"})
    assert response.status == 400
    assert json.loads(response.read()) == {
        "__type": "MissingAuthenticationTokenException",
        "message": "Request is missing Authentication Token",
    }
    assert response.getheader("x-amzn-ErrorType") == "MissingAuthenticationTokenException"


def test_unknown_operation_and_service_are_aws_errors(served: Served):
    unknown_op = raw(served, "POST", body=b"{}", headers={
        "X-Amz-Target": "AmazonSSM.NoSuchThing",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDUNKNOWN/20240101/us-east-1/ssm/aws4_request, "
                         "SignedHeaders=host, Signature=00"})
    assert unknown_op.status == 400
    assert json.loads(unknown_op.read())["__type"] == "UnknownOperationException"
    unknown_service = raw(served, "POST", body=b"{}", headers={
        "X-Amz-Target": "DynamoDB_20120810.ListTables",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDUNKNOWN/20240101/us-east-1/dynamodb/aws4_request, "
                         "SignedHeaders=host, Signature=00"})
    body = json.loads(unknown_service.read())
    assert unknown_service.status == 400 and body["__type"] == "UnknownOperationException"
    assert "dynamodb" in body["message"] and "Traceback" not in body["message"]


def test_keep_alive_serves_many_requests_on_one_connection(served: Served):
    ssm = served.client("ssm")
    for number in range(5):
        ssm.put_parameter(Name="/k", Value=str(number), Type="String", Overwrite=True)
    connection = http.client.HTTPConnection("127.0.0.1", served.server.port, timeout=10)
    for _ in range(3):
        connection.request("POST", "/", body=b"{}", headers={"X-Amz-Target": "AmazonSSM.DescribeParameters"})
        response = connection.getresponse()
        response.read()
        assert response.status == 400 and not response.will_close


def test_concurrent_writers_get_dense_versions(served: Served):
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            ssm = served.client("ssm")
            for i in range(10):
                ssm.put_parameter(Name="/shared", Value=f"{number}-{i}", Type="String", Overwrite=True)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    history = served.client("ssm").get_parameter_history(Name="/shared", MaxResults=50)
    versions = sorted(p["Version"] for p in history["Parameters"])
    assert versions == list(range(1, 51))
    assert len([e for e in served.world.trail if e["eventName"] == "PutParameter"]) == 80
