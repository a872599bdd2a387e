"""AWS KMS: the key registry, key states, crypto, grants and policies (registered on import)."""

from __future__ import annotations

from pytest_ssmkms.aws import services
from pytest_ssmkms.aws.kms.handlers import OPERATIONS
from pytest_ssmkms.aws.kms.registry import KeyRegistry

services.register(
    services.Service("kms", "TrentService", OPERATIONS, state_attribute="kms", make_state=KeyRegistry)
)
