"""Access keys from another mock are nobody; your own keys act as the default administrator,
and their real id never reaches a record."""

from __future__ import annotations

import base64
import json

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_ssmkms import mock_ssm_kms
from pytest_ssmkms.aws.backend import DEFAULT_ACCESS_KEY_ID
from pytest_ssmkms.aws.iam import access_keys

TEXT = "The security token included in the request is invalid."
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _calls(session):
    """One call per service: what a key must be refused or answered for."""
    return {
        "ssm": lambda: session.client("ssm").describe_parameters(),
        "kms": lambda: session.client("kms").list_keys(),
        "cloudtrail": lambda: session.client("cloudtrail").lookup_events(),
        "sts": lambda: session.client("sts").get_caller_identity(),
    }


def _other_mocks_sessions():
    """Sessions signed with keys a mock issued: a user, a role principal, an AssumeRole session."""
    with mock_ssm_kms() as other:
        user = other.principal("alice", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        role_principal = other.principal("app", kind="role")
        role = other.role("deployer", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        credentials = other.client("sts").assume_role(RoleArn=role.arn, RoleSessionName="session")["Credentials"]
        assumed = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name="us-east-1",
        )
        return {"user": user.session(), "role": role_principal.session(), "assumed": assumed}


@pytest.mark.parametrize("kind", ["user", "role", "assumed"])
@pytest.mark.parametrize("service", ["ssm", "kms", "cloudtrail", "sts"])
def test_a_key_another_mock_issued_is_unrecognized(kind, service):
    session = _other_mocks_sessions()[kind]
    key = session.get_credentials().access_key
    assert access_keys.is_issued(key)
    with mock_ssm_kms() as aws:
        with pytest.raises(ClientError) as refused:
            _calls(session)[service]()
        error = refused.value.response["Error"]
        # It used to act as this mock's administrator.
        if service == "sts":  # a query service: STS's own name and status
            assert (error["Code"], refused.value.response["ResponseMetadata"]["HTTPStatusCode"]) == ("InvalidClientTokenId", 403)
        else:
            assert (error["Code"], refused.value.response["ResponseMetadata"]["HTTPStatusCode"]) == ("UnrecognizedClientException", 400)
        assert error["Message"] == TEXT
        assert len(aws.trail) == 0  # refused before any service: nothing recorded, nothing made
        assert aws.world.backends() == []


def test_a_key_of_an_outer_mock_is_unrecognized_in_an_inner_one():
    with mock_ssm_kms() as outer:
        alice = outer.principal("alice")
        with mock_ssm_kms(fresh=True):
            with pytest.raises(ClientError) as refused:
                alice.session().client("ssm").describe_parameters()
            assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"
        # Back in its own mock the key is alice again (denied: she has no policy).
        with pytest.raises(ClientError) as denied:
            alice.session().client("ssm").describe_parameters()
        assert denied.value.response["Error"]["Code"] == "AccessDeniedException"


real_key_ids = st.builds(
    lambda prefix, letters: prefix + letters,
    st.sampled_from(["AKIA", "ASIA"]),
    st.text(alphabet=LETTERS, min_size=16, max_size=16),
).filter(lambda key: not access_keys.is_issued(key))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(key=real_key_ids)
def test_your_own_key_is_the_administrator_and_never_recorded(key):
    # A session made before the mock, with your credentials.
    mine = boto3.Session(aws_access_key_id=key, aws_secret_access_key="real-secret", region_name="us-east-1")
    with mock_ssm_kms() as aws:
        ssm = mine.client("ssm")
        ssm.put_parameter(Name="/p", Value="v", Type="String")
        ssm.get_parameter(Name="/p")
        with pytest.raises(ClientError):
            ssm.get_parameter(Name="/missing")
        mine.client("kms").create_key()
        identity = mine.client("sts").get_caller_identity()
        assert identity["Arn"] == "arn:aws:iam::123456789012:user/test-admin"
        events = mine.client("cloudtrail").lookup_events()["Events"]
        records = json.dumps(list(aws.trail), default=str)
        # It used to be recorded as the caller's accessKeyId.
        assert key not in records and key not in json.dumps(events, default=str)
        assert {record["userIdentity"]["accessKeyId"] for record in aws.trail} == {DEFAULT_ACCESS_KEY_ID}
        assert aws.trail.lookup(access_key_id=DEFAULT_ACCESS_KEY_ID) == list(aws.trail)
        assert all(repr(key) not in repr(call) for call in aws.trail.calls)


YOUR_KEY_TEST = """
import boto3
from pytest_ssmkms import mock_ssm_kms

mine = boto3.Session(aws_access_key_id="{key}", aws_secret_access_key="s", region_name="us-east-1")

def test_with_your_key(ssm_kms):
    mine.client("ssm").put_parameter(Name="/p", Value="v", Type="String")
    mine.client("kms").list_keys()
    assert False, "fails on purpose, so the report shows the trail"
"""


def test_your_own_key_never_reaches_the_trail_file_or_the_report(pytester):
    key = "AKIA" + base64.b32encode(b"0123456789").decode()[:16]
    assert not access_keys.is_issued(key)
    pytester.makepyfile(YOUR_KEY_TEST.format(key=key))
    trail_file = pytester.path / "trail.json"
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-vv", "-rA", f"--ssm-kms-trail={trail_file}")
    result.assert_outcomes(failed=1)
    output = result.stdout.str() + result.stderr.str()
    assert "PutParameter" in output  # the trail section is in the report
    records = json.loads(trail_file.read_text())["Records"]
    assert [r["eventName"] for r in records] == ["PutParameter", "ListKeys"]
    assert key not in trail_file.read_text()
    assert key not in output.replace(YOUR_KEY_TEST.format(key=key), "")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(random_bytes=st.binary(min_size=7, max_size=40), prefix=st.sampled_from(["AKIA", "ASIA"]))
def test_issued_key_ids_are_recognised_and_look_real(random_bytes, prefix):
    key = access_keys.issue(prefix, random_bytes)
    assert access_keys.is_issued(key)
    assert len(key) == 20 and key.startswith(prefix) and set(key[4:]) <= set(LETTERS)
    # One changed letter is no key of the mock's (the checksum catches it).
    for at in (4, 13, 19):
        other = key[:at] + ("A" if key[at] != "A" else "B") + key[at + 1 :]
        assert not access_keys.is_issued(other)


def test_the_default_key_and_odd_keys_are_not_issued():
    for key in (DEFAULT_ACCESS_KEY_ID, "", "a", "AKIA", "akia" + "a" * 16, "AKIA" + "1" * 16, "X" * 20):
        assert not access_keys.is_issued(key)
