"""The pure crypto modules: blob layout and the envelope used by SSM's Advanced tier."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pytest_ssmkms.aws.kms import crypto
from pytest_ssmkms.aws.ssm import envelope
from pytest_ssmkms.aws.kms.errors import InvalidCiphertextException

ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def make(context=None):
    secret = os.urandom(32)
    ref = crypto.material_ref(crypto.material_id(secret))
    blob = crypto.seal(AESGCM(secret), ARN, ref, b"hello", context, os.urandom(12))
    return secret, ref, blob


def test_blob_looks_like_a_kms_blob_and_names_its_key():
    _, ref, blob = make()
    assert base64.b64encode(blob).startswith(b"AQICAH")
    parsed = crypto.parse(blob)
    assert parsed.key_arn == ARN
    assert parsed.material_ref == ref


def test_round_trip_with_context_in_any_order():
    secret, _, blob = make({"a": "1", "b": "2"})
    assert crypto.open_blob(AESGCM(secret), crypto.parse(blob), {"b": "2", "a": "1"}) == b"hello"
    with pytest.raises(InvalidCiphertextException):
        crypto.open_blob(AESGCM(secret), crypto.parse(blob), {"a": "1"})


def test_other_material_fails():
    _, _, blob = make()
    with pytest.raises(InvalidCiphertextException):
        crypto.open_blob(AESGCM(os.urandom(32)), crypto.parse(blob), None)


@pytest.mark.parametrize("blob", [b"", b"\x01\x02\x02\x00\x78", b"AQICAH", b"\x01\x02\x02\x00\x78\x05abc"])
def test_short_or_foreign_blobs(blob):
    with pytest.raises(InvalidCiphertextException):
        crypto.parse(blob)


def test_material_id_is_stable_and_hex():
    secret = b"k" * 32
    assert crypto.material_id(secret) == crypto.material_id(bytes(secret))
    assert len(crypto.material_id(secret)) == 64
    int(crypto.material_id(secret), 16)


def test_envelope_round_trip_and_carried_key():
    data_key = os.urandom(32)
    message = envelope.seal(data_key, b"encrypted-key", b"value", {"PARAMETER_ARN": "arn:x"})
    assert envelope.encrypted_data_key_of(message) == b"encrypted-key"
    assert envelope.open_message(data_key, message, {"PARAMETER_ARN": "arn:x"}) == b"value"
    assert b"value" not in message


def test_envelope_is_reproducible_for_the_same_inputs():
    data_key = os.urandom(32)
    one = envelope.seal(data_key, b"k", b"v", {})
    assert one == envelope.seal(data_key, b"k", b"v", {})
    assert one != envelope.seal(data_key, b"k", b"w", {})


def test_envelope_refuses_tampering_and_other_context():
    data_key = os.urandom(32)
    message = envelope.seal(data_key, b"k", b"value", {"PARAMETER_ARN": "arn:x"})
    with pytest.raises(InvalidCiphertextException):
        envelope.open_message(data_key, message, {"PARAMETER_ARN": "arn:y"})
    for index in range(len(message)):
        changed = bytearray(message)
        changed[index] ^= 1
        with pytest.raises(InvalidCiphertextException):
            envelope.open_message(data_key, bytes(changed), {"PARAMETER_ARN": "arn:x"})
    with pytest.raises(InvalidCiphertextException):
        envelope.open_message(os.urandom(32), message, {"PARAMETER_ARN": "arn:x"})
    with pytest.raises(InvalidCiphertextException):
        envelope.encrypted_data_key_of(b"nope")
