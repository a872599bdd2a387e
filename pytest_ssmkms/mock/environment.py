"""The process environment while a mock is active: fake credentials, its region, no profiles.

And the region a mock takes when nothing configures one: the environment's, as boto3's.
"""

from __future__ import annotations

import os

from pytest_ssmkms.aws.backend import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_REGION,
    DEFAULT_SECRET_ACCESS_KEY,
)

# Set while active so that no real credentials, profile or instance metadata are consulted.
_UNSET = (
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SSM",
    "AWS_ENDPOINT_URL_KMS",
)

Saved = dict[str, str | None]


def region_from_environment() -> str:
    """``AWS_DEFAULT_REGION`` (what boto3 reads), else ``AWS_REGION`` (what the other SDKs and
    Lambda set), else ``us-east-1``: a client made at import time in the environment's region
    and one made inside the mock then talk to the same region, as with moto."""
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return DEFAULT_REGION


def apply(region: str) -> Saved:
    """Set the mock's environment; returns what to give :func:`restore` afterwards."""
    wanted: dict[str, str | None] = dict.fromkeys(_UNSET)
    wanted.update(
        AWS_ACCESS_KEY_ID=DEFAULT_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY=DEFAULT_SECRET_ACCESS_KEY,
        AWS_DEFAULT_REGION=region,
        # The other SDKs (and the AWS CLI v2 in some set-ups) read AWS_REGION: a subprocess
        # sees the mock's region whichever it reads.
        AWS_REGION=region,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_CONFIG_FILE=os.devnull,
    )
    saved = {name: os.environ.get(name) for name in wanted}
    _set(wanted)
    return saved


def restore(saved: Saved) -> None:
    _set(saved)


def _set(values: Saved) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
