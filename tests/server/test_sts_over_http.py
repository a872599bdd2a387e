"""STS over the query protocol through a real socket: GetCallerIdentity, AssumeRole and the
assumed credentials used for SSM/KMS, and STS's own XML refusals of bad signatures."""

from __future__ import annotations

import http.client
import json
import socket
import xml.etree.ElementTree as ElementTree

import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms.aws.errors import InvalidSignatureException
from pytest_ssmkms.wire import door
from tests.server.conftest import Served

READ_ONLY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["ssm:GetParameter", "kms:Decrypt"], "Resource": "*"}],
}


def test_get_caller_identity_names_the_signer(served: Served):
    assert served.client("sts").get_caller_identity()["Arn"] == "arn:aws:iam::123456789012:user/test-admin"
    reader = served.handle.principal("reader")
    sts = served.client("sts", key=reader.access_key_id, secret=reader.secret_access_key)
    identity = sts.get_caller_identity()
    assert (identity["Arn"], identity["Account"]) == (reader.arn, "123456789012")
    assert served.world.trail[-1]["eventName"] == "GetCallerIdentity"
    assert served.world.trail[-1]["userIdentity"]["arn"] == reader.arn


def test_assumed_role_credentials_act_as_the_role(served: Served):
    served.handle.put_parameter("/app/db", "s3cret", type="SecureString")
    role = served.handle.role("reader", READ_ONLY)
    credentials = served.client("sts").assume_role(RoleArn=role.arn, RoleSessionName="job-1")["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    signed = {"key": credentials["AccessKeyId"], "secret": credentials["SecretAccessKey"],
              "token": credentials["SessionToken"]}
    identity = served.client("sts", **signed).get_caller_identity()
    assert identity["Arn"] == "arn:aws:sts::123456789012:assumed-role/reader/job-1"
    ssm = served.client("ssm", **signed)
    assert ssm.get_parameter(Name="/app/db", WithDecryption=True)["Parameter"]["Value"] == "s3cret"
    with pytest.raises(ClientError) as denied:
        ssm.put_parameter(Name="/app/db", Value="x", Type="String", Overwrite=True)
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "assumed-role/reader/job-1" in denied.value.response["Error"]["Message"]
    record = [e for e in served.world.trail if e["eventName"] == "GetParameter"][-1]
    assert record["userIdentity"]["type"] == "AssumedRole"
    assert record["userIdentity"]["accessKeyId"] == credentials["AccessKeyId"]


def test_assumed_credentials_need_their_session_token(served: Served):
    role = served.handle.role("app", READ_ONLY)
    credentials = served.client("sts").assume_role(RoleArn=role.arn, RoleSessionName="s2")["Credentials"]
    sts = served.client("sts", key=credentials["AccessKeyId"], secret=credentials["SecretAccessKey"])
    with pytest.raises(ClientError) as caught:
        sts.get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "InvalidClientTokenId"
    assert caught.value.response["Error"]["Message"] == "The security token included in the request is invalid."
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_wrong_secret_is_stss_signature_does_not_match_in_xml(served: Served):
    with pytest.raises(ClientError) as caught:
        served.client("sts", secret="wrong").get_caller_identity()
    response = caught.value.response
    assert response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert response["Error"]["Type"] == "Sender"
    assert response["Error"]["Message"].startswith("The request signature we calculated does not match")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "text/xml"
    assert len(served.world.trail) == 0


def test_incomplete_sts_signature_is_xml_too(served: Served):
    connection = http.client.HTTPConnection("127.0.0.1", served.server.port, timeout=10)
    connection.request("POST", "/", body=b"Action=GetCallerIdentity&Version=2011-06-15", headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDX/20240101/us-east-1/sts/aws4_request"})
    response = connection.getresponse()
    root = ElementTree.fromstring(response.read())
    namespace = {"sts": "https://sts.amazonaws.com/doc/2011-06-15/"}
    assert response.status == 400
    assert root.findtext("sts:Error/sts:Code", namespaces=namespace) == "IncompleteSignature"
    assert root.findtext("sts:RequestId", namespaces=namespace) == response.getheader("x-amzn-RequestId")


def test_error_answer_speaks_the_services_wire():
    error = InvalidSignatureException("bad")
    as_sts = door.error_answer(error, "rid", "sts")
    assert (as_sts.status, as_sts.content_type) == (403, "text/xml")
    assert b"<Code>SignatureDoesNotMatch</Code>" in as_sts.body and b"<RequestId>rid</RequestId>" in as_sts.body
    for service in ("kms", "ssm", "", "dynamodb"):
        as_json = door.error_answer(error, "rid", service)
        assert (as_json.status, as_json.error_code) == (400, "InvalidSignatureException")
        assert json.loads(as_json.body) == {"__type": "InvalidSignatureException", "message": "bad"}


def test_accepted_connections_have_nagle_off(served: Served):
    """Without TCP_NODELAY each keep-alive answer (headers, then body) waits ~40 ms for the
    client's delayed ACK; the option is checked on the server's side of the connection."""
    connection = http.client.HTTPConnection("127.0.0.1", served.server.port, timeout=10)
    connection.request("POST", "/", body=b"{}", headers={"X-Amz-Target": "AmazonSSM.DescribeParameters"})
    connection.getresponse().read()
    accepted = list(served.server._server._http._connections)
    assert accepted, "the keep-alive connection is open on the server"
    for sock in accepted:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    connection.close()
