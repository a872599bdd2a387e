"""The ssm_kms_server fixtures and aws.serve(), as a user's test module uses them."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SUBPROCESS_TEST = '''
import json, os, subprocess, sys
import pytest

CALL = """
import boto3, json, sys
ssm = boto3.client("ssm")
if sys.argv[1] == "put":
    ssm.put_parameter(Name="/from/child", Value="hi", Type="SecureString")
print(json.dumps(ssm.get_parameter(Name=sys.argv[2], WithDecryption=True)["Parameter"]["Value"]))
"""

def child(env, *args):
    result = subprocess.run([sys.executable, "-c", CALL, *args], env={**os.environ, **env},
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout.strip(), result.stderr

@pytest.mark.ssm_parameter("/seeded", "by-marker", type="SecureString")
def test_one_aws(ssm_kms, ssm_kms_server):
    assert ssm_kms_server.endpoint_url.startswith("http://127.0.0.1:")
    code, out, err = child(ssm_kms_server.env, "put", "/seeded")
    assert code == 0, err
    assert json.loads(out) == "by-marker"
    assert ssm_kms.client("ssm").get_parameter(Name="/from/child", WithDecryption=True)["Parameter"]["Value"] == "hi"
    events = [e["eventName"] for e in ssm_kms.trail]
    assert events[:2] == ["PutParameter", "Encrypt"]

def test_principal_env(ssm_kms, ssm_kms_server):
    reader = ssm_kms.principal("reader", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}]})
    code, out, err = child(ssm_kms_server.env_for(reader), "put", "/x")
    assert code != 0 and "AccessDeniedException" in err
    assert ssm_kms.trail[-1]["userIdentity"]["arn"] == reader.arn

def test_server_alone_activates_the_mock(ssm_kms_server):
    import boto3
    boto3.client("ssm").put_parameter(Name="/in-process", Value="v", Type="String")
    code, out, err = child(ssm_kms_server.env, "get", "/in-process")
    assert (code, out) == (0, '"v"'), err
'''

MODULE_TEST = '''
import pytest
from pytest_ssmkms import mock_ssm_kms

pytestmark = pytest.mark.ssm_parameter("/m", "shared")

def test_first(ssm_kms_module, ssm_kms_server_module):
    pytest.port = ssm_kms_server_module.port
    ssm_kms_module.put_parameter("/later", "x")

def test_second(ssm_kms_server_module, ssm_kms_module):
    assert ssm_kms_server_module.port == pytest.port
    assert ssm_kms_module.client("ssm").get_parameter(Name="/later")["Parameter"]["Value"] == "x"

def test_from_code():
    import threading
    before = threading.active_count()
    with mock_ssm_kms() as aws, aws.serve() as server:
        assert server.env["AWS_ENDPOINT_URL"] == server.endpoint_url
        assert server.env["AWS_CONFIG_FILE"] == server.env["AWS_SHARED_CREDENTIALS_FILE"]
    assert threading.active_count() == before
'''


def test_fixture_serves_the_test_s_own_world(pytester: pytest.Pytester):
    pytester.makepyfile(test_sub=SUBPROCESS_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=3)


def test_module_scope_and_code(pytester: pytest.Pytester):
    pytester.makepyfile(test_mod=MODULE_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=3)
