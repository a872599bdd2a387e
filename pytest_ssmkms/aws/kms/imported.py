"""What imported key material must be for each key spec: pure rules, bytes in, bytes out.

KMS Developer Guide, "Importing key material" (Select a wrapping algorithm, Requirements for
imported key material) and the GetParametersForImport reference:
- symmetric encryption keys take 256 bits of material;
- HMAC keys take raw bytes, at least as long as the spec's hash output (ranges below);
- asymmetric keys take the private key as PKCS #8 DER (KMS derives the public key);
- RSA private keys must be wrapped with RSA_AES_KEY_WRAP_* (too long for RSAES_OAEP), and
  ECC_NIST_P521 material can't be wrapped with RSAES_OAEP_* under an RSA_2048 wrapping key.
"""

from __future__ import annotations

from pytest_ssmkms.aws.kms import asymmetric

# HMAC key material lengths in bytes (Requirements for imported key material).
HMAC_LENGTHS = {
    "HMAC_224": (28, 64),
    "HMAC_256": (32, 64),
    "HMAC_384": (48, 128),
    "HMAC_512": (64, 128),
}
SYMMETRIC_BYTES = 32


def wrapping_refusal(key_spec: str, algorithm: str, wrapping_spec: str) -> str | None:
    """Why this wrapping choice can't carry ``key_spec`` material, or None if it can. The
    combinations are documented; the texts are not (the message names the documented rule)."""
    direct = algorithm.startswith("RSAES_OAEP")
    if direct and key_spec.startswith("RSA_"):
        return (
            f"WrappingAlgorithm {algorithm} can't wrap {key_spec} key material: import RSA "
            "private keys with RSA_AES_KEY_WRAP_SHA_1 or RSA_AES_KEY_WRAP_SHA_256."
        )
    if direct and key_spec == "ECC_NIST_P521" and wrapping_spec == "RSA_2048":
        return (
            f"WrappingAlgorithm {algorithm} with WrappingKeySpec RSA_2048 can't wrap "
            "ECC_NIST_P521 key material: use a larger wrapping key or an RSA_AES_KEY_WRAP_* "
            "wrapping algorithm."
        )
    return None


def material_for(key_spec: str, plaintext: bytes) -> bytes | str:
    """The material to keep for ``key_spec`` (canonical bytes: the same key always gives the
    same bytes, which is how a re-import is recognised), or the reason it does not fit."""
    if key_spec == "SYMMETRIC_DEFAULT":
        if len(plaintext) != SYMMETRIC_BYTES:
            return (
                "The key material must be 256 bits (32 bytes) for a SYMMETRIC_DEFAULT key, "
                f"not {len(plaintext)} bytes."
            )
        return plaintext
    lengths = HMAC_LENGTHS.get(key_spec)
    if lengths is not None:
        low, high = lengths
        if not low <= len(plaintext) <= high:
            return (
                f"The key material for a {key_spec} key must be {low} to {high} bytes long, "
                f"not {len(plaintext)} bytes."
            )
        return plaintext
    key = asymmetric.load_private(key_spec, plaintext)
    if key is None:
        return (
            f"The key material must be a {key_spec} private key in PKCS #8 DER encoding."
        )
    return asymmetric.canonical_der(key)
