"""Bytes to text, for inputs that may not say their encoding.

Order of trust: a byte-order mark, then a charset the input declares (HTTP
header or ``<meta charset>``), then strict UTF-8, then charset-normalizer's
guess. Binary data (NUL bytes, mostly control characters) is refused rather
than decoded into noise.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from ..errors import DecodeError, UnsupportedInput

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# bytes that never occur in text: C0 controls other than \t \n \f \r and ESC
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any single-byte or UTF-8 encoding."""
    head = data[:8192]
    if not head:
        return False
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([c])) for c in _CONTROL)
    return controls / len(head) > 0.05


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML document declares in its first 4 KB, if any and if known."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, *, source: str = "<bytes>", declared: str | None = None) -> str:
    """Decode ``data`` to str or raise DecodeError/UnsupportedInput naming ``source``."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"invalid {enc} after byte-order mark: {exc.reason}", source=source
                ) from exc
    if looks_binary(data):
        raise UnsupportedInput("binary data, not text", source=source)
    for candidate in (declared, declared_charset(data)):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            # A wrong declaration is common (cp1252 labelled utf-8): fall through to detection.
            continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(data))
    if not matches:
        raise DecodeError("cannot determine the text encoding", source=source)
    best = matches[0]
    # On short Western text the detector often ties cp1250/cp1252/cp1257; browsers
    # default to windows-1252 there, and so do we when it is as good as the best guess.
    for m in matches:
        if m.encoding in ("cp1252", "latin_1", "iso8859_1") and (m.chaos, -m.coherence) <= (
            best.chaos + 1e-9,
            -best.coherence + 1e-9,
        ):
            return data.decode("cp1252", errors="replace")
    return str(best)
