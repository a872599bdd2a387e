"""seed_parameter: the trusted, unrecorded way markers and handle methods create parameters."""

from __future__ import annotations

import boto3
import pytest

from pytest_ssmkms.aws.errors import PluginUsageError
from pytest_ssmkms.seeding.ssm import seed_parameter


@pytest.fixture
def backend(ssm_kms):
    return ssm_kms.world.backend()


def test_seeds_history_labels_tags_and_attributes(backend, ssm_kms):
    seed_parameter(
        backend, "/app/db/pw", "v3", type="SecureString", description="db", tier="Advanced",
        labels=["prod"], tags={"team": "blue"}, history=["v1", "v2"],
    )
    ssm = boto3.client("ssm")
    got = ssm.get_parameter(Name="/app/db/pw:prod", WithDecryption=True)["Parameter"]
    assert (got["Value"], got["Version"]) == ("v3", 3)
    history = ssm.get_parameter_history(Name="/app/db/pw", WithDecryption=True)["Parameters"]
    assert [(h["Value"], h["Labels"], h["Tier"], h["Description"]) for h in history] == [
        ("v1", [], "Advanced", "db"), ("v2", [], "Advanced", "db"), ("v3", ["prod"], "Advanced", "db"),
    ]
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/app/db/pw")["TagList"] == [
        {"Key": "team", "Value": "blue"}
    ]
    # Seeding is not part of what the code under test did: the trail shows only the reads.
    assert {r["eventName"] for r in ssm_kms.trail} <= {"GetParameter", "GetParameterHistory", "ListTagsForResource", "Decrypt"}


def test_seeded_secure_string_goes_through_kms_with_its_context(backend):
    seed_parameter(backend, "MyParameter", "secret_value", type="SecureString", key_id="alias/aws/ssm")
    assert boto3.client("ssm").get_parameter(Name="MyParameter", WithDecryption=True)["Parameter"]["Value"] == (
        "secret_value"
    )


def test_seeding_allowed_pattern_and_data_type(backend):
    seed_parameter(backend, "/ami", "ami-12345678", data_type="aws:ec2:image", allowed_pattern="ami-.*")
    meta = boto3.client("ssm").describe_parameters()["Parameters"][0]
    assert (meta["DataType"], meta["AllowedPattern"]) == ("aws:ec2:image", "ami-.*")


def test_seeding_an_ami_that_aws_would_drop_is_refused_at_once(backend):
    # A PutParameter would answer success and then drop it; a seed says so instead.
    with pytest.raises(PluginUsageError, match="'ami-nope' is not an AMI ID"):
        seed_parameter(backend, "/ami", "ami-nope", data_type="aws:ec2:image")
    with pytest.raises(PluginUsageError, match="must be a whole number"):
        seed_parameter(backend, "/port", "http", data_type="integer")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"name": "bad name"}, "ValidationException"),
        ({"type": "Secret"}, "enum value set"),
        ({"key_id": "alias/missing", "type": "SecureString"}, "InvalidKeyId"),
        ({"labels": ["1bad"]}, "invalid label(s) 1bad"),
        ({"labels": "prod"}, "labels must be a list"),
        ({"tags": {"k": 1}}, "tags must be a dict"),
        ({"history": "old"}, "history must be a list"),
        ({"value": "x" * 4097}, "4096 characters"),
        ({"allowed_pattern": "^a$"}, "allowedPattern"),
    ],
)
def test_bad_seeds_name_the_parameter_and_the_problem(backend, kwargs, fragment):
    arguments = {"name": "/p", "value": "v", **kwargs}
    name, value = arguments.pop("name"), arguments.pop("value")
    with pytest.raises(PluginUsageError) as caught:
        seed_parameter(backend, name, value, **arguments)
    assert f"cannot seed SSM parameter {name!r}" in str(caught.value)
    assert fragment in str(caught.value)


def test_seeding_twice_is_refused(backend):
    seed_parameter(backend, "/p", "v")
    with pytest.raises(PluginUsageError, match="ParameterAlreadyExists"):
        seed_parameter(backend, "/p", "w")
