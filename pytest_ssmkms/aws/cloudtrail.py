"""The CloudTrail service: LookupEvents over the trail (``trail/handlers.py``), registered here.

The trail itself is part of the core (every call is recorded in it); the service that reads it
back is one more registered service, like SSM and KMS."""

from __future__ import annotations

from pytest_ssmkms.aws import services
from pytest_ssmkms.aws.trail.handlers import OPERATIONS

services.register(
    services.Service(
        "cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", OPERATIONS
    )
)
