"""Error types: AWS errors raised by the domain, and the plugin's own misuse errors.

Each AWS error code is one subclass of :class:`AwsError`, defined next to the service that
raises it. Only :mod:`pytest_ssmkms.wire.protocol` turns them into wire bodies.
"""

from __future__ import annotations

from typing import ClassVar


class AwsError(Exception):
    """An error AWS would answer with. ``code`` is the wire ``__type``."""

    code: ClassVar[str] = "InternalFailure"
    status: ClassVar[int] = 400
    # The member name botocore reads the text from: most shapes use "message", some "Message";
    # "" for a shape without members, whose answer carries the code alone.
    message_key: ClassVar[str] = "message"

    def __init__(self, message: str | None = "") -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class ValidationException(AwsError):
    """Input that botocore lets through but the service rejects (lengths, counts, formats)."""

    code = "ValidationException"
    message_key = "Message"


class AccessDeniedException(AwsError):
    code = "AccessDeniedException"
    message_key = "Message"


class UnknownOperationError(AwsError):
    """An operation the mock does not implement. Never pretends to succeed."""

    code = "UnknownOperationException"

    def __init__(self, service: str, operation: str, supported: list[str]) -> None:
        super().__init__(
            f"pytest-ssmkms does not implement {service} {operation} yet. "
            f"Implemented {service} operations: {', '.join(sorted(supported))}."
        )


class PluginInternalError(AwsError):
    """A bug in the plugin, answered as a clear error (status 400, so botocore does not retry)."""

    code = "InternalFailure"

    def __init__(self, service: str, operation: str, exc: BaseException) -> None:
        # The exception's own text is left out: it can quote the value being worked on (a
        # plaintext, a parameter value), and this message reaches the trail and the caller.
        # The exception itself stays on the raw call (trail.calls[i].error.__cause__).
        super().__init__(
            f"pytest-ssmkms failed while answering {service} {operation}: "
            f"{type(exc).__name__} at {_plugin_location(exc)}. This is a bug in the plugin; "
            "please report it."
        )
        self.__cause__ = exc


def _plugin_location(exc: BaseException) -> str:
    """``pytest_ssmkms/kms/ops_crypto.py:117 in decrypt``: the innermost frame of the plugin."""
    found = "an unknown place"
    tb = exc.__traceback__
    while tb is not None:
        path = tb.tb_frame.f_code.co_filename.replace("\\", "/")
        marker = path.rfind("/pytest_ssmkms/")
        if marker >= 0:
            found = f"{path[marker + 1:]}:{tb.tb_lineno} in {tb.tb_frame.f_code.co_name}"
        tb = tb.tb_next
    return found


class InvalidSignatureException(AwsError):
    """A request whose signature scope AWS cannot accept (checked before any service runs)."""

    code = "InvalidSignatureException"


class ExpiredTokenException(AwsError):
    """Temporary credentials past their expiration (checked before any service runs). JSON
    services answer this code; STS, a query service, ``ExpiredToken`` (the wire maps it)."""

    code = "ExpiredTokenException"

    def __init__(self) -> None:
        # The text AWS answers, quoted in many public transcripts (STS, IAM, SSM, Lambda, ...).
        super().__init__("The security token included in the request is expired")


class UnrecognizedClientException(AwsError):
    """An access key the service does not know (checked before any service runs). JSON
    services answer this code with a 400; STS answers ``InvalidClientTokenId`` with a 403 (the
    wire maps it)."""

    code = "UnrecognizedClientException"

    def __init__(self, message: str = "The security token included in the request is invalid.") -> None:
        # AWS's text, quoted in many public transcripts (DynamoDB, Cognito, ECS, Logs, ...).
        super().__init__(message)


class SerializationException(AwsError):
    """A request body that is not the JSON object the operation takes."""

    code = "SerializationException"


class PluginUsageError(Exception):
    """The plugin was used wrongly (bad marker argument, bad option value, ...)."""


class UnmockedServiceError(PluginUsageError):
    """A call to an AWS service this plugin does not answer, made while a mock is active."""

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            f"pytest-ssmkms blocked a call to {service} {operation}: only ssm, kms, sts and cloudtrail "
            "are answered while the mock is active, and no request may reach the network. "
            f"To let {service} calls through to their real endpoint, pass "
            f"mock_ssm_kms(passthrough=[{service!r}]) or use "
            f"@pytest.mark.ssm_kms(passthrough=[{service!r}])."
        )
        self.service = service
        self.operation = operation
