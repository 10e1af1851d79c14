"""Local inputs: find files under the given paths and read each into RawDocuments.

Kinds are decided by name first, then by content (a `.txt` that opens with
YAML front matter is a record; a file of unknown suffix that starts like HTML
is a page). Every refusal raises an InputError naming the file, so the caller
can report it and go on with the next one.
"""

from __future__ import annotations

import gzip
import io
import lzma
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError, InputTooLarge, MalformedInput, UnsupportedInput
from ..extract.decode import decode_bytes, looks_binary
from ..extract.limits import load_json
from ..model import InputKind, RawDocument

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_HTML_SNIFF = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<article")


def display_name(path: Path) -> str:
    """``path`` as valid text for messages and the store: undecodable bytes shown as ``\\xff``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _refuse_special(path: Path, shown: str) -> InputError | None:
    """An error when ``path`` (followed) is not a regular file: devices, FIFOs, sockets."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return InputError(f"cannot read: {exc.strerror or exc}", source=shown)
    if not stat.S_ISREG(mode):
        return UnsupportedInput("not a regular file (device, FIFO or socket): not read", source=shown)
    return None


def discover(
    paths: Iterable[str | Path | InputError], *, follow_symlinks: bool = False
) -> Iterator[Path | InputError]:
    """Files under ``paths`` (recursively, sorted, hidden entries skipped), or why one is refused.

    A path named explicitly is read even when it is a symlink (the user chose it).
    Inside a folder, a symlink is followed only when it stays within that folder,
    unless ``follow_symlinks``: a link to ``/etc/passwd`` dropped into an inbox must
    not become an article. Special files (FIFOs, devices, sockets) are never read:
    opening one can block forever or read without end. A missing path is an error.
    """
    for given in paths:
        if isinstance(given, InputError):
            yield given
            continue
        path = Path(given)
        shown = display_name(path)
        if path.is_dir():
            yield from _walk(path, follow_symlinks=follow_symlinks)
        elif path.exists():
            refusal = _refuse_special(path, shown)
            yield refusal if refusal is not None else path
        else:
            yield InputError("no such file or directory", source=shown)


def _walk(root: Path, *, follow_symlinks: bool) -> Iterator[Path | InputError]:
    real_root = root.resolve()
    seen_dirs = {real_root}
    pending = [root]
    found: list[Path | InputError] = []
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(folder.iterdir())
        except OSError as exc:
            found.append(InputError(f"cannot list: {exc.strerror or exc}", source=display_name(folder)))
            continue
        for child in entries:
            if child.name.startswith("."):
                continue
            shown = display_name(child)
            if child.is_symlink():
                target = child.resolve()
                if not follow_symlinks and not _is_within(target, real_root):
                    found.append(
                        UnsupportedInput(
                            "symlink to outside the folder, not followed "
                            "(allow with --follow-symlinks or NEWSDESK_INGEST_FOLLOW_SYMLINKS=1)",
                            source=shown,
                        )
                    )
                    continue
                if target.is_dir():
                    if target not in seen_dirs and follow_symlinks:
                        seen_dirs.add(target)
                        pending.append(child)
                    continue  # a link to a folder inside the root: that folder is walked anyway
            if child.is_dir():
                real = child.resolve()
                if real not in seen_dirs:
                    seen_dirs.add(real)
                    pending.append(child)
                continue
            if not child.exists():
                found.append(InputError("broken symlink", source=shown))
                continue
            refusal = _refuse_special(child, shown)
            found.append(refusal if refusal is not None else child)
    yield from sorted(
        found, key=lambda item: Path(item.source or "") if isinstance(item, InputError) else item
    )


def _read_limited(path: Path, limit: int) -> bytes:
    size = path.stat().st_size
    if size > limit:
        raise InputTooLarge(f"{size:,} bytes is over the {limit:,}-byte limit", source=display_name(path))
    data = path.read_bytes()
    if path.suffix.lower() == ".gz" or data[:2] == b"\x1f\x8b":
        data = _gunzip_limited(data, limit, display_name(path))
    elif path.suffix.lower() == ".xz" or data[:6] == b"\xfd7zXZ\x00":
        data = _unxz_limited(data, limit, display_name(path))
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
        raise UnsupportedInput("binary file, not a page, capture, record or JSONL", source=display_name(path))
    if any(tag in head[:512] for tag in _HTML_SNIFF):
        return "html"
    raise UnsupportedInput(
        f"unknown file kind {suffix or '(no suffix)'!r}: expected .html, .txt, .md or .jsonl",
        source=display_name(path),
    )


