"""The authenticated ``secured`` envelope of a record.

The seed's ``secured`` is ``base64(ciphertext);base64(iv)`` from unauthenticated
AES-CBC. Ours keeps that textual shape, ``base64(ciphertext);base64(nonce)``, but
is AES-256-GCM with a random 12-byte nonce and the associated data
:data:`AAD` (a version tag), so any change to the envelope fails authentication.

The plaintext is compact JSON::

    {"v": 1, "kid": ..., "body_sha256": ..., "fields_sha256": ..., "field_digests": {...},
     "source": ..., "source_kind": ..., "ingested_at": ..., "sealed_at": ...,
     "extractor": ..., "id": ..., "external_id": ...}

``body_sha256`` covers :func:`records.normalise_body` of the text, i.e. the body
exactly as the record stores it (without the final newline); ``fields_sha256``
the canonical JSON of :func:`records.front_matter` minus ``secured`` (unknown
fields included); ``field_digests`` a 16-hex digest per field so that
:func:`verify_record` can say which field changed.

Decisions:

* The key id is inside the ciphertext (the shape has no room outside it), so
  opening tries each key of the ring, current first. An envelope sealed with a
  key the ring lacks is indistinguishable from an altered one: both raise
  :class:`TamperedError`. Malformed envelopes, the legacy CBC format and an
  unknown format version raise :class:`SecuredError`.
* Base64 must be canonical: a re-encoding that differs from the text (e.g. a
  flipped padding bit) counts as an alteration, so "the string changed" and
  "verification fails" coincide.
* Key file ``<data_dir>/secret.key`` (base64 of 32 random bytes) is created once,
  0600, published atomically with ``link`` so concurrent first runs agree on one
  key. An existing key file readable by group/others is refused
  (:class:`SecuredError`, like ssh does) rather than warned about: a warning is
  easy to miss and the key would already be exposed.
* Rotation: older keys live next to it as ``secret.<kid>.key``
  (:func:`rotate_key_file` moves the current key there); they open envelopes but
  never seal. A malformed ``settings.secret_key`` is a :class:`ConfigError`.
* Sealing a record: ``records.dump_record(article, keyring=...)`` calls
  :func:`seal` over exactly what it writes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import records
from .errors import ConfigError, SecuredError, TamperedError
from .model import Article, now_utc

VERSION = 1
AAD = b"newsdesk.secured.v1"
KEY_BYTES = 32
NONCE_BYTES = 12
KEY_FILE = "secret.key"
ENVELOPE_ALTERED = "secured envelope altered or sealed with another key"
_OLD_KEY = re.compile(r"^secret\.([A-Za-z0-9_-]+)\.key$")


@dataclass(frozen=True)
class Key:
    kid: str
    secret: bytes = field(repr=False)


def key_id_for(secret: bytes) -> str:
    """The default key id: first 8 hex digits of SHA-256 of the key."""
    return hashlib.sha256(secret).hexdigest()[:8]


def decode_key(text: str, *, origin: str) -> bytes:
    try:
        secret = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SecuredError(f"{origin}: key is not base64") from exc
    if len(secret) != KEY_BYTES:
        raise SecuredError(f"{origin}: key must be {KEY_BYTES} bytes, got {len(secret)}")
    return secret


def _check_private(path: Path) -> None:
    if os.name != "posix":
        return
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecuredError(
            f"{path}: key file is accessible by group/others (mode {stat.S_IMODE(mode):04o}); "
            f"run `chmod 600 {path}`"
        )


def read_key_file(path: Path) -> bytes:
    _check_private(path)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecuredError(f"{path}: cannot read key file: {exc}") from exc
    return decode_key(text, origin=str(path))


def ensure_key_file(path: Path) -> bytes:
    """The key in ``path``, generating it first if there is none."""
    if path.exists():
        return read_key_file(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = base64.b64encode(os.urandom(KEY_BYTES)) + b"\n"
    # Written in full under a temporary name, then linked into place: link fails if
    # another process won the race, and readers never see a half-written key.
    fd, tmp = tempfile.mkstemp(prefix=".secret-", dir=path.parent)  # mkstemp: O_EXCL, 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:  # no hard links on this filesystem: fall back to O_EXCL
            try:
                fd2 = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd2, "wb") as fh:
                    fh.write(data)
    finally:
        os.unlink(tmp)
    return read_key_file(path)


class Keyring:
    """The current key (seals and opens) plus older keys (open only)."""

    def __init__(self, current: Key, older: tuple[Key, ...] | list[Key] = ()):
        self.current = current
        seen = {current.secret}
        kept = []
        for key in older:
            if key.secret not in seen:
                seen.add(key.secret)
                kept.append(key)
        self.older = tuple(kept)

    @property
    def keys(self) -> tuple[Key, ...]:
        return (self.current, *self.older)

    def __repr__(self) -> str:
        return f"Keyring(current={self.current.kid!r}, older={[k.kid for k in self.older]!r})"

    @classmethod
    def from_key(cls, secret: bytes, *, key_id: str | None = None, older: tuple[bytes, ...] = ()) -> Keyring:
        if len(secret) != KEY_BYTES:
            raise SecuredError(f"key must be {KEY_BYTES} bytes, got {len(secret)}")
        return cls(Key(key_id or key_id_for(secret), secret), [Key(key_id_for(s), s) for s in older])

    @classmethod
    def from_settings(cls, settings: Any) -> Keyring:
        """Key from ``settings.secret_key`` (env ``NEWSDESK_SECRET_KEY``) else ``<data_dir>/secret.key``."""
        data_dir = Path(settings.data_path)
        key_id = getattr(settings, "key_id", None) or None
        explicit = getattr(settings, "secret_key", None)
        if explicit:
            try:
                secret = decode_key(explicit, origin="setting secret_key")
            except SecuredError as exc:
                raise ConfigError(str(exc)) from exc
        else:
            secret = ensure_key_file(data_dir / KEY_FILE)
        return cls(Key(key_id or key_id_for(secret), secret), old_keys(data_dir))


def old_keys(data_dir: Path) -> list[Key]:
    """Retired keys ``<data_dir>/secret.<kid>.key``, newest first."""
    if not data_dir.is_dir():
        return []
    found = []
    for path in data_dir.iterdir():
        m = _OLD_KEY.match(path.name)
        if m and path.is_file():
            found.append((path.stat().st_mtime, Key(m.group(1), read_key_file(path))))
    return [k for _, k in sorted(found, key=lambda t: t[0], reverse=True)]


def rotate_key_file(data_dir: Path) -> Keyring:
    """Retire ``secret.key`` to ``secret.<kid>.key`` and generate a fresh current key.

    Not safe to run concurrently with itself (an administrative step).
    """
    current = data_dir / KEY_FILE
    secret = read_key_file(current)
    retired = data_dir / f"secret.{key_id_for(secret)}.key"
    if retired.exists() and read_key_file(retired) != secret:
        raise SecuredError(f"{retired}: exists with a different key")
    os.replace(current, retired)
    fresh = ensure_key_file(current)
    return Keyring(Key(key_id_for(fresh), fresh), old_keys(data_dir))


# --------------------------------------------------------------------------- digests


def canonical_json(value: Any) -> bytes:
    # ASCII escapes keep lone surrogates encodable and the bytes platform-independent.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def body_digest(body: str) -> str:
    return _sha256(records.normalise_body(body).encode("utf-8", "surrogatepass"))


def _public_fields(article: Article) -> dict[str, Any]:
    fm = records.front_matter(article)
    fm.pop("secured", None)
    return fm


def _field_digests(fields: dict[str, Any]) -> dict[str, str]:
    return {name: _sha256(canonical_json(value))[:16] for name, value in fields.items()}


# --------------------------------------------------------------------------- envelope


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(part: str, what: str) -> bytes:
    try:
        data = base64.b64decode(part, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SecuredError(f"malformed secured envelope: {what} is not base64") from exc
    if _b64(data) != part:
        raise TamperedError(ENVELOPE_ALTERED, [ENVELOPE_ALTERED])
    return data


def seal(article: Article, body: str, keyring: Keyring) -> str:
    """The envelope for ``article`` whose record body is ``body``."""
    fields = _public_fields(article)
    payload = {
        "v": VERSION,
        "kid": keyring.current.kid,
        "body_sha256": body_digest(body),
        "fields_sha256": _sha256(canonical_json(fields)),
        "field_digests": _field_digests(fields),
        "source": article.source,
        "source_kind": article.source_kind,
        "ingested_at": records.format_datetime(article.ingested_at),
        "sealed_at": records.format_datetime(now_utc()),
        "extractor": article.extractor,
        "id": article.id,
        "external_id": article.external_id,
    }
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(keyring.current.secret).encrypt(nonce, canonical_json(payload), AAD)
    return f"{_b64(ciphertext)};{_b64(nonce)}"


def open_envelope(secured: str, keyring: Keyring) -> dict[str, Any]:
    """The payload of ``secured``; TamperedError if no key authenticates it."""
    parts = secured.strip().split(";")
    if len(parts) != 2 or not all(parts):
        raise SecuredError("malformed secured envelope: expected 'base64(ciphertext);base64(nonce)'")
    nonce = _unb64(parts[1], "nonce")
    if len(nonce) == 16:
        raise SecuredError(
            "not a newsdesk envelope / unauthenticated legacy format (AES-CBC with a 16-byte IV)"
        )
    if len(nonce) != NONCE_BYTES:
        raise SecuredError(f"malformed secured envelope: nonce of {len(nonce)} bytes")
    ciphertext = _unb64(parts[0], "ciphertext")
    for key in keyring.keys:
        try:
            plaintext = AESGCM(key.secret).decrypt(nonce, ciphertext, AAD)
        except InvalidTag:
            continue
        break
    else:
        raise TamperedError(ENVELOPE_ALTERED, [ENVELOPE_ALTERED])
    try:
        payload = json.loads(plaintext)
    except ValueError as exc:  # authentic but not ours: a key reused by something else
        raise SecuredError("secured envelope does not hold a newsdesk payload") from exc
    if not isinstance(payload, dict) or payload.get("v") != VERSION:
        version = payload.get("v") if isinstance(payload, dict) else None
        raise SecuredError(f"secured envelope has unsupported format version {version!r}")
    return payload


def verify_record(text: str | bytes, keyring: Keyring, *, source: str = "<record>") -> dict[str, Any]:
    """The envelope payload of an intact record; TamperedError listing what changed otherwise."""
    article = records.load_record(text, source=source)
    if not article.secured:
        raise SecuredError(f"{source}: record has no secured envelope")
    try:
        payload = open_envelope(article.secured, keyring)
    except TamperedError as exc:
        raise TamperedError(f"{source}: {exc}", exc.changes) from exc
    except SecuredError as exc:
        raise SecuredError(f"{source}: {exc}") from exc
    changes = []
    if payload.get("body_sha256") != body_digest(article.text):
        changes.append("body changed")
    fields = _public_fields(article)
    if payload.get("fields_sha256") != _sha256(canonical_json(fields)):
        sealed = payload.get("field_digests")
        if not isinstance(sealed, dict):
            sealed = {}
        now = _field_digests(fields)
        for name in [*now, *(n for n in sealed if n not in now)]:
            if name not in sealed:
                changes.append(f"field '{name}' added")
            elif name not in now:
                changes.append(f"field '{name}' removed")
            elif sealed[name] != now[name]:
                changes.append(f"field '{name}' changed")
        if not any(c.startswith("field") for c in changes):
            changes.append("fields changed")
    if changes:
        raise TamperedError(f"{source}: record altered: {'; '.join(changes)}", changes)
    return payload
