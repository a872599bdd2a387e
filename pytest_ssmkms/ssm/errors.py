"""SSM error codes, one class each."""

from __future__ import annotations

from pytest_ssmkms.errors import AwsError


class ParameterNotFound(AwsError):
    code = "ParameterNotFound"


class ParameterAlreadyExists(AwsError):
    code = "ParameterAlreadyExists"

    def __init__(self) -> None:
        super().__init__(
            "The parameter already exists. To overwrite this value, set the overwrite option "
            "in the request to true."
        )
