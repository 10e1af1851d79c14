"""Search quality: full text (FTS5) against semantic search, on real labelled news.

    .venv/bin/python benchmarks/search.py [--write-readme]

Data: ``../shared/data/stories-dev-giveme5w1h.jsonl``, 383 articles in 69 events.
Each article is saved into a fresh SQLite store (title, description as excerpt, text,
date, outlet) and embedded for semantic search as ``newsdesk serve`` does. The
queries are the dataset's own event names with underscores read as spaces
("tourist boat hits bridge in germany", "las vegas shooting"), the short
descriptions a reader would type; an article is relevant when it belongs to that
event. Both newsdesk modes answer through the store's public search calls
(``SQLiteStore.search``: every word first, then some of the words; and
``SemanticSearch.search``) with limit 10. The baseline is plain SQLite FTS5 as an
application would use it: all words, ranked by bm25, over the same index.

Reported per mode: MRR (reciprocal rank of the first relevant hit), precision@10,
recall@10 (relevant hits in the top 10 over the event's size, capped at 10), and
the share of queries with no relevant hit in the top 10. The baseline's rows and
ours come from the same run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from readme import replace_block  # noqa: E402

from newsdesk.enrich.embed import load_static_embedder  # noqa: E402
from newsdesk.model import Article, Provider  # noqa: E402
from newsdesk.settings import load_settings  # noqa: E402
from newsdesk.store.base import IdentityKeys, StoredInput  # noqa: E402
from newsdesk.store.semantic import SemanticSearch  # noqa: E402
from newsdesk.store.sqlite import SQLiteStore  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "stories-dev-giveme5w1h.jsonl"
START, END = "<!-- search:start -->", "<!-- search:end -->"
K = 10


def _published(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def build(db: Path) -> tuple[dict[str, set[str]], int]:
    """The store, and each event name's relevant article ids."""
    events: dict[str, set[str]] = {}
    n = 0
    with SQLiteStore(db) as store:
        for line in DATA.open(encoding="utf-8"):
            row = json.loads(line)
            aid = hashlib.sha256(row["id"].encode()).hexdigest()[:16]
            article = Article(
                id=aid,
                external_id=row["id"],
                title=row.get("title") or "",
                excerpt=row.get("description") or "",
                text=row.get("text") or "",
                url=row.get("url") or "",
                published=_published(row.get("published")),
                provider=Provider(row.get("domain") or "", row.get("domain") or ""),
                language="en",
            )
            digest = hashlib.sha256(article.text.encode()).hexdigest()
            keys = IdentityKeys(external_id=row["id"], text_sha256=digest)
            store.save(article, keys, StoredInput(aid, f"bench:{row['id']}", "jsonl", digest + aid, article))
            events.setdefault(row["event"].replace("_", " ").strip(), set()).add(aid)
            n += 1
    return events, n


def plain_fts5(db: Path, query: str) -> list[str]:
    """The baseline: the FTS5 index queried the plain way (every word, bm25 order)."""
    import re
    import sqlite3

    match = " ".join(f'"{w}"' for w in re.findall(r"\w+", query))
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT a.id FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts) LIMIT ?",
            (match, K),
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def score(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    top = ranked[:K]
    first = next((i for i, aid in enumerate(top) if aid in relevant), None)
    hits = sum(1 for aid in top if aid in relevant)
    return {
        "mrr": 0.0 if first is None else 1.0 / (first + 1),
        "p@10": hits / K,
        "r@10": hits / min(K, len(relevant)),
        "miss": 1.0 if first is None else 0.0,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)
    if not DATA.exists():
        raise SystemExit(f"{DATA} not found (../shared beside the repository)")
    settings = load_settings({}, env=dict(os.environ))
    with tempfile.TemporaryDirectory(prefix="newsdesk-search-bench-") as tmp:
        db = Path(tmp) / "search.db"
        events, n = build(db)
        searcher = SemanticSearch(load_static_embedder(settings.models_path))
        with SQLiteStore(db) as store:
            t = time.perf_counter()
            searcher.catch_up(store)
            embed_s = time.perf_counter() - t
            modes = ("plain", "fts", "semantic")
            results: dict[str, list[dict[str, float]]] = {m: [] for m in modes}
            times: dict[str, list[float]] = {m: [] for m in modes}
            for query, relevant in sorted(events.items()):
                t = time.perf_counter()
                plain = plain_fts5(db, query)
                times["plain"].append(time.perf_counter() - t)
                results["plain"].append(score(plain, relevant))
                t = time.perf_counter()
                fts = [h.article.id for h in store.search(query, limit=K)]
                times["fts"].append(time.perf_counter() - t)
                t = time.perf_counter()
                sem = [h.article.id for h in searcher.search(store, query, limit=K)]
                times["semantic"].append(time.perf_counter() - t)
                results["fts"].append(score(fts, relevant))
                results["semantic"].append(score(sem, relevant))
    means = {
        mode: {m: statistics.fmean(r[m] for r in rows) for m in ("mrr", "p@10", "r@10", "miss")}
        for mode, rows in results.items()
    }
    for mode, m in means.items():
        ms = statistics.median(times[mode]) * 1000
        print(
            f"{mode:9} MRR {m['mrr']:.3f}  P@10 {m['p@10']:.3f}  R@10 {m['r@10']:.3f}  "
            f"no hit {m['miss']:.1%}  median {ms:.1f} ms"
        )
    print(f"{len(events)} queries over {n} articles; embedding them took {embed_s:.1f} s")
    if args.write_readme:
        base = means["plain"]
        lines = [
            "## Search",
            "",
            f"Made by `python benchmarks/search.py --write-readme` on {platform.machine()}, "
            f"{datetime.now(UTC):%Y-%m-%d} (see its docstring). {len(events)} queries (the "
            f"Giveme5W1H event names) over {n} articles; relevant = the event's articles; top {K}.",
            "",
            "| mode | MRR | P@10 | R@10 | queries with no relevant hit | median ms/query | MRR / baseline |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        labels = (
            ("plain", "baseline: plain FTS5, all words, bm25"),
            ("fts", "newsdesk full text (all words, then some)"),
            ("semantic", "newsdesk semantic"),
        )
        for mode, label in labels:
            m = means[mode]
            ratio = m["mrr"] / base["mrr"] if base["mrr"] else float("nan")
            lines.append(
                f"| {label} | {m['mrr']:.3f} | {m['p@10']:.3f} | {m['r@10']:.3f} | {m['miss']:.1%} | "
                f"{statistics.median(times[mode]) * 1000:.1f} | {ratio:.2f}x |"
            )
        replace_block(START, END, f"{START}\n" + "\n".join(lines) + f"\n{END}")
        print("wrote benchmarks/README.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
