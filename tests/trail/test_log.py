"""The Trail container itself: positions, clear listeners, insertion at a mark (pure units)."""

from __future__ import annotations

from pytest_ssmkms.aws.backend import Settings, World
from pytest_ssmkms.aws.trail import CallRecord, Trail


def make(world: World, operation: str) -> CallRecord:
    ctx = world.context(world.default_caller, "us-east-1")
    return CallRecord("ssm", operation, {"Name": "/x"}, {}, None, ctx)


def ops(records: list[CallRecord] | tuple[CallRecord, ...]) -> list[str]:
    return [r.operation for r in records]


def test_positions_survive_clear_and_listeners_get_what_was_cleared() -> None:
    world = World(Settings())
    trail = Trail()
    cleared: list[tuple[int, list[str]]] = []
    trail.add_clear_listener(lambda first, records: cleared.append((first, ops(records))))
    trail.append(make(world, "A"))
    trail.append(make(world, "B"))
    assert trail.total == trail.mark() == 2
    trail.clear()
    assert (len(trail), trail.total) == (0, 2)
    assert cleared == [(0, ["A", "B"])]
    trail.append(make(world, "C"))
    assert trail.since(0) == (2, [trail.calls[0]])
    assert trail.since(3) == (3, [])
    assert ops(trail.since(2)[1]) == ["C"]


def test_append_at_a_mark_puts_the_caller_before_the_calls_it_caused() -> None:
    world = World(Settings())
    trail = Trail()
    trail.append(make(world, "First"))
    mark = trail.mark()
    trail.append(make(world, "Inner"))
    trail.append(make(world, "Outer"), mark)
    trail.append(make(world, "Last"), trail.mark())
    assert ops(trail.calls) == ["First", "Outer", "Inner", "Last"]
    trail.clear()
    trail.append(make(world, "AfterClear"), mark)  # a mark from before clear(): appended
    assert ops(trail.calls) == ["AfterClear"]


def test_removed_listener_is_not_called() -> None:
    trail = Trail()
    calls: list[int] = []

    def listener(first: int, records: list[CallRecord]) -> None:
        calls.append(first)

    trail.add_clear_listener(listener)
    trail.remove_clear_listener(listener)
    trail.remove_clear_listener(listener)  # twice is harmless
    trail.clear()
    assert calls == [] and repr(trail) == "<Trail of 0 calls>"
