"""AWS's public parameters (/aws/service/...): read-only, account-less ARNs, Region data from
botocore's endpoint data, AMI ids that differ by Region and stay the same across runs."""

from __future__ import annotations

import json
import re

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_ssmkms import mock_ssm_kms
from pytest_ssmkms.aws.errors import PluginUsageError
from tests.ssm.support import error_of

INFRA = "/aws/service/global-infrastructure"
AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


@pytest.fixture
def ssm(ssm_kms):
    return boto3.client("ssm")


def test_region_data_as_aws_publishes_it(ssm):
    got = ssm.get_parameter(Name=f"{INFRA}/regions/us-west-1/longName")["Parameter"]
    assert got["Value"] == "US West (N. California)"
    assert got["Type"] == "String" and got["DataType"] == "text" and got["Version"] == 1
    # Public parameters belong to no account: the ARN's account field is empty.
    assert got["ARN"] == f"arn:aws:ssm:us-east-1::parameter{INFRA}/regions/us-west-1/longName"
    page = ssm.get_parameters_by_path(Path=f"{INFRA}/regions/us-east-1")["Parameters"]
    assert {p["Name"].rsplit("/", 1)[1]: p["Value"] for p in page} == {
        "domain": "amazonaws.com", "longName": "US East (N. Virginia)", "partition": "aws",
    }
    china = ssm.get_parameters_by_path(Path=f"{INFRA}/regions/cn-north-1")["Parameters"]
    assert {p["Name"].rsplit("/", 1)[1]: p["Value"] for p in china}["partition"] == "aws-cn"
    endpoint = ssm.get_parameter(Name=f"{INFRA}/regions/us-west-1/services/ssm/endpoint")["Parameter"]
    assert endpoint["Value"] == "ssm.us-west-1.amazonaws.com"
    assert ssm.get_parameter(Name=f"{INFRA}/services/ssm/longName")["Parameter"]["Value"] == (
        "Amazon Simple Systems Manager (SSM)"  # botocore's serviceFullName
    )


def test_listing_regions_pages_through_botocores_list(ssm):
    import botocore.loaders

    partitions = botocore.loaders.Loader().load_data("endpoints")["partitions"]
    expected = sorted(
        region for p in partitions if p["partition"] in ("aws", "aws-cn", "aws-us-gov") for region in p["regions"]
    )
    names: list[str] = []
    pages = 0
    for page in ssm.get_paginator("get_parameters_by_path").paginate(Path=f"{INFRA}/regions"):
        pages += 1
        assert len(page["Parameters"]) <= 10
        names.extend(p["Value"] for p in page["Parameters"])
    assert names == expected and pages > 1
    # The Regions where SSM has an endpoint, one level below services/ssm/regions.
    ssm_regions = [p["Value"] for p in ssm.get_paginator("get_parameters_by_path").paginate(
        Path=f"{INFRA}/services/ssm/regions").build_full_result()["Parameters"]]
    assert "us-east-1" in ssm_regions and "cn-north-1" in ssm_regions


def test_recursive_reads_and_filters(ssm):
    result = ssm.get_paginator("get_parameters_by_path").paginate(
        Path="/aws/service/ecs/optimized-ami/amazon-linux-2023", Recursive=True).build_full_result()
    by_name = {p["Name"]: p["Value"] for p in result["Parameters"]}
    recommended = json.loads(by_name["/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended"])
    assert recommended["image_id"] == by_name["/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"]
    assert "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id" in by_name
    # Non-recursive: only the level right below the path (here nothing is a parameter).
    assert ssm.get_parameters_by_path(Path="/aws/service/ecs/optimized-ami")["Parameters"] == []
    # Filters apply as to any parameter: every public parameter is a String without a key.
    assert ssm.get_parameters_by_path(
        Path="/aws/service/ami-amazon-linux-latest",
        ParameterFilters=[{"Key": "Type", "Values": ["SecureString"]}])["Parameters"] == []
    strings = ssm.get_parameters_by_path(
        Path="/aws/service/ami-amazon-linux-latest",
        ParameterFilters=[{"Key": "Type", "Values": ["String"]}], MaxResults=3)["Parameters"]
    assert len(strings) == 3


