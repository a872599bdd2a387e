"""Seed files: parameters replayed from JSON, as the AWS CLI prints them or as a plain mapping.

Accepted shapes (the first two are what ``aws ssm get-parameters-by-path --with-decryption
--recursive`` / ``get-parameters`` / ``get-parameter`` print):

- ``{"Parameters": [{"Name": ..., "Type": ..., "Value": ..., ...}, ...]}``
- ``{"Parameter": {"Name": ..., "Type": ..., "Value": ...}}``
- ``{"/name": "value", "/other": {"Value": ..., "Type": "SecureString", "KeyId": ...}}``

An entry object may carry ``Name``, ``Value``, ``Type``, ``KeyId``, ``Description``, ``Tier``,
``Labels``, ``Tags``, ``AllowedPattern``, ``DataType`` and ``History`` (older values, oldest
first). The fields the CLI adds that describe rather than define a parameter (``Version``,
``LastModifiedDate``, ``ARN``, ...) are ignored: versions start at 1, or after ``History``.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pytest_ssmkms.aws.errors import PluginUsageError
from pytest_ssmkms.seeding.preseed import kind_of

# JSON member -> seeding argument
ENTRY_FIELDS = {
    "Name": "name",
    "Value": "value",
    "Type": "type",
    "KeyId": "key_id",
    "Description": "description",
    "Tier": "tier",
    "Labels": "labels",
    "Tags": "tags",
    "AllowedPattern": "allowed_pattern",
    "DataType": "data_type",
    "History": "history",
}
# Output-only members of the CLI's Parameter shape: accepted so real output loads unchanged.
IGNORED_FIELDS = frozenset(
    {"Version", "LastModifiedDate", "LastModifiedUser", "ARN", "Selector", "SourceResult"}
)

SeedEntry = tuple[str, dict[str, Any]]  # (where in the file, seeding arguments)

FORMATS = (
    'the output of `aws ssm get-parameters-by-path --with-decryption` ({"Parameters": [...]}), '
    'or a mapping {"/name": "value" or {"Value": ..., "Type": ...}}'
)


def load_seed_file(path: Path) -> list[SeedEntry]:
    """The parameters in ``path``, each with where it sits in the file (for messages)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise PluginUsageError(f"seed file {path} does not exist") from None
    except OSError as error:
        raise PluginUsageError(f"seed file {path} cannot be read: {error.strerror}") from None
    if not path.is_file():
        raise PluginUsageError(f"seed file {path} is not a file")
    # Parsed once per file version: suites name the same file on many tests.
    return list(_load(str(path), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=64)
def _load(path: str, mtime_ns: int, size: int) -> tuple[SeedEntry, ...]:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except UnicodeDecodeError:
        raise PluginUsageError(f"seed file {path} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise PluginUsageError(
            f"seed file {path} is not valid JSON: {error.msg} at line {error.lineno} "
            f"column {error.colno}"
        ) from None
    return tuple(parse_seed_document(document, f"seed file {path}"))


def parse_seed_document(document: Any, source: str) -> list[SeedEntry]:
    """Seeding arguments for every parameter of a decoded seed document; ``source`` starts
    each message ("seed file /path/x.json")."""
    if not isinstance(document, dict):
        raise PluginUsageError(
            f"{source}: the top level is {kind_of(document)}; expected {FORMATS}"
        )
    if isinstance(document.get("Parameters"), list):
        return [
            _entry(source, f"Parameters[{index}]", item, None)
            for index, item in enumerate(document["Parameters"])
        ]
    if isinstance(document.get("Parameter"), dict):
        return [_entry(source, "Parameter", document["Parameter"], None)]
    entries = []
    for name, item in document.items():
        where = repr(name)
        if isinstance(item, str):
            entries.append((where, {"name": name, "value": item}))
        elif isinstance(item, dict):
            entries.append(_entry(source, where, item, name))
        else:
            raise PluginUsageError(
                f"{source}: entry {where}: the value must be a string or an object "
                f'like {{"Value": ..., "Type": "SecureString"}}, got {kind_of(item)}'
            )
    return entries


def _entry(source: str, where: str, item: Any, name: str | None) -> SeedEntry:
    if not isinstance(item, dict):
        raise PluginUsageError(
            f"{source}: entry {where} must be an object with Name and Value, "
            f"got {kind_of(item)}"
        )
    if name is None:
        found = item.get("Name")
        if not isinstance(found, str) or not found:
            raise PluginUsageError(f"{source}: entry {where} has no Name")
        where = f"{where} ({found!r})"
    elif "Name" in item and item["Name"] != name:
        raise PluginUsageError(
            f"{source}: entry {where} has a different Name {item['Name']!r}"
        )
    unknown = sorted(set(item) - set(ENTRY_FIELDS) - IGNORED_FIELDS)
    if unknown:
        raise PluginUsageError(
            f"{source}: entry {where} has unknown field(s) {', '.join(unknown)}; "
            f"accepted: {', '.join(ENTRY_FIELDS)}"
        )
    if "Value" not in item:
        raise PluginUsageError(f"{source}: entry {where} has no Value")
    arguments = {ENTRY_FIELDS[key]: value for key, value in item.items() if key in ENTRY_FIELDS}
    if name is not None:
        arguments["name"] = name
    return where, arguments


def resolve(path: str | os.PathLike[str], base: Path) -> Path:
    """``path`` made absolute against ``base`` (the test file's folder, or the rootdir)."""
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else base / candidate
