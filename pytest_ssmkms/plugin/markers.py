"""From markers and seed files to a seeding plan: what to create, in which order.

Keys are created before parameters (a parameter may name a seeded key by alias or id). Markers
on the module, the class and the test combine; when two declarations name the same key
(alias, else key id) or the same parameter, the closest one wins, so a test can override what
its module declares. Within one level, ini seed files come first, then ``ssm_parameters``
files, then ``ssm_parameter`` markers; the later wins.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest

from pytest_ssmkms.seeding import preseed
from pytest_ssmkms.seeding import files as seed_files
from pytest_ssmkms.aws.errors import PluginUsageError

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World

SEED_MARKERS = ("kms_key", "ssm_parameter", "ssm_parameters", "ssm_public_parameter")

Node = pytest.Item | pytest.Collector  # pytest's own Node base class is not public

# (what, arguments) pairs: "what" names the declaration in messages.
Declaration = tuple[str, dict[str, Any]]


def marker_call(marker: pytest.Mark) -> str:
    """How a marker reads in messages (parameter values elided: they may be secrets)."""
    return "@pytest.mark." + preseed.describe_call(marker.name, marker.args, marker.kwargs)


_STATES_APPLIED_AFTER_PARAMETERS = ("Disabled", "PendingDeletion")


def seed_from_markers(world: World, node: Node, config: pytest.Config) -> None:
    """Apply the ini seed files and every seeding marker visible from ``node``."""
    # A declaration without region= is for the mock's default region: the same slot.
    keys = _key_declarations(node, world.settings.region)
    parameters = _parameter_declarations(node, config, world.settings.region)
    # A key declared Disabled or PendingDeletion may still protect declared SecureStrings (the
    # seed document's troubleshooting cases): create it Enabled, seed the parameters, then
    # give it its state.
    later: list[tuple[str, str, dict[str, Any]]] = []
    for what, arguments in keys:
        state = arguments.get("state")
        if parameters and state in _STATES_APPLIED_AFTER_PARAMETERS:
            enabled = {name: value for name, value in arguments.items() if name != "state"}
            key = preseed.create_key(world, what, enabled)
            where = {"region": arguments["region"]} if arguments.get("region") else {}
            later.append((what, key.key_id, {"state": state, **where}))
        else:
            preseed.create_key(world, what, arguments)
    for what, arguments in parameters:
        preseed.put_parameter(world, what, arguments)
    for what, key_id, arguments in later:
        preseed.set_key_state(world, what, key_id, arguments)
    for _, markers in _levels(node, "ssm_public_parameter"):  # nearer levels win
        for marker in reversed(markers):  # the marker nearest the function last
            apply_public_parameter_marker(world, marker)


def apply_public_parameter_marker(world: World, marker: pytest.Mark) -> None:
    from pytest_ssmkms.seeding.ssm import set_public_parameter

    what = marker_call(marker)
    arguments = dict(marker.kwargs)
    names = ("name", "value")
    if len(marker.args) > 2 or set(arguments) - {"name", "value", "region"}:
        raise PluginUsageError(
            f"{what}: ssm_public_parameter takes (name, value, region=None), as in "
            "@pytest.mark.ssm_public_parameter('/aws/service/ami-amazon-linux-latest/"
            "al2023-ami-kernel-default-x86_64', 'ami-0123456789abcdef0')"
        )
    for index, given in enumerate(marker.args):
        arguments[names[index]] = given
    if "name" not in arguments or "value" not in arguments:
        raise PluginUsageError(f"{what}: ssm_public_parameter needs a name and a value")
    set_public_parameter(world, arguments["name"], arguments["value"], arguments.get("region"), what)


def _levels(node: Node, name: str) -> list[tuple[Node, list[pytest.Mark]]]:
    """The ``name`` markers by declaring node, farthest node first."""
    by_node: dict[int, tuple[Node, list[pytest.Mark]]] = {}
    for owner, marker in node.iter_markers_with_node(name):
        by_node.setdefault(id(owner), (cast(Node, owner), []))[1].append(marker)
    levels = list(by_node.values())
    levels.reverse()
    return levels


def _where(owner: Node) -> str:
    return owner.nodeid or str(owner.path)


def _key_declarations(node: Node, default_region: str) -> list[Declaration]:
    chosen: dict[tuple[str, str], Declaration] = {}
    anonymous = 0
    for owner, markers in _levels(node, "kms_key"):
        at_this_level: set[tuple[str, str]] = set()
        for marker in markers:
            what = f"{marker_call(marker)} on {_where(owner)}"
            if marker.args:
                raise PluginUsageError(
                    f"{what}: kms_key takes keyword arguments only "
                    f"({', '.join(preseed.KMS_KEY_ARGUMENTS)})"
                )
            preseed.check_arguments(what, marker.kwargs, preseed.KMS_KEY_ARGUMENTS)
            identity = marker.kwargs.get("alias") or marker.kwargs.get("key_id")
            if identity is None:  # an anonymous key is always a key of its own
                anonymous += 1
                chosen[("", f"#{anonymous}")] = (what, dict(marker.kwargs))
                continue
            slot = (marker.kwargs.get("region") or default_region, str(identity))
            if slot in at_this_level:
                raise PluginUsageError(f"{what}: {identity} is declared twice on {_where(owner)}")
            at_this_level.add(slot)
            chosen.pop(slot, None)  # re-inserted last: a closer declaration replaces
            chosen[slot] = (what, dict(marker.kwargs))
    return list(chosen.values())


def _parameter_declarations(
    node: Node, config: pytest.Config, default_region: str
) -> list[Declaration]:
    chosen: dict[tuple[str, str], Declaration] = {}

    def choose(what: str, arguments: dict[str, Any]) -> None:
        name = arguments.get("name")
        slot = (arguments.get("region") or default_region, name if isinstance(name, str) else repr(name))
        chosen.pop(slot, None)
        chosen[slot] = (what, arguments)

    for path in config.getini("ssm_kms_seed_files"):
        source = f"ini option ssm_kms_seed_files ({path})"
        for what, arguments in _file_entries(path, config.rootpath, source, None):
            choose(what, arguments)

    levels: dict[int, tuple[Node, list[pytest.Mark], list[pytest.Mark]]] = {}
    for owner, markers in _levels(node, "ssm_parameters"):
        levels.setdefault(id(owner), (owner, [], []))[1].extend(markers)
    for owner, markers in _levels(node, "ssm_parameter"):
        levels.setdefault(id(owner), (owner, [], []))[2].extend(markers)
    depth = {id(each): index for index, each in enumerate(node.listchain())}
    for owner, file_markers, parameter_markers in sorted(
        levels.values(), key=lambda level: depth.get(id(level[0]), -1)
    ):
        for marker in file_markers:
            for what, arguments in _marker_files(marker, owner):
                choose(what, arguments)
        seen: set[tuple[str, str]] = set()
        for marker in parameter_markers:
            what = f"{marker_call(marker)} on {_where(owner)}"
            arguments = _parameter_arguments(what, marker)
            slot = (arguments.get("region") or default_region, str(arguments["name"]))
            if slot in seen:
                raise PluginUsageError(
                    f"{what}: parameter {arguments['name']} is declared twice on {_where(owner)}"
                )
            seen.add(slot)
            choose(what, arguments)
    return list(chosen.values())


def _parameter_arguments(what: str, marker: pytest.Mark) -> dict[str, Any]:
    if len(marker.args) > 2:
        raise PluginUsageError(
            f"{what}: ssm_parameter takes at most two positional arguments (name, value); "
            f"give the rest by keyword: {', '.join(list(preseed.SSM_PARAMETER_ARGUMENTS)[2:])}"
        )
    arguments = dict(zip(("name", "value"), marker.args))
    for key, value in marker.kwargs.items():
        if key in arguments:
            raise PluginUsageError(f"{what}: {key} is given both by position and by keyword")
        arguments[key] = value
    for required in ("name", "value"):
        if required not in arguments:
            raise PluginUsageError(
                f"{what}: ssm_parameter needs a name and a value, as in "
                "@pytest.mark.ssm_parameter('/app/db/host', 'db.internal')"
            )
    preseed.check_arguments(what, arguments, preseed.SSM_PARAMETER_ARGUMENTS)
    return arguments


def _marker_files(marker: pytest.Mark, owner: Node) -> Iterable[Declaration]:
    what = f"{marker_call(marker)} on {_where(owner)}"
    unknown = sorted(set(marker.kwargs) - {"region"})
    if unknown:
        raise PluginUsageError(
            f"{what}: ssm_parameters got unknown argument(s) {', '.join(unknown)}; accepted: "
            "one or more file paths (or {name: value} dicts), region"
        )
    region = marker.kwargs.get("region")
    if region is not None and not isinstance(region, str):
        raise PluginUsageError(f"{what}: region must be a string, got {region!r}")
    if not marker.args:
        raise PluginUsageError(
            f"{what}: ssm_parameters needs at least one seed file path, as in "
            "@pytest.mark.ssm_parameters('seeds/prod.json')"
        )
    # Relative paths are relative to the file that declares the marker.
    base = Path(owner.path).parent if owner.path.is_file() else Path(owner.path)
    for path in marker.args:
        if isinstance(path, dict):  # an inline document, in any seed file shape
            for where, arguments in seed_files.parse_seed_document(path, what):
                yield f"{what}: entry {where}", _in_region(arguments, region)
            continue
        if not isinstance(path, (str, os.PathLike)):
            raise PluginUsageError(
                f"{what}: give seed file paths (str or pathlib.Path) or a {{name: value}} dict, "
                f"got {type(path).__name__}"
            )
        yield from _file_entries(path, base, what, region)


def _in_region(arguments: dict[str, Any], region: str | None) -> dict[str, Any]:
    return dict(arguments) if region is None else {**arguments, "region": region}


def _file_entries(
    path: str | os.PathLike[str], base: Path, source: str, region: str | None
) -> Iterable[Declaration]:
    resolved = seed_files.resolve(path, base)
    try:
        entries = seed_files.load_seed_file(resolved)
    except PluginUsageError as error:
        raise PluginUsageError(f"{error} (named by {source})") from None
    for where, arguments in entries:
        what = f"seed file {resolved}: entry {where} (named by {source})"
        yield what, _in_region(arguments, region)
