"""The parameter store of one account and region."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pytest_ssmkms.ssm.errors import ParameterAlreadyExists, ParameterNotFound

if TYPE_CHECKING:
    from pytest_ssmkms.backend import Backend


@dataclass
class Parameter:
    name: str
    type: str
    value: str
    version: int
    modified: datetime


class ParameterStore:
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._parameters: dict[str, Parameter] = {}

    def arn(self, name: str) -> str:
        return (
            f"arn:aws:ssm:{self._backend.region}:{self._backend.account_id}:"
            f"parameter/{name.lstrip('/')}"
        )

    def put(self, name: str, value: str, type_: str, overwrite: bool) -> Parameter:
        existing = self._parameters.get(name)
        if existing is not None and not overwrite:
            raise ParameterAlreadyExists()
        version = existing.version + 1 if existing else 1
        parameter = Parameter(name, type_, value, version, self._backend.clock.now())
        self._parameters[name] = parameter
        return parameter

    def get(self, name: str) -> Parameter:
        found = self._parameters.get(name)
        if found is None:
            raise ParameterNotFound("")
        return found
