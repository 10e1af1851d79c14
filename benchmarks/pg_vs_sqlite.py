"""PostgreSQL vs SQLite: ingest rate, story-page p95 and search p95, same command, same input.

    python benchmarks/pg_vs_sqlite.py [--pg URL] [--articles N] [--ingest N] [--linked N]
                                      [--requests N] [--write-readme]

For each backend, in one run (PostgreSQL: a fresh database on the server ``--pg`` or
NEWSDESK_TEST_PG names; ``scripts/pg-test-server start`` makes a local one):

1. **ingest**: ``--ingest`` articles (default 1,000) as one JSON Lines file through
   ``pipeline.ingest_paths`` (what ``newsdesk ingest`` runs: read, extract the record, identity
   lookups, merge, enrichment without topic models, save; then link in date order and save the
   story state) - articles/s end to end;
2. **fill**: the store grows to ``--articles`` (default 20,000) with ``store.save`` (the save
   alone, one article per transaction, as benchmarks/serve.py fills its store), saves/s; the
   newest ``--linked`` (default 2,000) are linked and the state saved in the store; the store's
   size on disk per article (SQLite files, ``pg_database_size``);
3. **serve**: the app as ``newsdesk serve`` builds it, under uvicorn in its own process;
   ``--requests`` requests (default 100) from 4 keep-alive clients after 5 warm-up requests, to
   the hottest story's page and to full-text search for a common word (about 2% of articles).

The synthetic articles are benchmarks/serve.py's (wordfreq words, events and stories). Ratios are
PostgreSQL over SQLite (>1: PostgreSQL slower / higher).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from readme import replace_block  # noqa: E402
from serve import SEARCH_WORD, _free_port, get_json, measure, synthetic  # noqa: E402

from newsdesk.link.linker import Linker  # noqa: E402
from newsdesk.pipeline import Enricher, ingest_paths  # noqa: E402
from newsdesk.records import article_to_json  # noqa: E402
from newsdesk.store.base import IdentityKeys, StoredInput  # noqa: E402
from newsdesk.store.target import open_target  # noqa: E402

README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- pg-vs-sqlite:start -->", "<!-- pg-vs-sqlite:end -->"
T_START = datetime(2025, 1, 1, tzinfo=UTC)


def fresh_pg(server: str) -> str:
    import psycopg

    name = f"newsdesk_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(server)._replace(path="/" + name))


def drop_pg(server: str, url: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path[1:]}" WITH (FORCE)')


def write_jsonl(path: Path, first: int, n: int) -> None:
    rng = random.Random(first)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(first, first + n):
            doc = article_to_json(synthetic(i, rng, T_START))
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")


def ingest_rate(url: str, jsonl: Path, n: int) -> float:
    with open_target(url, create=True) as store:
        t = time.perf_counter()
        report = ingest_paths([jsonl], store, enricher=Enricher(), linker=Linker.open(store))
        elapsed = time.perf_counter() - t
        if report.failed or report.added != n:
            raise SystemExit(f"ingest into {store.label}: {report.added} added, failed: {report.failed[:3]}")
    return n / elapsed


def fill(url: str, first: int, total: int, linked: int) -> tuple[float, float]:
    rng = random.Random(7)
    articles = []
    with open_target(url) as store:
        t = time.perf_counter()
        for i in range(first, total):
            a = synthetic(i, rng, T_START)
            keys = IdentityKeys(
                external_id=a.external_id, text_sha256=hashlib.sha256(a.text.encode()).hexdigest()
            )
            store.save(a, keys, StoredInput(a.id, f"bench:{i}", "jsonl", keys.text_sha256, a))
            if i >= total - linked:
                articles.append(a)
        rate = (total - first) / (time.perf_counter() - t)
        t = time.perf_counter()
        linker = Linker.open(store)
        for a in articles:
            linker.link(a)
        linker.changed = True
        with store.link_lock():
            linker.save(store)
    return rate, time.perf_counter() - t


def store_bytes(url: str) -> int:
    """The store's size on disk: the SQLite files (database, WAL), or the PostgreSQL database."""
    if "://" not in url:
        return sum(p.stat().st_size for p in Path(url).parent.glob(Path(url).name + "*"))
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        row = con.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


