"""Shared test set-up: every test that uses ``ssm_kms`` also gets the output-shape contract."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.shapes import check_trail_outputs


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    yield
    handle = getattr(item, "funcargs", {}).get("ssm_kms")
    if handle is None:
        return
    problems = check_trail_outputs(handle.trail)
    if problems:
        pytest.fail("responses that do not fit botocore's output shapes:\n" + "\n".join(problems))
