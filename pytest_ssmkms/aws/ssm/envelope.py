"""Envelope encryption for SSM's Advanced tier: a data key from GenerateDataKey seals a value.

SSM's own message layout over KMS's crypto primitives (``aws.kms.crypto``). The message is
self-describing and carries the encrypted data key, as the AWS Encryption SDK's messages do:

    b"PSKE" | version 1 | len(encrypted data key) (2 bytes) | encrypted data key | IV | body+tag

The prefix and the canonical encryption context are the GCM associated data.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

from pytest_ssmkms.aws.kms.crypto import (
    IV_BYTES,
    TAG_BYTES,
    canonical_context,
    open_with_data_key,
    seal_with_data_key,
    synthetic_iv,
)
from pytest_ssmkms.aws.kms.errors import InvalidCiphertextException

MAGIC = b"PSKE\x01"
_LENGTH = struct.Struct(">H")


def seal(
    data_key: bytes,
    encrypted_data_key: bytes,
    plaintext: bytes,
    context: Mapping[str, str],
    iv: bytes | None = None,
) -> bytes:
    """Encrypt ``plaintext`` with ``data_key``; the message carries ``encrypted_data_key``."""
    if len(encrypted_data_key) > 0xFFFF:
        raise ValueError("encrypted data key too long")
    prefix = MAGIC + _LENGTH.pack(len(encrypted_data_key)) + encrypted_data_key
    aad = prefix + canonical_context(context)
    if iv is None:
        iv = synthetic_iv(data_key, aad + b"\x00" + plaintext)
    body = seal_with_data_key(data_key, iv, plaintext, aad)
    return prefix + iv + body


def _split(message: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    start = len(MAGIC) + _LENGTH.size
    if len(message) < start or not message.startswith(MAGIC):
        raise InvalidCiphertextException()
    (length,) = _LENGTH.unpack_from(message, len(MAGIC))
    iv_start = start + length
    body_start = iv_start + IV_BYTES
    if len(message) < body_start + TAG_BYTES:
        raise InvalidCiphertextException()
    return (
        message[start:iv_start],
        message[:iv_start],
        message[iv_start:body_start],
        message[body_start:],
    )


def encrypted_data_key_of(message: bytes) -> bytes:
    """The encrypted data key a message carries (to be decrypted by KMS Decrypt)."""
    return _split(message)[0]


def open_message(data_key: bytes, message: bytes, context: Mapping[str, str]) -> bytes:
    """Decrypt a message from :func:`seal`; tampering or another context is InvalidCiphertext."""
    _, prefix, iv, body = _split(message)
    return open_with_data_key(data_key, iv, body, prefix + canonical_context(context))