def serve_process(url: str, port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    code = (
        "import sys, uvicorn\n"
        "from newsdesk.settings import load_settings\n"
        "from newsdesk.web.api import create_app\n"
        "s = load_settings({'db': sys.argv[1], 'data_dir': sys.argv[2]}, env={})\n"
        "uvicorn.run(create_app(s), host='127.0.0.1', port=int(sys.argv[3]), log_level='warning',"
        " access_log=False)\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, url, str(data_dir), str(port)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def latencies(url: str, data_dir: Path, requests: int) -> dict[str, dict[str, float]]:
    port = _free_port()
    server = serve_process(url, port, data_dir)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                get_json(port, "/api/feeds")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("server did not start") from None
                time.sleep(0.3)
        hottest = get_json(port, "/api/stories?limit=1")["items"][0]["id"]
        return {
            "story page": measure(port, f"/api/stories/{hottest}", requests, 4),
            "search": measure(port, f"/api/search?q={SEARCH_WORD}", requests, 4),
        }
    finally:
        server.terminate()
        server.wait(timeout=60)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pg", default=os.environ.get("NEWSDESK_TEST_PG", ""))
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--ingest", type=int, default=1_000)
    parser.add_argument("--linked", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)
    if not args.pg:
        raise SystemExit('no PostgreSQL: pass --pg URL or eval "$(scripts/pg-test-server start)"')
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="newsdesk-pg-bench-") as tmp:
        folder = Path(tmp)
        jsonl = folder / "ingest.jsonl"
        write_jsonl(jsonl, 0, args.ingest)
        for backend in ("sqlite", "postgresql"):
            url = str(folder / "bench.db") if backend == "sqlite" else fresh_pg(args.pg)
            try:
                r: dict[str, float] = {"ingest": ingest_rate(url, jsonl, args.ingest)}
                r["saves"], r["link_s"] = fill(url, args.ingest, args.articles, args.linked)
                r["size"] = store_bytes(url) / args.articles / 1024
                for name, m in latencies(url, folder / f"data-{backend}", args.requests).items():
                    r[f"{name} p50"], r[f"{name} p95"] = m["p50"], m["p95"]
            finally:
                if backend == "postgresql":
                    drop_pg(args.pg, url)
            results[backend] = r
            print(backend, {k: round(v, 1) for k, v in r.items()}, flush=True)
    rows = [
        ("ingest, end to end (articles/s)", "ingest"),
        ("store saves (articles/s)", "saves"),
        ("story page p50 (ms)", "story page p50"),
        ("story page p95 (ms)", "story page p95"),
        ("search p50 (ms)", "search p50"),
        ("search p95 (ms)", "search p95"),
        ("store size (KiB an article)", "size"),
    ]
    lines = [
        "## PostgreSQL vs SQLite",
        "",
        f"Made by `python benchmarks/pg_vs_sqlite.py --articles {args.articles} --ingest {args.ingest} "
        f"--linked {args.linked} --requests {args.requests} --write-readme` on {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other jobs (load average {os.getloadavg()[0]:.0f} at the end), "
        f"{datetime.now(UTC):%Y-%m-%d}; PostgreSQL 15 on the same machine (scripts/pg-test-server: "
        "fsync off, as a test server). See the script's docstring for what each row measures.",
        "",
        "| measure | SQLite | PostgreSQL | PostgreSQL / SQLite |",
        "|---|---:|---:|---:|",
    ]
    for label, key in rows:
        a, b = results["sqlite"][key], results["postgresql"][key]
        lines.append(f"| {label} | {a:.1f} | {b:.1f} | {b / a:.2f}x |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write_readme:
        replace_block(START, END, f"{START}\n{text}{END}", README)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
