"""Where the real clients are: the AWS CLI and the AWS SDK for JavaScript v3.

Locally a test skips when its client is absent; with SSMKMS_REQUIRE_REAL_CLIENTS=1 (set by
.ci/run, which installs both) the absence is a failure, so CI never skips them silently."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def _missing(what: str) -> None:
    if os.environ.get("SSMKMS_REQUIRE_REAL_CLIENTS") == "1":
        pytest.fail(f"{what} is required here (SSMKMS_REQUIRE_REAL_CLIENTS=1) but was not found")
    pytest.skip(f"{what} not found")


def aws_cli() -> str:
    """The ``aws`` command: SSMKMS_AWS_CLI, else the one on PATH."""
    found = os.environ.get("SSMKMS_AWS_CLI") or shutil.which("aws")
    if not found or not Path(found).exists():
        _missing("the AWS CLI (set SSMKMS_AWS_CLI or put aws on PATH)")
    assert found is not None
    return found


def node_modules() -> tuple[str, Path]:
    """``node`` and the node_modules folder holding @aws-sdk/client-{ssm,kms,sts}
    (SSMKMS_NODE_MODULES: that folder or the folder containing it)."""
    node = shutil.which("node")
    given = os.environ.get("SSMKMS_NODE_MODULES", "")
    folder = Path(given) if given else None
    if folder is not None and folder.name != "node_modules":
        folder = folder / "node_modules"
    if node is None or folder is None or not (folder / "@aws-sdk" / "client-ssm").is_dir():
        _missing("node with @aws-sdk/client-ssm, client-kms and client-sts (set SSMKMS_NODE_MODULES)")
    assert node is not None and folder is not None
    return node, folder
