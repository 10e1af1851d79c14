"""Whole-ingest throughput: extraction + enrichment, as a ratio to extraction alone.

    .venv/bin/python benchmarks/ingest.py [--limit N] [--write-readme]

On the extraction dev pages (the shared tarball, unpacked by benchmarks/extraction.py's
cache), in one process: pass A extracts each page (`extract_article`, what `ingest`
does before enrichment); pass B extracts and then enriches it with the product's
`Enricher` (language, entities, provenance, topics with the two-tier classifier,
quality). The passes alternate page by page so machine load hits both alike; model
loading happens once, before timing (a long-running ingest pays it once). Target
(enrichment issue): B's rate >= 0.7x A's.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from extraction import DEFAULT_DATA, load_pages, unpack  # noqa: E402
from readme import replace_block  # noqa: E402

from newsdesk.errors import NewsdeskError  # noqa: E402
from newsdesk.extract.article import extract_article  # noqa: E402
from newsdesk.model import RawDocument  # noqa: E402
from newsdesk.pipeline import Enricher  # noqa: E402
from newsdesk.settings import load_settings  # noqa: E402

README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- ingest:start -->", "<!-- ingest:end -->"
START_EN, END_EN = "<!-- ingest-en:start -->", "<!-- ingest-en:end -->"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=400)
    parser.add_argument("--english-only", action="store_true", help="only pages extracted as English")
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)

    pages = load_pages(unpack(args.data), None if args.english_only else args.limit)
    if args.english_only:
        # Enrichment does most of its work on English text (topics, entities, spelling):
        # the worst case for the ratio.
        english = []
        for page in pages:
            try:
                raw = RawDocument(page.url, "html", page.html.encode("utf-8"), url=page.url)
                if extract_article(raw).language == "en":
                    english.append(page)
            except NewsdeskError:
                continue
        pages = english[: args.limit]
    enricher = Enricher.from_settings(load_settings())
    warm = extract_article(RawDocument("warm-up", "html", pages[0].html.encode(), url=pages[0].url))
    enricher.enrich(warm)
    if enricher.topics is not None and enricher.topics.has_strong:
        _ = enricher.topics.strong  # built now, not inside the timed loop

    t_extract = t_full = 0.0
    done = escalated = english = 0
    for page in pages:
        raw = RawDocument(page.url, "html", page.html.encode("utf-8"), url=page.url)
        try:
            start = time.perf_counter()
            extract_article(raw)
            t_extract += time.perf_counter() - start
            start = time.perf_counter()
            article = extract_article(raw)
            enricher.enrich(article)
            t_full += time.perf_counter() - start
        except NewsdeskError:
            continue
        done += 1
        if article.language == "en":
            english += 1
            escalated += enricher.topics.last_escalated if enricher.topics is not None else 0
    rate_a, rate_b = done / t_extract, done / t_full
    table = "\n".join(
        [
            f"| pass ({done} dev pages, {english} English) | pages/s | ms/page | ratio |",
            "|---|---:|---:|---:|",
            f"| A: extraction alone | {rate_a:.1f} | {1000 / rate_a:.1f} | 1.00x |",
            f"| **B: extraction + enrichment** | {rate_b:.1f} | {1000 / rate_b:.1f} "
            f"| **{rate_b / rate_a:.2f}x** |",
            "",
            f"Enrichment adds {1000 * (t_full - t_extract) / done:.1f} ms/page on average; "
            f"{escalated} of {english} English pages were sent to the strong topic tier.",
        ]
    )
    print(table)
    if args.write_readme:
        start, end = (START_EN, END_EN) if args.english_only else (START, END)
        block = "\n".join(
            [
                start,
                "## Ingest (extraction + enrichment)" + (", English pages only" if args.english_only else ""),
                "",
                f"Made by `python benchmarks/ingest.py {' '.join(argv)}`, "
                f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores. Target: B >= 0.7x A.",
                "",
                table,
                end,
            ]
        )
        replace_block(start, end, block, README)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
