"""Symmetric ciphertext blobs: pure functions, bytes in, bytes out.

A blob looks like a real KMS blob on the outside (its base64 starts ``AQICAH``) and carries
what Decrypt needs without a KeyId:

    01 02 02 00 78 | len(key ARN) | key ARN (ascii) | material ref (16) | IV (12) | AES-GCM body+tag

The header, key id, material reference and the canonical encryption context are the GCM
associated data, so a changed byte, another key or another context fails authentication.
The registry decides which key material to use; nothing here keeps state.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pytest_ssmkms.aws.kms.errors import InvalidCiphertextException

# AWS's version header: 0x01 0x02 0x02 0x00 0x78 is what real blobs begin with ("AQICAH...").
HEADER = b"\x01\x02\x02\x00\x78"
IV_BYTES = 12
TAG_BYTES = 16
MATERIAL_REF_BYTES = 16


def material_id(material: bytes) -> str:
    """AWS's 64-hex-digit KeyMaterialId; the same material always gets the same id, which is
    what lets re-imported material open old ciphertexts."""
    return hashlib.sha256(b"pytest-ssmkms key material\x00" + material).hexdigest()


def material_ref(material_id_hex: str) -> bytes:
    """The short reference to a material that a blob carries."""
    return bytes.fromhex(material_id_hex)[:MATERIAL_REF_BYTES]


def canonical_context(context: Mapping[str, str] | None) -> bytes:
    """The encryption context as bytes that do not depend on the order of its pairs."""
    if not context:
        return b""
    if len(context) == 1:  # SSM's {"PARAMETER_ARN": ...}: the common case
        ((key, value),) = context.items()
        if type(key) is str and type(value) is str:
            return f"[[{_quote(key)},{_quote(value)}]]".encode()
    pairs = sorted(context.items())
    if all(type(k) is str and type(v) is str for k, v in pairs):
        # What json.dumps below gives for text pairs, without building an encoder each time.
        return (
            "[" + ",".join(f"[{_quote(k)},{_quote(v)}]" for k, v in pairs) + "]"
        ).encode()
    return json.dumps(pairs, ensure_ascii=False, separators=(",", ":")).encode()


_quote: Callable[[str], str] = json.encoder.encode_basestring  # ensure_ascii=False's quoting


class Blob(NamedTuple):
    """A parsed ciphertext blob (nothing secret in it). A named tuple: one is made on every
    Decrypt, and a frozen dataclass costs twice as much to build."""

    key_arn: str
    material_ref: bytes
    iv: bytes
    body: bytes
    prefix: bytes  # everything before the IV: part of the associated data


def seal(
    aead: AESGCM,
    key_arn: str,
    ref: bytes,
    plaintext: bytes,
    context: Mapping[str, str] | None,
    iv: bytes,
) -> bytes:
    """Encrypt ``plaintext`` under ``aead`` into a self-describing blob."""
    encoded_id = key_arn.encode("ascii")
    prefix = HEADER + bytes([len(encoded_id)]) + encoded_id + ref
    body = aead.encrypt(iv, plaintext, prefix + canonical_context(context))
    return prefix + iv + body


def parse(blob: bytes) -> Blob:
    """Split a blob into its parts; anything that is not one of ours is InvalidCiphertext."""
    if len(blob) < len(HEADER) + 1 or not blob.startswith(HEADER):
        raise InvalidCiphertextException()
    id_length = blob[len(HEADER)]
    id_end = len(HEADER) + 1 + id_length
    ref_end = id_end + MATERIAL_REF_BYTES
    iv_end = ref_end + IV_BYTES
    if len(blob) < iv_end + TAG_BYTES:
        raise InvalidCiphertextException()
    try:
        key_arn = blob[len(HEADER) + 1 : id_end].decode("ascii")
    except UnicodeDecodeError:
        raise InvalidCiphertextException() from None
    return Blob(key_arn, blob[id_end:ref_end], blob[ref_end:iv_end], blob[iv_end:], blob[:ref_end])


def open_blob(aead: AESGCM, blob: Blob, context: Mapping[str, str] | None) -> bytes:
    """Decrypt a parsed blob; a wrong key, context or any changed byte is InvalidCiphertext."""
    try:
        return aead.decrypt(blob.iv, blob.body, blob.prefix + canonical_context(context))
    except InvalidTag:
        raise InvalidCiphertextException() from None


# Primitives for envelopes sealed outside KMS with a data key KMS handed out (SSM's Advanced
# tier): the caller owns the message layout, KMS's code owns the cipher.


def synthetic_iv(data_key: bytes, material: bytes) -> bytes:
    """An IV derived from the key and the message (as in AES-SIV): data keys are fresh for each
    message, and a derived IV keeps messages reproducible in deterministic mode."""
    return hmac.new(data_key, material, hashlib.sha256).digest()[:IV_BYTES]


def seal_with_data_key(data_key: bytes, iv: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-256-GCM under a plaintext data key: ciphertext and tag."""
    return AESGCM(data_key).encrypt(iv, plaintext, aad)


def open_with_data_key(data_key: bytes, iv: bytes, body: bytes, aad: bytes) -> bytes:
    """The inverse of :func:`seal_with_data_key`; any mismatch is InvalidCiphertextException."""
    try:
        return AESGCM(data_key).decrypt(iv, body, aad)
    except (InvalidTag, ValueError):
        raise InvalidCiphertextException() from None
