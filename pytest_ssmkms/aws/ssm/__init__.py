"""AWS Systems Manager Parameter Store (registered on import). It does no cryptography of its own:
SecureString values go to KMS operations, and the Advanced tier's envelope uses KMS's primitives."""

from __future__ import annotations

from pytest_ssmkms.aws import services
from pytest_ssmkms.aws.ssm.handlers import OPERATIONS
from pytest_ssmkms.aws.ssm.store import ParameterStore

services.register(
    services.Service(
        "ssm", "AmazonSSM", OPERATIONS, state_attribute="ssm", make_state=ParameterStore
    )
)
