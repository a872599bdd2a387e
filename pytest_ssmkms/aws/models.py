"""botocore's description of each service (its model), loaded once and shared.

The model is AWS's own account of every operation's input and output; the wire validates
against it and the trail shapes its records by it. Only the model is read here, never a
client or a transport.
"""

from __future__ import annotations

from functools import lru_cache

from botocore.model import OperationModel, ServiceModel


@lru_cache(maxsize=None)
def service_model(service: str) -> ServiceModel:
    import botocore.session  # a session is only made once, for its loader

    return botocore.session.get_session().get_service_model(service)


@lru_cache(maxsize=None)
def operation_names(service: str) -> frozenset[str]:
    return frozenset(service_model(service).operation_names)


def operation_model(service: str, operation: str) -> OperationModel | None:
    """The model of an operation, or None for a name the service does not have."""
    found = _models.get((service, operation))
    if found is not None:
        return found
    # Only real names reach the cache: the operation comes from a request header, and caching
    # every unknown name a client sends would let memory grow without bound.
    if operation not in operation_names(service):
        return None
    found = _models[(service, operation)] = service_model(service).operation_model(operation)
    return found


# (service, operation) -> model, for real operation names only (see operation_model).
_models: dict[tuple[str, str], OperationModel] = {}
