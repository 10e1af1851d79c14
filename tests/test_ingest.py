"""Ingest of local inputs: kinds, idempotence, merging, and bad input that loses nothing."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from newsdesk.pipeline import ingest_paths
from newsdesk.store.sqlite import SQLiteStore

ARTICLE_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour bridge reopens after repairs | Coastal Times</title>
<meta property="og:title" content="Harbour bridge reopens after repairs">
<meta property="og:site_name" content="Coastal Times">
<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">
<link rel="canonical" href="https://www.coastaltimes.example/news/harbour-bridge-reopens">
</head><body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour bridge reopens after repairs</h1>
<p>The harbour bridge reopened to traffic on Tuesday morning after eight months of repairs that cost the
city council 14 million euros, officials said.</p>
<p>Engineers replaced 240 steel cables and resurfaced the deck, according to the council's transport
department, which expects 30,000 vehicles to cross each day.</p>
<p>"We finished two weeks ahead of schedule," said project manager Ana Ruiz, adding that cyclists would
get a separate lane from next month.</p>
</article><footer>Cookie settings · Privacy policy · © Coastal Times</footer></body></html>"""


def _store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "t.db")


def test_html_gz_and_idempotent(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (src / "copy.htm.gz").write_bytes(gzip.compress(ARTICLE_HTML.encode()))
    with _store(tmp_path) as store:
        report = ingest_paths([src], store)
        assert report.ok, report.failed
        assert store.count() == 1
        assert (report.added, report.unchanged) == (1, 1)
        again = ingest_paths([src], store)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
        assert store.count() == 1
        art = store.recent()[0]
        assert art.title == "Harbour bridge reopens after repairs"
        assert "240 steel cables" in art.text and "Cookie settings" not in art.text
        assert store.search("steel cables")[0].article.id == art.id


def test_jsonl_interchange_keeps_external_id_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "id": "ext-1",
                "url": "https://news.example.org/a/1",
                "title": "First interchange article here",
                "text": "Para one of the first.\n\nPara two.",
                "published": "2024-01-02T03:04:05Z",
                "domain": "example.org",
                "provider": "Example News",
            }
        ),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "ext-2", "title": "Second interchange article text", "text": "Only text here."}),
        json.dumps({"id": "ext-3"}),
        json.dumps(
            {"id": "ext-4", "title": "Bad date article in interchange", "text": "x", "published": "soon"}
        ),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with _store(tmp_path) as store:
        report = ingest_paths([path], store)
        assert report.added == 2
        assert len(report.failed) == 4
        assert any(f.startswith(f"{path}:2:") and "invalid JSON" in f for f in report.failed)
        assert any(f.startswith(f"{path}:3:") for f in report.failed)
        assert any(f.startswith(f"{path}:5:") and "no text" in f for f in report.failed)
        assert any(f.startswith(f"{path}:6:") and "ISO-8601" in f for f in report.failed)
        first = store.resolve("ext-1")
        assert first.provider.name == "Example News" and first.provider.domain == "example.org"
        assert first.published is not None and first.published.isoformat() == "2024-01-02T03:04:05+00:00"
        assert store.resolve("ext-2").text == "Only text here."
        # the same lines again: stored once
        assert ingest_paths([path], store).added == 0
        assert store.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.html", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("binary.bin", bytes(range(256)) * 40, "binary"),
        ("image.html", b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, "binary"),
        ("truncated.html.gz", gzip.compress(ARTICLE_HTML.encode())[:60], "gzip"),
        ("notes.xyz", b"just some words", "unknown file kind"),
        ("broken.md", b"---\ntitle: [unclosed\n---\nbody", "broken.md"),
    ],
)
def test_bad_files_fail_clearly_and_others_go_on(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / name).write_bytes(content)
    (src / "good.html").write_text(ARTICLE_HTML, encoding="utf-8")
    with _store(tmp_path) as store:
        report = ingest_paths([src], store)
        assert store.count() == 1, "the good file must still be stored"
        assert len(report.failed) == 1
        assert name in report.failed[0] and message.lower() in report.failed[0].lower()


def test_huge_file_and_gzip_bomb_refused(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "huge.html").write_bytes(b"<html><body>" + b"<p>word </p>" * 2_000_000)
    (src / "bomb.html.gz").write_bytes(gzip.compress(b"<p>" + b"A" * 30_000_000))
    with _store(tmp_path) as store:
        report = ingest_paths([src], store, max_bytes=20 * 1024 * 1024)
    assert len(report.failed) == 2
    assert all("limit" in f for f in report.failed)


def test_wrong_encoding_without_charset_is_decoded(tmp_path: Path) -> None:
    html = ARTICLE_HTML.replace('<meta charset="utf-8">', "").replace(
        "officials said.", "officials said, café crème – naïve."
    )
    (tmp_path / "cp.html").write_bytes(html.encode("cp1252"))
    with _store(tmp_path) as store:
        report = ingest_paths([tmp_path / "cp.html"], store)
        assert report.ok, report.failed
        assert "café crème – naïve" in store.recent()[0].text


def test_missing_path_is_reported(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        report = ingest_paths([tmp_path / "nope"], store)
    assert report.failed and "no such file" in report.failed[0]


def test_unreadable_store_is_refused(tmp_path: Path) -> None:
    from newsdesk.errors import StoreError

    bad = tmp_path / "bad.db"
    bad.write_bytes(os.urandom(4096))
    with pytest.raises(StoreError, match=r"bad\.db"):
        SQLiteStore(bad)
