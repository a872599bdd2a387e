"""Audit CloudTrail events of a CI run: the same checks work on real CloudTrail.

Events come either from CloudTrail's LookupEvents API (``events_from_lookup``) or from a
CloudTrail log file such as the one ``pytest --ssm-kms-trail=PATH`` writes
(``events_from_file``). ``audit`` returns one line per violation; an empty list passes.

    python -m ci_audit.audit artifacts/cloudtrail.json --path /billing/prod/ \\
        --principal arn:aws:iam::123456789012:user/billing-worker [--tests NODE-ID-PREFIX]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

Event = dict[str, Any]


def events_from_lookup(cloudtrail: Any, **lookup: Any) -> list[Event]:
    """Every event LookupEvents returns (all pages), as CloudTrail event dicts."""
    events: list[Event] = []
    for page in cloudtrail.get_paginator("lookup_events").paginate(**lookup):
        events.extend(json.loads(e["CloudTrailEvent"]) for e in page["Events"])
    return events


def events_from_file(path: Path) -> list[Event]:
    """The records of a CloudTrail log file (``{"Records": [...]}``)."""
    records: list[Event] = json.loads(path.read_text(encoding="utf-8"))["Records"]
    return records


def _parameter_names(event: Event) -> Iterator[str]:
    """Names of parameters (or the path) an SSM call touched, from its request parameters."""
    request = event.get("requestParameters") or {}
    if "name" in request:
        yield request["name"]
    yield from request.get("names", [])
    if "path" in request:
        yield request["path"]


def audit(events: Iterable[Event], app_path: str, principals: set[str]) -> list[str]:
    """Violations: a secret decrypted more than once, a parameter read outside ``app_path``,
    a call made by anyone but ``principals`` (ARNs)."""
    problems: list[str] = []
    decrypts: Counter[str] = Counter()
    for event in events:
        if event["eventSource"] == "cloudtrail.amazonaws.com":
            continue  # the audit's own LookupEvents calls
        who = event["userIdentity"]["arn"]
        what = f'{event["eventName"]} at {event["eventTime"]}'
        if who not in principals:
            problems.append(f"{what}: unexpected principal {who}")
        if event["eventSource"] == "ssm.amazonaws.com":
            for name in _parameter_names(event):
                normalized = name if name.startswith("/") else "/" + name
                if not (normalized.rstrip("/") + "/").startswith(app_path):
                    problems.append(f"{what}: read {name}, outside {app_path}")
        if event["eventName"] == "Decrypt" and event.get("errorCode") is None:
            context = (event.get("requestParameters") or {}).get("encryptionContext") or {}
            decrypts[context.get("PARAMETER_ARN", "(not a parameter)")] += 1
    for parameter, count in sorted(decrypts.items()):
        if count > 1:
            problems.append(f"{parameter} decrypted {count} times")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Audit a CloudTrail log file from a CI run.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--path", required=True, help="the only parameter path the app may read")
    parser.add_argument("--principal", action="append", required=True, help="an allowed ARN")
    parser.add_argument(
        "--tests",
        default="",
        help="audit only the records of tests whose node id starts with this (pytestNodeId)",
    )
    args = parser.parse_args(argv)
    events = [
        event
        for event in events_from_file(args.file)
        if (event.get("pytestNodeId") or "").startswith(args.tests)
    ]
    problems = audit(events, args.path, set(args.principal))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
