"""Versions (100 kept), labels (rules, moving, limits), selectors and history."""

from __future__ import annotations

import boto3
import pytest

from tests.ssm.support import error_of


@pytest.fixture
def ssm(ssm_kms):
    client = boto3.client("ssm")
    client.put_parameter(Name="/v", Value="v1", Type="String")
    client.put_parameter(Name="/v", Value="v2", Type="String", Overwrite=True)
    client.put_parameter(Name="/v", Value="v3", Type="String", Overwrite=True)
    return client


def test_versions_count_from_one(ssm):
    assert ssm.get_parameter(Name="/v")["Parameter"]["Version"] == 3
    assert [h["Version"] for h in ssm.get_parameter_history(Name="/v")["Parameters"]] == [1, 2, 3]


def test_selectors_by_version_and_label(ssm):
    ssm.label_parameter_version(Name="/v", ParameterVersion=2, Labels=["prod"])
    by_version = ssm.get_parameter(Name="/v:1")["Parameter"]
    assert (by_version["Name"], by_version["Value"], by_version["Selector"], by_version["Version"]) == (
        "/v", "v1", ":1", 1,
    )
    by_label = ssm.get_parameter(Name="/v:prod")["Parameter"]
    assert (by_label["Name"], by_label["Value"], by_label["Selector"], by_label["Version"]) == (
        "/v", "v2", ":prod", 2,
    )
    assert "Selector" not in ssm.get_parameter(Name="/v")["Parameter"]
    result = ssm.get_parameters(Names=["/v:prod", "/v:9", "/v:nolabel", "/missing"])
    assert [p["Selector"] for p in result["Parameters"]] == [":prod"]
    assert sorted(result["InvalidParameters"]) == ["/missing", "/v:9", "/v:nolabel"]


def test_missing_version_or_label(ssm):
    assert error_of(ssm.get_parameter, Name="/v:9")[0] == "ParameterVersionNotFound"
    assert error_of(ssm.get_parameter, Name="/v:nolabel")[0] == "ParameterVersionNotFound"
    assert error_of(ssm.label_parameter_version, Name="/v", ParameterVersion=9, Labels=["x"])[0] == (
        "ParameterVersionNotFound"
    )
    assert error_of(ssm.label_parameter_version, Name="/nothing", Labels=["x"]) == (
        "ParameterNotFound", "Parameter /nothing not found.",
    )
    assert error_of(ssm.unlabel_parameter_version, Name="nothing", ParameterVersion=1, Labels=["x"]) == (
        "ParameterNotFound", "Parameter nothing not found.",
    )
    # GetParameter keeps AWS's empty text.
    assert error_of(ssm.get_parameter, Name="/nothing") == ("ParameterNotFound", "")


def test_label_name_errors(ssm):
    # Too long: refused at the list, with the member constraints; the other rules put the
    # label in InvalidLabels.
    long_label = "a" * 101
    assert error_of(ssm.label_parameter_version, Name="/v", Labels=["ok", long_label]) == (
        "ValidationException",
        f"1 validation error detected: Value '[ok, {long_label}]' at 'labels' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must have length less than or equal to 100, "
        "Member must have length greater than or equal to 1]",
    )
    answer = ssm.label_parameter_version(Name="/v", Labels=["awsabc", "SSMx", "9abc", "abc/123", "a:b", "fine"])
    assert answer["InvalidLabels"] == ["awsabc", "SSMx", "9abc", "abc/123", "a:b"]
    assert ssm.get_parameter(Name="/v:fine")["Parameter"]["Selector"] == ":fine"


def test_label_defaults_to_latest_and_moves(ssm):
    assert ssm.label_parameter_version(Name="/v", Labels=["prod"])["ParameterVersion"] == 3
    result = ssm.label_parameter_version(Name="/v", ParameterVersion=1, Labels=["prod", "old"])
    assert result == {"InvalidLabels": [], "ParameterVersion": 1, "ResponseMetadata": result["ResponseMetadata"]}
    history = {h["Version"]: h["Labels"] for h in ssm.get_parameter_history(Name="/v")["Parameters"]}
    assert history == {1: ["prod", "old"], 2: [], 3: []}


