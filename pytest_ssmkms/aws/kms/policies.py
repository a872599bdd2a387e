"""Key policies: AWS's default and AWS-managed policies, validation, and AWS's JSON layout."""

from __future__ import annotations

import json
from typing import Any

from pytest_ssmkms.aws.kms.errors import MalformedPolicyDocumentException
from pytest_ssmkms.aws.jsondoc import load_bounded

POLICY_NAME = "default"
_VERSIONS = ("2012-10-17", "2008-10-17")


def default_key_policy(account_id: str) -> str:
    """The policy KMS gives a key created without one: it delegates to the account's IAM."""
    return pretty(
        {
            "Version": "2012-10-17",
            "Id": "key-default-1",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )


def ssm_managed_key_policy(account_id: str, region: str) -> str:
    """The policy of ``alias/aws/ssm``: use only through SSM for callers in the account."""
    return aws_managed_key_policy("ssm", account_id, region)


def aws_managed_key_policy(service: str, account_id: str, region: str) -> str:
    """The policy of the AWS managed key ``alias/aws/<service>`` (``auto-<service>-2``): any
    principal of the account may use it, but only through ``<service>``; the account may read
    its metadata directly."""
    sid = (
        "Allow access through Systems Manager for all principals in the account that are "
        "authorized to use Systems Manager"
        if service == "ssm"
        else f"Allow access through {service} for all principals in the account"
    )
    return pretty(
        {
            "Version": "2012-10-17",
            "Id": f"auto-{service}-2",
            "Statement": [
                {
                    "Sid": sid,
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:CreateGrant",
                        "kms:DescribeKey",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            "kms:ViaService": f"{service}.{region}.amazonaws.com",
                            "kms:CallerAccount": account_id,
                        }
                    },
                },
                {
                    "Sid": "Allow direct access to key metadata to the account",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                    "Resource": "*",
                },
            ],
        }
    )


def pretty(value: Any, indent: str = "") -> str:
    """JSON laid out as KMS returns the policies it writes itself (Jackson's pretty printer:
    ``"Key" : value``, two-space indent, ``[ {`` for arrays of objects)."""
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{ }"
        members = [f"{inner}{json.dumps(k)} : {pretty(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(members) + "\n" + indent + "}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[ " + ", ".join(pretty(item, indent) for item in value) + " ]"
    return json.dumps(value)


def validate_policy(text: str) -> dict[str, Any]:
    """Parse a key policy as KMS checks it, or raise MalformedPolicyDocumentException.

    KMS's exact texts for each defect are not documented; these name the defect plainly."""
    try:
        document = load_bounded(text)
    except ValueError as error:
        raise MalformedPolicyDocumentException(f"The key policy is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise MalformedPolicyDocumentException("The key policy must be a JSON object.")
    version = document.get("Version")
    if version is not None and version not in _VERSIONS:
        raise MalformedPolicyDocumentException(f"Policy has an invalid Version: {version}")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicyDocumentException("Policy is missing required element - Statement")
    for statement in statements:
        _check_statement(statement)
    # The permission engine's full grammar (principals, resources, condition operators), so
    # that every policy KMS stores is one the authorizer can evaluate.
    from pytest_ssmkms.aws.iam import PolicyError, validate_policy_document

    try:
        validate_policy_document(text)
    except PolicyError as error:
        raise MalformedPolicyDocumentException(str(error)) from None
    return document


def _check_statement(statement: Any) -> None:
    if not isinstance(statement, dict):
        raise MalformedPolicyDocumentException("Policy contains a statement that is not an object.")
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise MalformedPolicyDocumentException(
            "Policy contains a statement with an invalid Effect (it must be Allow or Deny)."
        )
    if "Principal" not in statement and "NotPrincipal" not in statement:
        # Key policies are resource policies: every statement names who it is about.
        raise MalformedPolicyDocumentException("Policy contains a statement with no principal.")
    if "Action" not in statement and "NotAction" not in statement:
        raise MalformedPolicyDocumentException("Policy contains a statement with no action.")
    for member in ("Action", "NotAction"):
        actions = statement.get(member)
        if actions is None:
            continue
        items = [actions] if isinstance(actions, str) else actions
        if not isinstance(items, list) or not all(isinstance(a, str) for a in items):
            raise MalformedPolicyDocumentException(f"Policy contains an invalid {member}.")
        for action in items:
            if action != "*" and ":" not in action:
                raise MalformedPolicyDocumentException(
                    f"Policy contains a statement with an invalid action: {action}"
                )
    condition = statement.get("Condition")
    if condition is not None and not isinstance(condition, dict):
        raise MalformedPolicyDocumentException("Policy contains an invalid Condition block.")
