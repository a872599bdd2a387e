"""How these tests run pytest inside pytest (pytester), quickly and faithfully."""

from __future__ import annotations

import boto3  # noqa: F401 - loaded once here, so in-process runs do not import it again
import pytest

import pytest_ssmkms.aws  # noqa: F401 - every service package, registered
from pytest_ssmkms.plugin import markers  # noqa: F401
from pytest_ssmkms.seeding import files, preseed  # noqa: F401

# pytester's in-process runs drop the modules a run imported; load the lazily imported parts of
# the plugin now, so every run shares them with this process instead of importing copies.
import pytest_ssmkms.seeding.kms  # noqa: E402,F401
import pytest_ssmkms.seeding.ssm  # noqa: E402,F401

# Hypothesis's plugin imports all of hypothesis at session end; these runs do not need it.
QUIET = ("-p", "no:hypothesispytest", "-p", "no:cacheprovider", "-p", "no:randomly")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run pytest in this process (fast); the plugin is loaded by its entry point."""
    return pytester.runpytest(*QUIET, *args)


def run_subprocess(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run pytest in a fresh process (xdist, unittest, anything that must start clean)."""
    return pytester.runpytest_subprocess(*QUIET, *args)
