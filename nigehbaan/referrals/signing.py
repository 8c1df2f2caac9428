"""The unit's Ed25519 signing key: made on first use inside `NIGEHBAAN_HOME`, readable by the
owner only, its public half exportable so partners can pin it.

Why Ed25519: small keys and signatures, no parameters to get wrong, deterministic signatures,
and `cryptography` (already a dependency) implements it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from nigehbaan.core.errors import Invalid
from nigehbaan.core.keyfiles import KeyFileError, read_or_create
from nigehbaan.core.settings import Settings

KEY_NAME = "referral-signing.key"


def key_path(settings: Settings) -> Path:
    return settings.home / "keys" / KEY_NAME


def _new_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())


def private_key(settings: Settings) -> Ed25519PrivateKey:
    path = key_path(settings)
    try:
        pem = read_or_create(path, _new_pem, "signing key")
    except KeyFileError as error:
        raise Invalid(str(error)) from error
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise Invalid(f"{path}: not an Ed25519 private key")
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, as partners compare it over the phone."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def unit_public_key(settings: Settings) -> Ed25519PublicKey:
    return private_key(settings).public_key()


def load_public_key(data: bytes, source: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise Invalid(f"{source}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise Invalid(f"{source}: not an Ed25519 public key")
    return key


def signs(key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
