"""The key registry of one account and region."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pytest_ssmkms.kms.errors import NotFoundException

if TYPE_CHECKING:
    from pytest_ssmkms.backend import Backend


@dataclass
class Key:
    key_id: str
    arn: str
    account_id: str
    created: datetime
    description: str = ""
    state: str = "Enabled"

    def metadata(self) -> dict[str, object]:
        return {
            "AWSAccountId": self.account_id,
            "KeyId": self.key_id,
            "Arn": self.arn,
            "CreationDate": self.created,
            "Enabled": self.state == "Enabled",
            "Description": self.description,
            "KeyUsage": "ENCRYPT_DECRYPT",
            "KeyState": self.state,
            "Origin": "AWS_KMS",
            "KeyManager": "CUSTOMER",
            "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
            "KeySpec": "SYMMETRIC_DEFAULT",
            "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "MultiRegion": False,
        }


class KeyRegistry:
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._keys: dict[str, Key] = {}

    def create_key(self, description: str = "") -> Key:
        key_id = str(uuid.uuid4())
        arn = f"arn:aws:kms:{self._backend.region}:{self._backend.account_id}:key/{key_id}"
        key = Key(key_id, arn, self._backend.account_id, self._backend.clock.now(), description)
        self._keys[key_id] = key
        return key

    def get(self, key_id: str) -> Key:
        found = self._keys.get(key_id.rsplit("/", 1)[-1])
        if found is None:
            raise NotFoundException(f"Invalid keyId {key_id}")
        return found
