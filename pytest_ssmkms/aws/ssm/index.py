"""The hierarchical index: a tree of name segments with sorted children.

Parameters come out in the order of their segment tuples, which is a pre-order walk with sorted
children. Walks resume after a cursor (the segments of the last item returned) by descending
along the cursor, so a page costs in proportion to the depth and to what it returns, never to
how many parameters live elsewhere in the store. Cursors stay valid while parameters are added
or removed, which is what keeps NextTokens usable.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
Segments = tuple[str, ...]


class _Node(Generic[T]):
    __slots__ = ("children", "names", "item")

    def __init__(self) -> None:
        self.children: dict[str, _Node[T]] = {}
        self.names: list[str] = []  # sorted keys of children
        self.item: T | None = None


class TreeIndex(Generic[T]):
    def __init__(self) -> None:
        self._root: _Node[T] = _Node()

    def add(self, segments: Segments, item: T) -> None:
        node = self._root
        for segment in segments:
            child = node.children.get(segment)
            if child is None:
                child = node.children[segment] = _Node()
                insort(node.names, segment)
            node = child
        node.item = item

    def remove(self, segments: Segments) -> None:
        trail: list[tuple[_Node[T], str]] = []
        node = self._root
        for segment in segments:
            child = node.children.get(segment)
            if child is None:
                return
            trail.append((node, segment))
            node = child
        node.item = None
        # Prune branches left empty, so walks never wade through dead nodes.
        for parent, segment in reversed(trail):
            child = parent.children[segment]
            if child.item is not None or child.children:
                break
            del parent.children[segment]
            parent.names.remove(segment)

    def _node(self, segments: Segments) -> _Node[T] | None:
        node: _Node[T] | None = self._root
        for segment in segments:
            if node is None:
                return None
            node = node.children.get(segment)
        return node

    def get(self, segments: Segments) -> T | None:
        """The item at exactly ``segments``, if any."""
        node = self._node(segments)
        return node.item if node is not None else None

    def walk(
        self, base: Segments, *, recursive: bool, after: Segments | None = None
    ) -> Iterator[tuple[Segments, T]]:
        """Items strictly below ``base`` (all descendants, or only children), in order,
        starting after the absolute cursor ``after``."""
        node = self._node(base)
        if node is None:
            return iter(())
        relative: Segments | None = None
        if after is not None:
            if after[: len(base)] != base:
                # A cursor outside this subtree: before it or after it entirely.
                return iter(()) if after > base else self._below(node, base, recursive, None)
            relative = after[len(base):]
        return self._below(node, base, recursive, relative)

    def _below(
        self, node: _Node[T], prefix: Segments, recursive: bool, after: Segments | None
    ) -> Iterator[tuple[Segments, T]]:
        start = 0
        if after:
            first = after[0]
            child = node.children.get(first)
            if child is not None and recursive and len(after) > 1:
                yield from self._below(child, (*prefix, first), True, after[1:])
            elif child is not None and recursive and len(after) == 1:
                yield from self._below(child, (*prefix, first), True, None)
            start = bisect_right(node.names, first)
        for name in node.names[start:]:
            child = node.children[name]
            here = (*prefix, name)
            if child.item is not None:
                yield here, child.item
            if recursive:
                yield from self._below(child, here, True, None)
