"""The key policies AWS writes itself, as the permission engine needs them.

They are KMS's own texts (``pytest_ssmkms.aws.kms.policies``), cached here because the authorizer
asks for them on every call to a key that was stored without a policy."""

from __future__ import annotations

from functools import lru_cache

from pytest_ssmkms.aws.kms import policies


@lru_cache(maxsize=64)
def default_key_policy(account_id: str) -> str:
    """The policy CreateKey gives a key when none is passed: the account's IAM policies decide."""
    return policies.default_key_policy(account_id)


@lru_cache(maxsize=64)
def aws_managed_key_policy(service: str, account_id: str, region: str) -> str:
    """The policy of the AWS managed key ``alias/aws/<service>``: use only through ``<service>``."""
    return policies.aws_managed_key_policy(service, account_id, region)
