"""Parameter names, paths, ARNs, selectors and labels: pure rules, no store.

A parameter is found by its *key*: the name without a leading slash, so that ``/a`` and ``a``
are the same root parameter, as in AWS. Hierarchical names must start with a slash.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from pytest_ssmkms.aws.partitions import ARN_PARTITIONS, partition_id
from pytest_ssmkms.aws.strict import is_digits
from pytest_ssmkms.aws.ssm.errors import (
    AccessDeniedException,
    HierarchyLevelLimitExceededException,
    ValidationException,
)

MAX_LEVELS = 15
MAX_NAME_WITH_ARN = 1011

# AWS's text for a malformed name (boto/boto3#1499, localstack#7712): it names the "ssm" rule
# even when the problem is a character.
NAME_RULES = (
    'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, '
    "it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix "
    "of letters, numbers and the following 3 symbols .-_"
)
PATH_RULES = (
    "The parameter doesn't meet the parameter name requirements. The parameter name must "
    'begin with a forward slash "/". It can\'t be prefixed with "aws" or "ssm" '
    "(case-insensitive). It must use only letters, numbers, or the following symbols: . "
    "(period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, "
    'if specified, must use the forward slash symbol "/". Valid example: '
    "/get/parameters2-/by1./path0_."
)

_SEGMENT = r"[a-zA-Z0-9_.\-]+"
_NAME = re.compile(rf"(?:{_SEGMENT}|/{_SEGMENT}(?:/{_SEGMENT})*)")
_PATH = re.compile(rf"/(?:{_SEGMENT}(?:/{_SEGMENT})*/?)?")
_LABEL = re.compile(r"[a-zA-Z0-9_.\-]{1,100}")
# The account field is empty in the ARNs of AWS's public parameters (/aws/service/...).
_ARN = re.compile(rf"arn:{ARN_PARTITIONS}:ssm:([a-z0-9-]+):([0-9]{{12}}|):parameter/(.+)")


def key_of(name: str) -> str:
    """The store key of a (valid) name: ``/a/b`` → ``a/b``, ``/a`` and ``a`` → ``a``."""
    return name[1:] if name.startswith("/") else name


def segments_of(key: str) -> tuple[str, ...]:
    return tuple(key.split("/"))


def arn_prefix(region: str, account_id: str) -> str:
    """``arn:<partition>:ssm:<region>:<account>:parameter/``, in the Region's partition."""
    return f"arn:{partition_id(region)}:ssm:{region}:{account_id}:parameter/"


def arn_of(region: str, account_id: str, name: str) -> str:
    """The parameter's ARN: no doubled slash after ``parameter/``."""
    key = name[1:] if name.startswith("/") else name  # key_of(name), inline: every read
    return f"arn:{partition_id(region)}:ssm:{region}:{account_id}:parameter/{key}"


def is_public(name: str) -> bool:
    """Whether a name lies in AWS's own ``/aws/`` tree, where its public parameters live."""
    key = name[1:] if name.startswith("/") else name
    return key[:4] == "aws/"


def _reserved(name: str, prefix: str) -> bool:
    return key_of(name).lower().startswith(prefix)


def check_name(name: str) -> str:
    """Validate a name given to read; returns it without surrounding spaces."""
    name = name.strip()
    if not _NAME.fullmatch(name) or (name[1:] if name.startswith("/") else name).lower().startswith("ssm"):
        raise ValidationException(NAME_RULES)  # (the second test is _reserved(name, "ssm"))
    return name


def check_new_name(name: str, region: str, account_id: str, *, creating: bool = False) -> str:
    """Validate a name given to write (put, delete, label). ``creating`` (PutParameter): the
    15-level limit applies too. Only there: the model lists HierarchyLevelLimitExceeded for
    PutParameter alone, and a deeper name cannot exist, so deleting or labelling one answers
    ParameterNotFound, as for any name that does not exist."""
    name = check_name(name)
    if _reserved(name, "aws"):
        raise AccessDeniedException(f"No access to reserved parameter name: {name}.")
    key = key_of(name)
    head = arn_prefix(region, account_id)
    prefix = len(head)
    if prefix + len(key) > MAX_NAME_WITH_ARN:
        # Not verified: AWS's wording for this limit.
        raise ValidationException(
            f"Parameter name: The maximum length for a parameter name is {MAX_NAME_WITH_ARN} "
            f"characters, including the {prefix} characters of the ARN that precede the name "
            f"({head})."
        )
    if creating and key.count("/") + 1 > MAX_LEVELS:
        raise HierarchyLevelLimitExceededException()
    return name


def check_path(path: str) -> tuple[str, ...]:
    """The segments of a GetParametersByPath path (``/`` → no segments)."""
    path = path.strip()
    if not _PATH.fullmatch(path) or _reserved(path, "ssm"):
        raise ValidationException(PATH_RULES)
    inner = path.strip("/")
    return segments_of(inner) if inner else ()


def is_valid_path(path: str) -> bool:
    return bool(_PATH.fullmatch(path)) and not _reserved(path, "ssm")


def path_arn(region: str, account_id: str, segments: tuple[str, ...]) -> str:
    return f"{arn_prefix(region, account_id)}{'/'.join(segments)}"


def label_is_valid(label: str) -> bool:
    """Letters, digits, ``.-_``, 1–100 characters, not starting with a digit, aws or ssm."""
    return (
        bool(_LABEL.fullmatch(label))
        and not is_digits(label[0])
        and not label.lower().startswith(("aws", "ssm"))
    )


class Reference(NamedTuple):
    """A name as a read gives it: plain, an ARN, with an optional ``:version``/``:label``.
    (A named tuple: every read makes one, and a frozen dataclass costs twice as much.)"""

    name: str  # the name part (for an ARN: rebuilt with its slash)
    version: int | None = None
    label: str | None = None
    # False for an ARN naming another account or region: nothing here answers it.
    local: bool = True
    # The ARN's own region and account (for authorizing a foreign ARN as given).
    region: str | None = None
    account_id: str | None = None

    @property
    def key(self) -> str:
        return key_of(self.name)

    def arn(self, region: str, account_id: str) -> str:
        """The parameter's ARN, in the ARN's own account and region when one was given."""
        return arn_of(self.region or region, self.account_id or account_id, self.name)

    @property
    def selector(self) -> str | None:
        if self.version is not None:
            return f":{self.version}"
        if self.label is not None:
            return f":{self.label}"
        return None


def parse_reference(text: str, region: str, account_id: str, *, arn: bool = True) -> Reference:
    """Parse ``name``, ``name:3``, ``name:label`` or (where ``arn``) a parameter ARN."""
    text = text.strip()
    local = True
    where: tuple[str | None, str | None] = (None, None)
    body = text
    if arn and text.startswith("arn:"):
        match = _ARN.fullmatch(text)
        if match is None:
            raise ValidationException(NAME_RULES)
        local = (match.group(1), match.group(2)) == (region, account_id)
        where = (match.group(1), match.group(2))
        body = match.group(3)
        head = body.partition(":")[0]
        if "/" in head and not body.startswith("/"):
            body = "/" + body
    name, colon, selector = body.partition(":")
    name = check_name(name)
    if where[1] == "":
        # An account-less ARN names a public parameter of its Region, and nothing else.
        local = where[0] == region and is_public(name)
    if not colon:
        return Reference(name, None, None, local, *where)
    if not selector or ":" in selector:
        raise ValidationException(NAME_RULES)
    if is_digits(selector):  # ASCII only: "²" and "١" are labels (then refused as such)
        return Reference(name, int(selector), None, local, *where)
    return Reference(name, None, selector, local, *where)
