"""A world as plain JSON data and back: what ``serve --state FILE`` saves and restores.

The whole object graph under the World is written, generically: every object of the
package's own classes (parameters and their versions, labels, tags and policies; keys with
every material, rotations and imported material; aliases, grants, key policies; principals,
roles and their sessions; the clock), with shared objects written once and referred to
after, so what was one object is one object again. Nothing but this package's classes and a
few standard types is ever made from a file (never an arbitrary class, as pickle would).

Not saved: the trail (a restored world starts with an empty one, and so does each key's
last usage, which is read from it), the authorizer's cache, locks (made anew).

Each class's field names are written beside the data; a file whose fields differ from the
running code's (written by another pytest-ssmkms version) is refused rather than misread.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import importlib
import itertools
import random
import threading
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_der_private_key,
    load_der_public_key,
)

from pytest_ssmkms.aws.backend import World
from pytest_ssmkms.aws.kms.last_usage import UsageIndex
from pytest_ssmkms.aws.trail import Trail

# Where classes may come from: the in-memory AWS and the principals the mock hands out.
_ALLOWED_MODULES = ("pytest_ssmkms.aws.", "pytest_ssmkms.mock.principals")
# Caches rebuilt on first use: written as nothing.
_CACHES = frozenset({"cryptography.hazmat.bindings._rust.openssl.aead.AESGCM"})
_LOCK_TYPES = {type(threading.Lock()): "Lock", type(threading.RLock()): "RLock"}
_SCALARS = (str, int, float, bool, type(None))


class SnapshotError(Exception):
    """A world that cannot be written, or data that cannot be read back as one."""


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _fields(cls: type) -> list[str] | None:
    """The field names a class declares (dataclass fields, slots); None for a plain class,
    whose attributes are whatever its instances hold."""
    if dataclasses.is_dataclass(cls):
        return sorted(f.name for f in dataclasses.fields(cls))
    slots = [s for klass in cls.__mro__ for s in klass.__dict__.get("__slots__", ())]
    if slots:
        return sorted(set(slots) - {"__weakref__", "__dict__"})
    return None


def _state_of(obj: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(getattr(obj, "__dict__", {}))
    for klass in type(obj).__mro__:
        for slot in klass.__dict__.get("__slots__", ()):
            if slot not in ("__weakref__", "__dict__") and hasattr(obj, slot):
                values[slot] = getattr(obj, slot)
    return values


class _Writer:
    def __init__(self, world: World) -> None:
        self.world = world
        self.ids: dict[int, int] = {}
        self.keep: list[Any] = []  # holds what was numbered, so ids stay unique
        self.shapes: dict[str, list[str] | None] = {}

    def number(self, obj: Any) -> int | None:
        """The number ``obj`` was written under before, or None after numbering it now."""
        seen = self.ids.get(id(obj))
        if seen is not None:
            return seen
        self.ids[id(obj)] = len(self.ids)
        self.keep.append(obj)
        return None

    def value(self, obj: Any, where: str) -> Any:
        if isinstance(obj, _SCALARS):
            return obj
        kind = type(obj)
        if kind is bytes:
            return {"$b": base64.b64encode(obj).decode("ascii")}
        if kind is datetime:
            return {"$dt": obj.isoformat()}
        if kind is timedelta:
            return {"$td": [obj.days, obj.seconds, obj.microseconds]}
        if kind in (date, time):
            return {"$" + kind.__name__: obj.isoformat()}
        if isinstance(obj, enum.Enum):
            return {"$enum": _name(kind), "name": obj.name}
        if kind in _LOCK_TYPES:
            return {"$lock": _LOCK_TYPES[kind]}
        if kind is itertools.count:
            return {"$count": int(repr(obj)[len("count("):-1])}
        if obj is self.world.trail or isinstance(obj, Trail):
            return {"$trail": True}
        if isinstance(obj, UsageIndex):
            return {"$usage": True}  # read from the trail, which is not saved
        if f"{kind.__module__}.{kind.__qualname__}" in _CACHES:
            return None
        if kind.__module__.startswith("cryptography.") and hasattr(obj, "private_bytes"):
            der = obj.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
            return {"$private": base64.b64encode(der).decode("ascii")}
        if kind.__module__.startswith("cryptography.") and hasattr(obj, "public_bytes"):
            der = obj.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
            return {"$public": base64.b64encode(der).decode("ascii")}
        seen = self.number(obj)
        if seen is not None:
            return {"$r": seen}
        number = self.ids[id(obj)]
        if kind is tuple:
            return {"$t": [self.value(v, where) for v in obj], "#": number}
        if kind is list:
            return {"$l": [self.value(v, where) for v in obj], "#": number}
        if kind is dict:
            return {"$d": [[self.value(k, where), self.value(v, f"{where}[{k!r}]")] for k, v in obj.items()], "#": number}
        if kind in (set, frozenset):
            tag = "$s" if kind is set else "$fs"
            return {tag: [self.value(v, where) for v in obj], "#": number}
        if kind is random.Random:
            return {"$rng": _plain(obj.getstate()), "#": number}
        name = _name(kind)
        if not kind.__module__.startswith(_ALLOWED_MODULES) or kind.__module__.startswith("pytest_ssmkms.aws.trail"):
            raise SnapshotError(f"cannot save {where}: a {kind.__module__}.{kind.__qualname__} is not state pytest-ssmkms knows how to write")
        if name not in self.shapes:
            self.shapes[name] = _fields(kind)
        state = _state_of(obj)
        if kind is World:
            state.pop("decisions", None)  # the authorizer's cache
        return {"$o": name, "#": number, "f": {k: self.value(v, f"{where}.{k}") for k, v in state.items()}}


def _plain(value: Any) -> Any:
    """random.Random's state (nested tuples of ints) as lists."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _tupled(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tupled(v) for v in value)
    return value


