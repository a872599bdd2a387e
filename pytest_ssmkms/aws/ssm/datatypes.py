"""Parameter data types: which parameter types each accepts, and how each checks a value.

Pure functions. The newest botocore model lists sixteen data types (``ParameterDataType``'s
documentation); the service accepts them whatever model the client has, since ``DataType`` is a
plain string on the wire, so older botocore versions reach the same rules.

What AWS documents (User Guide, "Parameter data types in Parameter Store"): ``text`` performs no
validation; most types support String and SecureString, some also StringList, whose every item
is checked (one bad item fails the request); a parameter may change from one data type to
another except to or from ``aws:ec2:image`` and ``aws:ssm:integration``; ``aws:ec2:image`` is
checked asynchronously (see ``putting``). The per-type grammars below and every error text are
not verified: each follows the usual standard for its name (noted at the rule) and AWS's style
for its other PutParameter texts.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
from collections.abc import Callable

from pytest_ssmkms.aws.strict import is_digits
from pytest_ssmkms.aws.partitions import known_regions

STRING, LIST, SECURE = "String", "StringList", "SecureString"
_SCALAR = (STRING, SECURE)
_ANY = (STRING, LIST, SECURE)

EC2_IMAGE = "aws:ec2:image"
INTEGRATION = "aws:ssm:integration"
# Types a parameter can neither change to nor from (User Guide).
FIXED = (EC2_IMAGE, INTEGRATION)
INTEGRATION_PREFIX = "/d9d01087-4a3f-49e0-b0b4-d568d7826553/ssm/integrations/webhook/"

_AMI = re.compile(r"ami-(?:[0-9a-f]{8}|[0-9a-f]{17})")
_ACCOUNT = re.compile(r"[0-9]{12}")
# Java Long's range: the most likely bound for a service written in Java.
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_INTEGER = re.compile(r"[+-]?[0-9]+")
# A decimal number as Double.parseDouble reads one, without its NaN/Infinity/hex forms.
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# RFC 1123 host names: labels of letters, digits and inner hyphens, 1-63 each, 253 in all.
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# An address's local part as RFC 5322's dot-atom (no quoted forms).
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([^/?#\s]+)[^\s]*")


def _is_hostname(value: str) -> bool:
    return 0 < len(value) <= 253 and all(_LABEL.fullmatch(label) for label in value.split("."))


def _is_email(value: str) -> bool:
    local, at, domain = value.rpartition("@")
    return bool(at) and len(local) <= 64 and bool(_LOCAL.fullmatch(local)) and (
        _is_hostname(domain) and "." in domain
    )


def _is_ipv4(value: str) -> bool:
    # ipaddress refuses leading zeros ("01.2.3.4"), which are ambiguous (octal in some parsers).
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def _is_ipv6(value: str) -> bool:
    if "%" in value:  # a zone id names an interface of one host: not an address to store
        return False
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def _is_url(value: str) -> bool:
    match = _URL.fullmatch(value)
    if match is None:
        return False
    host = match.group(1).rpartition("@")[2]
    if host.startswith("["):
        return _is_ipv6(host[1:].partition("]")[0])
    name, _, port = host.partition(":")
    return _is_hostname(name) and (port == "" or (is_digits(port) and int(port) <= 65535))


def _is_integer(value: str) -> bool:
    return bool(_INTEGER.fullmatch(value)) and _LONG_MIN <= int(value) <= _LONG_MAX


def _is_float(value: str) -> bool:
    if not _FLOAT.fullmatch(value):
        return False
    return float(value) not in (float("inf"), float("-inf"))


def _is_boolean(value: str) -> bool:
    # Case-insensitive, as Java's Boolean parsing reads "true"/"false" (most likely).
    return value.lower() in ("true", "false")


def _is_binary(value: str) -> bool:
    try:
        binascii.a2b_base64(value.encode("ascii"), strict_mode=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False
    return value != "" and len(value) % 4 == 0 and base64.b64encode(base64.b64decode(value)).decode() == value


def _refuse_constant(name: str) -> None:
    raise ValueError(name)


def _is_json(value: str) -> bool:
    """Strict JSON (RFC 8259), any value; NaN and Infinity are not JSON."""
    try:
        json.loads(value, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        # Nesting past Python's recursion limit (~1000 levels) is refused too (not verified).
        return False
    return True


def _strip_comments(value: str) -> str | None:
    """``value`` with ``//`` and ``/* */`` comments outside strings replaced by spaces; None
    for a block comment that never ends."""
    out: list[str] = []
    i, size = 0, len(value)
    in_string = False
    while i < size:
        char = value[i]
        if in_string:
            out.append(char)
            if char == "\\" and i + 1 < size:
                out.append(value[i + 1])
                i += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif value.startswith("//", i):
            end = value.find("\n", i)
            i = size if end < 0 else end
            out.append(" ")
            continue
        elif value.startswith("/*", i):
            end = value.find("*/", i + 2)
            if end < 0:
                return None
            i = end + 2
            out.append(" ")
            continue
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _is_jsonc(value: str) -> bool:
    """JSON with comments (``//`` and ``/* */``); no trailing commas, as in strict JSONC."""
    stripped = _strip_comments(value)
    return stripped is not None and _is_json(stripped)


class DataType:
    """One data type: the parameter types it accepts and the check on a value (or item)."""

    def __init__(
        self, name: str, types: tuple[str, ...], check: Callable[[str], bool] | None, form: str
    ) -> None:
        self.name = name
        self.types = types
        self.check = check
        self.form = form


def _is_region(value: str) -> bool:
    # Region codes as botocore lists them (every partition), so the set tracks botocore.
    return value in known_regions()


TYPES: dict[str, DataType] = {
    item.name: item
    for item in (
        DataType("text", _ANY, None, ""),
        DataType(EC2_IMAGE, (STRING,), lambda v: bool(_AMI.fullmatch(v)),
                 "an AMI ID in the format ami-12345abcdeEXAMPLE"),
        DataType(INTEGRATION, (SECURE,), None, ""),
        DataType("aws:region", _ANY, _is_region, "an AWS Region code such as us-east-1"),
        DataType("aws:account:id", _ANY, lambda v: bool(_ACCOUNT.fullmatch(v)),
                 "a 12-digit AWS account ID"),
        DataType("boolean", _ANY, _is_boolean, "true or false"),
        DataType("integer", _ANY, _is_integer,
                 f"a whole number between {_LONG_MIN} and {_LONG_MAX}"),
        DataType("float", _ANY, _is_float, "a decimal number such as 3.14 or 1.5e3"),
        DataType("binary", _SCALAR, _is_binary, "Base64-encoded binary data"),
        DataType("hostname", _ANY, _is_hostname, "a host name such as www.example.com"),
        DataType("email", _ANY, _is_email, "an email address such as user@example.com"),
        DataType("ipv4-address", _ANY, _is_ipv4, "an IPv4 address such as 192.0.2.1"),
        DataType("ipv6-address", _ANY, _is_ipv6, "an IPv6 address such as 2001:db8::1"),
        DataType("url", _ANY, _is_url, "a URL such as https://www.example.com/path"),
        # JSON values hold commas, so a StringList could not carry them item by item.
        DataType("json", _SCALAR, _is_json, "a JSON document"),
        DataType("jsonc", _SCALAR, _is_jsonc, "a JSON document, with or without comments"),
    )
}


def unsupported(name: str) -> str:
    return f"The following data type is not supported: {name} (Data type names are all lowercase.)"


def wrong_type(data_type: DataType) -> str:
    if data_type.name == EC2_IMAGE:
        return "Parameters with the aws:ec2:image data type must be of type String."
    if data_type.name == INTEGRATION:
        return (
            "Parameters with the aws:ssm:integration data type must be of type SecureString "
            f"and named under {INTEGRATION_PREFIX}."
        )
    return (
        f"Parameters with the {data_type.name} data type must be of type "
        f"{' or '.join(data_type.types)}."
    )


def cannot_change(old: str, new: str) -> str:
    return (
        f"You can't change the data type of a parameter from {old} to {new}. The "
        f"{EC2_IMAGE} and {INTEGRATION} data types can't be changed to or from another data type."
    )


def invalid_value(data_type: DataType, parameter_type: str) -> str:
    what = "Each item of the value" if parameter_type == LIST else "The value"
    return f"{what} of a parameter with the {data_type.name} data type must be {data_type.form}."


def value_is_valid(data_type: DataType, parameter_type: str, value: str) -> bool:
    """Whether ``value`` (each item, for a StringList) passes the data type's check."""
    if data_type.check is None:
        return True
    items = value.split(",") if parameter_type == LIST else [value]
    return all(data_type.check(item) for item in items)
