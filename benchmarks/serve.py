"""Serving latency: the JSON API over a large store, as a reader's requests see it.

    .venv/bin/python benchmarks/serve.py [--articles N] [--linked N] [--requests N]
                                         [--concurrency N] [--write-readme]

Builds a store of ``--articles`` synthetic articles (default 100,000) saved straight
into SQLite (``SQLiteStore.save``: no extraction, no enrichment), each one of
``--articles / 20`` events (shared event words in title and text) so stories form.
The newest ``--linked`` articles (default 2,000) are linked into stories by the real
linker; the rest are stored but not linked (linking 100k one by one would dominate
the run; the stories benchmark measures linking). The app (``create_app``, as
``newsdesk serve`` builds it) runs under uvicorn in a separate process; a client
process sends ``--requests`` requests per endpoint (default 100) from
``--concurrency`` threads (default 4) over keep-alive connections, after 5 warm-up
requests each, and reports p50/p95/mean latency and throughput:

* front page: ``GET /api/stories?limit=50`` (every story by heat);
* story page: ``GET /api/stories/{hottest}`` (timeline, coverage, related);
* search: ``GET /api/search?q=harbour`` (FTS5 over all articles; a word in ~1/8 of them).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from readme import replace_block  # noqa: E402

from newsdesk.link.linker import Linker  # noqa: E402
from newsdesk.model import Article, Provider  # noqa: E402
from newsdesk.store.base import IdentityKeys, StoredInput  # noqa: E402
from newsdesk.store.sqlite import SQLiteStore  # noqa: E402

README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- serve:start -->", "<!-- serve:end -->"
WORDS = [
    "council",
    "budget",
    "river",
    "harbour",
    "school",
    "hospital",
    "minister",
    "election",
    "court",
    "police",
    "market",
    "bridge",
    "railway",
    "airport",
    "energy",
    "water",
    "housing",
    "farmers",
    "union",
    "museum",
    "festival",
    "storm",
    "drought",
    "vaccine",
    "factory",
    "port",
    "tariff",
    "treaty",
    "border",
    "mayor",
    "senate",
    "protest",
    "strike",
    "contract",
    "ruling",
    "inquiry",
    "report",
]
PLACES = [
    "Lisbon",
    "Nairobi",
    "Lima",
    "Oslo",
    "Hanoi",
    "Quito",
    "Accra",
    "Riga",
    "Doha",
    "Perth",
    "Cork",
    "Tunis",
    "Dakar",
    "Sofia",
    "Lyon",
]


def synthetic(i: int, n_events: int, rng: random.Random, start: datetime) -> Article:
    event = i % n_events
    erng = random.Random(event)
    event_words = [*erng.sample(WORDS, 4), erng.choice(PLACES), f"case{event}"]
    body = []
    for _ in range(6):
        words = event_words + rng.sample(WORDS, 12)
        rng.shuffle(words)
        body.append(" ".join(words).capitalize() + ".")
    outlet = i % 200
    return Article(
        id=hashlib.sha256(f"serve-bench-{i}".encode()).hexdigest()[:16],
        external_id=f"bench-{i}",
        title=f"{event_words[4]} {event_words[0]} {event_words[1]} {event_words[5]} update {i}",
        text="\n\n".join(body),
        url=f"https://outlet{outlet}.example/{i}",
        published=start + timedelta(seconds=i * 86400 / 500),  # 500 articles a day
        provider=Provider(f"Outlet {outlet}", f"outlet{outlet}.example"),
        language="en",
        quality=rng.randint(10, 95),
        topics=[rng.choice(["Politics", "Economy", "Environment", "Health"])],
    )


def build(db: Path, n: int, linked: int) -> tuple[float, float]:
    """Fill the store and link the newest ``linked``; returns (fill s, link s)."""
    rng = random.Random(7)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    n_events = max(1, n // 20)
    t0 = time.perf_counter()
    articles_to_link: list[Article] = []
    with SQLiteStore(db) as store:
        for i in range(n):
            a = synthetic(i, n_events, rng, start)
            keys = IdentityKeys(
                external_id=a.external_id, text_sha256=hashlib.sha256(a.text.encode()).hexdigest()
            )
            store.save(a, keys, StoredInput(a.id, f"bench:{i}", "jsonl", keys.text_sha256, a))
            if i >= n - linked:
                articles_to_link.append(a)
        fill = time.perf_counter() - t0
        t1 = time.perf_counter()
        linker = Linker.open(db)
        for a in articles_to_link:
            linker.link(a)
        linker.save()
    return fill, time.perf_counter() - t1


def serve(db: str, port: int) -> None:
    """The server process: the app as `newsdesk serve` builds it, minus the start-up catch-up."""
    import uvicorn

    from newsdesk.settings import load_settings
    from newsdesk.web.api import create_app

    settings = load_settings({"db": db, "data_dir": str(Path(db).parent / "data")}, env={})
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(port: int, path: str, requests: int, concurrency: int) -> dict[str, float]:
    local = threading.local()

    def get(_: int) -> float:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        t = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - t
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
        return elapsed

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(get, range(5)))  # warm-up
        t0 = time.perf_counter()
        times = sorted(pool.map(get, range(requests)))
        wall = time.perf_counter() - t0
    return {
        "p50": times[len(times) // 2] * 1000,
        "p95": times[min(len(times) - 1, int(len(times) * 0.95))] * 1000,
        "mean": statistics.fmean(times) * 1000,
        "rps": requests / wall,
    }


def write_readme(section: str) -> None:
    replace_block(START, END, f"{START}\n{section}{END}", README)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--linked", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--serve", nargs=2, metavar=("DB", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return 0

    with tempfile.TemporaryDirectory(prefix="newsdesk-serve-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        fill, link = build(db, args.articles, min(args.linked, args.articles))
        print(f"store: {args.articles:,} articles in {fill:.0f} s; {args.linked:,} linked in {link:.0f} s")
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(db), str(port)],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    conn.request("GET", "/api/stories?limit=1")
                    stories = json.loads(conn.getresponse().read())
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("server did not start") from None
                    time.sleep(0.3)
            hottest = stories["items"][0]["id"]
            endpoints = [
                ("front page", "/api/stories?limit=50"),
                ("story page", f"/api/stories/{hottest}"),
                ("search", "/api/search?q=harbour"),
            ]
            rows = []
            for name, path in endpoints:
                result = measure(port, path, args.requests, args.concurrency)
                rows.append((name, path, result))
                print(
                    f"{name:11} {path:28} p50 {result['p50']:8.1f} ms  p95 {result['p95']:8.1f} ms  "
                    f"mean {result['mean']:8.1f} ms  {result['rps']:7.1f} req/s"
                )
            n_stories = stories["total"]
        finally:
            server.terminate()
            server.wait(timeout=30)

    if args.write_readme:
        lines = [
            "## Serve",
            "",
            f"Made by `python benchmarks/serve.py --write-readme` on {platform.machine()}, "
            f"{os.cpu_count()} cores shared with other jobs (see its docstring). Store: "
            f"{args.articles:,} synthetic articles saved straight into SQLite, the newest "
            f"{args.linked:,} linked ({n_stories:,} stories). uvicorn, one process; "
            f"{args.requests} requests per endpoint from {args.concurrency} concurrent "
            "keep-alive clients after 5 warm-up requests.",
            "",
            "| endpoint | request | p50 ms | p95 ms | mean ms | req/s |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for name, path, r in rows:
            numbers = " | ".join(f"{r[k]:.1f}" for k in ("p50", "p95", "mean", "rps"))
            lines.append(f"| {name} | `GET {path}` | {numbers} |")
        write_readme("\n".join(lines) + "\n")
        print(f"wrote {README}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
