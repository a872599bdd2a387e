"""Shared test set-up: every test that uses ``ssm_kms`` also gets the output-shape contract."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator

import pytest

from tests.shapes import check_trail_outputs

# A mock with no region configured takes the environment's; the suite's expectations are for
# the default, us-east-1, whatever region the machine running it is set up for.
for _name in ("AWS_DEFAULT_REGION", "AWS_REGION"):
    os.environ.pop(_name, None)


def pytest_addoption(parser: pytest.Parser) -> None:
    # pyproject sets pytest-asyncio's loop scope; without pytest-asyncio (the async extra's
    # tests then skip) the option is declared here so that pytest does not warn about it.
    if importlib.util.find_spec("pytest_asyncio") is None:
        parser.addini("asyncio_default_fixture_loop_scope", "pytest-asyncio's (not installed)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    yield
    handle = getattr(item, "funcargs", {}).get("ssm_kms")
    if handle is None:
        return
    problems = check_trail_outputs(handle.trail)
    if problems:
        pytest.fail("responses that do not fit botocore's output shapes:\n" + "\n".join(problems))
