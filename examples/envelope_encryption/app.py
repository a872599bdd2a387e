"""Envelope encryption of files with a KMS key, the way the AWS Encryption SDK does it.

``seal`` asks KMS for a fresh data key (GenerateDataKey), encrypts the file locally with it
(AES-256-GCM), and stores the data key only in its encrypted form next to the data. ``unseal``
asks KMS to decrypt that data key, then decrypts locally. KMS never sees the file; the master
key never leaves KMS.

Sealed file layout: b"ENV1" | 2-byte length | encrypted data key | 12-byte nonce | AES-GCM output.
The file's name is bound in as KMS encryption context *and* as AES-GCM associated data, so a
sealed file renamed or swapped for another fails to open.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"ENV1"


class SealError(Exception):
    """A file could not be sealed or opened; the message says why, never what it holds."""


def _context(path: Path) -> dict[str, str]:
    return {"app": "file-vault", "file": path.name}


def seal(source: Path, target: Path, key_id: str, kms: Any = None) -> None:
    """Encrypt ``source`` into ``target`` under the KMS key ``key_id`` (id, ARN or alias)."""
    kms = kms or boto3.client("kms")
    context = _context(target)
    try:
        data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=context)
    except ClientError as error:
        raise SealError(f"cannot seal {source.name}: {error.response['Error']['Message']}") from error
    nonce = os.urandom(12)
    body = AESGCM(data_key["Plaintext"]).encrypt(nonce, source.read_bytes(), target.name.encode())
    wrapped = data_key["CiphertextBlob"]
    target.write_bytes(MAGIC + struct.pack(">H", len(wrapped)) + wrapped + nonce + body)


def unseal(source: Path, kms: Any = None) -> bytes:
    """The plaintext of a file written by ``seal``."""
    kms = kms or boto3.client("kms")
    blob = source.read_bytes()
    if not blob.startswith(MAGIC):
        raise SealError(f"{source.name} is not a sealed file")
    (length,) = struct.unpack(">H", blob[4:6])
    wrapped, nonce, body = blob[6 : 6 + length], blob[6 + length : 18 + length], blob[18 + length :]
    try:
        data_key = kms.decrypt(CiphertextBlob=wrapped, EncryptionContext=_context(source))
    except ClientError as error:
        code = error.response["Error"]["Code"]
        raise SealError(f"cannot open {source.name}: {code}: {error.response['Error']['Message']}") from error
    return AESGCM(data_key["Plaintext"]).decrypt(nonce, body, source.name.encode())


def rewrap(source: Path, key_id: str, kms: Any = None) -> None:
    """Move ``source`` under another KMS key without decrypting it here (ReEncrypt): the data
    key is re-encrypted inside KMS and the body is left untouched. What to do before an old
    key is scheduled for deletion."""
    kms = kms or boto3.client("kms")
    blob = source.read_bytes()
    (length,) = struct.unpack(">H", blob[4:6])
    context = _context(source)
    try:
        result = kms.re_encrypt(
            CiphertextBlob=blob[6 : 6 + length],
            SourceEncryptionContext=context,
            DestinationKeyId=key_id,
            DestinationEncryptionContext=context,
        )
    except ClientError as error:
        raise SealError(f"cannot rewrap {source.name}: {error.response['Error']['Message']}") from error
    wrapped = result["CiphertextBlob"]
    source.write_bytes(MAGIC + struct.pack(">H", len(wrapped)) + wrapped + blob[6 + length :])
