"""IAM principals with identity policies (issue 7 fills this in)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_ssmkms.errors import PluginUsageError

if TYPE_CHECKING:
    from pytest_ssmkms.backend import World


def create_principal(world: World, name: str, *policies: Any, kind: str = "user") -> Any:
    raise PluginUsageError("ssm_kms.principal() is not implemented yet (permissions engine pending)")
