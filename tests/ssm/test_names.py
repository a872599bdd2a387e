"""Parameter names: characters, length, levels, reserved prefixes, root names, ARNs."""

from __future__ import annotations

import boto3
import pytest

from pytest_ssmkms.aws.ssm.names import NAME_RULES, label_is_valid, parse_reference
from tests.ssm.support import error_of


@pytest.fixture
def ssm(ssm_kms):
    return boto3.client("ssm")


@pytest.mark.parametrize(
    "name", ["bad name", "/a//b", "MyParameter3/L1", "/a/b$", "{test}-test", "/a:b:c", "ssm-thing", "/SSM/x"]
)
def test_malformed_or_ssm_prefixed_names_are_validation_errors(ssm, name):
    assert error_of(ssm.put_parameter, Name=name, Value="v", Type="String") == (
        "ValidationException",
        NAME_RULES,
    )


def test_reads_refuse_malformed_names_the_same_way(ssm):
    assert error_of(ssm.get_parameter, Name="{test}-test") == ("ValidationException", NAME_RULES)


@pytest.mark.parametrize("name", ["aws-thing", "/aws/x", "/AWS/x", "AwsOwned"])
def test_aws_prefix_is_access_denied(ssm, name):
    code, message = error_of(ssm.put_parameter, Name=name, Value="v", Type="String")
    assert code == "AccessDeniedException"
    assert message == f"No access to reserved parameter name: {name}."


def test_aws_prefixed_reads(ssm):
    # Public parameters live under /aws/service/<namespace>/ (tests/ssm/test_public.py): a
    # name in a published namespace that names nothing is not found; another namespace is
    # refused as AWS refuses it; names elsewhere under /aws/ are not found.
    assert error_of(ssm.get_parameter, Name="/aws/service/ecs/x")[0] == "ParameterNotFound"
    assert error_of(ssm.get_parameter, Name="/aws/service/x")[0] == "AccessDeniedException"
    assert error_of(ssm.get_parameter, Name="/aws/x")[0] == "ParameterNotFound"
    # "AwsOwned" is reserved for writes only; it is an ordinary (missing) name to read.
    assert error_of(ssm.get_parameter, Name="AwsOwned")[0] == "ParameterNotFound"


def test_name_limit_counts_the_arn_prefix(ssm_kms):
    ssm = boto3.client("ssm", region_name="us-east-2")
    prefix = len("arn:aws:ssm:us-east-2:123456789012:parameter/")
    assert prefix == 45
    longest = "/" + "n" * (1011 - prefix)
    ssm.put_parameter(Name=longest, Value="v", Type="String")
    code, message = error_of(ssm.put_parameter, Name=longest + "n", Value="v", Type="String")
    assert code == "ValidationException" and "1011" in message


def test_fifteen_levels_and_no_more(ssm):
    fifteen = "/" + "/".join(f"l{i}" for i in range(15))
    ssm.put_parameter(Name=fifteen, Value="v", Type="String")
    code, message = error_of(ssm.put_parameter, Name=fifteen + "/x", Value="v", Type="String")
    assert code == "HierarchyLevelLimitExceededException"
    assert "maximum of 15 levels" in message


def test_slash_and_no_slash_are_one_root_parameter(ssm):
    ssm.put_parameter(Name="TestParam1", Value="one", Type="String")
    assert error_of(ssm.put_parameter, Name="/TestParam1", Value="two", Type="String")[0] == (
        "ParameterAlreadyExists"
    )
    got = ssm.get_parameter(Name="/TestParam1")["Parameter"]
    assert (got["Name"], got["Value"]) == ("TestParam1", "one")
    assert got["ARN"] == "arn:aws:ssm:us-east-1:123456789012:parameter/TestParam1"


def test_surrounding_spaces_are_stripped(ssm):
    ssm.put_parameter(Name="  /spaced ", Value="v", Type="String")
    assert ssm.get_parameter(Name="/spaced")["Parameter"]["Name"] == "/spaced"


