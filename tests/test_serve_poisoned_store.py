"""`newsdesk serve` starts and answers on a store seeded with the worst values (issue 16, "Done when").

Two ways bad values reach a store: hostile inputs through ingest (the sanitiser's job), and rows an
older version or another tool wrote past it (the readers' job: one bad row never fails a page). Both
are here, then the real `newsdesk serve` is started on the store and every page and endpoint asked.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
from test_ingest import ARTICLE_HTML

from newsdesk.demo import free_port
from newsdesk.pipeline import Enricher, ingest_paths
from newsdesk.store.sqlite import SQLiteStore

_SENTENCES = [
    "The harbour bridge reopened to traffic on Tuesday after eight months of repairs.",
    "Farmers in the lower valley asked for emergency support after the spring floods.",
    "The city council confirmed the results of the district election after a recount.",
    "A new rail line will link the two northern towns by the end of next year.",
    "The museum reopened its east wing with an exhibition of medieval maps.",
    "Fishing crews stayed in port for a third day as storms swept the coast.",
    "The school board approved a plan to rebuild the flooded primary school.",
]


def _text(n: int) -> str:
    return " ".join(_SENTENCES[(n + k) % len(_SENTENCES)] for k in range(5))


_BODY = _text(0)
HOSTILE_LINES = [
    {"id": "surrogates", "title": "Lone \udfff surrogate \ud800", "text": f"Text \udfff {_text(0)}"},
    {"id": "nul", "title": "NUL\x00 in the title", "text": f"\x00{_text(1)}", "url": "http://[::1/x"},
    {"id": "year999", "title": "Year 999 story", "text": _text(2), "published": "0999-01-01T00:00:00Z"},
    {"id": "year9999", "title": "Year 9999", "text": _text(3), "published": "9999-12-31T23:59:59-12:00"},
    {"id": "markup", "title": "<script>alert(1)</script> [/red] \u202e", "text": _text(4),
     "url": "javascript:alert(1)", "provider": {"name": "[bold]x", "domain": "x" * 300}},
    {"id": "hugeword", "title": "A huge word", "text": "a" * 5000 + " " + _text(5)},
    {"id": "table", "title": "A table", "text": f"{_text(6)}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n{_BODY}"},
]  # fmt: skip


def _poison_rows(db: Path) -> list[str]:
    """Rows written past the sanitiser: dates no calendar has, JSON that is not, bytes that are not text."""
    with sqlite3.connect(db) as con:
        good = json.loads(con.execute("SELECT data FROM articles LIMIT 1").fetchone()[0])
        now = "2024-01-01T00:00:00+00:00"
        rows: list[tuple[str, str, object, object]] = [
            ("bad-year999", "Year 999", "999-01-01T00:00:00Z", {"publishedDateTime": "0999-01-01T00:00:00Z"}),
            ("bad-year0", "Year 0", "0000-01-01", {"publishedDateTime": "0000-01-01T00:00:00Z"}),
            ("bad-month13", "Month 13", "2021-13-01T00:00:00Z", {"publishedDateTime": "2021-13-01"}),
            ("bad-json", "Broken JSON", "2024-01-01T00:00:00Z", "{not json"),
            ("bad-bytes", "Bytes", None, b'{"title": "\xff\xfe"}'),
            ("bad-surrogate", "Surrogate", None, {"title": "Surrogate \ud800", "text": "\udfff"}),
            ("bad-types", "Types", "2024-01-01T00:00:00Z",
             {"quality": "NaN", "topics": "x", "images": [{"url": 7}], "authors": {"a": 1}, "provider": 5}),
            ("bad-url", "URL", "2024-01-01T00:00:00Z",
             {"originalUrl": "http://[::1/x", "url": "javascript:x"}),
        ]  # fmt: skip
        for rid, title, published, data in rows:
            if isinstance(data, dict):
                data = json.dumps({**good, "id": rid, "title": title, **data})
            con.execute(
                "INSERT INTO articles (id, title, text, published, data, created_at, updated_at)"
                " VALUES (?,?,?,?,?,?,?)",
                (rid, title, "x", published, data, now, now),
            )
    return [r[0] for r in rows]


def test_serve_starts_and_answers_on_a_store_seeded_with_the_worst_values(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.html").write_text(ARTICLE_HTML, encoding="utf-8")
    lines = "\n".join(json.dumps(line) for line in HOSTILE_LINES) + "\n"
    (tmp_path / "in" / "hostile.jsonl").write_bytes(lines.encode("utf-8", "surrogatepass"))
    with SQLiteStore(db) as store:
        report = ingest_paths([tmp_path / "in"], store, enricher=Enricher(), time_budget_s=300)  # a loaded CI
    assert report.added == 1 + len(HOSTILE_LINES), report.failed
    bad_ids = _poison_rows(db)  # after ingest, unlinked: `serve` links them as it starts

    port = free_port("127.0.0.1", 18180)
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1800):  # model loading on a loaded machine: up to 3 minutes
            try:
                assert httpx.get(base + "/api/articles", timeout=5).status_code == 200
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.communicate()[0][-3000:]
                time.sleep(0.1)
        listing = httpx.get(base + "/api/articles", params={"limit": 100}, timeout=30).json()
        ids = [a["id"] for a in listing["items"]]
        assert {"bad-year999", "bad-url", "bad-surrogate"} <= set(ids)  # readable: listed
        assert not {"bad-year0", "bad-month13", "bad-types", "bad-json", "bad-bytes"} & set(ids)  # skipped
        stories = httpx.get(base + "/api/stories", timeout=30).json()["items"]
        urls = ["/", "/feeds", "/search?q=bridge", "/api/search?q=bridge", "/api/stories", "/follows",
                "/api/search?q=bridge&mode=semantic", "/api/articles?since=2020-01-01"]  # fmt: skip
        for story in stories[:5]:
            urls += [f"/stories/{story['id']}", f"/api/stories/{story['id']}"]
        for art in [*ids, *bad_ids]:
            urls += [f"/articles/{art}", f"/api/articles/{art}", f"/api/articles/{art}/record?format=json"]
        answers = {url: httpx.get(base + url, timeout=60) for url in urls}
        errors = {url: (r.status_code, r.text[:200]) for url, r in answers.items() if r.status_code >= 500}
        assert not errors, errors
        for art in ("bad-year0", "bad-month13", "bad-types", "bad-json", "bad-bytes"):  # unreadable rows
            r = answers[f"/api/articles/{art}"]
            assert r.status_code == 404 and r.json()["error"]["code"] == "unreadable", r.text[:200]
            assert answers[f"/articles/{art}"].status_code == 404
        pages = {u: r.text for u, r in answers.items() if r.headers["content-type"].startswith("text/html")}
        assert len(pages) > 10 and not [u for u, text in pages.items() if "<script>alert" in text]  # escaped
        assert proc.poll() is None  # still serving
    finally:
        proc.send_signal(signal.SIGINT)
        out = proc.communicate(timeout=60)[0]
    assert "Traceback" not in out, out[-3000:]