def test_ami_ids_differ_by_region_and_stay_stable() -> None:
    values = {}
    for region in ("us-east-1", "eu-west-1"):
        for run in range(2):
            with mock_ssm_kms(region=region):
                got = boto3.client("ssm").get_parameter(Name=AL2023)["Parameter"]
                assert re.fullmatch(r"ami-0[0-9a-f]{16}", got["Value"])
                assert got["ARN"] == f"arn:aws:ssm:{region}::parameter{AL2023}"
                values.setdefault(region, set()).add(got["Value"])
    assert all(len(found) == 1 for found in values.values())
    assert values["us-east-1"] != values["eu-west-1"]


def test_get_parameters_mixes_public_and_own_names(ssm):
    ssm.put_parameter(Name="/app/x", Value="1", Type="String")
    answer = ssm.get_parameters(Names=[
        AL2023, "/app/x", "/aws/service/ami-amazon-linux-latest/no-such-image",
        f"arn:aws:ssm:us-east-1::parameter{INFRA}/regions/eu-west-1/longName",
    ])
    assert [p["Name"] for p in answer["Parameters"]] == [
        "/app/x", AL2023, f"{INFRA}/regions/eu-west-1/longName",
    ]
    assert answer["InvalidParameters"] == ["/aws/service/ami-amazon-linux-latest/no-such-image"]
    # A name under no namespace AWS publishes refuses the whole call (bottlerocket-os/twoliter#518).
    assert error_of(ssm.get_parameters, Names=["/app/x", "/aws/service/not-real-service/p"]) == (
        "AccessDeniedException",
        'No access to "/aws/" namespace: aws/service/not-real-service is not a valid namespace',
    )
    assert error_of(ssm.get_parameter, Name="/aws/service/not-real-service/p")[0] == "AccessDeniedException"
    assert error_of(ssm.get_parameter, Name="/aws/service/ami-windows-latest/nothing") == ("ParameterNotFound", "")


def test_selectors_and_other_regions(ssm):
    current = ssm.get_parameter(Name=AL2023)["Parameter"]
    by_version = ssm.get_parameter(Name=f"{AL2023}:{current['Version']}")["Parameter"]
    assert (by_version["Value"], by_version["Selector"]) == (current["Value"], f":{current['Version']}")
    assert error_of(ssm.get_parameter, Name=f"{AL2023}:{current['Version'] + 1}")[0] == "ParameterVersionNotFound"
    assert error_of(ssm.get_parameter, Name=f"{AL2023}:latest")[0] == "ParameterVersionNotFound"
    # Another Region's ARN is not answered here, as for any parameter.
    assert error_of(ssm.get_parameter, Name=f"arn:aws:ssm:eu-west-1::parameter{AL2023}")[0] == "ParameterNotFound"


def test_writes_labels_and_history_are_refused(ssm):
    assert error_of(ssm.put_parameter, Name=AL2023, Value="ami-1", Type="String", Overwrite=True) == (
        "AccessDeniedException", f"No access to reserved parameter name: {AL2023}.",
    )
    assert error_of(ssm.delete_parameter, Name=AL2023)[0] == "AccessDeniedException"
    assert error_of(ssm.label_parameter_version, Name=AL2023, Labels=["x"])[0] == "AccessDeniedException"
    code, message = error_of(ssm.get_parameter_history, Name=AL2023)
    assert code == "AccessDeniedException" and "ssm:GetParameterHistory" in message
    assert f"arn:aws:ssm:us-east-1::parameter{AL2023}" in message
    assert error_of(ssm.add_tags_to_resource, ResourceType="Parameter", ResourceId=AL2023,
                    Tags=[{"Key": "k", "Value": "v"}])[0] == "InvalidResourceId"
    # DescribeParameters lists the account's own parameters only.
    assert ssm.describe_parameters()["Parameters"] == []


def test_global_infrastructure_is_queried_in_its_documented_regions_only() -> None:
    with mock_ssm_kms(region="ca-west-1"):
        ssm = boto3.client("ssm")
        assert error_of(ssm.get_parameter, Name=f"{INFRA}/regions/us-east-1/longName")[0] == "AccessDeniedException"
        assert ssm.get_parameter(Name=AL2023)["Parameter"]["Value"].startswith("ami-")
        # As the User Guide advises: ask a supported Region.
        other = boto3.client("ssm", region_name="ca-central-1")
        assert other.get_parameter(Name=f"{INFRA}/regions/ca-west-1/longName")["Parameter"]["Value"] == (
            "Canada West (Calgary)"
        )


