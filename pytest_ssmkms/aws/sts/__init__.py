"""AWS STS: who is calling (GetCallerIdentity) and role sessions (AssumeRole), registered on
import. STS speaks the query protocol; the front door picks it from botocore's model."""

from __future__ import annotations

from pytest_ssmkms.aws import services
from pytest_ssmkms.aws.sts.handlers import OPERATIONS

# No X-Amz-Target prefix: query requests name their operation in the body (Action=...).
services.register(services.Service("sts", "", OPERATIONS))
