"""Permissions: identity policies, key policies and grants, evaluated as AWS does.

- :func:`authorize` is what ``ctx.authorize`` calls (see docs/architecture.md).
- :func:`validate_policy_document` checks a key policy (KMS: MalformedPolicyDocumentException).
- :mod:`.principals` creates the users and roles behind ``ssm_kms.principal()``.
- :mod:`.managed` holds the policies AWS writes itself (default key policy, ``aws/ssm``).
"""

from __future__ import annotations

from pytest_ssmkms.aws.context import install_authorizer
from pytest_ssmkms.aws.iam.authorizer import authorize, decide
from pytest_ssmkms.aws.iam.managed import aws_managed_key_policy, default_key_policy
from pytest_ssmkms.aws.iam.policy import PolicyError, validate_policy_document

install_authorizer(decide)

__all__ = [
    "PolicyError",
    "authorize",
    "aws_managed_key_policy",
    "default_key_policy",
    "validate_policy_document",
]
