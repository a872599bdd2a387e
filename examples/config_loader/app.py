"""A tiny application's configuration, read from Parameter Store at start-up.

Layout, one parameter per setting, under ``/myapp/<env>/``::

    /myapp/prod/database/url        String
    /myapp/prod/database/password   SecureString (customer managed key alias/myapp)
    /myapp/prod/allowed_hosts       StringList
    /myapp/prod/debug               String, optional ("false" when absent)

The whole tree is read with one paginated GetParametersByPath, with decryption: real
applications do this rather than a GetParameter per setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError

REQUIRED = ("database/url", "database/password", "allowed_hosts")


class ConfigError(Exception):
    """The configuration could not be loaded; the message says what to fix."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    database_password: str = field(repr=False)  # never in logs or tracebacks
    allowed_hosts: tuple[str, ...]
    debug: bool = False


def read_tree(env: str, ssm: Any) -> dict[str, Any]:
    """Every parameter under ``/myapp/<env>/``, keyed by its name relative to that path."""
    prefix = f"/myapp/{env}/"
    values: dict[str, Any] = {}
    pages = ssm.get_paginator("get_parameters_by_path").paginate(
        Path=prefix, Recursive=True, WithDecryption=True
    )
    try:
        for page in pages:
            for parameter in page["Parameters"]:
                key = parameter["Name"][len(prefix):]
                value = parameter["Value"]
                values[key] = value.split(",") if parameter["Type"] == "StringList" else value
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code == "InvalidKeyId":
            # The seed document's troubleshooting case: the key is disabled, pending deletion
            # or not found. AWS's message names the key and its state; pass it on.
            raise ConfigError(
                f"cannot decrypt the settings under {prefix}: {error.response['Error']['Message']}"
            ) from error
        raise
    return values


def load_settings(env: str, ssm: Any = None) -> Settings:
    """Settings for ``env`` (``prod``, ``staging``, ...); raises ConfigError when incomplete."""
    values = read_tree(env, ssm or boto3.client("ssm"))
    missing = [name for name in REQUIRED if name not in values]
    if missing:
        raise ConfigError(
            f"missing parameter(s) under /myapp/{env}/: {', '.join(missing)}"
        )
    hosts = values["allowed_hosts"]
    return Settings(
        database_url=values["database/url"],
        database_password=values["database/password"],
        allowed_hosts=tuple(hosts if isinstance(hosts, list) else [hosts]),
        debug=values.get("debug", "false").lower() == "true",
    )
