"""docs/guarantees.md names tests that exist, and every reliability test is named there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

HERE = Path(__file__).parent
DOC = HERE.parent.parent / "docs" / "guarantees.md"
REFERENCE = re.compile(r"`(test_\w+\.py)::(test_\w+)")


def defined_tests() -> set[tuple[str, str]]:
    found = set()
    for path in HERE.glob("test_*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                found.add((path.name, node.name))
    return found


def test_every_test_the_doc_names_exists():
    named = set(REFERENCE.findall(DOC.read_text()))
    assert named, "no test references found in docs/guarantees.md"
    assert sorted(named - defined_tests()) == []


def test_every_guarantee_test_is_in_the_doc():
    named = set(REFERENCE.findall(DOC.read_text()))
    # The doc's own check, and the bug reproducers (listed as a group) are exempt.
    exempt = {"test_guarantees_doc.py", "test_known_bugs.py"}
    missing = sorted(t for t in defined_tests() - named if t[0] not in exempt)
    assert missing == []


CLASSES = 10  # issue 18's classes (10, the async guard, is re-checked here; tests/aio has more)
CLASS_ROW = re.compile(r"^\| (\d+)\. [^|]+\| [^|]+\| (.+) \|$", re.MULTILINE)


def test_every_class_of_the_issue_maps_to_tests_that_exist():
    text = DOC.read_text()
    assert "## Issue 18's classes and their tests" in text
    rows = {int(number): set(REFERENCE.findall(tests)) for number, tests in CLASS_ROW.findall(text)}
    assert sorted(rows)[:CLASSES] == list(range(1, CLASSES + 1))
    defined = defined_tests()
    for number, named in rows.items():
        assert named, f"class {number} names no test"
        assert sorted(named - defined) == [], f"class {number}"
