"""Checking a country package offline: the signature over the manifest, every file against its
SHA-256, nothing unlisted, and the archive's bytes against their canonical form.

Every problem is collected and named, so a partner learns *what* failed, not only that
something did. Without `--key` the package's own key is used: that proves integrity, not who
signed; the report says which key was used and its fingerprint, to compare with the sender's.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from nigehbaan.core.errors import Invalid, one_line
from nigehbaan.referrals import archive, signing
from nigehbaan.referrals.package import FORMAT, MANIFEST, PUBLIC_KEY, SIGNATURE, VERSION
from nigehbaan.referrals.views import CheckOut

MAX_PACKAGE_BYTES = 2 * 1024**3


def read_package(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_PACKAGE_BYTES:
            raise Invalid(f"{path}: {size} bytes; a package is at most {MAX_PACKAGE_BYTES}")
        return path.read_bytes()
    except OSError as error:
        raise Invalid(f"{path}: cannot be read ({error.strerror})") from None


def _manifest(contents: dict[str, bytes], problems: list[str]) -> dict[str, Any] | None:
    raw = contents.get(MANIFEST)
    if raw is None:
        problems.append(f"{MANIFEST} is missing")
        return None
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        problems.append(f"{MANIFEST}: not readable JSON ({error})")
        return None
    except ValueError:  # the only other: an integer beyond Python's digit limit
        problems.append(f"{MANIFEST}: not readable JSON (a number has too many digits)")
        return None
    except RecursionError:
        problems.append(f"{MANIFEST}: not readable JSON (nested too deeply)")
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        problems.append(f"{MANIFEST}: not a {FORMAT} manifest")
        return None
    if manifest.get("version") != VERSION:
        problems.append(f"{MANIFEST}: unknown version {manifest.get('version')!r} "
                        f"(this verifier reads version {VERSION})")
        return None
    return manifest


def _signature(contents: dict[str, bytes], key_pem: bytes | None, key_source: str,
               problems: list[str]) -> str:
    """Check manifest.sig; returns the fingerprint of the key used."""
    if key_pem is None:
        key_pem = contents.get(PUBLIC_KEY)
        if key_pem is None:
            problems.append(f"no key: {PUBLIC_KEY} is missing and no --key was given")
            return ""
        try:
            key = signing.load_public_key(key_pem, PUBLIC_KEY)
        except Invalid as error:
            problems.append(error.detail)
            return ""
    else:
        key = signing.load_public_key(key_pem, key_source)
    fingerprint = signing.fingerprint(key)
    raw_signature = contents.get(SIGNATURE)
    if raw_signature is None:
        problems.append(f"signature missing: {SIGNATURE} is not in the package")
        return fingerprint
    try:
        signature = bytes.fromhex(raw_signature.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        problems.append(f"{SIGNATURE}: not a hex signature")
        return fingerprint
    if MANIFEST in contents and not signing.signs(key, signature, contents[MANIFEST]):
        problems.append(f"signature does not verify: {MANIFEST} was not signed by key "
                        f"{fingerprint[:16]}… ({key_source}), or it was changed")
    return fingerprint


def _files(manifest: dict[str, Any], contents: dict[str, bytes], problems: list[str]) -> int:
    listed = manifest.get("files")
    if not isinstance(listed, list):
        problems.append(f"{MANIFEST}: no list of files")
        return 0
    names = set()
    for entry in listed:
        path = str(entry.get("path", "")) if isinstance(entry, dict) else ""
        names.add(path)
        if path not in contents:
            problems.append(f"{path or '(unnamed entry)'}: listed in the manifest but missing")
        elif hashlib.sha256(contents[path]).hexdigest() != entry.get("sha256"):
            problems.append(f"{path}: SHA-256 does not match the manifest")
        elif len(contents[path]) != entry.get("size"):
            problems.append(f"{path}: size does not match the manifest")
    for extra in sorted(set(contents) - names - {MANIFEST, SIGNATURE}):
        problems.append(f"{extra}: in the package but not in the manifest")
    return len(listed)


def check(data: bytes, *, key_pem: bytes | None = None, key_source: str = "") -> CheckOut:
    entries, problems = archive.read(data, "package")
    contents: dict[str, bytes] = {}
    for name, content in entries:
        if name in contents:
            problems.append(f"{name}: appears twice in the archive")
        contents[name] = content
    source = key_source if key_pem is not None else f"the package's own {PUBLIC_KEY}"
    manifest = _manifest(contents, problems)
    fingerprint = _signature(contents, key_pem, source, problems)
    files = _files(manifest, contents, problems) if manifest else 0
    if not problems and archive.write(entries) != data:
        problems.append("archive bytes differ from the canonical layout: a byte outside the "
                        "listed contents (a zip header) was changed")
    return CheckOut(ok=not problems, problems=[one_line(p) for p in problems], files=files,
                    key_fingerprint=fingerprint, key_source=source,
                    case=str((manifest or {}).get("case", "")),
                    country=str((manifest or {}).get("country", "")))
