"""Cost stays bounded: finished mocks are let go at once, and LookupEvents reads only the
records its attribute selects. Counts, not timings (benchmarks/limits.py has the timings)."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_ssmkms import mock_ssm_kms
from pytest_ssmkms.adapters import activation
from pytest_ssmkms.aws.trail import index as trail_index
from pytest_ssmkms.aws.trail.query import Where
from pytest_ssmkms.aws.trail.record import CallRecord
from pytest_ssmkms.mock import environment
from pytest_ssmkms.plugin.trail_report import TrailCollector

# A client made before any mock: answered by whichever is active, cheap to reuse.
CLIENT = boto3.client("ssm", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")


def _collector(request: pytest.FixtureRequest) -> TrailCollector:
    found = request.config.pluginmanager.get_plugin("ssm-kms-trail-collector")
    assert isinstance(found, TrailCollector)
    return found


def test_two_thousand_mocks_in_one_test_leave_no_world_behind(request):
    collector = _collector(request)
    refs: list[weakref.ref[Any]] = []
    most_watched = 0
    for _ in range(2000):
        with mock_ssm_kms() as aws:
            CLIENT.put_parameter(Name="/p", Value="v", Type="String")
            refs.append(weakref.ref(aws.world))
            most_watched = max(most_watched, len(collector.watches))
        del aws
    gc.collect()
    # The trail report watched every world until the test ended: all 2,000 stayed alive,
    # and each start scanned the list of them.
    assert sum(ref() is not None for ref in refs) == 0
    assert most_watched == 1
    assert collector.watches == []
    assert len(activation.activation_listeners) == 1 and len(activation.deactivation_listeners) == 1
    assert environment.active_count() == 0
    # Their calls are still the test's: one summary line each for the failure report.
    assert len(collector.current) >= 2000


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(name=st.text(st.sampled_from("abc"), min_size=1, max_size=5))
def test_a_mock_per_hypothesis_example_keeps_nothing(name):
    with mock_ssm_kms() as aws:
        CLIENT.put_parameter(Name=f"/{name}", Value="v", Type="String")
        WORLDS.append(weakref.ref(aws.world))


WORLDS: list[weakref.ref[Any]] = []


def test_the_hypothesis_worlds_are_gone():
    # (runs after the test above, in file order)
    gc.collect()
    assert WORLDS and sum(ref() is not None for ref in WORLDS) == 0


# -- LookupEvents over a large trail -----------------------------------------------------------


def _fill(aws: Any, count: int, operation: str = "GetParameter") -> None:
    """``count`` records appended to the trail directly: a big trail without 20,000 calls."""
    ctx = aws.world.context(aws.world.default_caller, aws.region)
    for number in range(count):
        aws.trail.append(CallRecord("ssm", operation, {"Name": f"/bulk/{number % 50}"}, {}, None, ctx))


class Counting:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.matched = 0
        self.indexed = 0
        matches, values = Where.matches, trail_index.record_values

        def counted_matches(where: Where, record: CallRecord) -> bool:
            self.matched += 1
            return matches(where, record)

        def counted_values(attribute: str, record: CallRecord) -> Any:
            self.indexed += 1
            return values(attribute, record)

        monkeypatch.setattr(Where, "matches", counted_matches)
        monkeypatch.setattr(trail_index, "record_values", counted_values)


def test_a_lookup_matching_nothing_touches_no_record(monkeypatch):
    with mock_ssm_kms() as aws:
        _fill(aws, 20_000)
        cloudtrail = aws.client("cloudtrail")
        count = Counting(monkeypatch)
        nothing = [{"AttributeKey": "EventName", "AttributeValue": "DeleteParameter"}]
        assert cloudtrail.lookup_events(LookupAttributes=nothing)["Events"] == []
        assert count.matched == 0  # it used to copy and check all 20,000
        assert count.indexed == 20_000  # the first lookup of an attribute indexes it, once
        count.indexed = 0
        for _ in range(5):
            assert cloudtrail.lookup_events(LookupAttributes=nothing)["Events"] == []
        assert count.matched == 0
        assert count.indexed == 5  # only the LookupEvents records appended since
        _fill(aws, 1000, "DeleteParameter")
        found = cloudtrail.lookup_events(LookupAttributes=nothing, MaxResults=10)
        assert len(found["Events"]) == 10 and "NextToken" in found
        assert count.matched == 11  # the page and the one that shows another page exists
        for key, value in [("ResourceName", "/elsewhere"), ("Username", "nobody"), ("AccessKeyId", "AKIANOBODY"),
                           ("ResourceType", "AWS::KMS::Key"), ("EventSource", "kms.amazonaws.com")]:
            count.matched = 0
            assert cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}])["Events"] == []
            assert count.matched == 0, key


LOOKUP_KEYS = ["EventName", "EventSource", "ReadOnly", "Username", "ResourceName", "ResourceType", "AccessKeyId", "EventId"]


def _reference(aws: Any, key: str | None, value: str | None, region: str) -> list[str]:
    """What LookupEvents answered before the index: every record checked, newest first."""
    field = {"EventName": "event_name", "EventSource": "event_source", "ReadOnly": "read_only", "Username": "username",
             "ResourceName": "resource_name", "ResourceType": "resource_type", "AccessKeyId": "access_key_id",
             "EventId": "event_id"}
    where = Where(**({field[key]: value} if key else {}))
    return [
        record.event["eventID"]
        for record in reversed(aws.trail.calls)
        if record.service != "cloudtrail" and record.ctx.region == region and where.matches(record)
    ]


calls = st.lists(
    st.tuples(
        st.sampled_from(["put", "get", "missing", "key", "encrypt", "alias", "clear"]),
        st.sampled_from(["/a", "/a/b", "c"]),
        st.sampled_from(["us-east-1", "eu-west-1"]),
        st.booleans(),  # as a principal
    ),
    max_size=14,
)


@settings(max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(calls=calls, key=st.sampled_from([None, *LOOKUP_KEYS]), pick=st.integers(0, 1000), page=st.integers(1, 4))
def test_indexed_lookups_answer_what_checking_every_record_answers(calls, key, pick, page):
    with mock_ssm_kms() as aws:
        bob = aws.principal("bob", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        cloudtrail = aws.client("cloudtrail")
        # A lookup first, so the index exists before the calls (it must follow them).
        cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": key or "EventName", "AttributeValue": "x"}])
        for action, name, region, as_bob in calls:
            session = bob.session(region) if as_bob else aws.session(region)
            ssm, kms = session.client("ssm"), session.client("kms")
            try:
                if action == "put":
                    ssm.put_parameter(Name=name, Value="v", Type="SecureString", Overwrite=True)
                elif action == "get":
                    ssm.get_parameter(Name=name, WithDecryption=True)
                elif action == "missing":
                    ssm.get_parameter(Name=name + "-missing")
                elif action == "key":
                    kms.create_key()
                elif action == "encrypt":
                    kms.encrypt(KeyId="alias/app", Plaintext=b"x")
                elif action == "alias":
                    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
                    kms.create_alias(AliasName="alias/app", TargetKeyId=key_id)
                else:
                    aws.trail.clear()
            except Exception:  # noqa: BLE001 - refusals are calls too
                pass
        values = sorted({v for r in aws.trail for v in _values_of(r, key)}) + ["alias/app", "nothing"]
        value = values[pick % len(values)] if key else None
        attributes = [{"AttributeKey": key, "AttributeValue": value}] if key else []
        if key == "ReadOnly":
            attributes[0]["AttributeValue"] = value = ["true", "false"][pick % 2]
        expected = _reference(aws, key, value, "us-east-1")
        got: list[str] = []
        token = None
        while True:
            kwargs: dict[str, Any] = {"LookupAttributes": attributes, "MaxResults": page}
            if token:
                kwargs["NextToken"] = token
            answer = cloudtrail.lookup_events(**kwargs)
            got += [event["EventId"] for event in answer["Events"]]
            token = answer.get("NextToken")
            if not token:
                break
        assert got == expected


def _values_of(record: dict[str, Any], key: str | None) -> list[str]:
    identity = record.get("userIdentity", {})
    return {
        None: [],
        "EventName": [record["eventName"]],
        "EventSource": [record["eventSource"]],
        "ReadOnly": [],
        "Username": [identity.get("userName", "")],
        "ResourceName": [r["ARN"] for r in record.get("resources", [])] + ["/a", "a/b", "c", "/c"],
        "ResourceType": [r["type"] for r in record.get("resources", [])],
        "AccessKeyId": [identity.get("accessKeyId", "")],
        "EventId": [record["eventID"]],
    }[key]
