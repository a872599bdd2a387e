"""What SSM hands the permission engine: resources, ssm:Overwrite, ssm:Recursive, resource tags."""

from __future__ import annotations

import boto3
import pytest

from tests.ssm.support import error_of


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", condition=None):
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


@pytest.fixture
def admin(ssm_kms):
    client = boto3.client("ssm")
    client.put_parameter(Name="/app/blue", Value="b", Type="String", Tags=[{"Key": "team", "Value": "blue"}])
    client.put_parameter(Name="/app/red", Value="r", Type="String", Tags=[{"Key": "team", "Value": "red"}])
    return client


def test_put_without_overwrite_only(ssm_kms, admin):
    user = ssm_kms.principal(
        "creator", policy(allow("ssm:PutParameter", condition={"StringEquals": {"ssm:Overwrite": "false"}}))
    ).client("ssm")
    user.put_parameter(Name="/app/new", Value="n", Type="String")
    code, message = error_of(user.put_parameter, Name="/app/new", Value="m", Type="String", Overwrite=True)
    assert code == "AccessDeniedException"
    assert "ssm:PutParameter on resource: arn:aws:ssm:us-east-1:123456789012:parameter/app/new" in message


def test_by_path_only_one_level(ssm_kms, admin):
    user = ssm_kms.principal(
        "lister",
        policy(allow("ssm:GetParametersByPath", "arn:aws:ssm:us-east-1:123456789012:parameter/app",
                     {"StringEquals": {"ssm:Recursive": "false"}})),
    ).client("ssm")
    assert len(user.get_parameters_by_path(Path="/app")["Parameters"]) == 2
    assert error_of(user.get_parameters_by_path, Path="/app", Recursive=True)[0] == "AccessDeniedException"


def test_resource_tags_decide(ssm_kms, admin):
    user = ssm_kms.principal(
        "blue", policy(allow("ssm:GetParameter*", condition={"StringEquals": {"aws:ResourceTag/team": "blue"}}))
    ).client("ssm")
    assert user.get_parameter(Name="/app/blue")["Parameter"]["Value"] == "b"
    assert error_of(user.get_parameter, Name="/app/red")[0] == "AccessDeniedException"
    # One name the caller may not read denies the whole GetParameters call.
    assert error_of(user.get_parameters, Names=["/app/blue", "/app/red"])[0] == "AccessDeniedException"


def test_describe_is_authorized_on_the_account_wildcard(ssm_kms, admin):
    user = ssm_kms.principal("reader", policy(allow("ssm:GetParameter", "*"))).client("ssm")
    code, message = error_of(user.describe_parameters)
    assert code == "AccessDeniedException"
    assert "ssm:DescribeParameters on resource: arn:aws:ssm:us-east-1:123456789012:*" in message


def test_delete_parameters_is_all_or_nothing(ssm_kms, admin):
    user = ssm_kms.principal(
        "deleter", policy(allow("ssm:DeleteParameters", "arn:aws:ssm:us-east-1:123456789012:parameter/app/blue"))
    ).client("ssm")
    assert error_of(user.delete_parameters, Names=["/app/blue", "/app/red"])[0] == "AccessDeniedException"
    assert len(admin.get_parameters(Names=["/app/blue", "/app/red"])["Parameters"]) == 2
    assert user.delete_parameters(Names=["/app/blue"])["DeletedParameters"] == ["/app/blue"]
