"""The state file of ``python -m pytest_ssmkms serve --state FILE``: a world saved on exit and
restored on start.

The file is JSON: ``{"format": "pytest-ssmkms-state/1", "written_by": "pytest-ssmkms 0.1.0",
"shapes": ..., "world": ...}`` (``snapshot`` says what the world part holds). It holds key
material and parameter values in the clear, so it is written readable by its owner only
(0600), through a temporary file renamed over the old one: a crash mid-write leaves the old
file whole. A file that cannot be read whole is refused before anything is served.
"""

from __future__ import annotations

import json
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from pytest_ssmkms.aws.backend import World
from pytest_ssmkms.aws.errors import PluginUsageError
from pytest_ssmkms.mock import snapshot

FORMAT = "pytest-ssmkms-state/1"


def _version() -> str:
    try:
        return metadata.version("pytest-ssmkms")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


class StateFileError(PluginUsageError):
    """A state file that cannot be read (or written): nothing of it was loaded."""


def load(path: Path) -> World | None:
    """The world saved in ``path``; None when there is no such file (start empty, write it
    on exit). Raises StateFileError, having loaded nothing, for any other file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise StateFileError(f"cannot read the state file {path}: {_reason(error)}") from None
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise StateFileError(
            f"the state file {path} is not valid JSON ({error.msg} at line {error.lineno}); "
            "it was left as it is: move it away to start empty"
        ) from None
    found = data.get("format") if isinstance(data, dict) else None
    if found != FORMAT:
        raise StateFileError(
            f"the state file {path} is not a pytest-ssmkms state file of format {FORMAT} "
            f"(its format: {found!r}); it was left as it is"
        )
    try:
        return snapshot.load(data)
    except snapshot.SnapshotError as error:
        raise StateFileError(
            f"cannot restore the state file {path} (written by {data.get('written_by', 'an unknown version')}, "
            f"read by pytest-ssmkms {_version()}): {error}; nothing was loaded"
        ) from None


def save(world: World, path: Path) -> None:
    """Write ``world`` to ``path`` (mode 0600) atomically: a temporary file beside it, then a
    rename over the old file."""
    try:
        data = {"format": FORMAT, "written_by": f"pytest-ssmkms {_version()}", **snapshot.dump(world)}
    except snapshot.SnapshotError as error:
        raise StateFileError(f"cannot save the state to {path}: {error}") from None
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        # mkstemp makes the file 0600 from the start: the secret is never readable by others.
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as error:
        raise StateFileError(f"cannot write the state file {path}: {_reason(error)}") from None


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error)
