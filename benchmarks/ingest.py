"""Ingest throughput through the product path, as ratios from one command (scale-out issue).

    python benchmarks/ingest.py [--limit N] [--wcxb N] [--all-languages] [--no-ray] [--rounds N]
                                [--write-readme]

Input: the pages of the extraction dev set whose extraction is English (``--all-languages``:
every page), plus ``--wcxb N`` English news articles of the WCXB dev set, written once as
interchange JSONL (``url`` + ``html``), which is what ``newsdesk ingest FILE.jsonl`` reads.
The pages are cut into chunks of one batch (32); chunk after chunk, in rotating order:

* A — extraction alone: ``extract_article`` on each page (what ingest does first);
* B — one process: ``ingest_paths`` on the chunk's file, what ``newsdesk ingest`` runs
  (extract, enrich in batches, store), then linking (``link_new``), into a store that grows
  chunk by chunk as a live desk's does;
* C — the same with ``--engine ray`` and 2 local workers (``RayEngine``), its own store.

Interleaving makes machine load hit each pass alike, so the ratios hold on a busy machine.
The whole set is run ``--rounds`` times (3 by default; B and C each into a fresh store every
round): each round's ratios are reported, and the figure is their **median**, with the spread
(lowest to highest round) beside it. On a shared 2-core machine one round moves by +-10%,
so one round alone can neither meet nor miss a target near it.
Models are loaded before timing (once per process, and once per Ray worker): their cost
is reported on its own. The stores of B and C are then compared (same articles, events,
topics) and B's per-article costs give the on-paper sizing for 1M articles a day.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from extraction_sets import load_set  # noqa: E402
from readme import replace_block  # noqa: E402

from newsdesk.errors import NewsdeskError  # noqa: E402
from newsdesk.extract.article import extract_article  # noqa: E402
from newsdesk.link.linker import Linker  # noqa: E402
from newsdesk.model import RawDocument  # noqa: E402
from newsdesk.pipeline import (  # noqa: E402
    BATCH_SIZE,
    Engine,
    Enricher,
    LocalEngine,
    Prepared,
    ingest_paths,
    link_new,
)
from newsdesk.settings import load_settings  # noqa: E402
from newsdesk.store.sqlite import SQLiteStore  # noqa: E402

README = ROOT / "benchmarks" / "README.md"
BLOCKS = {
    True: ("<!-- ingest:start -->", "<!-- ingest:end -->"),
    False: ("<!-- ingest-en:start -->", "<!-- ingest-en:end -->"),
}
DAY = 86400


class StageClock:
    """Seconds pass B spends in each stage: the pipeline's stage functions wrapped with a clock
    (timing only; B still runs ``ingest_paths``). Ray workers are other processes: not timed."""

    STAGES: ClassVar[dict[str, str]] = {
        "extraction": "extract_input",
        "entities (NER)": "entities_batch",
        "provenance": "apply_provenance",
        "quality": "apply_quality",
    }

    def __init__(self) -> None:
        import newsdesk.pipeline as pipeline

        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.on = False
        for stage, name in self.STAGES.items():
            setattr(pipeline, name, self._timed(stage, getattr(pipeline, name)))
        pipeline.Enricher.classify = self._timed("topics (embed + heads)", pipeline.Enricher.classify)  # type: ignore[method-assign]

    def _timed(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if not self.on:
                return fn(*args, **kwargs)
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - start

        return timed

    def table(self, desk: Pooled) -> list[str]:
        n = desk.articles
        prepare = desk.waited
        rows = [(stage, self.seconds[stage]) for stage in (*self.STAGES, "topics (embed + heads)")]
        rows.insert(1, ("language, sanitising, batching", prepare - sum(s for _, s in rows)))
        rows += [("commit (identity, merge, store)", desk.ingest - prepare), ("linking", desk.link)]
        out = [
            "",
            "B per stage (same run, all rounds):",
            "",
            "| stage | ms/article | share of B |",
            "|---|---:|---:|",
        ]
        for stage, seconds in sorted(rows, key=lambda r: -r[1]):
            out.append(f"| {stage} | {1000 * seconds / n:.1f} | {100 * seconds / desk.total:.0f}% |")
        return out


class Timed:
    """An engine wrapper that counts the seconds the committing process waits on it."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.waited = 0.0

    def prepare(self, batches: Iterable[list[RawDocument]]) -> Iterator[list[Prepared]]:
        results = iter(self.engine.prepare(batches))
        while True:
            start = time.perf_counter()
            try:
                item = next(results)
            except StopIteration:
                self.waited += time.perf_counter() - start
                return
            self.waited += time.perf_counter() - start
            yield item


