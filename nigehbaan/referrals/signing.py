"""The unit's Ed25519 signing key: made on first use inside `NIGEHBAAN_HOME`, readable by the
owner only, its public half exportable so partners can pin it.

Why Ed25519: small keys and signatures, no parameters to get wrong, deterministic signatures,
and `cryptography` (already a dependency) implements it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from nigehbaan.core.errors import Invalid
from nigehbaan.core.settings import Settings

KEY_NAME = "referral-signing.key"


def key_path(settings: Settings) -> Path:
    return settings.home / "keys" / KEY_NAME


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first: use theirs
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


def private_key(settings: Settings) -> Ed25519PrivateKey:
    path = key_path(settings)
    if not path.exists():
        _create(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
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
