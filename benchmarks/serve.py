"""Serving latency: the JSON API over a large store, as a reader's requests see it.

    .venv/bin/python benchmarks/serve.py [--articles N] [--linked N] [--requests N]
                                         [--concurrency N] [--write-readme]

Builds a store of ``--articles`` synthetic articles (default 100,000) saved straight
into SQLite (``SQLiteStore.save``: no extraction, no enrichment), 500 a day. Words
come from wordfreq's English list: filler from the 3,000 most common words, and each
event (20 articles from random outlets of 200, 10 events running at once) and each
story (three events in a row, about a day apart) names itself with rarer words.
The newest ``--linked`` articles (default 10,000) are linked into events and stories
by the real linker; the rest are stored but not linked (linking 100k one by one would
dominate the run; the stories benchmark measures linking). ``--store DIR`` keeps the
built store there and reuses it on the next run.

The app (``create_app``, as ``newsdesk serve`` builds it) runs under uvicorn in a
separate process; a client process sends ``--requests`` requests per endpoint
(default 200) from ``--concurrency`` threads (default 4) over keep-alive
connections, after 5 warm-up requests each, and reports p50/p95/mean latency and
throughput:

* floor: ``GET /api/feeds`` (no store query: the framework's own cost, the baseline
  the other rows are divided by);
* front page: ``GET /api/stories?limit=50`` (every story by heat);
* story page: ``GET /api/stories/{hottest}`` (heat, timeline with copies folded,
  coverage by outlet, 50 newest articles, related coverage);
* largest story: the same for the story with most articles;
* articles by topic: ``GET /api/articles?topic=Health&offset=100``;
* search: ``GET /api/search?q=WORD`` (FTS5 over all articles, ranked, with snippets;
  a common word, in about 2% of the articles);
* semantic search: ``GET /api/search?q=THREE+WORDS&mode=semantic`` (cosine over every
  article's stored embedding, exact; snippets chosen by meaning). The articles are
  embedded once before the server starts, as ``newsdesk serve`` does on start.

Stories' membership and timelines are derived once per linker state and shared by
all requests (the warm-up requests pay for them); the cold cost of the first story
request is reported beside the table.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from readme import replace_block  # noqa: E402

from newsdesk.link.linker import Linker  # noqa: E402
from newsdesk.model import Article, Provider  # noqa: E402
from newsdesk.store.base import IdentityKeys, StoredInput  # noqa: E402
from newsdesk.store.sqlite import SQLiteStore  # noqa: E402

README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- serve:start -->", "<!-- serve:end -->"


def vocabulary() -> tuple[list[str], list[str]]:
    """(common words for filler, rarer words that name stories and events), from wordfreq's
    English list: text with a realistic spread of words, so that events are separable and a
    search word matches a realistic share of the store."""
    import wordfreq

    words = [w for w in wordfreq.top_n_list("en", 30_000) if w.isalpha() and w.isascii() and len(w) > 2]
    return words[100:3000], words[3000:]


COMMON, RARE = vocabulary()
SEARCH_WORD = COMMON[1000]
SEMANTIC_QUERY = " ".join(COMMON[500:503])
EVENTS_PER_BLOCK = 10  # events running at once; a block is 20 articles of each
BLOCK = 20 * EVENTS_PER_BLOCK
BLOCKS_PER_STORY = 3  # a story is three events in a row of one slot, about a day apart


def synthetic(i: int, rng: random.Random, start: datetime) -> Article:
    block, slot = divmod(i, BLOCK)
    slot %= EVENTS_PER_BLOCK
    event = block * EVENTS_PER_BLOCK + slot
    story = (block // BLOCKS_PER_STORY) * EVENTS_PER_BLOCK + slot
    story_words = random.Random(f"story{story}").sample(RARE, 4)
    event_words = random.Random(f"event{event}").sample(RARE, 5)
    body = []
    for _ in range(6):
        words = rng.sample(story_words, 2) + rng.sample(event_words, 3) + rng.sample(COMMON, 10)
        rng.shuffle(words)
        body.append(" ".join(words).capitalize() + ".")
    outlet = rng.randrange(200)
    title = " ".join([*story_words[:2], *event_words[:2], *rng.sample(COMMON, 3)]).capitalize()
    return Article(
        id=hashlib.sha256(f"serve-bench-{i}".encode()).hexdigest()[:16],
        external_id=f"bench-{i}",
        title=title,
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
    t0 = time.perf_counter()
    articles_to_link: list[Article] = []
    with SQLiteStore(db) as store:
        for i in range(n):
            a = synthetic(i, rng, start)
            keys = IdentityKeys(
                external_id=a.external_id, text_sha256=hashlib.sha256(a.text.encode()).hexdigest()
            )
            store.save(a, keys, StoredInput(a.id, f"bench:{i}", "jsonl", keys.text_sha256, a))
            if i >= n - linked:
                articles_to_link.append(a)
        fill = time.perf_counter() - t0
        t1 = time.perf_counter()
        linker = Linker.open(store)
        for a in articles_to_link:
            linker.link(a)
        linker.save(store)
    return fill, time.perf_counter() - t1


def embed_all(db: Path) -> tuple[int, float]:
    """Embed every article for semantic search (what `newsdesk serve` does on start)."""
    from newsdesk.enrich.embed import load_static_embedder
    from newsdesk.settings import load_settings
    from newsdesk.store.semantic import SemanticSearch

    settings = load_settings({"db": str(db), "data_dir": str(db.parent / "data")}, env=dict(os.environ))
    t = time.perf_counter()
    searcher = SemanticSearch(load_static_embedder(settings.models_path))
    with SQLiteStore(db) as store:
        done = searcher.catch_up(store)
    return done, time.perf_counter() - t


def serve(db: str, port: int) -> None:
    """The server process: the app as `newsdesk serve` builds it, minus the start-up catch-up."""
    import uvicorn

    from newsdesk.settings import load_settings
    from newsdesk.web.api import create_app

    settings = load_settings({"db": db, "data_dir": str(Path(db).parent / "data")}, env=dict(os.environ))
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


def get_json(port: int, path: str) -> Any:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
    return json.loads(body)


def write_readme(section: str) -> None:
    replace_block(START, END, f"{START}\n{section}{END}", README)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--linked", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--store", type=Path, help="directory to keep (and reuse) the built store in")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--serve", nargs=2, metavar=("DB", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return 0

    with tempfile.TemporaryDirectory(prefix="newsdesk-serve-bench-") as tmp:
        folder = args.store or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / f"serve-{args.articles}-{args.linked}.db"
        linked = min(args.linked, args.articles)
        if db.exists():
            print(f"store: reusing {db}")
        else:
            fill, link = build(db, args.articles, linked)
            print(f"store: {args.articles:,} articles in {fill:.0f} s; {linked:,} linked in {link:.0f} s")
        embedded, embed_s = embed_all(db)
        if embedded:
            print(f"semantic search: {embedded:,} articles embedded in {embed_s:.0f} s")
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(db), str(port)],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    conn.request("GET", "/api/feeds")
                    conn.getresponse().read()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("server did not start") from None
                    time.sleep(0.3)
            t = time.perf_counter()
            stories = get_json(port, "/api/stories?limit=200")
            cold_front = time.perf_counter() - t
            hottest = stories["items"][0]["id"]
            largest = max(stories["items"], key=lambda s: s["articles"])
            t = time.perf_counter()
            story = get_json(port, f"/api/stories/{hottest}")
            cold_story = time.perf_counter() - t
            endpoints = [
                ("floor", "/api/feeds"),
                ("front page", "/api/stories?limit=50"),
                (f"story page ({story['total_articles']} art.)", f"/api/stories/{hottest}"),
                (f"largest story ({largest['articles']} art.)", f"/api/stories/{largest['id']}"),
                ("articles by topic", "/api/articles?topic=Health&offset=100"),
                ("search", f"/api/search?q={SEARCH_WORD}"),
                ("semantic search", f"/api/search?q={SEMANTIC_QUERY.replace(' ', '+')}&mode=semantic"),
            ]
            rows = []
            for name, path in endpoints:
                result = measure(port, path, args.requests, args.concurrency)
                rows.append((name, path, result))
                print(
                    f"{name:28} {path:40} p50 {result['p50']:7.1f} ms  p95 {result['p95']:7.1f} ms  "
                    f"mean {result['mean']:7.1f} ms  {result['rps']:7.1f} req/s"
                )
            n_stories = stories["total"]
            hits = len(get_json(port, f"/api/search?q={SEARCH_WORD}&limit=200")["items"])
        finally:
            server.terminate()
            server.wait(timeout=30)
        with SQLiteStore(db) as store:
            matches = store.count_search(SEARCH_WORD)
    print(f"cold: first front page {cold_front * 1000:.0f} ms, first story page {cold_story * 1000:.0f} ms")
    print(f"search word {SEARCH_WORD!r}: {matches:,} matching articles ({hits} returned at limit 200)")

    if args.write_readme:
        floor = rows[0][2]["p50"]
        lines = [
            "## Serve",
            "",
            f"Made by `python benchmarks/serve.py --write-readme` on {platform.machine()}, "
            f"{os.cpu_count()} cores shared with other jobs, {datetime.now(UTC):%Y-%m-%d} (see its "
            f"docstring for the data). Store: {args.articles:,} synthetic articles, the newest "
            f"{linked:,} linked ({n_stories:,} stories). uvicorn, one process; "
            f"{args.requests} requests per endpoint from {args.concurrency} concurrent "
            "keep-alive clients after 5 warm-up requests. Ratio: p50 over the floor's p50 "
            "(the same server answering without touching the store).",
            "",
            "| endpoint | request | p50 ms | p95 ms | mean ms | req/s | p50 / floor |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for name, path, r in rows:
            numbers = " | ".join(f"{r[k]:.1f}" for k in ("p50", "p95", "mean", "rps"))
            lines.append(f"| {name} | `GET {path}` | {numbers} | {r['p50'] / floor:.1f}x |")
        lines += [
            "",
            f"Cold (first request after start, computing story membership and the timeline): "
            f"front page {cold_front * 1000:.0f} ms, story page {cold_story * 1000:.0f} ms. "
            f"Search word `{SEARCH_WORD}` matches {matches:,} articles.",
        ]
        write_readme("\n".join(lines) + "\n")
        print(f"wrote {README}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
