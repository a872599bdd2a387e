"""The key policies AWS writes itself: the default policy CreateKey gives a key passed none,
and the policy of an AWS managed key (``alias/aws/ssm``). KMS stores them as a key's policy;
the permission engine reads them for keys stored without one."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from pytest_ssmkms.aws.partitions import dns_suffix, partition_id


@lru_cache(maxsize=64)  # the authorizer asks on every call to a key stored without a policy
def default_key_policy(account_id: str, partition: str = "aws") -> str:
    """The policy KMS gives a key created without one: it delegates to the account's IAM
    (``arn:<partition>:iam::<account>:root``)."""
    return pretty(
        {
            "Version": "2012-10-17",
            "Id": "key-default-1",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )


def ssm_managed_key_policy(account_id: str, region: str) -> str:
    """The policy of ``alias/aws/ssm``: use only through SSM for callers in the account."""
    return aws_managed_key_policy("ssm", account_id, region)


@lru_cache(maxsize=64)
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
                            "kms:ViaService": f"{service}.{region}.{dns_suffix(region)}",
                            "kms:CallerAccount": account_id,
                        }
                    },
                },
                {
                    "Sid": "Allow direct access to key metadata to the account",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition_id(region)}:iam::{account_id}:root"},
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
