"""A billing worker: reads its secrets from Parameter Store, each once, and caches them."""

from __future__ import annotations

from typing import Any

import boto3

PATH = "/billing/prod/"


class Secrets:
    """Secrets of the worker, fetched lazily and decrypted at most once per process."""

    def __init__(self, ssm: Any = None) -> None:
        self._ssm = ssm or boto3.client("ssm")
        self._cache: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        if name not in self._cache:
            found = self._ssm.get_parameter(Name=PATH + name, WithDecryption=True)
            self._cache[name] = found["Parameter"]["Value"]
        return self._cache[name]


def run_billing(secrets: Secrets, invoices: list[int]) -> dict[str, Any]:
    """Charge some invoices (pretend): every charge needs the payment key and the db password."""
    charged = []
    for invoice in invoices:
        assert secrets["payment-api-key"] and secrets["db-password"]
        charged.append(invoice)
    return {"charged": charged, "currency": secrets["currency"]}
