"""The Lambda Parameters and Secrets extension's local API, as a function calls it."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.server.conftest import Served


def get(served: Served, query: dict[str, str], token: str | None, path: str = "/systemsmanager/parameters/get"):
    url = f"http://localhost:{served.server.port}{path}?{urllib.parse.urlencode(query)}"
    request = urllib.request.Request(url)
    if token is not None:
        request.add_header("X-Aws-Parameters-Secrets-Token", token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def seeded(served: Served) -> Served:
    served.handle.put_parameter("/app/db", "v2", type="SecureString", history=["v1"])
    return served


def test_reads_the_parameter_with_decryption(seeded: Served):
    env = seeded.server.env
    assert env["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"] == str(seeded.server.port)
    status, body = get(seeded, {"name": "/app/db", "withDecryption": "true"}, env["AWS_SESSION_TOKEN"])
    assert status == 200
    parameter = json.loads(body)["Parameter"]
    assert (parameter["Value"], parameter["Version"], parameter["Type"]) == ("v2", 2, "SecureString")
    assert seeded.world.trail[0]["eventName"] == "GetParameter"


def test_without_decryption_the_ciphertext_comes_back(seeded: Served):
    status, body = get(seeded, {"name": "/app/db"}, seeded.server.env["AWS_SESSION_TOKEN"], path="/systemsmanager/parameters/get/")
    assert status == 200 and json.loads(body)["Parameter"]["Value"] not in ("v1", "v2")


def test_version_and_label(seeded: Served):
    token = seeded.server.env["AWS_SESSION_TOKEN"]
    status, body = get(seeded, {"name": "/app/db", "version": "1", "withDecryption": "true"}, token)
    assert json.loads(body)["Parameter"]["Value"] == "v1"
    seeded.client("ssm").label_parameter_version(Name="/app/db", ParameterVersion=1, Labels=["prod"])
    status, body = get(seeded, {"name": "/app/db", "label": "prod", "withDecryption": "true"}, token)
    assert status == 200 and json.loads(body)["Parameter"]["Selector"] == ":prod"
    status, _ = get(seeded, {"name": "/app/db", "label": "prod", "version": "1"}, token)
    assert status == 400


def test_missing_or_wrong_token_is_refused(seeded: Served):
    assert get(seeded, {"name": "/app/db"}, None)[0] == 401
    assert get(seeded, {"name": "/app/db"}, "not-a-session-token")[0] == 401
    assert len(seeded.world.trail) == 0


def test_missing_parameter_is_getparameter_s_error(seeded: Served):
    status, body = get(seeded, {"name": "/nope"}, seeded.server.env["AWS_SESSION_TOKEN"])
    assert status == 400 and json.loads(body)["__type"] == "ParameterNotFound"


def test_a_role_s_token_calls_as_the_role(seeded: Served):
    seeded.handle.put_parameter("/other/db", "x")
    role = seeded.handle.principal("fn", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter",
                       "Resource": "arn:aws:ssm:*:*:parameter/app/*"}]}, kind="role")
    env = seeded.server.env_for(role)
    assert env["AWS_SESSION_TOKEN"] == role.session_token
    status, body = get(seeded, {"name": "/app/db", "withDecryption": "true"}, env["AWS_SESSION_TOKEN"])
    assert status == 200 and json.loads(body)["Parameter"]["Value"] == "v2"
    assert seeded.world.trail[0]["userIdentity"]["arn"] == role.session_arn
    status, body = get(seeded, {"name": "/other/db"}, env["AWS_SESSION_TOKEN"])
    assert status == 400 and json.loads(body)["__type"] == "AccessDeniedException"