def test_a_test_gives_a_public_name_its_own_value(ssm_kms):
    ssm = boto3.client("ssm")
    ssm_kms.set_public_parameter(AL2023, "ami-0123456789abcdef0")
    ssm_kms.set_public_parameter("/aws/service/ami-amazon-linux-latest/my-golden-image", "ami-0aaaabbbbccccdddd",
                                 region="us-east-1")
    got = ssm.get_parameter(Name=AL2023)["Parameter"]
    assert got["Value"] == "ami-0123456789abcdef0" and got["Version"] > 1
    listed = {p["Name"]: p["Value"] for p in ssm.get_paginator("get_parameters_by_path").paginate(
        Path="/aws/service/ami-amazon-linux-latest").build_full_result()["Parameters"]}
    assert listed[AL2023] == "ami-0123456789abcdef0"
    assert listed["/aws/service/ami-amazon-linux-latest/my-golden-image"] == "ami-0aaaabbbbccccdddd"
    assert len([n for n in listed if n == AL2023]) == 1
    west = boto3.client("ssm", region_name="us-west-2")
    assert west.get_parameter(Name=AL2023)["Parameter"]["Value"] == "ami-0123456789abcdef0"
    assert error_of(west.get_parameter, Name="/aws/service/ami-amazon-linux-latest/my-golden-image")[0] == (
        "ParameterNotFound"
    )
    with pytest.raises(PluginUsageError, match="/aws/service/"):
        ssm_kms.set_public_parameter("/app/mine", "v")
    with pytest.raises(PluginUsageError, match="namespace"):
        ssm_kms.set_public_parameter("/aws/service/ecs", "v")
    with pytest.raises(PluginUsageError, match="region"):
        ssm_kms.set_public_parameter(AL2023, "v", region="moon-1")
    assert ssm_kms.trail.lookup(event_name="GetParameter")[0]["resources"][0]["ARN"] == (
        f"arn:aws:ssm:us-east-1::parameter{AL2023}"
    )


def test_permissions_name_the_public_arn(ssm_kms):
    deny = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ssm:GetParameter*", "Resource": "*"},
        {"Effect": "Deny", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:*::parameter/aws/service/*"},
    ]}
    client = ssm_kms.principal("reader", deny).session().client("ssm")
    with pytest.raises(ClientError) as caught:
        client.get_parameter(Name=AL2023)
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    assert client.get_parameters(Names=[AL2023])["Parameters"][0]["Name"] == AL2023


@pytest.mark.ssm_public_parameter(AL2023, "ami-0fedcba9876543210")
@pytest.mark.ssm_public_parameter("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
                                  "ami-0aaaaaaaaaaaaaaaa", region="eu-west-1")
def test_the_marker_gives_public_names_values(ssm_kms):
    assert boto3.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"] == "ami-0fedcba9876543210"
    eu = boto3.client("ssm", region_name="eu-west-1")
    name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
    assert eu.get_parameter(Name=name)["Parameter"]["Value"] == "ami-0aaaaaaaaaaaaaaaa"
    assert boto3.client("ssm").get_parameter(Name=name)["Parameter"]["Value"] != "ami-0aaaaaaaaaaaaaaaa"


def test_marker_misuse_is_a_plugin_error(ssm_kms):
    from pytest_ssmkms.plugin.markers import apply_public_parameter_marker

    with pytest.raises(PluginUsageError, match="needs a name and a value"):
        apply_public_parameter_marker(ssm_kms.world, pytest.mark.ssm_public_parameter(AL2023).mark)
    with pytest.raises(PluginUsageError, match=r"takes \(name, value, region=None\)"):
        apply_public_parameter_marker(ssm_kms.world, pytest.mark.ssm_public_parameter(AL2023, "v", colour="red").mark)
    with pytest.raises(PluginUsageError, match="/aws/service/"):
        apply_public_parameter_marker(ssm_kms.world, pytest.mark.ssm_public_parameter("/mine", "v").mark)
