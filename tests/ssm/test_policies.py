"""Parameter policies: Advanced only, Expiration deletes on the backend clock, notifications."""

from __future__ import annotations

import json
from datetime import timedelta

import boto3
import pytest

from tests.ssm.support import error_of


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def expiration(moment):
    return {"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": _iso(moment)}}


def notification(before="15", unit="Days"):
    return {"Type": "ExpirationNotification", "Version": "1.0", "Attributes": {"Before": before, "Unit": unit}}


def no_change(after="20", unit="Days"):
    return {"Type": "NoChangeNotification", "Version": "1.0", "Attributes": {"After": after, "Unit": unit}}


@pytest.fixture
def ssm(ssm_kms):
    return boto3.client("ssm")


def _put(ssm, name, policies, **extra):
    extra.setdefault("Tier", "Advanced")
    extra.setdefault("Type", "String")
    return ssm.put_parameter(Name=name, Value="v", Policies=json.dumps(policies), **extra)


def _policies(ssm, name):
    found = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [name]}])["Parameters"]
    return found[0]["Policies"]


def test_expiration_deletes_the_parameter_when_the_clock_passes_it(ssm, ssm_kms):
    now = ssm_kms.clock.now()
    _put(ssm, "/temp", [expiration(now + timedelta(days=2)), notification("1", "Days")])
    ssm_kms.clock.advance(days=1)
    assert ssm.get_parameter(Name="/temp")["Parameter"]["Value"] == "v"
    statuses = {p["PolicyType"]: p["PolicyStatus"] for p in _policies(ssm, "/temp")}
    assert statuses == {"Expiration": "Pending", "ExpirationNotification": "Finished"}
    ssm_kms.clock.advance(days=1, seconds=1)
    assert error_of(ssm.get_parameter, Name="/temp")[0] == "ParameterNotFound"
    assert ssm.get_parameters_by_path(Path="/", Recursive=True)["Parameters"] == []
    # The name is free again.
    assert ssm.put_parameter(Name="/temp", Value="again", Type="String")["Version"] == 1


def test_policies_are_reported_with_text_type_and_status(ssm, ssm_kms):
    _put(ssm, "/p", [no_change("1", "Hours")])
    (policy,) = _policies(ssm, "/p")
    assert policy["PolicyType"] == "NoChangeNotification"
    assert json.loads(policy["PolicyText"]) == no_change("1", "Hours")
    assert policy["PolicyStatus"] == "Pending"
    ssm_kms.clock.advance(hours=2)
    assert _policies(ssm, "/p")[0]["PolicyStatus"] == "Finished"
    assert ssm.get_parameter_history(Name="/p")["Parameters"][0]["Policies"][0]["PolicyType"] == "NoChangeNotification"


def test_new_policies_replace_and_empty_removes(ssm, ssm_kms):
    later = ssm_kms.clock.now() + timedelta(days=5)
    _put(ssm, "/p", [expiration(later)])
    ssm.put_parameter(Name="/p", Value="w", Overwrite=True, Policies=json.dumps([no_change()]))
    assert [p["PolicyType"] for p in _policies(ssm, "/p")] == ["NoChangeNotification"]
    ssm.put_parameter(Name="/p", Value="x", Overwrite=True)  # no Policies: kept
    assert [p["PolicyType"] for p in _policies(ssm, "/p")] == ["NoChangeNotification"]
    ssm.put_parameter(Name="/p", Value="y", Overwrite=True, Policies="[{}]")
    assert _policies(ssm, "/p") == []
    ssm_kms.clock.advance(days=6)  # the replaced expiration no longer applies
    assert ssm.get_parameter(Name="/p")["Parameter"]["Value"] == "y"


def test_policies_need_the_advanced_tier(ssm):
    code, _ = error_of(_put, ssm, "/std", [no_change()], Tier="Standard")
    assert code == "ValidationException"
    assert _put(ssm, "/it", [no_change()], Tier="Intelligent-Tiering")["Tier"] == "Advanced"


def test_policy_errors(ssm, ssm_kms):
    future = ssm_kms.clock.now() + timedelta(days=1)
    assert error_of(_put, ssm, "/e", [no_change()] * 11)[0] == "PoliciesLimitExceededException"
    assert error_of(_put, ssm, "/e", [expiration(future), expiration(future)])[0] == "IncompatiblePolicyException"
    assert error_of(_put, ssm, "/e", [{"Type": "Rotate", "Version": "1.0", "Attributes": {}}])[0] == (
        "InvalidPolicyTypeException"
    )
    for bad in (
        notification(unit="Weeks"),
        notification(before="-1"),
        no_change(after="soon"),
        {"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": "tomorrow"}},
        expiration(ssm_kms.clock.now() - timedelta(days=1)),
        {"Type": "Expiration", "Version": "1.0", "Attributes": {}},
    ):
        assert error_of(_put, ssm, "/e", [bad])[0] == "InvalidPolicyAttributeException", bad
    code, _ = error_of(ssm.put_parameter, Name="/e", Value="v", Type="String", Tier="Advanced", Policies="not json")
    assert code == "ValidationException"
    assert error_of(ssm.get_parameter, Name="/e")[0] == "ParameterNotFound"
