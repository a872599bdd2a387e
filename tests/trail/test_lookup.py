"""trail.lookup and the trail assertions, as a test author uses them."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms import SsmKms
from pytest_ssmkms.aws.trail import TrailAssertionError
from tests.trail.support import SECRET


@pytest.fixture
def calls(ssm_kms: SsmKms) -> SsmKms:
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/app/db/pw", Value=SECRET, Type="String")
    ssm.put_parameter(Name="TopLevel", Value="x", Type="String")
    ssm.get_parameter(Name="/app/db/pw")
    with pytest.raises(ClientError):
        ssm.get_parameter(Name="/other/secret")
    kms = boto3.client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.describe_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError):
        kms.describe_key(KeyId="alias/missing")
    ssm_kms.world.settings.extra["key_arn"] = key["Arn"]
    return ssm_kms


def names(events: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [e["eventName"] for e in events]


def test_lookup_by_event_name_and_source(calls: SsmKms) -> None:
    trail = calls.trail
    assert names(trail.lookup(event_name="GetParameter")) == ["GetParameter", "GetParameter"]
    assert names(trail.lookup(event_source="kms")) == ["CreateKey", "DescribeKey", "DescribeKey"]
    assert trail.lookup(event_source="kms.amazonaws.com") == trail.lookup(event_source="kms")
    assert trail.lookup(event_name="Decrypt") == []


def test_lookup_by_resource_name(calls: SsmKms) -> None:
    trail = calls.trail
    key_arn = calls.world.settings.extra["key_arn"]
    by_name = trail.lookup(resource_name="/app/db/pw")
    assert names(by_name) == ["PutParameter", "GetParameter"]
    assert trail.lookup(resource_name="arn:aws:ssm:us-east-1:123456789012:parameter/app/db/pw") == by_name
    # A top-level parameter is the same with or without its leading slash.
    assert names(trail.lookup(resource_name="/TopLevel")) == ["PutParameter"]
    assert names(trail.lookup(resource_name="TopLevel")) == ["PutParameter"]
    assert names(trail.lookup(resource_name=key_arn)) == ["CreateKey", "DescribeKey"]
    assert names(trail.lookup(resource_name=key_arn.rsplit("/", 1)[1])) == ["CreateKey", "DescribeKey"]
    assert [e.get("errorCode") for e in trail.lookup(resource_name="alias/missing")] == ["NotFoundException"]
    assert trail.lookup(resource_name="/app") == []


def test_lookup_by_identity_and_read_only(calls: SsmKms) -> None:
    trail = calls.trail
    assert len(trail.lookup(username="test-admin")) == len(trail)
    assert trail.lookup(username="alice") == []
    assert len(trail.lookup(access_key_id="AKIAIOSFODNN7EXAMPLE")) == len(trail)
    assert names(trail.lookup(read_only=False)) == ["PutParameter", "PutParameter", "CreateKey"]
    assert trail.lookup(read_only="false") == trail.lookup(read_only=False)
    assert len(trail.lookup(read_only=True)) == 4
    with pytest.raises(ValueError, match="read_only"):
        trail.lookup(read_only="yes")


def test_lookup_by_outcome(calls: SsmKms) -> None:
    trail = calls.trail
    assert names(trail.lookup(error_code="ParameterNotFound")) == ["GetParameter"]
    assert len(trail.lookup(succeeded=False)) == 2
    assert len(trail.lookup(invoked_by=None)) == len(trail)  # all direct calls
    assert trail.lookup(invoked_by="ssm.amazonaws.com") == []


def test_assert_called_passes(calls: SsmKms) -> None:
    calls.trail.assert_called("GetParameter")
    calls.trail.assert_called("GetParameter", times=2)
    calls.trail.assert_called("GetParameter", times=1, resource_name="/app/db/pw", succeeded=True)
    calls.trail.assert_called("DescribeKey", times=1, error_code="NotFoundException")
    calls.trail.assert_not_called("Decrypt")
    calls.trail.assert_not_called("GetParameter", resource_name="/elsewhere/x")


def test_assert_called_failure_lists_the_calls_that_happened(calls: SsmKms) -> None:
    with pytest.raises(TrailAssertionError) as raised:
        calls.trail.assert_called("GetParameter", times=1, event_source="ssm")
    message = str(raised.value)
    assert isinstance(raised.value, AssertionError)
    lines = message.splitlines()
    assert lines[0] == (
        "expected GetParameter (event_source='ssm') to be called once, but it was called 2 times."
    )
    assert lines[1] == "Calls that happened (7):"
    assert lines[2] == "    1. PutParameter ssm /app/db/pw -> OK"
    assert lines[5] == "    4. GetParameter ssm /other/secret -> ParameterNotFound"
    assert lines[8] == "    7. DescribeKey kms alias/missing -> NotFoundException"
    assert len(lines) == 9
    assert SECRET not in message


def test_assert_called_never_called(ssm_kms: SsmKms) -> None:
    with pytest.raises(TrailAssertionError, match=r"(?s)to be called at least once, but it was called 0 times.\nNo calls were recorded."):
        ssm_kms.trail.assert_called("Decrypt")


def test_assert_not_called_failure_lists_the_offending_calls(calls: SsmKms) -> None:
    with pytest.raises(TrailAssertionError) as raised:
        calls.trail.assert_not_called("GetParameter", succeeded=False)
    message = str(raised.value)
    assert message.startswith(
        "expected GetParameter (succeeded=False) not to be called, but it was called once:\n"
        "    1. GetParameter ssm /other/secret -> ParameterNotFound\n"
        "Calls that happened (7):\n"
    )
    assert SECRET not in message


def test_unknown_where_attribute_is_a_clear_type_error(ssm_kms: SsmKms) -> None:
    with pytest.raises(TypeError, match="eventname"):
        ssm_kms.trail.assert_called("GetParameter", eventname="x")


def test_listing_lines_stay_compact(ssm_kms: SsmKms) -> None:
    long_name = "/" + "/".join(["segment"] * 14) + "/" + "x" * 200
    with pytest.raises(ClientError):
        boto3.client("ssm").get_parameter(Name=long_name)
    with pytest.raises(TrailAssertionError) as raised:
        ssm_kms.trail.assert_called("Decrypt")
    line = str(raised.value).splitlines()[-1]
    assert line.startswith("    1. GetParameter ssm /segment/segment/")
    assert "... -> " in line and len(line) < 160