def test_arn_has_no_doubled_slash(ssm):
    ssm.put_parameter(Name="/This/is/Key", Value="v", Type="String")
    arn = ssm.get_parameter(Name="/This/is/Key")["Parameter"]["ARN"]
    assert arn == "arn:aws:ssm:us-east-1:123456789012:parameter/This/is/Key"


def test_arns_are_accepted_where_aws_accepts_them(ssm):
    ssm.put_parameter(Name="/app/db", Value="v1", Type="String")
    ssm.put_parameter(Name="/app/db", Value="v2", Type="String", Overwrite=True)
    ssm.put_parameter(Name="root", Value="r", Type="String")
    arn = "arn:aws:ssm:us-east-1:123456789012:parameter/app/db"
    got = ssm.get_parameter(Name=arn)["Parameter"]
    assert (got["Name"], got["Value"]) == ("/app/db", "v2")
    assert ssm.get_parameter(Name=arn + ":1")["Parameter"]["Value"] == "v1"
    assert ssm.get_parameter(Name="arn:aws:ssm:us-east-1:123456789012:parameter/root")["Parameter"]["Value"] == "r"
    found = ssm.get_parameters(Names=[arn])["Parameters"]
    assert [p["Name"] for p in found] == ["/app/db"]
    assert len(ssm.get_parameter_history(Name=arn)["Parameters"]) == 2


def test_arns_are_refused_by_writes(ssm):
    ssm.put_parameter(Name="/app/db", Value="v", Type="String")
    arn = "arn:aws:ssm:us-east-1:123456789012:parameter/app/db"
    for call, kwargs in [
        (ssm.put_parameter, {"Name": arn, "Value": "v", "Type": "String", "Overwrite": True}),
        (ssm.delete_parameter, {"Name": arn}),
        (ssm.label_parameter_version, {"Name": arn, "Labels": ["x"]}),
        (ssm.unlabel_parameter_version, {"Name": arn, "ParameterVersion": 1, "Labels": ["x"]}),
    ]:
        assert error_of(call, **kwargs)[0] == "ValidationException"


def test_an_arn_of_another_account_is_refused_unless_shared(ssm):
    # Another account's parameter is read only through what it shares (tests/ssm/test_sharing.py):
    # nothing shared is an AccessDenied naming the missing resource-based policy.
    ssm.put_parameter(Name="/app/db", Value="v", Type="String")
    other = "arn:aws:ssm:us-east-1:210987654321:parameter/app/db"
    code, message = error_of(ssm.get_parameter, Name=other)
    assert code == "AccessDeniedException" and message.endswith(
        f"on resource: {other} because no resource-based policy allows the ssm:GetParameter action"
    )
    assert error_of(ssm.get_parameter, Name="arn:aws:ssm:eu-west-1:123456789012:parameter/app/db")[0] == (
        "ParameterNotFound"  # another Region: nothing there
    )


def test_parse_reference_units():
    ref = parse_reference("/a/b:prod", "r", "1" * 12)
    assert (ref.name, ref.label, ref.version, ref.selector) == ("/a/b", "prod", None, ":prod")
    ref = parse_reference("a:12", "r", "1" * 12)
    assert (ref.key, ref.version, ref.selector) == ("a", 12, ":12")
    assert parse_reference("arn:aws:ssm:r:111111111111:parameter/x/y", "r", "1" * 12).name == "/x/y"
    assert not parse_reference("arn:aws:ssm:q:111111111111:parameter/x", "r", "1" * 12).local


@pytest.mark.parametrize(
    ("label", "valid"),
    [("prod", True), ("Prod-1.x_y", True), ("1abc", False), ("awsX", False), ("SSMy", False),
     ("a" * 100, True), ("a" * 101, False), ("has space", False), ("a/b", False), ("", False)],
)
def test_label_rules(label, valid):
    assert label_is_valid(label) is valid
