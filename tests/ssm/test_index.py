"""The hierarchical index: order, subtrees, resumption after a cursor (pure unit tests)."""

from __future__ import annotations

import itertools

from pytest_ssmkms.aws.ssm.index import TreeIndex

NAMES = ["a", "a/b", "a/b/c", "a/b/d", "a/c", "ab", "b/x/y", "b/z", "c"]


def _index() -> TreeIndex[str]:
    index: TreeIndex[str] = TreeIndex()
    for name in reversed(NAMES):
        index.add(tuple(name.split("/")), name)
    return index


def test_walk_is_in_segment_order():
    assert [item for _, item in _index().walk((), recursive=True)] == NAMES


def test_one_level_returns_only_direct_children():
    index = _index()
    assert [i for _, i in index.walk((), recursive=False)] == ["a", "ab", "c"]
    assert [i for _, i in index.walk(("a",), recursive=False)] == ["a/b", "a/c"]
    assert [i for _, i in index.walk(("b",), recursive=False)] == ["b/z"]


def test_resuming_after_every_cursor_gives_exactly_the_rest():
    index = _index()
    for base, recursive in itertools.product([(), ("a",), ("b",), ("a", "b")], [True, False]):
        full = list(index.walk(base, recursive=recursive))
        for position, (segments, _) in enumerate(full):
            rest = list(index.walk(base, recursive=recursive, after=segments))
            assert rest == full[position + 1 :], (base, recursive, segments)


def test_cursor_survives_additions_and_removals():
    index = _index()
    first = list(index.walk((), recursive=True))[:3]
    index.add(("a", "a"), "a/a")  # sorts before the cursor: not repeated
    index.add(("a", "bb"), "a/bb")  # after the cursor: seen
    index.remove(("a", "b", "c"))  # the cursor itself goes away
    rest = [i for _, i in index.walk((), recursive=True, after=first[-1][0])]
    assert rest == ["a/b/d", "a/bb", "a/c", "ab", "b/x/y", "b/z", "c"]


def test_removal_prunes_empty_branches():
    index = _index()
    index.remove(("b", "x", "y"))
    assert [i for _, i in index.walk(("b",), recursive=True)] == ["b/z"]
    assert index.walk(("b", "x"), recursive=True) is not None
    assert list(index.walk(("b", "x"), recursive=True)) == []
    assert list(index.walk(("nothing",), recursive=True)) == []


class _CountingIndex(TreeIndex[str]):
    """Counts the nodes a walk opens, to show a walk's cost does not grow with the store."""

    visits = 0

    def _below(self, node, prefix, recursive, after):  # type: ignore[no-untyped-def]
        type(self).visits += 1
        return super()._below(node, prefix, recursive, after)


def test_a_walk_opens_only_its_own_subtree_however_big_the_store():
    index = _CountingIndex()
    for i in range(5_000):
        index.add(("other", f"g{i % 50}", f"p{i}"), "x")
    for i in range(5):
        index.add(("app", "db", f"p{i}"), "mine")
    _CountingIndex.visits = 0
    found = list(index.walk(("app",), recursive=True))
    assert [item for _, item in found] == ["mine"] * 5
    assert _CountingIndex.visits <= 8
    _CountingIndex.visits = 0
    resumed = list(index.walk(("app",), recursive=True, after=("app", "db", "p2")))
    assert len(resumed) == 2 and _CountingIndex.visits <= 8
