"""Quality sanity and enrichment speed.

Usage: ``python benchmarks/quality.py [--write-readme]``

1. The four seed captures (``shared/seeds/001..004``), cleaned with
   ``clean_capture``: 001 (original reporting) must score highest and 002
   (content-farm rewrite) lowest.
2. The hand-labeled good/poor articles listed in ``benchmarks/quality_labels.json``
   (ids only; texts are read from ``shared/data``): AUC of the quality score, i.e.
   the share of (good, poor) pairs the score orders correctly.
3. Speed of each enrichment part (language, entities, provenance, quality) over all
   Giveme5W1H articles, in docs/s and ms per article, in one process.

Prints a Markdown table; ``--write-readme`` puts it in benchmarks/README.md
between ``<!-- quality:start -->`` and ``<!-- quality:end -->``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from readme import replace_block  # noqa: E402

from newsdesk.enrich.entities import extract_entities  # noqa: E402
from newsdesk.enrich.language import detect_language  # noqa: E402
from newsdesk.enrich.provenance import detect_provenance  # noqa: E402
from newsdesk.enrich.quality import score_quality  # noqa: E402
from newsdesk.extract.article import capture_article  # noqa: E402
from newsdesk.model import Article, Image, Provider  # noqa: E402

SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
STORIES = SHARED / "data" / "stories-dev-giveme5w1h.jsonl"
LABELS = ROOT / "benchmarks" / "quality_labels.json"
README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- quality:start -->", "<!-- quality:end -->"


def seed_articles() -> dict[str, Article]:
    """The seed captures as ingest extracts them (language set, as enrichment would)."""
    return {
        path.name[:3]: capture_article(path).replace(language="en")
        for path in sorted(SEEDS.glob("00[1-4]_*.txt"))
    }


def story_article(obj: dict[str, str]) -> Article:
    published = None
    if obj.get("published"):
        try:
            published = datetime.fromisoformat(obj["published"])
        except ValueError:
            published = None
    return Article(
        title=obj.get("title", ""),
        text=obj.get("text", ""),
        url=obj.get("url", ""),
        published=published,
        provider=Provider(domain=obj.get("domain", "")),
        images=[Image(obj["image"])] if obj.get("image") else [],
    )


def auc(good: list[int], poor: list[int]) -> float:
    pairs = [(g > p) + 0.5 * (g == p) for g in good for p in poor]
    return sum(pairs) / len(pairs) if pairs else float("nan")


def timed(fn: Callable[[Article], object], articles: list[Article]) -> float:
    # CPU time of this process: the dev machine's 2 cores are shared, and wall time
    # there swings 2-3x with other load while CPU time stays put
    start = time.process_time()
    for a in articles:
        fn(a)
    return time.process_time() - start


def run() -> str:
    lines: list[str] = []
    # warm the lazily loaded models so timings are per-article work only
    detect_language("warm up the language identifier with a sentence")
    extract_entities("Warm up the gazetteer in Paris.", "en")
    score_quality(Article(text="Warm up the word list, said Jane Doe."))

    seeds = seed_articles() if SEEDS.exists() else {}
    scores = {k: score_quality(a) for k, a in seeds.items()}
    lines += [
        "### Seeds (cleaned captures)",
        "",
        "| seed | score | depth | sourcing | originality | cleanliness | metadata | prior |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for k, q in scores.items():
        p = q.parts
        lines.append(
            f"| {k} | **{q.score}** | {p['depth']} | {p['sourcing']} | {p['originality']} "
            f"| {p['cleanliness']} "
            f"| {p['metadata']} | {p['prior']} |"
        )
    if scores:
        order = sorted(scores, key=lambda k: scores[k].score, reverse=True)
        ok = order[0] == "001" and order[-1] == "002"
        lines += [
            "",
            f"Order: {' > '.join(order)} — 001 highest and 002 lowest: **{'yes' if ok else 'NO'}**",
            "",
        ]

    stories = []
    if STORIES.exists():
        with STORIES.open(encoding="utf-8") as f:
            stories = [json.loads(line) for line in f]
    by_id = {s["id"]: s for s in stories}
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["items"]
    good: list[int] = []
    poor: list[int] = []
    for item in labels:
        if item["id"] in by_id:
            a = story_article(by_id[item["id"]])
            a.language = detect_language(a.text).code
            (good if item["label"] == "good" else poor).append(score_quality(a).score)
    if good and poor:
        lines += [
            "### Hand-labeled good vs poor (Giveme5W1H ids in quality_labels.json)",
            "",
            "| items | good mean | poor mean | AUC (pairwise order accuracy) |",
            "|---:|---:|---:|---:|",
            f"| {len(good)} good + {len(poor)} poor | {sum(good) / len(good):.1f} "
            f"| {sum(poor) / len(poor):.1f} "
            f"| {auc(good, poor):.3f} |",
            "",
        ]

    articles = [story_article(s) for s in stories]
    if articles:
        for a in articles:
            a.language = "en"
        provs = [detect_provenance(a) for a in articles]
        parts: list[tuple[str, Callable[[Article], object]]] = [
            ("language (py3langid)", lambda a: detect_language(a.text)),
            ("entities (spaCy NER, one article a call)", lambda a: extract_entities(a.text, a.language)),
            ("provenance", detect_provenance),
        ]
        timings = [(name, timed(fn, articles)) for name, fn in parts]
        it = iter(provs)
        timings.append(
            ("quality (given provenance)", timed(lambda a: score_quality(a, provenance=next(it)), articles))
        )
        n = len(articles)
        total = sum(t for _, t in timings)
        lines += [
            f"### Enrichment speed ({n} Giveme5W1H articles, "
            f"mean {sum(len(a.text) for a in articles) // n} chars, "
            "one process, CPU time)",
            "",
            "| part | docs/s | ms/article |",
            "|---|---:|---:|",
        ]
        lines += [f"| {name} | {n / t:,.0f} | {t / n * 1000:.2f} |" for name, t in timings]
        lines.append(f"| **all four** | {n / total:,.0f} | {total / n * 1000:.2f} |")
    return "\n".join(lines) + "\n"


def write_readme(table: str) -> None:
    section = f"{START}\n## Quality\n\nMade by `python benchmarks/quality.py --write-readme`.\n\n{table}{END}"
    replace_block(START, END, section, README)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write-readme", action="store_true", help="update the Quality section of benchmarks/README.md"
    )
    args = parser.parse_args()
    table = run()
    print(table)
    if args.write_readme:
        write_readme(table)


if __name__ == "__main__":
    main()
