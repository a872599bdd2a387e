"""The package's layering, read from its source (nothing is imported), so it stays true.

Counted: every import, at module level or inside a function, and ``importlib.import_module``
or ``__import__`` with a literal name; not those under ``if TYPE_CHECKING:`` (they never run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pytest_ssmkms"
NAME = PACKAGE.name

# Each part and the parts it may import: arrows only go down. Adding an arrow here is a
# design decision, to be drawn in docs/architecture.md as well.
ALLOWED = {
    "aws": set(),
    "wire": {"aws"},
    "adapters": {"wire", "aws"},
    "seeding": {"wire", "aws"},  # seeds are validated as requests are (wire.validation)
    "mock": {"adapters", "seeding", "wire", "aws"},
    "plugin": {"mock", "seeding", "adapters", "wire", "aws"},
    # python -m pytest_ssmkms serve: the server as a command
    "cli": {"mock", "seeding", "adapters", "wire", "aws"},
    "__main__": {"cli"},
}
# Modules the in-memory AWS must never import: it runs without pytest and without a
# client library's transport (adapters own those).
FORBIDDEN_IN_AWS = (
    "pytest", "_pytest", "wrapt", "aiobotocore", "aiohttp", "httpx", "urllib3", "requests",
    "botocore.awsrequest", "botocore.endpoint", "botocore.httpsession", "botocore.client",
    "boto3",
)


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the module (or module.name) imported
    name: str | None  # the name taken from it, for ``from x import name``
    line: int


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(path: Path, source: str | None = None) -> Iterator[Import]:
    source = source or module_name(path)
    is_package = path.name == "__init__.py"
    found: list[Import] = []

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            test = node.test
            if getattr(test, "id", None) == "TYPE_CHECKING" or getattr(test, "attr", None) == "TYPE_CHECKING":
                for child in node.orelse:
                    self.visit(child)
                return
            self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            found.extend(Import(source, alias.name, None, node.lineno) for alias in node.names)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.level:
                base = source.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.extend(Import(source, target, alias.name, node.lineno) for alias in node.names)

        def visit_Call(self, node: ast.Call) -> None:
            called = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if called in ("import_module", "__import__") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append(Import(source, first.value, None, node.lineno))
            self.generic_visit(node)

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8")))
    return iter(found)


def internal_target(imp: Import, known: dict[str, Path]) -> str | None:
    """The module of ours an import reaches (``from pkg import mod`` reaches ``pkg.mod``)."""
    for candidate in (f"{imp.target}.{imp.name}" if imp.name else None, imp.target):
        if candidate and candidate in known:
            return candidate
    return None


def all_imports() -> list[Import]:
    return [imp for path in modules().values() for imp in imports_of(path)]


def part(module: str, depth: int) -> str:
    bits = module.split(".")
    return bits[depth] if len(bits) > depth else "__init__"


def edges(prefix: str) -> dict[str, dict[str, list[str]]]:
    """Arrows between the parts directly under ``prefix`` (a package), with their imports.
    The package's own ``__init__`` is left out: it aggregates, it is not a part."""
    known = modules()
    depth = prefix.count(".") + 1
    result: dict[str, dict[str, list[str]]] = {}
    for imp in all_imports():
        target = internal_target(imp, known)
        if target is None or not imp.source.startswith(prefix + ".") or not target.startswith(prefix + "."):
            continue
        a, b = part(imp.source, depth), part(target, depth)
        if a != b and "__init__" not in (a, b):
            result.setdefault(a, {}).setdefault(b, []).append(f"{imp.source}:{imp.line} -> {target}")
    return result


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Strongly connected components with more than one part (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, {}):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    nodes = set(graph) | {b for targets in graph.values() for b in targets}
    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def describe(graph: dict[str, dict[str, list[str]]], component: list[str]) -> str:
    return "\n".join(
        f"  {a} -> {b}: {why[0]}" for a in component for b, why in graph.get(a, {}).items() if b in component
    )


@pytest.mark.parametrize("prefix", [NAME, f"{NAME}.aws"])
def test_no_import_cycle_between_parts(prefix: str) -> None:
    graph = edges(prefix)
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(describe(graph, c) for c in found)


def test_arrows_only_go_down() -> None:
    wrong = [
        why
        for a, targets in edges(NAME).items()
        for b, whys in targets.items()
        if a in ALLOWED and b not in ALLOWED[a]
        for why in whys
    ]
    assert not wrong, "imports against the layering (see ALLOWED):\n" + "\n".join(wrong)
    parts = {part(m, 1) for m in modules()} - {"__init__"}
    assert parts == set(ALLOWED), "a new part needs its place in ALLOWED and docs/architecture.md"


def test_the_in_memory_aws_imports_neither_pytest_nor_a_transport() -> None:
    wrong = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in all_imports()
        if imp.source.startswith(f"{NAME}.aws")
        and any(imp.target == bad or imp.target.startswith(bad + ".") for bad in FORBIDDEN_IN_AWS)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_core_does_not_import_the_services() -> None:
    """Services register their operation tables (aws/services.py); the world and backend
    know none of them by name. Only the aggregating ``aws/__init__`` imports them."""
    core = {f"{NAME}.aws.backend", f"{NAME}.aws.context", f"{NAME}.aws.services", f"{NAME}.aws.errors"}
    services = (f"{NAME}.aws.kms", f"{NAME}.aws.ssm", f"{NAME}.aws.cloudtrail")
    wrong = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in all_imports()
        if imp.source in core and imp.target.startswith(services)
    ]
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_another_modules_private_name() -> None:
    known = modules()
    wrong = [
        f"{imp.source}:{imp.line} imports {imp.target}.{imp.name}"
        for imp in all_imports()
        if imp.name is not None
        and imp.name.startswith("_")
        and not imp.name.startswith("__")
        and (imp.target.startswith(NAME) or imp.target in known)
    ]
    assert not wrong, "\n".join(wrong)


def test_no_module_reads_a_private_name_of_a_module_it_imported() -> None:
    """``import pkg.mod as m`` then ``m._x`` is a private import by another route."""
    known = modules()
    wrong = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(NAME):
                aliases.update(a.asname or a.name for a in node.names if f"{node.module}.{a.name}" in known)
            elif isinstance(node, ast.Import):
                aliases.update(a.asname for a in node.names if a.asname and a.name.startswith(NAME))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                wrong.append(f"{name}:{node.lineno} reads {node.value.id}.{node.attr}")
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_what_it_must(tmp_path: Path) -> None:
    """The rules above are only as good as the walk: it must see imports inside functions
    and through importlib, and skip those under TYPE_CHECKING."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pytest_ssmkms.mock import handle\n"
        "def f():\n    from pytest_ssmkms.aws import backend\n"
        "    importlib.import_module('pytest_ssmkms.wire.protocol')\n",
        encoding="utf-8",
    )
    found = [imp.target for imp in imports_of(sample, f"{NAME}.sample") if imp.target.startswith(NAME)]
    assert found == [f"{NAME}.aws", f"{NAME}.wire.protocol"]
