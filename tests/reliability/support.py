"""Helpers shared by the reliability tests: which operations exist right now, clients that
skip botocore's validation, and a seeded world for property tests to aim at."""

from __future__ import annotations

import base64
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import OperationModel

from pytest_ssmkms.aws.services import operation_table
from pytest_ssmkms.aws.models import operation_model
from pytest_ssmkms.mock.handle import SsmKms
from tests.shapes import model_has

SERVICES = ("ssm", "kms", "cloudtrail")

# Codes any operation may answer besides its modelled errors: the service front end's
# (RequestEntityTooLargeException is the protocol layer's answer to a body over 2 MB).
FRONT_END_CODES = frozenset(
    {
        "ValidationException",
        "AccessDeniedException",
        "SerializationException",
        "RequestEntityTooLargeException",
    }
)

# Bugs found in others' code, pinned by strict xfail reproducers in test_known_bugs.py. The
# property tests tolerate exactly these answers (matched on "<code>: <message>") and nothing else, so
# they keep guarding every other input of the operation meanwhile.
KNOWN_BUGS: dict[tuple[str, str], tuple[str, ...]] = {
}

UNVALIDATED = Config(
    parameter_validation=False,
    retries={"total_max_attempts": 1, "mode": "standard"},
)


def implemented(service: str) -> list[str]:
    """The operations of ``service`` the mock answers right now that the installed botocore's
    model has (an older botocore, as aiobotocore pins, lacks the newest), sorted."""
    return sorted(op for op in operation_table(service) if model_has(service, op))


def all_implemented() -> list[tuple[str, str]]:
    return [(service, op) for service in SERVICES for op in implemented(service)]


def require(service: str, *operations: str) -> None:
    """Skip (naming what is missing) until ``operations`` land in the service's table."""
    missing = [op for op in operations if op not in operation_table(service)]
    if missing:
        pytest.skip(f"{service} does not implement {', '.join(missing)} yet")


def model(service: str, operation: str) -> OperationModel:
    found = operation_model(service, operation)
    assert found is not None, f"{service} has no operation {operation}"
    return found


def allowed_error_codes(service: str, operation: str) -> frozenset[str]:
    """Modelled error codes of the operation plus the front end's."""
    codes = set(FRONT_END_CODES)
    operation_model = model(service, operation)
    input_members = operation_model.input_shape.members if operation_model.input_shape else {}
    if service == "kms" and "Marker" in input_members:
        # KMS answers a bad Marker with InvalidMarkerException on every paginated operation,
        # though the model lists it for some only (ListKeyPolicies lacks it).
        codes.add("InvalidMarkerException")
    if (service, operation) == ("kms", "CreateAlias"):
        # KMS answers a name under the reserved alias/aws/ with NotAuthorizedException, a code
        # its model does not list (see ops_aliases.check_alias_name).
        codes.add("NotAuthorizedException")
    for shape in operation_model.error_shapes:
        codes.add(shape.name)
        code = shape.metadata.get("error", {}).get("code")
        if code:
            codes.add(code)
    return frozenset(codes)


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@dataclass
class Seeded:
    """Resources created through the API so generated requests can hit real ones."""

    key_ids: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    ciphertexts: list[bytes] = field(default_factory=list)

    def key_refs(self) -> list[str]:
        return self.key_ids + self.aliases


def seed(handle: SsmKms) -> Seeded:
    """Create a key, an alias, a ciphertext and parameters with whatever is implemented."""
    seeded = Seeded()
    kms_ops = operation_table("kms")
    ssm_ops = operation_table("ssm")
    kms = handle.client("kms")
    ssm = handle.client("ssm")
    if "CreateKey" in kms_ops:
        meta = kms.create_key(Description="reliability seed")["KeyMetadata"]
        seeded.key_ids += [meta["KeyId"], meta["Arn"]]
        if "CreateAlias" in kms_ops:
            kms.create_alias(AliasName="alias/reliability", TargetKeyId=meta["KeyId"])
            seeded.aliases += ["alias/reliability", "alias/aws/ssm"]
        if "Encrypt" in kms_ops:
            seeded.ciphertexts.append(
                kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"seed")["CiphertextBlob"]
            )
    if "PutParameter" in ssm_ops:
        ssm.put_parameter(Name="/rel/plain", Value="v", Type="String")
        ssm.put_parameter(Name="/rel/list", Value="a,b", Type="StringList")
        seeded.names += ["/rel/plain", "/rel/list", "/rel/plain:1", "rel", "/rel"]
        try:
            ssm.put_parameter(Name="/rel/secure", Value="s", Type="SecureString")
            seeded.names.append("/rel/secure")
        except ClientError:
            pass  # SecureString support may not have landed yet
        seeded.names.append(f"arn:aws:ssm:{handle.region}:{handle.account_id}:parameter/rel/plain")
    return seeded


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def secret_forms(secret: str | bytes) -> list[str]:
    """The ways a secret could show up in text: as is, base64, hex, Python bytes repr."""
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    forms = [b64(raw), raw.hex(), repr(raw)[2:-1]]
    if isinstance(secret, str):
        forms.append(secret)
    return [form for form in forms if len(form) >= 8]


def find_secrets(text: str, secrets: Iterable[str | bytes]) -> list[str]:
    """The secret forms present in ``text`` (empty: nothing leaked)."""
    return [form for secret in secrets for form in secret_forms(secret) if form in text]


def response_problems(service: str, operation: str, response: dict[str, Any]) -> list[str]:
    """botocore's validator over a parsed response, minus one rule that real AWS breaks.

    Output shapes inherit ``min: 1`` from list shapes shared with inputs, yet AWS answers
    empty lists (GetParameters' ``"InvalidParameters": []``), so an empty list is accepted."""
    from botocore.validate import ParamValidator

    shape = model(service, operation).output_shape
    if shape is None:
        return []
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    report = ParamValidator().validate(body, shape)
    return [
        f"{name}: {reason} {details}"
        for reason, name, details in report._errors
        if not (reason == "invalid length" and details.get("param") == 0)
    ]


class TookTooLong(BaseException):
    """Raised into a call that passed its time bound (a BaseException, so that no handler of
    the plugin or of botocore answers it as an ordinary failure)."""


T = TypeVar("T")


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Fail the block with :class:`TookTooLong` once it has run ``seconds``.

    A SIGALRM timer, not a thread with a join timeout: ``re`` holds the GIL for a whole match,
    so a thread running a catastrophic match would keep ``join`` from returning, while the
    regex engine does check for signals. Main thread only (where pytest runs tests)."""
    assert threading.current_thread() is threading.main_thread()

    def alarm(signum: int, frame: Any) -> None:
        raise TookTooLong(f"the call took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bounded(seconds: float, call: Callable[[], T]) -> T:
    with time_bound(seconds):
        return call()
