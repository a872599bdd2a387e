"""Turning enforcement off for a whole suite or one test, as a pytest user does it."""

from __future__ import annotations

import pytest

from tests.pytest_experience.runner import run

pytest_plugins = ["pytester"]

TEST_FILE = """
import boto3
import pytest

def test_unpermitted(ssm_kms):
    nobody = ssm_kms.principal("nobody")
    nobody.client("ssm").put_parameter(Name="/x", Value="1", Type="String")

@pytest.mark.ssm_kms(enforce_permissions=True)
def test_marker_wins_over_ini(ssm_kms):
    nobody = ssm_kms.principal("nobody")
    with pytest.raises(Exception, match="AccessDeniedException"):
        nobody.client("ssm").put_parameter(Name="/x", Value="1", Type="String")
"""


def test_marker_turns_enforcement_off_for_a_module(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_module_marker="import pytest\npytestmark = pytest.mark.ssm_kms(enforce_permissions=False)\n"
        + TEST_FILE
    )
    run(pytester).assert_outcomes(passed=2)


def test_without_marker_or_ini_permissions_are_enforced(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_enforced=TEST_FILE)
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*AccessDeniedException*User: arn:aws:iam::123456789012:user/nobody is not authorized*"])


def test_ini_option_turns_enforcement_off(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nssm_kms_enforce_permissions = false\n")
    pytester.makepyfile(test_ini=TEST_FILE)
    run(pytester).assert_outcomes(passed=2)
