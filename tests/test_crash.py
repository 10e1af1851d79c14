"""A kill -9 in the middle of an ingest leaves a consistent store and loses nothing committed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from newsdesk.pipeline import ingest_paths
from newsdesk.store.sqlite import SQLiteStore

N = 1500


def _write_batch(path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(N):
            body = "\n\n".join(f"Paragraph {p} of article {i} reports figure {i * 7 + p}." for p in range(6))
            fh.write(
                json.dumps(
                    {
                        "id": f"a{i}",
                        "url": f"https://crash.example/{i}",
                        "title": f"Crash test article number {i}",
                        "text": body,
                        "published": "2024-05-01T00:00:00Z",
                    }
                )
                + "\n"
            )


def _committed(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_kill_mid_ingest_then_resume(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    _write_batch(batch)
    db = tmp_path / "crash.db"
    env = {**os.environ, "NEWSDESK_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "ingest", "-q", str(batch)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while _committed(db) < 50 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; raise N"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    with SQLiteStore(db) as store:
        assert store.integrity_ok()
        before = store.count()
        assert 50 <= before < N
        # every committed article has exactly its input, and all of them are intact
        assert store.count_inputs() == before
        for article in store.iter_articles():
            assert article.title.startswith("Crash test article number")
        report = ingest_paths([batch], store)
        assert report.ok, report.failed[:3]
        assert report.unchanged == before and report.added == N - before
        assert store.count() == N
        assert len({a.external_id for a in store.iter_articles()}) == N