def dump(world: World) -> dict[str, Any]:
    """``world`` as JSON-ready data: ``{"shapes": {...}, "world": {...}}``."""
    writer = _Writer(world)
    with world.lock:
        data = writer.value(world, "world")
    return {"shapes": writer.shapes, "world": data}


class _Reader:
    def __init__(self, shapes: dict[str, Any]) -> None:
        self.shapes = shapes
        self.made: dict[int, Any] = {}
        self.classes: dict[str, type] = {}
        self.world: World | None = None
        self.pending_usage: list[tuple[Any, str]] = []

    def cls(self, name: str) -> type:
        found = self.classes.get(name)
        if found is not None:
            return found
        module_name, _, qualname = name.partition(":")
        if not module_name.startswith(_ALLOWED_MODULES):
            raise SnapshotError(f"the file names a class outside pytest-ssmkms ({name})")
        thing: Any
        try:
            thing = importlib.import_module(module_name)
            for part in qualname.split("."):
                thing = getattr(thing, part)
        except (ImportError, AttributeError):
            raise SnapshotError(f"the file holds a {name}, which this version of pytest-ssmkms does not have") from None
        # Defined in the package itself (not a class a package module happens to import).
        if not isinstance(thing, type) or _name(thing) != name:
            raise SnapshotError(f"{name} in the file is not a class of pytest-ssmkms")
        found = thing
        expected = _fields(found)
        saved = self.shapes.get(name)
        if expected != saved:
            raise SnapshotError(
                f"the file's {qualname} has fields {saved}, this version's has {expected}: it was written by another version of pytest-ssmkms"
            )
        self.classes[name] = found
        return found

    def value(self, data: Any) -> Any:
        if isinstance(data, _SCALARS):
            return data
        if isinstance(data, list):
            raise SnapshotError("a bare list where a tagged value belongs")
        if not isinstance(data, dict):
            raise SnapshotError(f"unexpected {type(data).__name__} in the file")
        if "$r" in data:
            try:
                return self.made[data["$r"]]
            except (KeyError, TypeError):
                raise SnapshotError(f"a reference to object {data['$r']!r}, which comes later or nowhere") from None
        if "$b" in data:
            return base64.b64decode(data["$b"], validate=True)
        if "$private" in data:
            return load_der_private_key(base64.b64decode(data["$private"], validate=True), None)
        if "$public" in data:
            return load_der_public_key(base64.b64decode(data["$public"], validate=True))
        if "$dt" in data:
            return datetime.fromisoformat(data["$dt"])
        if "$td" in data:
            days, seconds, micro = data["$td"]
            return timedelta(days=days, seconds=seconds, microseconds=micro)
        if "$date" in data:
            return date.fromisoformat(data["$date"])
        if "$time" in data:
            return time.fromisoformat(data["$time"])
        if "$enum" in data:
            return self.cls_enum(data["$enum"])[data["name"]]
        if "$lock" in data:
            return threading.RLock() if data["$lock"] == "RLock" else threading.Lock()
        if "$count" in data:
            return itertools.count(int(data["$count"]))
        if "$trail" in data:
            assert self.world is not None
            return self.world.trail
        if "$usage" in data:
            assert self.world is not None
            return UsageIndex(self.world.trail)
        number = data.get("#")
        if "$t" in data:
            return self.keep(number, tuple(self.value(v) for v in data["$t"]))
        if "$fs" in data:
            return self.keep(number, frozenset(self.value(v) for v in data["$fs"]))
        if "$l" in data:
            made: list[Any] = self.keep(number, [])
            made.extend(self.value(v) for v in data["$l"])
            return made
        if "$d" in data:
            table: dict[Any, Any] = self.keep(number, {})
            for key, item in data["$d"]:
                table[self.value(key)] = self.value(item)
            return table
        if "$s" in data:
            bag: set[Any] = self.keep(number, set())
            bag.update(self.value(v) for v in data["$s"])
            return bag
        if "$rng" in data:
            generator = random.Random()
            generator.setstate(_tupled(data["$rng"]))
            return self.keep(number, generator)
        if "$o" in data:
            cls = self.cls(data["$o"])
            obj: Any = object.__new__(cls)
            self.keep(number, obj)
            if cls is World:
                self.world = obj  # the trail is made before any field refers to it
                object.__setattr__(obj, "trail", Trail())
                object.__setattr__(obj, "decisions", {})
            for field_name, item in data["f"].items():
                object.__setattr__(obj, field_name, self.value(item))
            return obj
        raise SnapshotError(f"unreadable value with keys {sorted(data)[:5]}")

    def cls_enum(self, name: str) -> Any:
        found = self.cls(name)
        if not issubclass(found, enum.Enum):
            raise SnapshotError(f"{name} is not an enumeration")
        return found

    def keep(self, number: Any, obj: Any) -> Any:
        if not isinstance(number, int) or number in self.made:
            raise SnapshotError(f"object number {number!r} is missing or repeated")
        self.made[number] = obj
        return obj


def load(data: Any) -> World:
    """The world ``data`` (what :func:`dump` gave) describes; SnapshotError if it cannot be
    read whole. Nothing outside the new world is touched."""
    if not isinstance(data, dict) or not isinstance(data.get("shapes"), dict) or "world" not in data:
        raise SnapshotError("no world in the file")
    reader = _Reader(data["shapes"])
    try:
        world = reader.value(data["world"])
    except SnapshotError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise SnapshotError(f"the file's data is damaged ({type(error).__name__}: {error})") from None
    if not isinstance(world, World):
        raise SnapshotError("the file's root is not a world")
    return world
