"""pytest-ssmkms: AWS SSM Parameter Store and KMS, in memory, with the fidelity of real AWS."""

from __future__ import annotations

from pytest_ssmkms.aws.errors import AwsError, PluginUsageError, UnmockedServiceError
from pytest_ssmkms.mock.handle import SsmKms, mock_ssm_kms

__all__ = ["AwsError", "PluginUsageError", "SsmKms", "UnmockedServiceError", "mock_ssm_kms"]
__version__ = "0.1.0"
