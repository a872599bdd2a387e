"""The front door: one request as plain data in, one response as plain data out.

Every way into the in-memory AWS (botocore's ``before-send`` hook, and any other client or
transport adapter) turns what it holds into a :class:`Request` and the :class:`Response` back
into what its client expects; nothing else. Behind the door: routing to a registered service,
the signature's region and access key, the caller, decoding, model validation, dispatch to the
backend, the trail record, and encoding of the result or of AWS's error.

A request for a service the plugin does not answer is let through (``None``) when the
activation's ``passthrough`` names it, and otherwise raises :class:`UnmockedServiceError`:
it must never be answered as if it were AWS, nor reach the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.model import OperationModel

from pytest_ssmkms.aws import services
from pytest_ssmkms.aws.context import new_request_id
from pytest_ssmkms.aws.errors import (
    AwsError,
    InvalidSignatureException,
    PluginInternalError,
    UnmockedServiceError,
)
from pytest_ssmkms.aws.models import operation_model, service_model
from pytest_ssmkms.wire import protocol, query
from pytest_ssmkms.wire.validation import input_check

if TYPE_CHECKING:
    from pytest_ssmkms.aws.backend import World

JSON_1_1 = "application/x-amz-json-1.1"

_CREDENTIAL_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/([^/,\s]+)/")
# botocore's own rule for region names (botocore.utils.validate_region_name).
_VALID_REGION = re.compile(r"(?![0-9]+$)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)")
_HOST_REGION = re.compile(r"^https?://[a-z0-9-]+\.([a-z0-9-]+)\.amazonaws\.com")
_HOST_SERVICE = re.compile(r"^https?://([a-z0-9-]+)\.")


@dataclass(slots=True)
class Request:
    """One HTTP request to AWS, as text and bytes: what any transport can hand over."""

    body: bytes | str | None
    target: str | None  # the X-Amz-Target header
    authorization: str = ""  # the Authorization header (SigV4: its scope names key and region)
    user_agent: str = ""
    url: str = ""
    method: str = "POST"
    # What the client knows of the service and operation (botocore's event name, an
    # endpoint's prefix): used only when the headers do not name a service of ours.
    service_hint: str = ""
    operation_hint: str = ""


@dataclass(slots=True)
class Response:
    """One HTTP response: status, body and AWS's request id (sent as ``x-amzn-RequestId``)."""

    status: int
    body: bytes
    request_id: str
    content_type: str = JSON_1_1
    error_code: str = ""  # the AWS error code of an error answer (x-amzn-ErrorType over HTTP)

    @property
    def headers(self) -> dict[str, str]:
        return {
            "Content-Type": self.content_type,
            "Content-Length": str(len(self.body)),
            "x-amzn-RequestId": self.request_id,
        }


def answer(world: World, request: Request) -> Response | None:
    """The response of ``world`` to ``request``; None to let a passthrough service's request go
    on to its real endpoint. Raises UnmockedServiceError for any other service."""
    target = protocol.parse_target(request.target)
    service = services.by_target_prefix(target[0]) if target is not None else None
    if service is None:
        name = (
            request.service_hint
            or scope_service(request.authorization)
            or service_from_url(request.url)
        )
        if target is None and is_query(name):
            # A query-protocol service (STS): no X-Amz-Target, the operation is the body's Action.
            return _answer_query(world, request, name)
        if passes_through(name, world.settings.passthrough):
            return None
        if services.get(name) is None:
            operation = (
                target[1] if target else request.operation_hint or f"{request.method} {request.url}"
            )
            raise UnmockedServiceError(name or "an unknown service", operation)
        # Our own endpoint with a missing or foreign X-Amz-Target: AWS's JSON services answer
        # UnknownOperationException. The whole header stands as the operation so that a known
        # operation behind a foreign prefix ("AmazonS3.GetParameter") is not answered.
        return _answer_safely(world, request, name, request.target or "(no X-Amz-Target header)")
    assert target is not None
    return _answer_safely(world, request, service.name, target[1])


def _answer_safely(
    world: World, request: Request, service: str, operation: str, wire: _Wire | None = None
) -> Response:
    wire = wire or _JSON
    try:
        return _answer(world, request, service, operation, wire)
    except AwsError as error:
        return wire.error(error, new_request_id())
    except Exception as exc:  # a bug outside the handler (context, decoding, encoding): still a 400
        return wire.error(PluginInternalError(service, operation, exc), new_request_id())


def _answer_query(world: World, request: Request, service: str) -> Response:
    wire = _query_wire(service)
    try:
        form = query.parse_form(request.body)
        action = query.action_of(form)
        if operation_model(service, action) is None:
            version = form.get("Version") or service_model(service).api_version
            raise query.InvalidAction(action, version)
    except AwsError as error:
        return wire.error(error, new_request_id())
    return _answer_safely(world, request, service, action, _QueryWire(service, wire.namespace, form))