class Desk:
    """One pass's store, linker and engine; times ingest and linking apart."""

    def __init__(self, name: str, folder: Path, engine: Engine, enricher: Enricher):
        self.name = name
        self.db = folder / f"{name}.db"
        self.store = SQLiteStore(self.db)
        self.linker = Linker.open(self.store)
        self.engine = Timed(engine)
        self.enricher = enricher
        self.ingest = self.link = 0.0
        self.articles = 0

    def run(self, chunk: Path, clock: StageClock | None = None) -> None:
        if clock is not None:
            clock.on = self.name.startswith("b")
        start = time.perf_counter()
        report = ingest_paths([chunk], self.store, enricher=self.enricher, engine=self.engine)
        middle = time.perf_counter()
        link_new(self.store, self.linker)
        self.ingest += middle - start
        self.link += time.perf_counter() - middle
        self.articles += report.added + report.updated
        if clock is not None:
            clock.on = False

    @property
    def total(self) -> float:
        return self.ingest + self.link

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.db.parent.glob(self.db.name + "*"))


class Pooled:
    """One pass's desks over all rounds, summed: rates and stage costs from every round."""

    def __init__(self, desks: list[Desk]):
        self.articles = sum(d.articles for d in desks)
        self.ingest = sum(d.ingest for d in desks)
        self.link = sum(d.link for d in desks)
        self.waited = sum(d.engine.waited for d in desks)
        self.total = self.ingest + self.link
        self.rate = self.articles / self.total
        self.size = sum(d.size() for d in desks) / self.articles


@dataclass
class Round:
    """One round: pass A's clock and the B (and C) desks that ran beside it."""

    a_time: float
    a_count: int
    b: Desk
    c: Desk | None
    #: the machine's 1-minute load average when the round ended (2 cores: above 2, others' jobs wait too)
    load: float = 0.0

    def ratio(self, desk: Desk) -> float:
        """Articles per second of ``desk`` over those of pass A in the same round."""
        return (desk.articles / desk.total) / (self.a_count / self.a_time)

    def line(self, table: bool = False) -> str:
        a_ms = 1000 * self.a_time / self.a_count
        cells = [
            f"{a_ms:.1f}",
            f"{1000 * self.b.total / self.b.articles:.1f}",
            f"{self.ratio(self.b):.3f}x",
            f"{1000 * self.b.total / self.b.articles - a_ms:.1f}",
        ]
        if self.c is not None:
            cells += [f"{1000 * self.c.total / self.c.articles:.1f}", f"{self.ratio(self.c):.3f}x"]
        cells.append(f"{self.load:.1f}")
        return (" | " if table else ", ").join(cells)


def spread(ratios: list[float]) -> tuple[float, float, float]:
    """(median, lowest, highest) of the rounds' ratios: the median is the figure, never the best."""
    return statistics.median(ratios), min(ratios), max(ratios)


