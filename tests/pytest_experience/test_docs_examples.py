"""Every example in docs/pytest.md runs as written, so the reference stays true.

An example is marked in the Markdown by an HTML comment before a fenced block:

- ``<!-- example: NAME -->`` before a ``python`` block: the test module ``test_NAME.py``;
- ``<!-- example: NAME file=PATH -->``: the block is written to PATH beside it;
- ``<!-- example: NAME output -->`` before a ``text`` block: lines the run must print
  (``*`` stands for what varies, such as temporary paths);
- ``outcome=errors:1,passed:2`` and ``args=-n=2`` on any of them: the expected outcome
  (default: everything passes) and extra pytest arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.pytest_experience.runner import run, run_subprocess

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parents[2] / "docs" / "pytest.md"
BLOCK = re.compile(r"<!-- example: (?P<spec>[^>]*?) -->\s*\n```(?P<lang>\w*)\n(?P<body>.*?)\n```", re.S)


@dataclass
class Example:
    name: str
    module: str = ""
    files: dict[str, str] = field(default_factory=dict)
    output: list[str] = field(default_factory=list)
    outcome: dict[str, int] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)


def examples() -> dict[str, Example]:
    found: dict[str, Example] = {}
    for match in BLOCK.finditer(DOC.read_text(encoding="utf-8")):
        name, *options = match["spec"].split()
        example = found.setdefault(name, Example(name))
        body = match["body"] + "\n"
        settings = dict(option.split("=", 1) for option in options if "=" in option)
        if "outcome" in settings:
            example.outcome = {
                key: int(count)
                for key, count in (part.split(":") for part in settings["outcome"].split(","))
            }
        if "args" in settings:
            example.args = settings["args"].split(",")
        if "file" in settings:
            example.files[settings["file"]] = body
        elif "output" in options:
            example.output += [line for line in body.splitlines() if line.strip()]
        else:
            assert match["lang"] == "python", f"example {name}: a test module must be python"
            assert not example.module, f"example {name} has two test modules"
            example.module = body
    return found


EXAMPLES = examples()


def test_the_doc_has_examples_for_every_section():
    expected = {
        "quickstart", "fixture_ssm_kms", "marker_alone", "fixture_ssm_kms_module",
        "fixture_ssm_kms_session", "handle", "marker_ssm_kms", "marker_kms_key",
        "marker_ssm_parameter", "marker_ssm_parameters", "marker_ssm_public_parameter", "combine", "seeding_from_code",
        "ini_options", "ini_seed_files", "seed_file_mapping", "bad_seed_file",
        "scope_conflict", "clock", "unittest", "unittest_markers", "xdist", "misuse",
    }
    assert expected <= set(EXAMPLES)
    assert all(example.module for example in EXAMPLES.values())


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_runs_as_documented(pytester: pytest.Pytester, name: str) -> None:
    example = EXAMPLES[name]
    for path, content in example.files.items():
        target = pytester.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    pytester.path.joinpath(f"test_{name}.py").write_text(example.module, encoding="utf-8")
    runner = run_subprocess if any(arg.startswith("-n") for arg in example.args) else run
    result = runner(pytester, *example.args)
    outcomes = result.parseoutcomes()
    if example.outcome:
        result.assert_outcomes(**example.outcome)
    else:
        assert outcomes.get("passed", 0) >= 1 and set(outcomes) <= {"passed"}, result.stdout.str()
    if example.output:
        # The doc shows plain text with * for what varies (temporary paths); brackets are literal.
        patterns = [re.sub(r"([\[\]])", r"[\1]", line) for line in example.output]
        result.stdout.fnmatch_lines(patterns)
