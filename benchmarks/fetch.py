"""Fetch-and-ingest throughput from a local server, side by side with ingest of the same pages from disk.

200 invented articles across 20 sites (site00.test ... site19.test). The sites are
served by one threaded HTTP server on 127.0.0.1 (in a child process) that routes by the Host header;
the fetcher resolves the .test names to 127.0.0.1 (allow-listed) through an
injected resolver, so every request takes the real path: SSRF check, robots.txt,
per-host limits, streaming limits, decoding. Nothing leaves the loopback interface.

Fetching runs on a small thread pool (per-host limits apply across it) while one
thread ingests, as `newsdesk run` does per source; both modes enrich without the
topic models (their load time would swamp the comparison; see the topics benchmark).
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import queue
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from readme import replace_block

from newsdesk.ingest.fetch import Fetcher, FetchPolicy, parse_networks
from newsdesk.pipeline import Enricher, ingest_document, ingest_paths
from newsdesk.store.sqlite import SQLiteStore

README = Path(__file__).with_name("README.md")
START, END = "<!-- fetch:start -->", "<!-- fetch:end -->"
SITES, PER_SITE = 20, 10
TOWNS = ["Harwick", "Lowmere", "Stanbridge", "Orrin Bay", "Kelso Reach", "Marrow", "Tillby", "Westcombe"]
TOPICS = ["library", "ferry", "harvest", "bridge", "clinic", "market", "school", "reservoir"]


def article_html(site: int, n: int) -> str:
    town, topic = TOWNS[(site + n) % len(TOWNS)], TOPICS[(site * 3 + n) % len(TOPICS)]
    paras = "".join(
        f"<p>{town} officials said on day {n} that the {topic} project at site {site} reached stage {k}, "
        f"with {site * 100 + n * 10 + k} residents signing the petition and the council promising a "
        f"second review of the {topic} budget before the end of the quarter, item {site}-{n}-{k}.</p>"
        for k in range(8)
    )
    return (
        f"<!doctype html><html><head><title>{town} {topic} update {site}-{n}</title>"
        f'<meta property="article:published_time" content="2024-10-{1 + n:02d}T09:00:00Z">'
        f'<meta name="author" content="Desk Writer {site}"></head><body>'
        f"<nav>Home | Local | Sport</nav><article><h1>{town} {topic} update {site}-{n}</h1>{paras}</article>"
        "<footer>Fixture Press</footer></body></html>"
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body in one segment: two small writes meet Nagle + delayed ACK, 40 ms a response
    disable_nagle_algorithm = True
    wbufsize = 1 << 16
    pages: ClassVar[dict[tuple[str, str], bytes]] = {}

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        if self.path == "/robots.txt":
            body, ctype, status = b"User-agent: *\nAllow: /\n", "text/plain", 200
        else:
            found = self.pages.get((host, self.path))
            body, ctype, status = (
                (found, "text/html; charset=utf-8", 200) if found else (b"no", "text/plain", 404)
            )
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def run(delay: float, concurrency: int, workers: int) -> tuple[str, float]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        pages = tmp / "pages"
        urls: list[str] = []
        for s in range(SITES):
            for n in range(PER_SITE):
                html = article_html(s, n).encode("utf-8")
                path = pages / f"site{s:02d}" / f"{n}.html"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(html)
                _Handler.pages[(f"site{s:02d}.test", f"/news/{n}.html")] = html
        # the server runs in its own process, as a remote site would: it must not share our GIL
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        port = server.server_address[1]
        serving = multiprocessing.get_context("fork").Process(target=server.serve_forever, daemon=True)
        serving.start()
        server.server_close()  # the child holds the listening socket now
        # interleave sites, as several feeds polled together would
        urls = [
            f"http://site{s:02d}.test:{port}/news/{n}.html" for n in range(PER_SITE) for s in range(SITES)
        ]

        # warm-up outside the timings: imports, extractor caches
        with SQLiteStore(tmp / "warm.db") as store:
            ingest_paths([pages / "site00" / "0.html"], store, enricher=Enricher())

        with SQLiteStore(tmp / "disk.db") as store:
            t0 = time.perf_counter()
            report = ingest_paths([pages], store, enricher=Enricher())
            disk_s = time.perf_counter() - t0
            assert report.added == len(urls), report.failed[:3]

        policy = FetchPolicy(
            domain_delay=delay,
            domain_concurrency=concurrency,
            allow_networks=parse_networks("127.0.0.1"),
        )
        fetcher = Fetcher(policy, resolver=lambda host, p: ["127.0.0.1"])
        with SQLiteStore(tmp / "live.db") as store, fetcher:
            done: queue.Queue[Any] = queue.Queue(maxsize=workers * 4)
            fetch_time = [0.0]

            def fetch(url: str) -> None:
                done.put(fetcher.fetch(url).html_document())

            t0 = time.perf_counter()
            with ThreadPoolExecutor(workers) as pool:
                futures = [pool.submit(fetch, u) for u in urls]
                added = 0
                for _ in urls:
                    _, outcome = ingest_document(done.get(), store, Enricher())
                    added += outcome == "added"
                for f in futures:
                    f.result()
            live_s = time.perf_counter() - t0
            assert added == len(urls), added

            # fetch alone, robots already cached: the fetcher's own overhead
            t0 = time.perf_counter()
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(fetcher.fetch, urls))
            fetch_time[0] = time.perf_counter() - t0
        serving.terminate()
        serving.join()

    n = len(urls)
    rows = [
        ("ingest from disk (same pages)", disk_s, n / disk_s, 1.0),
        ("fetch + ingest from local server", live_s, n / live_s, disk_s / live_s),
        ("fetch only (no ingest)", fetch_time[0], n / fetch_time[0], disk_s / fetch_time[0]),
    ]
    lines = [
        f"{n} pages, {SITES} sites; per-host concurrency {concurrency}, per-host delay {delay:g} s, "
        f"{workers} fetch threads, one ingest thread. {date.today()}, {platform.machine()}, "
        f"Python {platform.python_version()}.",
        "",
        "| mode | seconds | pages/s | vs disk |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {secs:.2f} | {rate:.1f} | {ratio:.2f}x |" for name, secs, rate, ratio in rows),
    ]
    if delay > 0:
        floor = PER_SITE * delay
        lines += ["", f"Politeness floor: {PER_SITE} pages a site x {delay:g} s = {floor:g} s at least."]
    return "\n".join(lines) + "\n", disk_s / live_s


def write_readme(table: str) -> None:
    section = f"{START}\n## Fetch\n\nMade by `python benchmarks/fetch.py --write-readme`.\n\n{table}{END}"
    replace_block(START, END, section, README)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.0, help="per-host seconds between request starts")
    parser.add_argument("--concurrency", type=int, default=2, help="per-host requests in flight")
    parser.add_argument("--workers", type=int, default=8, help="fetch threads")
    parser.add_argument("--repeat", type=int, default=5, help="runs; the median run's table is reported")
    parser.add_argument("--write-readme", action="store_true", help="update the Fetch section of README.md")
    args = parser.parse_args()
    # One run takes ~1.5 s, so machine noise moves its ratio by +-0.05: report the median of several.
    runs = sorted(
        (run(args.delay, args.concurrency, args.workers) for _ in range(max(1, args.repeat))),
        key=lambda r: r[1],
    )
    table, _ = runs[len(runs) // 2]
    ratios = ", ".join(f"{r:.2f}x" for _, r in runs)
    table += f"\nMedian of {len(runs)} runs (fetch + ingest vs disk, sorted: {ratios}).\n"
    print(table)
    if args.write_readme:
        write_readme(table)


if __name__ == "__main__":
    main()
