"""Tags on parameters: add, remove, list, limits, resource types, tags at creation."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.ssm.support import error_of


@pytest.fixture
def ssm(ssm_kms):
    client = boto3.client("ssm")
    client.put_parameter(Name="/t", Value="v", Type="String", Tags=[{"Key": "a", "Value": "1"}])
    return client


def _tags(ssm, name="/t"):
    return {t["Key"]: t["Value"] for t in ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=name)["TagList"]}


def test_add_overwrites_values_and_remove_ignores_missing(ssm):
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/t", Tags=[{"Key": "a", "Value": "2"}, {"Key": "b", "Value": ""}])
    assert _tags(ssm) == {"a": "2", "b": ""}
    ssm.remove_tags_from_resource(ResourceType="Parameter", ResourceId="/t", TagKeys=["a", "never"])
    assert _tags(ssm) == {"b": ""}


def test_root_names_with_or_without_slash(ssm):
    ssm.put_parameter(Name="plain", Value="v", Type="String")
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/plain", Tags=[{"Key": "k", "Value": "v"}])
    assert _tags(ssm, "plain") == {"k": "v"}


def test_fifty_tags_at_most(ssm):
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(49)]
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/t", Tags=many)
    assert len(_tags(ssm)) == 50
    assert error_of(ssm.add_tags_to_resource, ResourceType="Parameter", ResourceId="/t", Tags=[{"Key": "x", "Value": "y"}])[0] == (
        "TooManyTagsError"
    )
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    assert error_of(ssm.put_parameter, Name="/new", Value="v", Type="String", Tags=too_many)[0] == "TooManyTagsError"


def test_unknown_resources_and_types(ssm):
    assert error_of(ssm.list_tags_for_resource, ResourceType="Parameter", ResourceId="/missing")[0] == "InvalidResourceId"
    assert error_of(ssm.list_tags_for_resource, ResourceType="Parameter", ResourceId="bad name")[0] == "InvalidResourceId"
    assert error_of(ssm.list_tags_for_resource, ResourceType="Document", ResourceId="/t")[0] == "InvalidResourceId"
    # A type outside the model's enum is refused by the front end, as SSM's other enums are.
    code, message = error_of(ssm.list_tags_for_resource, ResourceType="Nonsense", ResourceId="/t")
    assert code == "ValidationException" and message.startswith(
        "1 validation error detected: Value 'Nonsense' at 'resourceType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Document, ManagedInstance, "
    )
    assert error_of(ssm.add_tags_to_resource, ResourceType="nope", ResourceId="/t", Tags=[{"Key": "k", "Value": "v"}])[0] == (
        "ValidationException"
    )


def test_invalid_resource_id_carries_the_code_alone(ssm_kms):
    # AWS answers {"__type":"InvalidResourceId"} without a message (getmoto/moto#4360).
    ssm = boto3.client("ssm")
    with pytest.raises(ClientError) as caught:
        ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/missing")
    assert caught.value.response["Error"] == {"Code": "InvalidResourceId", "Message": ""}


def test_tag_key_and_value_constraints_come_from_the_model(ssm):
    assert error_of(ssm.add_tags_to_resource, ResourceType="Parameter", ResourceId="/t", Tags=[{"Key": "k" * 129, "Value": "v"}])[0] == (
        "ValidationException"
    )
    assert error_of(ssm.add_tags_to_resource, ResourceType="Parameter", ResourceId="/t", Tags=[{"Key": "bad#key", "Value": "v"}])[0] == (
        "ValidationException"
    )


def test_deleting_a_parameter_drops_its_tags(ssm):
    ssm.delete_parameter(Name="/t")
    ssm.put_parameter(Name="/t", Value="v", Type="String")
    assert _tags(ssm) == {}