def is_jsonl_name(path: Path) -> bool:
    suffixes = [x.lower() for x in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".xz"):
        suffixes = suffixes[:-1]
    return bool(suffixes) and suffixes[-1] in JSONL_SUFFIXES


def read_file(path: Path, *, max_bytes: int) -> Iterator[RawDocument | InputError]:
    """The inputs one file holds: one document, or one per JSONL line.

    A JSON Lines file is a stream: it is read line by line, of any size, with
    ``max_bytes`` as the limit per line. A line that cannot be used is yielded as
    an InputError (with its line number) so the other lines still go through; a
    file-level problem raises.
    """
    shown = display_name(path)
    if is_jsonl_name(path):
        yield from read_jsonl_file(path, max_line_bytes=max_bytes, source=shown)
        return
    try:
        data = _read_limited(path, max_bytes)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=shown) from exc
    if not data.strip():
        raise MalformedInput("empty file", source=shown)
    kind = kind_of(path, data)
    if kind != "jsonl":
        yield RawDocument(source=shown, kind=kind, content=data)
        return
    yield from read_jsonl_lines(iter(data.split(b"\n")), source=shown, max_line_bytes=max_bytes)


#: the interchange fields a JSONL line may carry
JSONL_FIELDS = ("id", "url", "title", "text", "html", "published", "domain", "provider", "language")


def _open_stream(path: Path) -> BinaryIO:
    raw = path.open("rb")
    head = raw.peek(2)[:2] if isinstance(raw, io.BufferedReader) else b""
    if path.suffix.lower() == ".gz" or head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if path.suffix.lower() == ".xz":  # how large JSONL corpora often ship
        raw.close()
        return lzma.LZMAFile(path, mode="rb")  # type: ignore[return-value]
    return raw


def _lines(stream: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """Lines split on b"\\n" only; ``None`` for a line over ``limit`` bytes (skipped unread)."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of the long line without holding it
                rest = stream.readline(1024 * 1024)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


def read_jsonl_file(path: Path, *, max_line_bytes: int, source: str) -> Iterator[RawDocument | InputError]:
    try:
        stream = _open_stream(path)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=source) from exc
    with stream:
        try:
            yield from read_jsonl_lines(
                _lines(stream, max_line_bytes), source=source, max_line_bytes=max_line_bytes
            )
        except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
            # gzip.BadGzipFile is an OSError; a truncated stream an EOFError
            yield MalformedInput(f"cannot read further: {exc}", source=source)


def read_jsonl_lines(
    lines: Iterator[bytes | None], *, source: str, max_line_bytes: int
) -> Iterator[RawDocument | InputError]:
    """One RawDocument or InputError per non-blank line; nothing a line holds can stop the others."""
    for number, raw in enumerate(lines, start=1):
        if raw is None:
            yield InputTooLarge(f"line over the {max_line_bytes:,}-byte limit", source=source, line=number)
            continue
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        raw = raw.rstrip(b"\r\n")
        if not raw.strip():
            continue
        try:
            yield _jsonl_line(raw, source=source, number=number)
        except InputError as exc:
            yield exc
        except Exception as exc:  # the boundary per line: anything unexpected is this line's error
            yield MalformedInput(f"unreadable line: {type(exc).__name__}: {exc}", source=source, line=number)


def _jsonl_line(raw: bytes, *, source: str, number: int) -> RawDocument | InputError:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        line = decode_bytes(raw, source=f"{source}:{number}")
    obj = load_json(line, source=source, line=number)
    if not isinstance(obj, dict):
        return MalformedInput("a line must be a JSON object", source=source, line=number)
    bad = [k for k in JSONL_FIELDS if k in obj and obj[k] is not None and not isinstance(obj[k], (str, int))]
    if bad and not (bad == ["provider"] and isinstance(obj.get("provider"), dict)):
        return MalformedInput(f"field {bad[0]!r} must be a string", source=source, line=number)
    if not any(obj.get(k) for k in ("text", "html", "title")):
        return MalformedInput("no text, html or title", source=source, line=number)
    ext_id = obj.get("id")
    return RawDocument(
        source=f"{source}:{number}",
        kind="jsonl",
        fields=obj,
        url=str(obj["url"]) if obj.get("url") else None,
        external_id=str(ext_id) if ext_id not in (None, "") else None,
        content=raw,
    )


def read_jsonl(text: str, *, source: str) -> Iterator[RawDocument | InputError]:
    """The lines of a JSON Lines text (split on "\\n" only: U+2028 or a form feed is not a break)."""
    data = text.encode("utf-8", "surrogatepass")
    return read_jsonl_lines(iter(data.split(b"\n")), source=source, max_line_bytes=len(data) + 1)
