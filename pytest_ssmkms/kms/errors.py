"""KMS error codes, one class each."""

from __future__ import annotations

from pytest_ssmkms.errors import AwsError


class NotFoundException(AwsError):
    code = "NotFoundException"


class InvalidArnException(AwsError):
    code = "InvalidArnException"
