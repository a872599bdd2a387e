"""The ways in: each adapter turns its client's request into a ``wire.door.Request`` and the
door's ``Response`` back into what that client expects. ``activate`` installs them all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_ssmkms.adapters import activation, aiobotocore_hook, botocore_hook
from pytest_ssmkms.adapters.activation import active_world, active_worlds

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World

__all__ = ["activate", "active_world", "active_worlds", "deactivate", "install"]


def install() -> None:
    """Hook every in-process client library (idempotent, cheap after the first call)."""
    botocore_hook.install()
    aiobotocore_hook.install()


def activate(world: World) -> None:
    install()
    activation.push(world)


def deactivate(world: World) -> None:
    activation.remove(world)