def english_pages(args: argparse.Namespace) -> list[dict[str, str]]:
    """Interchange lines (url, html) for the chosen pages, in the dev sets' order."""
    rows: list[dict[str, str]] = []
    for path in load_set("trafilatura").inputs:
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.wcxb:
        wcxb_set = load_set("wcxb")
        articles = {g.id for g in wcxb_set.gold if g.page_type == "article"}
        for path in wcxb_set.inputs:
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line) if line.strip() else {}
                if row.get("id") in articles:
                    rows.append({**row, "id": f"wcxb-{row['id']}"})
    dev: list[dict[str, str]] = []
    wcxb: list[dict[str, str]] = []
    for row in rows:
        wanted = wcxb if row["id"].startswith("wcxb-") else dev
        if len(wanted) >= (args.wcxb if wanted is wcxb else args.limit or len(rows)):
            continue  # enough of this set: the language check costs an extraction a page
        raw = RawDocument(row["url"], "html", row["html"].encode("utf-8"), url=row["url"])
        try:
            language = extract_article(raw).language
        except NewsdeskError:
            continue
        if args.all_languages or language == "en":
            wanted.append(row)
    return dev + wcxb


def compare(b: Desk, c: Desk) -> str:
    """Do the one-process and the Ray store hold the same (articles, events, topics)?"""
    ids_b, ids_c = set(b.store.ids()), set(c.store.ids())
    same_topics = sum(1 for i in ids_b & ids_c if b.store.get(i).topics == c.store.get(i).topics)

    def events(desk: Desk) -> set[frozenset[str]]:
        groups: dict[Any, set[str]] = {}
        for i in desk.store.ids():
            groups.setdefault(desk.linker.event_of(i), set()).add(i)
        return {frozenset(g) for g in groups.values()}

    eb, ec = events(b), events(c)
    return (
        f"Same input through B and C: {len(ids_b)} and {len(ids_c)} articles, "
        f"{'the same ids' if ids_b == ids_c else f'{len(ids_b ^ ids_c)} ids differ'}; "
        f"{len(eb & ec)} of {len(eb)} events identical; "
        f"{same_topics} of {len(ids_b & ids_c)} articles with the same topics (the strong tier's "
        "second opinion has a running budget per process, so borderline articles can differ)."
    )


