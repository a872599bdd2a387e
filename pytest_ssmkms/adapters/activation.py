"""Which in-memory AWS answers: the active worlds, innermost last.

Global, not thread-local: calls from any thread (and, for the adapters that serve them, from
any event loop) are answered by the innermost active world."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World

_active: list[World] = []
# Called with each world as it becomes active (the trail's pytest option listens here).
activation_listeners: list[Callable[[World], None]] = []
# Called with each world once it is no longer active (so listeners can let go of it).
deactivation_listeners: list[Callable[[World], None]] = []


def active_world() -> World | None:
    """The innermost active mock, or None."""
    return _active[-1] if _active else None


def active_worlds() -> tuple[World, ...]:
    """Every active mock, outermost first."""
    return tuple(_active)


def is_active(world: World) -> bool:
    return any(active is world for active in _active)


def push(world: World) -> None:
    _active.append(world)
    for listener in list(activation_listeners):
        listener(world)


def remove(world: World) -> None:
    # Remove this world even if activations were closed out of order.
    for index in range(len(_active) - 1, -1, -1):
        if _active[index] is world:
            del _active[index]
            break
    else:
        return
    if not is_active(world):
        for listener in list(deactivation_listeners):
            listener(world)
