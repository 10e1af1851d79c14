"""Local inputs: find files under the given paths and read each into RawDocuments.

Kinds are decided by name first, then by content (a `.txt` that opens with
YAML front matter is a record; a file of unknown suffix that starts like HTML
is a page). Every refusal raises an InputError naming the file, so the caller
can report it and go on with the next one.
"""

from __future__ import annotations

import json
import lzma
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError, InputTooLarge, MalformedInput, UnsupportedInput
from ..extract.decode import decode_bytes, looks_binary
from ..model import InputKind, RawDocument

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_HTML_SNIFF = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<article")


def discover(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files under ``paths`` (recursively, sorted, hidden entries skipped); missing paths raise."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if child.is_file() and not any(part.startswith(".") for part in rel.parts):
                    yield child
        elif path.is_file():
            yield path
        else:
            raise InputError("no such file or directory", source=str(path))


def _read_limited(path: Path, limit: int) -> bytes:
    size = path.stat().st_size
    if size > limit:
        raise InputTooLarge(f"{size:,} bytes is over the {limit:,}-byte limit", source=str(path))
    data = path.read_bytes()
    if path.suffix.lower() == ".gz" or data[:2] == b"\x1f\x8b":
        data = _gunzip_limited(data, limit, str(path))
    elif path.suffix.lower() == ".xz" or data[:6] == b"\xfd7zXZ\x00":
        data = _unxz_limited(data, limit, str(path))
    return data


def _unxz_limited(data: bytes, limit: int, source: str) -> bytes:
    """Decompress xz (how large JSONL corpora ship) under the same limit as gzip."""
    inflater = lzma.LZMADecompressor()
    try:
        out = inflater.decompress(data, max_length=limit + 1)
    except lzma.LZMAError as exc:
        raise MalformedInput(f"corrupt xz data: {exc}", source=source) from exc
    if len(out) > limit or (not inflater.needs_input and not inflater.eof):
        raise InputTooLarge(f"decompresses to over the {limit:,}-byte limit", source=source)
    if not inflater.eof:
        raise MalformedInput("truncated xz data", source=source)
    return out


def _gunzip_limited(data: bytes, limit: int, source: str) -> bytes:
    """Decompress gzip without ever holding more than ``limit`` bytes (decompression bombs)."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise MalformedInput(f"corrupt gzip data: {exc}", source=source) from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise InputTooLarge(f"decompresses to over the {limit:,}-byte limit", source=source)
    if not inflater.eof:
        raise MalformedInput("truncated gzip data", source=source)
    return out


def kind_of(path: Path, data: bytes) -> InputKind:
    """Which reader a file needs, from its name and its first bytes."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".xz"):
        suffixes = suffixes[:-1]
    suffix = suffixes[-1] if suffixes else ""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        if head.startswith(b"---"):
            return "record"
        if any(head.startswith(tag) for tag in _HTML_SNIFF):
            return "html"
        return "capture"
    if looks_binary(data):
        raise UnsupportedInput("binary file, not a page, capture, record or JSONL", source=str(path))
    if any(tag in head[:512] for tag in _HTML_SNIFF):
        return "html"
    raise UnsupportedInput(
        f"unknown file kind {suffix or '(no suffix)'!r}: expected .html, .txt, .md or .jsonl",
        source=str(path),
    )


def read_file(path: Path, *, max_bytes: int) -> Iterator[RawDocument | InputError]:
    """The inputs one file holds: one document, or one per JSONL line.

    A JSONL line that cannot be used is yielded as an InputError (with its line
    number) so the other lines still go through; a file-level problem raises.
    """
    try:
        data = _read_limited(path, max_bytes)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=str(path)) from exc
    if not data.strip():
        raise MalformedInput("empty file", source=str(path))
    kind = kind_of(path, data)
    if kind != "jsonl":
        yield RawDocument(source=str(path), kind=kind, content=data)
        return
    text = decode_bytes(data, source=str(path))
    yield from read_jsonl(text, source=str(path))


#: the interchange fields a JSONL line may carry
JSONL_FIELDS = ("id", "url", "title", "text", "html", "published", "domain", "provider")


def read_jsonl(text: str, *, source: str) -> Iterator[RawDocument | InputError]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield MalformedInput(f"invalid JSON: {exc.msg} at column {exc.colno}", source=source, line=number)
            continue
        if not isinstance(obj, dict):
            yield MalformedInput("a line must be a JSON object", source=source, line=number)
            continue
        bad = [
            k for k in JSONL_FIELDS if k in obj and obj[k] is not None and not isinstance(obj[k], (str, int))
        ]
        if bad and not (bad == ["provider"] and isinstance(obj.get("provider"), dict)):
            yield MalformedInput(f"field {bad[0]!r} must be a string", source=source, line=number)
            continue
        if not any(obj.get(k) for k in ("text", "html", "title")):
            yield MalformedInput("no text, html or title", source=source, line=number)
            continue
        ext_id = obj.get("id")
        yield RawDocument(
            source=f"{source}:{number}",
            kind="jsonl",
            fields=obj,
            url=str(obj["url"]) if obj.get("url") else None,
            external_id=str(ext_id) if ext_id not in (None, "") else None,
            content=line.encode("utf-8"),
        )
