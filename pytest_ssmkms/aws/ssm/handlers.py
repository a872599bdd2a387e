"""The SSM operation table: the Parameter Store operations, parameter sharing included."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pytest_ssmkms.aws.context import CallContext
from pytest_ssmkms.aws.services import Handler
from pytest_ssmkms.aws.ssm.labels_tags import (
    add_tags_to_resource,
    label_parameter_version,
    list_tags_for_resource,
    remove_tags_from_resource,
    unlabel_parameter_version,
)
from pytest_ssmkms.aws.ssm.reads import (
    describe_parameters,
    get_parameter,
    get_parameter_history,
    get_parameters,
    get_parameters_by_path,
)
from pytest_ssmkms.aws.ssm.sharing import (
    delete_resource_policy,
    get_resource_policies,
    put_resource_policy,
)
from pytest_ssmkms.aws.ssm.writes import delete_parameter, delete_parameters, put_parameter


OPERATIONS: Mapping[str, Handler] = {
    "PutParameter": put_parameter,
    "GetParameter": get_parameter,
    "GetParameters": get_parameters,
    "GetParametersByPath": get_parameters_by_path,
    "DeleteParameter": delete_parameter,
    "DeleteParameters": delete_parameters,
    "DescribeParameters": describe_parameters,
    "GetParameterHistory": get_parameter_history,
    "LabelParameterVersion": label_parameter_version,
    "UnlabelParameterVersion": unlabel_parameter_version,
    "AddTagsToResource": add_tags_to_resource,
    "RemoveTagsFromResource": remove_tags_from_resource,
    "ListTagsForResource": list_tags_for_resource,
    "PutResourcePolicy": put_resource_policy,
    "GetResourcePolicies": get_resource_policies,
    "DeleteResourcePolicy": delete_resource_policy,
}
