"""The key policies AWS writes itself: the default policy of a customer managed key, and the
policy of an AWS managed key such as ``alias/aws/ssm``."""

from __future__ import annotations

import json
from functools import lru_cache


@lru_cache(maxsize=64)
def default_key_policy(account_id: str) -> str:
    """The policy CreateKey gives a key when none is passed: the account's IAM policies decide."""
    return json.dumps(
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
        },
        indent=2,
    )


@lru_cache(maxsize=64)
def aws_managed_key_policy(service: str, account_id: str, region: str) -> str:
    """The policy of the AWS managed key ``alias/aws/<service>`` (``auto-<service>-2``): any
    principal of the account may use it, but only through ``<service>``; the account may read
    its metadata directly."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Id": f"auto-{service}-2",
            "Statement": [
                {
                    "Sid": "Allow access through Systems Manager for all principals in the account "
                    "that are authorized to use Systems Manager"
                    if service == "ssm"
                    else f"Allow access through {service} for all principals in the account",
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
                            "kms:CallerAccount": account_id,
                            "kms:ViaService": f"{service}.{region}.amazonaws.com",
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
        },
        indent=2,
    )
