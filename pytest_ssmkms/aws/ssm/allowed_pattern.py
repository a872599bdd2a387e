"""``AllowedPattern``: does a value match the parameter's regular expression, decided in
bounded time.

AWS checks AllowedPattern with Java's ``java.util.regex`` (a backtracking engine): there a
pattern such as ``^(a+)+$`` against ``aaaa...!`` takes exponential time, and what the service
answers then is not documented (not verified: most likely a timeout or an internal error).
This mock must answer every call, so it never hands a whole match to a backtracking engine
(Python's ``re`` holds the GIL for a whole match and cannot be interrupted; the ``regex``
package's timeout would be a new runtime dependency):

- The pattern is read by Python's own parser (the syntax this mock has always accepted, close
  to Java's) and compiled into a small program, counted repeats unrolled. Each single item
  (a character, a class, an anchor) is matched by Python's own engine, so case folding,
  categories and anchors are exactly ``re``'s.
- The program runs on a backtracking machine that remembers every (instruction, position)
  pair it has tried: none is tried twice, so a match costs at most program size x (value
  length + 1) steps (RE2's "bit-state" backtracker), and gives ``re.fullmatch``'s answer.
- Lookarounds and atomic groups run as sub-programs, their results remembered per position;
  possessive repeats are atomic groups. Backreferences make the state depend on captures, so
  patterns with them run without the memory (an iteration that matched empty ends its loop,
  as in ``re``): for those, and for programs so large that size x length is out of reach, a
  budget of :data:`MAX_STEPS` steps bounds the match and :class:`MatchTooCostly` says so.

Patterns this mock cannot compile (nesting deeper than :data:`MAX_DEPTH`, a program over
:data:`MAX_PROGRAM` instructions once counted repeats are unrolled, repeat counts past
Python's limit) raise :class:`PatternError`, which SSM answers as
``InvalidAllowedPatternException``. Java compiles some of these (deeper nesting, ``a{50000}``):
a deliberate deviation, so that no pattern can make the mock slow.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from functools import lru_cache
from typing import Any

if sys.version_info >= (3, 11):
    from re import _compiler as _sre_compile  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
else:  # pragma: no cover - Python 3.10
    import sre_compile as _sre_compile
    import sre_parse as _sre_parse

MAX_DEPTH = 100  # groups inside groups: parser and compiler recurse (Python's parser fails near 450)
MAX_PROGRAM = 20_000  # instructions once counted repeats are unrolled
MAX_STEPS = 2_000_000  # machine steps for one match (about a second or two)

_IGNORECASE = re.I.value
_INFINITE = int(_sre_parse.MAXREPEAT)


class PatternError(ValueError):
    """The pattern cannot be compiled here."""


class MatchTooCostly(RuntimeError):
    """The match did not finish within :data:`MAX_STEPS` steps."""


# Opcodes of the compiled program (the first item of each instruction).
_CHAR, _SPLIT, _JUMP, _MATCH, _AT, _LOOK, _ATOMIC, _SAVE, _BACKREF, _IFGROUP, _PROGRESS = range(11)

Instruction = tuple[Any, ...]
Matcher = Callable[[str, int], "re.Match[str] | None"]  # a compiled pattern's match()


class Program:
    """A compiled pattern: the main program and the sub-programs of lookarounds and atomic
    groups (index 0 is the main one)."""

    __slots__ = ("programs", "captures", "memo")

    def __init__(self, programs: list[list[Instruction]], captures: int) -> None:
        self.programs = programs
        self.captures = captures  # capture slots (2 per group referenced by a backreference)
        self.memo = captures == 0  # without backreferences, (pc, position) is the whole state


def matches(pattern: str, value: str) -> bool:
    """Whether all of ``value`` matches ``pattern`` (Java's ``matches()``)."""
    return _Matcher(compile_pattern(pattern), value).run(0, 0, len(value), ())[0] >= 0


@lru_cache(maxsize=32)  # a program holds up to MAX_PROGRAM instructions
def compile_pattern(pattern: str) -> Program:
    """The pattern compiled, or :class:`PatternError` when it cannot be here."""
    if _depth(pattern) > MAX_DEPTH:
        raise PatternError(f"groups nested deeper than {MAX_DEPTH}")
    try:
        re.compile(pattern)  # every syntax rule Python checks, with its own messages
        tree = _sre_parse.parse(pattern)
        compiler = _Compiler(tree)
        main = compiler.program(tree, int(tree.state.flags))
    except (re.error, OverflowError, RecursionError, ValueError) as error:
        # RecursionError: a safety net only, as the depth limit above keeps well inside.
        raise PatternError(str(error)) from None
    return Program([main, *compiler.subs], compiler.slots)


def _depth(pattern: str) -> int:
    """How deeply groups nest (a lexical count: escapes and character classes skipped)."""
    depth = deepest = 0
    index, size, in_class = 0, len(pattern), False
    while index < size:
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            if pattern.startswith("]", index + 1) or pattern.startswith("^]", index + 1):
                index += 2 if pattern[index + 1] == "]" else 3  # a leading ] is literal
                continue
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(depth - 1, 0)
        index += 1
    return deepest


class _Compiler:
    def __init__(self, tree: Any) -> None:
        self.subs: list[list[Instruction]] = []
        self.size = 0
        self.natives: dict[tuple[str, str, int], Matcher] = {}
        referenced: set[int] = set()
        _references(tree, referenced)
        self.slot_of = {group: 2 * i for i, group in enumerate(sorted(referenced))}
        self.slots = 2 * len(referenced)

    def program(self, tree: Any, flags: int) -> list[Instruction]:
        code: list[Instruction] = []
        self.emit_sequence(code, tree, flags)
        code.append((_MATCH,))
        return code

    def native(self, op: str, av: Any, flags: int) -> Matcher:
        """One character test or anchor, matched by Python's own engine (so case folding,
        Unicode categories and anchors are exactly ``re``'s): a single item cannot backtrack."""
        key = (op, repr(av), flags)
        found = self.natives.get(key)
        if found is None:
            state = _sre_parse.State()
            state.flags = flags  # the flags in force here, scoped ones applied
            item = _sre_parse.SubPattern(state, [(getattr(_sre_parse, op), av)])
            found = self.natives[key] = _sre_compile.compile(item).match
        return found

    def sub(self, tree: Any, flags: int) -> int:
        self.subs.append(self.program(tree, flags))
        return len(self.subs)  # index among all programs (0 is the main one)

    def add(self, code: list[Instruction], instruction: Instruction) -> int:
        self.size += 1
        if self.size > MAX_PROGRAM:
            raise PatternError(f"the pattern unrolls to more than {MAX_PROGRAM} instructions")
        code.append(instruction)
        return len(code) - 1

    def emit_sequence(self, code: list[Instruction], items: Any, flags: int) -> None:
        for op, av in items:
            self.emit(code, str(op), av, flags)

    def emit(self, code: list[Instruction], op: str, av: Any, flags: int) -> None:
        if op in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            self.add(code, (_CHAR, self.native(op, av, flags)))
        elif op == "SUBPATTERN":
            group, add_flags, del_flags, body = av
            inner = (flags | add_flags) & ~del_flags
            slot = self.slot_of.get(group) if group is not None else None
            if slot is not None:
                self.add(code, (_SAVE, slot))
            self.emit_sequence(code, body, inner)
            if slot is not None:
                self.add(code, (_SAVE, slot + 1))
        elif op == "BRANCH":
            self.emit_branch(code, av[1], flags)
        elif op in ("MAX_REPEAT", "MIN_REPEAT"):
            self.emit_repeat(code, av, flags, greedy=op == "MAX_REPEAT")
        elif op == "POSSESSIVE_REPEAT":
            self.add(code, (_ATOMIC, self.sub([(_sre_parse.MAX_REPEAT, av)], flags)))
        elif op == "ATOMIC_GROUP":
            self.add(code, (_ATOMIC, self.sub(av, flags)))
        elif op in ("ASSERT", "ASSERT_NOT"):
            direction, body = av
            width = body.getwidth()[0] if direction < 0 else 0
            self.add(code, (_LOOK, self.sub(body, flags), direction < 0, op == "ASSERT_NOT", width))
        elif op == "AT":
            self.add(code, (_AT, self.native(op, av, flags)))
        elif op == "GROUPREF":
            self.add(code, (_BACKREF, self.slot_of[av], bool(flags & _IGNORECASE)))
        elif op == "GROUPREF_EXISTS":
            group, yes, no = av
            test = self.add(code, (_IFGROUP, self.slot_of[group], 0))
            self.emit_sequence(code, yes, flags)
            jump = self.add(code, (_JUMP, 0))
            code[test] = (_IFGROUP, self.slot_of[group], len(code))
            if no is not None:
                self.emit_sequence(code, no, flags)
            code[jump] = (_JUMP, len(code))
        else:  # pragma: no cover - an opcode of a future Python
            raise PatternError(f"unsupported construct {op}")

    def emit_branch(self, code: list[Instruction], alternatives: Any, flags: int) -> None:
        jumps = []
        for index, alternative in enumerate(alternatives):
            split = None
            if index < len(alternatives) - 1:
                split = self.add(code, (_SPLIT, 0, 0))
            self.emit_sequence(code, alternative, flags)
            if split is not None:
                jumps.append(self.add(code, (_JUMP, 0)))
                code[split] = (_SPLIT, split + 1, len(code))
        for jump in jumps:
            code[jump] = (_JUMP, len(code))

    def emit_repeat(self, code: list[Instruction], av: Any, flags: int, greedy: bool) -> None:
        low, high, body = av
        least, most = body.getwidth()
        if most == 0:
            # A body that consumes nothing matches the same way however often it repeats:
            # once (or not at all). Read from the tree, not from a trial compilation, which
            # would double the work at each level of nested repeats.
            if low:
                self.emit_sequence(code, body, flags)
            return
        if high >= _INFINITE:
            # "x{n,}" as n-1 copies, then the body once more ending in a split back to its
            # start ("x*" first splits over it): a loop, not one more copy of the body per
            # level of nested "+".
            for _ in range(max(low - 1, 0)):
                self.emit_sequence(code, body, flags)
            # Without the memory (backreferences), a body that can match empty would loop
            # on the spot: as in Python's engine, an iteration that matched empty ends it.
            progress = None
            if self.slots and least == 0:
                progress, self.slots = self.slots, self.slots + 1
            entry = self.add(code, (_SPLIT, 0, 0)) if low == 0 else None
            start = len(code)
            if progress is not None:
                self.add(code, (_SAVE, progress))
            self.emit_sequence(code, body, flags)
            check = self.add(code, (_PROGRESS, progress, 0, 0)) if progress is not None else None
            loop = self.add(code, (_SPLIT, 0, 0))
            out = len(code)
            code[loop] = self.split(start, out, greedy)
            if check is not None:
                code[check] = (_PROGRESS, progress, loop, out)
            if entry is not None:
                code[entry] = self.split(start, out, greedy)
            return
        for _ in range(low):
            self.emit_sequence(code, body, flags)
        splits = []
        for _ in range(high - low):
            splits.append(self.add(code, (_SPLIT, 0, 0)))
            self.emit_sequence(code, body, flags)
        for split in splits:
            code[split] = self.split(split + 1, len(code), greedy)

    @staticmethod
    def split(body: int, out: int, greedy: bool) -> Instruction:
        return (_SPLIT, body, out) if greedy else (_SPLIT, out, body)


def _references(items: Any, found: set[int]) -> None:
    """The groups a backreference (or a conditional) names."""
    for op, av in items:
        name = str(op)
        if name == "GROUPREF":
            found.add(av)
        elif name == "GROUPREF_EXISTS":
            found.add(av[0])
            _references(av[1], found)
            if av[2] is not None:
                _references(av[2], found)
        elif name == "SUBPATTERN":
            _references(av[3], found)
        elif name == "BRANCH":
            for alternative in av[1]:
                _references(alternative, found)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _references(av[2], found)
        elif name in ("ASSERT", "ASSERT_NOT"):
            _references(av[1], found)
        elif name == "ATOMIC_GROUP":
            _references(av, found)


class _Matcher:
    """One match of a program against one value, with its step budget and memories."""

    def __init__(self, program: Program, value: str) -> None:
        self.program = program
        self.value = value
        self.steps = 0
        # Results of lookarounds and atomic groups per (program, position), when valid.
        self.results: dict[tuple[int, int], tuple[int, tuple[int, ...]]] = {}

    def run(
        self, index: int, start: int, must_end: int | None, captures: tuple[int, ...]
    ) -> tuple[int, tuple[int, ...]]:
        """Run program ``index`` from ``start``: (end, captures) of the first way it matches
        (ending exactly at ``must_end`` when given), or (-1, captures)."""
        program = self.program
        code = program.programs[index]
        value = self.value
        size = len(value)
        memo = program.memo
        width = size + 1
        # Tried (instruction, position) pairs: a set, so that its cost follows the states
        # actually visited (a lookaround runs once per position, most often briefly).
        seen: set[int] = set()
        if not captures and program.captures:
            captures = (-1,) * program.captures
        stack: list[tuple[int, int, tuple[int, ...]]] = [(0, start, captures)]
        steps = self.steps
        while stack:
            pc, position, captures = stack.pop()
            while True:
                steps += 1
                if steps > MAX_STEPS:
                    raise MatchTooCostly(f"more than {MAX_STEPS} matching steps")
                if memo:
                    key = pc * width + position
                    if key in seen:
                        break
                    seen.add(key)
                instruction = code[pc]
                op = instruction[0]
                if op == _CHAR:
                    if instruction[1](value, position):
                        pc += 1
                        position += 1
                        continue
                    break
                if op == _SPLIT:
                    stack.append((instruction[2], position, captures))
                    pc = instruction[1]
                    continue
                if op == _JUMP:
                    pc = instruction[1]
                    continue
                if op == _MATCH:
                    if must_end is None or position == must_end:
                        self.steps = steps
                        return position, captures
                    break
                if op == _AT:
                    if not instruction[1](value, position):
                        break
                    pc += 1
                    continue
                self.steps = steps
                if op == _LOOK:
                    _, sub, behind, negate, look_width = instruction
                    if behind:
                        begin = position - look_width
                        found = self.sub(sub, begin, position, captures) if begin >= 0 else -1
                    else:
                        found = self.sub(sub, position, None, captures)
                    steps = self.steps
                    if (found >= 0) == negate:
                        break
                    if found >= 0 and not negate and program.captures:
                        captures = self.results_captures
                    pc += 1
                    continue
                if op == _ATOMIC:
                    found = self.sub(instruction[1], position, None, captures)
                    steps = self.steps
                    if found < 0:
                        break
                    if program.captures:
                        captures = self.results_captures
                    pc += 1
                    position = found
                    continue
                if op == _SAVE:
                    slot = instruction[1]
                    captures = captures[:slot] + (position,) + captures[slot + 1 :]
                    pc += 1
                    continue
                if op == _BACKREF:
                    slot = instruction[1]
                    begin, end = captures[slot], captures[slot + 1]
                    if begin < 0 or end < begin:
                        break
                    text = value[begin:end]
                    here = value[position : position + len(text)]
                    if here != text and not (instruction[2] and here.lower() == text.lower()):
                        break
                    pc += 1
                    position += len(text)
                    continue
                if op == _IFGROUP:
                    slot = instruction[1]
                    matched = captures[slot] >= 0 and captures[slot + 1] >= captures[slot]
                    pc = pc + 1 if matched else instruction[2]
                    continue
                if op == _PROGRESS:
                    # Loop again only if the iteration consumed something.
                    moved = position != captures[instruction[1]]
                    pc = instruction[2] if moved else instruction[3]
                    continue
                raise AssertionError(f"unknown instruction {instruction}")  # pragma: no cover
        self.steps = steps
        return -1, captures

    results_captures: tuple[int, ...] = ()

    def sub(self, index: int, start: int, must_end: int | None, captures: tuple[int, ...]) -> int:
        """A lookaround's or atomic group's end from ``start`` (-1: no match), remembered per
        position where captures cannot change it."""
        key = (index, start if must_end is None else -start - 1)
        if self.program.memo and key in self.results:
            end, found_captures = self.results[key]
        else:
            end, found_captures = self.run(index, start, must_end, captures)
            if self.program.memo:
                self.results[key] = (end, found_captures)
        self.results_captures = found_captures
        return end