def sizing(b: Pooled, a_per_article: float, c: Pooled | None) -> list[str]:
    """On paper, from B's measured per-article costs: 1M articles a day."""
    per_day = 1_000_000
    rate = per_day / DAY
    prepare = b.waited / b.articles  # extraction + enrichment, seconds of one core per article
    commit = (b.ingest - b.waited) / b.articles  # identity + merge + store writes, one writer
    link = b.link / b.articles
    size = b.size
    lines = [
        "",
        "On paper, 1M articles a day (11.6/s on average; sized for a 3x peak, 35/s), from B's costs:",
        "",
        f"- extraction + enrichment: {1000 * prepare:.0f} ms of one core an article (A alone: "
        f"{1000 * a_per_article:.0f} ms) -> {rate * prepare:.1f} cores on average, "
        f"**{3 * rate * prepare:.0f} ingest workers (cores) at peak**, spread over Ray nodes;",
        f"- commit (identity, merge, store write): {1000 * commit:.1f} ms an article in the one "
        f"writing process -> {1 / commit:.0f} articles/s at most;",
        f"- linking (one linker, date order): {1000 * link:.1f} ms an article at this store size "
        f"-> {1 / link:.0f} articles/s at most, and it grows with the store (benchmarks/README.md, "
        "stories scale: about 1.25x slower per placement at 1M than at 10k);",
        f"- store: {size / 1024:.0f} KiB an article (SQLite with FTS and the story state) -> "
        f"{size * per_day / 2**30:.0f} GiB a day, {size * per_day * 365 / 2**40:.1f} TiB a year "
        "(full text and inputs kept; PostgreSQL will differ).",
        "",
        f"**First bottleneck: the single writer/linker** at "
        f"{1 / (commit + link):.0f} articles/s (commit + link) against a 35/s peak"
        + (" — enough for 1M a day" if 1 / (commit + link) > 35 else " — short of the peak")
        + ", while workers scale out by adding cores. Past that, linking must be partitioned "
        "(by time window or language) or the writer batched.",
    ]
    if c is not None:
        lines[1:1] = [
            f"Measured here, 2 Ray workers on 2 cores run {c.rate / b.rate:.2f}x the one process: "
            "the writer and the workers share the same two cores.",
            "",
        ]
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=0, help="at most this many dev-set pages (0: all)")
    parser.add_argument("--wcxb", type=int, default=0, help="also this many English WCXB news articles")
    parser.add_argument("--all-languages", action="store_true", help="every page, not only English")
    parser.add_argument("--no-ray", action="store_true", help="skip pass C")
    parser.add_argument(
        "--rounds", type=int, default=3, help="run the whole set this many times; report the median ratio"
    )
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)

    rows = english_pages(args)
    tmp = Path(tempfile.mkdtemp(prefix="newsdesk-ingest-bench-"))
    os.environ.setdefault("NEWSDESK_DATA_DIR", str(tmp / "data"))
    settings = load_settings({"db": str(tmp / "unused.db")})
    chunks = []
    for i in range(0, len(rows), BATCH_SIZE):
        path = tmp / f"chunk{i // BATCH_SIZE:03d}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows[i : i + BATCH_SIZE]), encoding="utf-8")
        chunks.append(path)
    warm = tmp / "warm.jsonl"
    warm.write_text(
        "".join(json.dumps({**r, "id": "warm-" + r["id"]}) + "\n" for r in rows[:8]), encoding="utf-8"
    )

    start = time.perf_counter()
    enricher = Enricher.from_settings(settings)
    with SQLiteStore(tmp / "warm-b.db") as st:  # linking too: its first call imports and builds
        ingest_paths([warm], st, enricher=enricher, linker=Linker.open(st))
    if enricher.topics is not None and enricher.topics.has_strong:
        _ = enricher.topics.strong
    load_b = time.perf_counter() - start
    engines: dict[str, Engine] = {"b": LocalEngine(enricher)}
    ray_engine = None
    load_c = 0.0
    if not args.no_ray:
        from newsdesk.ray_ingest import RayEngine

        start = time.perf_counter()
        ray_engine = RayEngine(settings, workers=2)
        with SQLiteStore(tmp / "warm-c.db") as st:  # batches of 1: both workers load their models
            ingest_paths([warm], st, enricher=enricher, engine=ray_engine, batch_size=1)
        load_c = time.perf_counter() - start
        engines["c"] = ray_engine

    clock = StageClock()
    rounds: list[Round] = []
    for r in range(max(1, args.rounds)):
        # a fresh store per pass and round: each round ingests the same pages into an empty desk
        desks = [Desk(f"{name}{r + 1}", tmp, engine, enricher) for name, engine in engines.items()]
        passes: list[Desk | None] = [None, *desks]  # None: pass A
        a_time = 0.0
        a_count = 0
        for n, chunk in enumerate(chunks):
            order = passes[n % len(passes) :] + passes[: n % len(passes)]
            for desk in order:
                if desk is None:
                    lines = chunk.read_text(encoding="utf-8").splitlines()
                    start = time.perf_counter()
                    for line in lines:
                        row = json.loads(line)
                        try:
                            extract_article(
                                RawDocument(row["id"], "html", row["html"].encode(), url=row["url"])
                            )
                            a_count += 1
                        except NewsdeskError:
                            pass
                    a_time += time.perf_counter() - start
                else:
                    desk.run(chunk, clock)
            print(f"round {r + 1}, chunk {n + 1}/{len(chunks)}", file=sys.stderr)
        rounds.append(
            Round(a_time, a_count, desks[0], desks[1] if len(desks) > 1 else None, os.getloadavg()[0])
        )
        print(f"round {r + 1}: {rounds[-1].line()}", file=sys.stderr)
    if ray_engine is not None:
        ray_engine.close()

    b = Pooled([r.b for r in rounds])
    c = Pooled([r.c for r in rounds if r.c is not None]) if not args.no_ray else None
    a_total = sum(r.a_time for r in rounds)
    a_count = sum(r.a_count for r in rounds)
    rate_a = a_count / a_total
    median_b, low_b, high_b = spread([r.ratio(r.b) for r in rounds])
    rows_out = [
        f"| pass ({len(rows)} pages, {rounds[0].b.articles} articles stored; {len(rounds)} rounds) "
        "| articles/s | ms/article | ratio to A: median of rounds (lowest-highest) |",
        "|---|---:|---:|---:|",
        f"| A: extraction alone | {rate_a:.1f} | {1000 / rate_a:.1f} | 1.00x |",
        f"| **B: one process, end to end** | {b.rate:.1f} | {1000 / b.rate:.1f} "
        f"| **{median_b:.3f}x** ({low_b:.3f}-{high_b:.3f}) |",
    ]
    if c is not None:
        median_c, low_c, high_c = spread([r.ratio(r.c) for r in rounds if r.c is not None])
        rows_out.append(
            f"| **C: `--engine ray`, 2 workers, end to end** | {c.rate:.1f} | {1000 / c.rate:.1f} "
            f"| **{median_c:.3f}x** ({low_c:.3f}-{high_c:.3f}) |"
        )
    rows_out += [
        "",
        "Each round (A, B and C interleaved chunk by chunk; B and C into fresh stores):",
        "",
        "| round | A ms/article | B ms/article | B / A | B beyond A, ms/article |"
        + (" C ms/article | C / A |" if c is not None else "")
        + " load average |",
        "|---:|---:|---:|---:|---:|" + ("---:|---:|" if c is not None else "") + "---:|",
    ]
    rows_out += [f"| {i + 1} | {r.line(table=True)} |" for i, r in enumerate(rounds)]
    n = b.articles
    detail = [
        "",
        f"B's time an article: {1000 * b.waited / n:.1f} ms extraction + enrichment, "
        f"{1000 * (b.ingest - b.waited) / n:.1f} ms commit (identity, merge, store), "
        f"{1000 * b.link / n:.1f} ms linking (all rounds). Loading the models (once per process): "
        f"{load_b:.1f} s"
        + (f"; starting Ray with 2 workers and loading theirs: {load_c:.1f} s." if c else "."),
        "",
        f"Target B >= 0.7x A: **{'met' if median_b >= 0.7 else 'not met'}** (median of "
        f"{len(rounds)} rounds {median_b:.3f}x; rounds {low_b:.3f}x to {high_b:.3f}x); "
        "where B's time goes beyond extraction is in the stage table.",
    ]
    detail += clock.table(b)
    last = rounds[-1]
    if last.c is not None:
        detail += [
            "",
            f"C / B: **{c.rate / b.rate:.2f}x** (all rounds). Last round: " + compare(last.b, last.c),  # type: ignore[union-attr]
        ]
    detail += sizing(b, a_total / a_count, c)
    table = "\n".join(rows_out + detail)
    print(table)
    if args.write_readme:
        start_m, end_m = BLOCKS[args.all_languages]
        command = " ".join([*argv[: argv.index("--write-readme")], *argv[argv.index("--write-readme") :]])
        block = "\n".join(
            [
                start_m,
                "## Ingest end to end (extract + enrich + store + link), one process and Ray"
                + ("" if args.all_languages else ", English pages"),
                "",
                f"Made by `python benchmarks/ingest.py {command}`, "
                f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, on a machine shared with "
                "other jobs (load average {:.0f}): passes interleaved chunk by chunk, so the ratios hold "
                "better than the rates; {} rounds, the figure is the median round's ratio and the spread "
                "is the lowest and highest round. Target: B >= 0.7x A.".format(
                    os.getloadavg()[0], len(rounds)
                ),
                "",
                table,
                end_m,
            ]
        )
        replace_block(start_m, end_m, block, README)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
