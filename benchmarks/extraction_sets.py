"""The extraction dev sets, read once from ../shared/data into product inputs plus gold.

Each set becomes JSON Lines files of ``{"id", "url", "html"}`` under ``benchmarks/.cache``
(git-ignored): the interchange format ``newsdesk ingest`` takes, as a crawler's dump would
hand it over, so the benchmark ingests them the way a user does. The gold stays beside
them in ``gold.json``; nothing of the gold goes into the inputs.

- ``trafilatura``: ``extraction-dev.tar.xz``, trafilatura's evaluation pages with
  ``tests/evaldata.json`` (``with``/``without`` segments, title, date, author).
- ``wcxb``: ``extraction-dev-wcxb.jsonl.xz``, WCXB dev pages of seven page types with
  the full gold main text, title, author and publish date.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CACHE = ROOT / "benchmarks" / ".cache"
SETS = {
    "trafilatura": DATA / "extraction-dev.tar.xz",
    "wcxb": DATA / "extraction-dev-wcxb.jsonl.xz",
}
#: bytes per input file: well under the default per-input limit (20 MiB)
_CHUNK_BYTES = 8 * 1024 * 1024


@dataclass
class Gold:
    id: str
    url: str
    page_type: str
    title: str = ""
    author: Any = ""
    date: str = ""
    main_content: str = ""  # wcxb only: the full main text
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)


@dataclass
class DevSet:
    name: str
    inputs: list[Path]  # JSONL files, in page order
    gold: list[Gold]


def _key(path: Path) -> str:
    stat = path.stat()
    return hashlib.sha1(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}:v3".encode()).hexdigest()[:10]


def load_set(name: str, limit: int | None = None) -> DevSet:
    """The set's inputs and gold, prepared once per data file version."""
    source = SETS[name]
    target = CACHE / f"{name}-{_key(source)}"
    if not (target / ".complete").exists():
        target.mkdir(parents=True, exist_ok=True)
        rows = _trafilatura_rows(source, target) if name == "trafilatura" else _wcxb_rows(source)
        _write(target, rows)
        (target / ".complete").touch()
    gold = [Gold(**g) for g in json.loads((target / "gold.json").read_text(encoding="utf-8"))]
    inputs = sorted(target.glob("pages-*.jsonl"))
    if limit is not None and limit < len(gold):
        # evenly spread over the set, so every page type and site keeps its share
        keep = sorted({i * len(gold) // limit for i in range(limit)})
        gold = [gold[i] for i in keep]
        inputs = _limited(target, inputs, keep)
    return DevSet(name, inputs, gold)


def _limited(target: Path, inputs: list[Path], keep: list[int]) -> list[Path]:
    """JSONL files of the pages at the indices ``keep`` (cached per sample size)."""
    folder = target / "limited" / f"spread-{len(keep)}"
    if not (folder / ".complete").exists():
        folder.mkdir(parents=True, exist_ok=True)
        wanted, lines, i = set(keep), [], 0
        for p in inputs:
            with p.open(encoding="utf-8", newline="\n") as fh:
                for line in fh:
                    if i in wanted:
                        lines.append(line)
                    i += 1
        _write_chunks(folder, lines)
        (folder / ".complete").touch()
    return sorted(folder.glob("pages-*.jsonl"))


def _write_chunks(folder: Path, lines: list[str]) -> None:
    chunk: list[str] = []
    size, n = 0, 0
    for line in lines:
        if chunk and size + len(line.encode()) > _CHUNK_BYTES:
            (folder / f"pages-{n:03d}.jsonl").write_text("".join(chunk), encoding="utf-8", newline="\n")
            chunk, size, n = [], 0, n + 1
        chunk.append(line)
        size += len(line.encode())
    if chunk:
        (folder / f"pages-{n:03d}.jsonl").write_text("".join(chunk), encoding="utf-8", newline="\n")


def _write(target: Path, rows: list[tuple[dict[str, str], Gold]]) -> None:
    # ASCII escapes: U+2028, U+0085 and friends inside a page stay inside its line
    _write_chunks(target, [json.dumps(page, ensure_ascii=True) + "\n" for page, _gold in rows])
    gold = [g.__dict__ for _p, g in rows]
    (target / "gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")


def _trafilatura_rows(tarball: Path, target: Path) -> list[tuple[dict[str, str], Gold]]:
    from newsdesk.extract.decode import decode_bytes

    raw = target / "raw"
    with tarfile.open(tarball) as tar:
        tar.extractall(raw, filter="data")
    tests = next(p.parent for p in raw.rglob("evaldata.json"))
    evaldata = json.loads((tests / "evaldata.json").read_text(encoding="utf-8"))
    rows = []
    for url, item in evaldata.items():
        path = next(
            (p for p in (tests / "eval" / item["file"], tests / "cache" / item["file"]) if p.exists()), None
        )
        if path is None:
            continue
        # decoded here as newsdesk decodes a saved page, so the JSONL line carries the same text
        html = decode_bytes(path.read_bytes(), source=str(path))
        gid = f"tf-{item['file']}"
        gold = Gold(
            id=gid,
            url=url,
            page_type="all",
            title=item.get("title") or "",
            author=item.get("author") or "",
            date=item.get("date") or "",
            with_=list(item.get("with", [])),
            without=list(item.get("without", [])),
        )
        rows.append(({"id": gid, "url": url, "html": html}, gold))
    return rows


def _wcxb_rows(path: Path) -> list[tuple[dict[str, str], Gold]]:
    rows = []
    with lzma.open(path, "rt", encoding="utf-8", newline="\n") as fh:
        for line in fh:
            obj = json.loads(line)
            gt = obj["ground_truth"]
            gold = Gold(
                id=obj["id"],
                url=obj["url"],
                page_type=obj["page_type"],
                title=gt.get("title") or "",
                author=gt.get("author") or "",
                date=gt.get("publish_date") or "",
                main_content=gt.get("main_content") or "",
                with_=list(gt.get("with") or []),
                without=list(gt.get("without") or []),
            )
            rows.append(({"id": obj["id"], "url": obj["url"], "html": obj["html"]}, gold))
    return rows