def _answer(
    world: World, request: Request, service: str, operation: str, wire: _Wire
) -> Response:
    match = _CREDENTIAL_SCOPE.search(request.authorization)
    access_key, region = (match.group(1), match.group(2)) if match is not None else (None, None)
    if region is not None and region not in _valid_regions and not _valid_region(region):
        # botocore refuses such region names client-side; only a hand-made request has one.
        raise InvalidSignatureException(
            f"Credential should be scoped to a valid region, not '{region[:64]}'."
        )
    region = region or region_from_url(request.url) or world.settings.region
    ctx = world.context(world.caller_for(access_key), region, request.user_agent)
    params: dict[str, Any] = {}
    model = operation_model(service, operation)
    try:
        if model is not None:
            params = wire.decode(model, request.body)
    except AwsError as error:
        ctx.backend.record(service, operation, params, None, error, ctx)
        return wire.error(error, ctx.request_id)
    try:
        result = ctx.backend.invoke(
            service, operation, params, ctx, check=input_check(model) if model is not None else None
        )
    except AwsError as error:
        return wire.error(error, ctx.request_id)
    except Exception as exc:  # a bug of ours: answer clearly, never a traceback or a retried 5xx
        internal = PluginInternalError(service, operation, exc)
        ctx.backend.record(service, operation, params, None, internal, ctx)
        return wire.error(internal, ctx.request_id)
    return wire.result(model, result, ctx.request_id)


class _Wire:
    """One protocol's side of the door: decode a body, encode a result or an error."""

    def decode(self, model: OperationModel, body: Any) -> dict[str, Any]:
        return protocol.decode_request(model, body)

    def result(self, model: OperationModel | None, result: dict[str, Any], request_id: str) -> Response:
        return Response(200, protocol.encode_result(result), request_id)

    def error(self, error: AwsError, request_id: str) -> Response:
        return error_response(error, request_id)


class _QueryWire(_Wire):
    """The query protocol (STS): the form is parsed once, when the Action is read."""

    def __init__(self, service: str, namespace: str, form: dict[str, str] | None = None) -> None:
        self.service = service
        self.namespace = namespace
        self.form = form or {}

    def decode(self, model: OperationModel, body: Any) -> dict[str, Any]:
        return query.decode_request(model, self.form)

    def result(self, model: OperationModel | None, result: dict[str, Any], request_id: str) -> Response:
        assert model is not None  # the Action was checked against the model
        body = query.encode_result(model, result, request_id, self.namespace)
        return Response(200, body, request_id, query.CONTENT_TYPE)

    def error(self, error: AwsError, request_id: str) -> Response:
        code, status = services.error_code(self.service, error)
        status, body = query.encode_error(error, request_id, self.namespace, code, status)
        return Response(status, body, request_id, query.CONTENT_TYPE)


_JSON = _Wire()


def _query_wire(service: str) -> _QueryWire:
    return _QueryWire(service, str(service_model(service).metadata.get("xmlNamespace", "")))


# Registered service name -> its botocore model's protocol ("json", "query"), read once.
_protocols: dict[str, str] = {}


def is_query(name: str) -> bool:
    """Whether ``name`` is a registered service that speaks the query protocol (STS)."""
    found = _protocols.get(name)
    if found is None:
        if services.get(name) is None:  # only registered names are kept: the set stays small
            return False
        found = _protocols[name] = str(service_model(name).protocol)
    return found == "query"


def error_response(error: AwsError, request_id: str) -> Response:
    """``error`` as a JSON 1.1 answer (SSM, KMS, CloudTrail)."""
    return Response(error.status, protocol.encode_error(error), request_id, error_code=error.code)


def error_answer(error: AwsError, request_id: str, service: str = "") -> Response:
    """AWS's answer to ``error`` raised outside any operation (HTTP framing, the signature, an
    unknown service) in the wire ``service`` speaks: an ``<ErrorResponse>`` with the service's
    own code for a query service (STS: ``SignatureDoesNotMatch``), JSON 1.1 otherwise. The one
    place a transport gets an error body from, so the wire format stays here."""
    if service and is_query(service):
        return _query_wire(service).error(error, request_id)
    return error_response(error, request_id)


# Region names seen valid (a few per test run; bounded all the same).
_valid_regions: set[str] = set()


def _valid_region(region: str) -> bool:
    if not _VALID_REGION.fullmatch(region):
        return False
    if len(_valid_regions) < 256:
        _valid_regions.add(region)
    return True


def passes_through(name: str, passthrough: frozenset[str]) -> bool:
    """Whether ``name`` (the hyphenated service id of the event, "secrets-manager") is let
    through; users also write boto3's client name ("secretsmanager"), so hyphens are ignored."""
    if not passthrough:
        return False
    return name in passthrough or name.replace("-", "") in {p.replace("-", "") for p in passthrough}


def scope_service(authorization: str) -> str:
    """The service a SigV4 signature is scoped to (``.../us-east-1/sts/aws4_request``): how a
    request to a plain endpoint (a local server) names a service without X-Amz-Target."""
    match = _CREDENTIAL_SCOPE.search(authorization or "")
    return match.group(3) if match is not None else ""


def region_from_url(url: str | None) -> str | None:
    match = _HOST_REGION.match(url or "")
    return match.group(1) if match else None


def service_from_url(url: str | None) -> str:
    match = _HOST_SERVICE.match(url or "")
    return match.group(1) if match else ""