def test_invalid_labels_are_returned_not_attached(ssm):
    bad = ["1starts-with-digit", "awsreserved", "ssmreserved", "has space", "a/b"]
    result = ssm.label_parameter_version(Name="/v", Labels=["good", *bad])
    assert result["InvalidLabels"] == bad
    assert ssm.get_parameter_history(Name="/v")["Parameters"][-1]["Labels"] == ["good"]
    # Over 100 characters never reaches the label rules: the model's length limit answers.
    assert error_of(ssm.label_parameter_version, Name="/v", Labels=["x" * 101])[0] == "ValidationException"


def test_ten_labels_per_version(ssm):
    ssm.label_parameter_version(Name="/v", Labels=[f"l{i}" for i in range(10)])
    ssm.label_parameter_version(Name="/v", Labels=["l0"])  # already there: no change
    assert error_of(ssm.label_parameter_version, Name="/v", Labels=["eleventh"])[0] == (
        "ParameterVersionLabelLimitExceeded"
    )
    assert error_of(ssm.label_parameter_version, Name="/v", Labels=[f"m{i}" for i in range(11)])[0] == (
        "ValidationException"  # more than 10 labels in one request: the model's limit
    )


def test_unlabel(ssm):
    ssm.label_parameter_version(Name="/v", ParameterVersion=2, Labels=["a", "b"])
    result = ssm.unlabel_parameter_version(Name="/v", ParameterVersion=2, Labels=["a", "zzz"])
    assert (result["RemovedLabels"], result["InvalidLabels"]) == (["a"], ["zzz"])
    assert error_of(ssm.unlabel_parameter_version, Name="/v", ParameterVersion=7, Labels=["b"])[0] == (
        "ParameterVersionNotFound"
    )


def test_a_hundred_versions_are_kept(ssm_kms):
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/h", Value="0", Type="String")
    for index in range(1, 101):
        ssm.put_parameter(Name="/h", Value=str(index), Type="String", Overwrite=True)
    history = []
    for page in ssm.get_paginator("get_parameter_history").paginate(Name="/h"):
        history.extend(page["Parameters"])
    assert [h["Version"] for h in history] == list(range(2, 102))
    assert error_of(ssm.get_parameter, Name="/h:1")[0] == "ParameterVersionNotFound"


def test_a_labelled_oldest_version_blocks_the_next(ssm_kms):
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/h", Value="0", Type="String")
    for index in range(1, 100):
        ssm.put_parameter(Name="/h", Value=str(index), Type="String", Overwrite=True)
    ssm.label_parameter_version(Name="/h", ParameterVersion=1, Labels=["keep"])
    code, message = error_of(ssm.put_parameter, Name="/h", Value="x", Type="String", Overwrite=True)
    assert code == "ParameterMaxVersionLimitExceeded"
    assert message == (
        "You attempted to create a new version of /h by calling the PutParameter API with the overwrite "
        "flag. Version 1, the oldest version, can't be deleted because it has a label associated with it. "
        "Move the label to another version of the parameter, and try again."
    )
    ssm.label_parameter_version(Name="/h", ParameterVersion=50, Labels=["keep"])  # move it away
    assert ssm.put_parameter(Name="/h", Value="x", Type="String", Overwrite=True)["Version"] == 101


def test_history_pages_and_metadata(ssm):
    first = ssm.get_parameter_history(Name="/v", MaxResults=2)
    assert [h["Version"] for h in first["Parameters"]] == [1, 2]
    rest = ssm.get_parameter_history(Name="/v", MaxResults=2, NextToken=first["NextToken"])
    assert [h["Version"] for h in rest["Parameters"]] == [3] and "NextToken" not in rest
    entry = rest["Parameters"][0]
    assert entry["Value"] == "v3" and entry["DataType"] == "text" and entry["Policies"] == []
    assert entry["LastModifiedUser"] == "arn:aws:iam::123456789012:user/test-admin"
    assert error_of(ssm.get_parameter_history, Name="/v", MaxResults=51)[0] == "ValidationException"
    assert error_of(ssm.get_parameter_history, Name="/v", NextToken="garbage")[0] == "InvalidNextToken"
    assert error_of(ssm.get_parameter_history, Name="/nothing") == ("ParameterNotFound", "Parameter /nothing not found.")
