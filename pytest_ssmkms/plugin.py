"""pytest glue: the ``ssm_kms`` fixture, its marker and ini options."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pytest_ssmkms import interception
from pytest_ssmkms.errors import PluginUsageError
from pytest_ssmkms.mock import SsmKms, mock_ssm_kms

MARKER_OPTIONS = ("region", "account_id", "passthrough", "enforce_permissions", "deterministic")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("ssm_kms_region", "Default region of the ssm_kms mock (us-east-1).", default="us-east-1")
    parser.addini(
        "ssm_kms_account_id", "Account id of the ssm_kms mock (123456789012).", default="123456789012"
    )
    parser.addini(
        "ssm_kms_passthrough",
        "AWS services (botocore service ids, e.g. s3) that may reach the network during a mock.",
        type="args",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "ssm_kms(region=None, account_id=None, passthrough=(), enforce_permissions=True, "
        "deterministic=None): configure the in-memory SSM/KMS mock for this test",
    )
    # Installed before collection, so module-level clients in code under test carry the hook.
    interception.install()


def mock_options(node: pytest.Item, config: pytest.Config) -> dict[str, Any]:
    """Options for the mock: ini values, then ``ssm_kms`` markers, the closest winning."""
    options: dict[str, Any] = {
        "region": config.getini("ssm_kms_region"),
        "account_id": config.getini("ssm_kms_account_id"),
        "passthrough": list(config.getini("ssm_kms_passthrough")),
    }
    # iter_markers yields the closest marker first, so apply them farthest first.
    for marker in reversed(list(node.iter_markers("ssm_kms"))):
        if marker.args:
            raise PluginUsageError(
                f"@pytest.mark.ssm_kms takes keyword arguments only ({', '.join(MARKER_OPTIONS)}); "
                f"got positional {marker.args!r}"
            )
        unknown = sorted(set(marker.kwargs) - set(MARKER_OPTIONS))
        if unknown:
            raise PluginUsageError(
                f"@pytest.mark.ssm_kms got unknown argument(s) {', '.join(unknown)}; "
                f"accepted: {', '.join(MARKER_OPTIONS)}"
            )
        options.update(marker.kwargs)
    return options


@pytest.fixture
def ssm_kms(request: pytest.FixtureRequest) -> Iterator[SsmKms]:
    """An in-memory SSM Parameter Store and KMS for this test.

    Every boto3/botocore client, made anywhere, is answered while the test runs."""
    try:
        mock = mock_ssm_kms(**mock_options(request.node, request.config))
    except PluginUsageError as error:
        problem = str(error)
    else:
        problem = ""
    if problem:
        pytest.fail(problem, pytrace=False)
    handle = mock.start()
    try:
        yield handle
    finally:
        mock.stop()
