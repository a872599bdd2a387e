"""boto3.client("cloudtrail").lookup_events answered from the trail, as CI code calls it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms import SsmKms
from tests.trail.support import SECRET

T0 = datetime(2026, 11, 28, 22, 0, 0, tzinfo=timezone.utc)


def put(names: list[str], ssm_kms: SsmKms, step: timedelta = timedelta(minutes=1)) -> None:
    ssm = boto3.client("ssm")
    for name in names:
        ssm.put_parameter(Name=name, Value=SECRET, Type="String")
        ssm_kms.clock.advance(step)


def test_events_are_newest_first_with_the_cloudtrail_event_json(ssm_kms: SsmKms) -> None:
    ssm_kms.clock.set(T0)
    put(["/a", "/b"], ssm_kms)
    boto3.client("ssm").get_parameter(Name="/a")

    events = boto3.client("cloudtrail").lookup_events()["Events"]
    assert [(e["EventName"], e["Resources"][0]["ResourceName"]) for e in events] == [
        ("GetParameter", "/a"), ("PutParameter", "/b"), ("PutParameter", "/a"),
    ]
    newest = events[0]
    record = ssm_kms.trail[2]
    assert newest["EventId"] == record["eventID"]
    assert newest["ReadOnly"] == "true" and events[1]["ReadOnly"] == "false"
    assert newest["AccessKeyId"] == "AKIAIOSFODNN7EXAMPLE"
    assert newest["Username"] == "test-admin"
    assert newest["EventSource"] == "ssm.amazonaws.com"
    assert newest["EventTime"] == T0 + timedelta(minutes=2)
    assert newest["Resources"] == [{"ResourceType": "AWS::SSM::Parameter", "ResourceName": "/a"}]
    # The CloudTrail event exactly, without our own pytestSsmKmsDecision field.
    assert "pytestSsmKmsDecision" in record
    assert json.loads(newest["CloudTrailEvent"]) == {
        k: v for k, v in record.items() if k != "pytestSsmKmsDecision"
    }
    assert all(SECRET not in e["CloudTrailEvent"] for e in events)


def test_lookup_attributes(ssm_kms: SsmKms) -> None:
    put(["/a", "/b"], ssm_kms)
    boto3.client("ssm").get_parameter(Name="/b")
    key_arn = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    cloudtrail = boto3.client("cloudtrail")

    def lookup(key: str, value: str) -> list[str]:
        found = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}])
        return [e["EventName"] for e in found["Events"]]

    assert lookup("EventName", "PutParameter") == ["PutParameter", "PutParameter"]
    assert lookup("EventSource", "kms.amazonaws.com") == ["CreateKey"]
    assert lookup("ResourceName", "/b") == ["GetParameter", "PutParameter"]
    assert lookup("ResourceName", key_arn) == ["CreateKey"]
    assert lookup("ResourceType", "AWS::KMS::Key") == ["CreateKey"]
    assert lookup("ReadOnly", "true") == ["GetParameter"]
    assert lookup("Username", "test-admin") == ["CreateKey", "GetParameter", "PutParameter", "PutParameter"]
    assert lookup("Username", "nobody") == []
    assert lookup("AccessKeyId", "AKIAIOSFODNN7EXAMPLE") == lookup("Username", "test-admin")
    assert lookup("EventId", ssm_kms.trail[0]["eventID"]) == ["PutParameter"]


def test_only_one_lookup_attribute(ssm_kms: SsmKms) -> None:
    with pytest.raises(ClientError) as raised:
        boto3.client("cloudtrail").lookup_events(
            LookupAttributes=[
                {"AttributeKey": "EventName", "AttributeValue": "PutParameter"},
                {"AttributeKey": "ReadOnly", "AttributeValue": "false"},
            ]
        )
    assert raised.value.response["Error"]["Code"] == "InvalidLookupAttributesException"


def test_paging_with_max_results_and_next_token(ssm_kms: SsmKms) -> None:
    put([f"/p{i}" for i in range(5)], ssm_kms)
    cloudtrail = boto3.client("cloudtrail")
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        kwargs = {"MaxResults": 2, **({"NextToken": token} if token else {})}
        page = cloudtrail.lookup_events(**kwargs)
        pages += 1
        assert len(page["Events"]) <= 2
        seen.extend(e["Resources"][0]["ResourceName"] for e in page["Events"])
        token = page.get("NextToken")
        if token is None:
            break
        put([f"/late{pages}"], ssm_kms)  # new calls while paging never shift the pages
    assert seen == ["/p4", "/p3", "/p2", "/p1", "/p0"]
    assert pages == 3


def test_paginator_works(ssm_kms: SsmKms) -> None:
    put([f"/p{i}" for i in range(3)], ssm_kms)
    paginator = boto3.client("cloudtrail").get_paginator("lookup_events")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 1}))
    assert [len(p["Events"]) for p in pages] == [1, 1, 1]


def test_exact_page_has_no_next_token(ssm_kms: SsmKms) -> None:
    put(["/a", "/b"], ssm_kms)
    assert "NextToken" not in boto3.client("cloudtrail").lookup_events(MaxResults=2)


def test_next_token_is_bound_to_its_parameters(ssm_kms: SsmKms) -> None:
    put(["/a", "/b", "/c"], ssm_kms)
    cloudtrail = boto3.client("cloudtrail")
    token = cloudtrail.lookup_events(MaxResults=1)["NextToken"]
    for kwargs in (
        {"NextToken": "garbage"},
        {"NextToken": token, "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "X"}]},
    ):
        with pytest.raises(ClientError) as raised:
            cloudtrail.lookup_events(**kwargs)  # type: ignore[arg-type]
        assert raised.value.response["Error"]["Code"] == "InvalidNextTokenException"


def test_time_range(ssm_kms: SsmKms) -> None:
    ssm_kms.clock.set(T0)
    put(["/a", "/b", "/c"], ssm_kms, step=timedelta(hours=1))  # at T0, T0+1h, T0+2h
    cloudtrail = boto3.client("cloudtrail")

    def between(start: datetime | None, end: datetime | None) -> list[str]:
        kwargs = {k: v for k, v in (("StartTime", start), ("EndTime", end)) if v is not None}
        return [e["Resources"][0]["ResourceName"] for e in cloudtrail.lookup_events(**kwargs)["Events"]]

    assert between(T0 + timedelta(hours=1), None) == ["/c", "/b"]  # start is inclusive
    assert between(None, T0 + timedelta(hours=1)) == ["/b", "/a"]  # end is inclusive
    assert between(T0 + timedelta(minutes=30), T0 + timedelta(minutes=90)) == ["/b"]
    assert between(T0 + timedelta(minutes=150), None) == []  # "now" is T0+3h
    with pytest.raises(ClientError) as raised:
        between(T0 + timedelta(hours=2), T0)
    assert raised.value.response["Error"]["Code"] == "InvalidTimeRangeException"


def test_history_keeps_ninety_days(ssm_kms: SsmKms) -> None:
    put(["/old"], ssm_kms)
    ssm_kms.clock.advance(timedelta(days=91))
    put(["/new"], ssm_kms)
    events = boto3.client("cloudtrail").lookup_events()["Events"]
    assert [e["Resources"][0]["ResourceName"] for e in events] == ["/new"]
    assert len(ssm_kms.trail.lookup(event_name="PutParameter")) == 2  # the trail keeps all


def test_only_the_calling_region(ssm_kms: SsmKms) -> None:
    boto3.client("ssm", region_name="eu-west-1").put_parameter(Name="/eu", Value="x", Type="String")
    boto3.client("ssm").put_parameter(Name="/us", Value="x", Type="String")
    def sources(region: str) -> list[str]:
        events = boto3.client("cloudtrail", region_name=region).lookup_events()["Events"]
        return [e["Resources"][0]["ResourceName"] for e in events]

    assert sources("us-east-1") == ["/us"]
    assert sources("eu-west-1") == ["/eu"]


def test_lookup_events_calls_are_recorded_but_not_looked_up(ssm_kms: SsmKms) -> None:
    put(["/a"], ssm_kms)
    cloudtrail = boto3.client("cloudtrail")
    cloudtrail.lookup_events()
    events = cloudtrail.lookup_events()["Events"]
    assert [e["EventName"] for e in events] == ["PutParameter"]
    assert [e["eventName"] for e in ssm_kms.trail] == ["PutParameter", "LookupEvents", "LookupEvents"]
    assert ssm_kms.trail[-1]["eventSource"] == "cloudtrail.amazonaws.com"
    assert ssm_kms.trail[-1]["readOnly"] is True


def test_insight_events_are_none(ssm_kms: SsmKms) -> None:
    put(["/a"], ssm_kms)
    assert boto3.client("cloudtrail").lookup_events(EventCategory="insight")["Events"] == []


def test_other_cloudtrail_operations_answer_a_clear_error(ssm_kms: SsmKms) -> None:
    with pytest.raises(ClientError) as raised:
        boto3.client("cloudtrail").describe_trails()
    error = raised.value.response["Error"]
    assert error["Code"] == "UnknownOperationException"
    assert "DescribeTrails" in error["Message"] and "LookupEvents" in error["Message"]
