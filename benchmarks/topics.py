"""Topic classification benchmark on AG News (test split, 7,600 items).

    .venv/bin/python benchmarks/topics.py [--data ../shared/data/topics-dev-agnews-test.csv]
        [--limit N] [--shots 50] [--write-readme]

Zero-shot: newsdesk's taxonomy classifier, untouched by AG News labels. Its
17 IPTC top-level subjects are mapped onto the 4 AG classes once, below
(``AG_MAPPING``); an item's class is the class of its most probable mapped
subject (forced choice). The calibrated output (``classify``, which may give
no topic) is reported too: how many items get a topic, and how often that
topic maps to the right class.

Few-shot: 50 labelled items per class (fixed seed) become four user topics
(``examples`` only, no description) through the same user-topic mechanism the
config file uses; those 200 items are left out of the evaluation.

Transductive rows ("+ adapt") let the classifier self-train on the benchmark's
own *unlabeled* texts (:meth:`TopicClassifier.adapt`): pseudo-labels from the
prototypes, kNN-smoothed, then a ridge head. No label is read; the same call
works on any batch of unseen articles. "heads only" rows apply the fitted heads
to each text alone (what a text outside the batch gets); "batch settled" rows
use the batch's own graph-smoothed decisions (``adapt(settle=True)``).

Reference row (not a product number): a supervised linear probe on the
concatenated fast + MiniLM embeddings, 5-fold cross-validated with *all* labels
(~6,000 per fold). It bounds what any linear head over these frozen embeddings
can reach, few-shot or not.

Baseline: cosine similarity of each item to the bare class names.

Embeddings of the 7,600 items are cached in benchmarks/.cache/ (git-ignored),
so re-runs skip the slow MiniLM pass; docs/s rows are timed fresh, uncached.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from readme import replace_block  # noqa: E402

from newsdesk.enrich.embed import (  # noqa: E402
    CachingEmbedder,
    Embedder,
    SentenceTransformerEmbedder,
    load_static_embedder,
)
from newsdesk.enrich.taxonomy import parse_user_topics  # noqa: E402
from newsdesk.enrich.topics import TopicClassifier  # noqa: E402
from newsdesk.settings import load_settings  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "topics-dev-agnews-test.csv"
STORIES = ROOT.parent / "shared" / "data" / "stories-dev-giveme5w1h.jsonl"
CACHE = ROOT / "benchmarks" / ".cache" / "topics"
README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- topics:start -->", "<!-- topics:end -->"

CLASSES = ["World", "Sports", "Business", "Sci/Tech"]
#: AG News class -> the IPTC top-level subjects that make it up. Declared once,
#: from what each AG class covers (World is the general news desk); never
#: revised from results.
AG_MAPPING: dict[str, list[str]] = {
    "World": [
        "politics",
        "conflict, war and peace",
        "crime, law and justice",
        "disaster, accident and emergency incident",
        "society",
        "religion",
        "arts, culture, entertainment and media",
        "human interest",
        "lifestyle and leisure",
        "education",
        "weather",
    ],
    "Sports": ["sport"],
    "Business": ["economy, business and finance", "labour"],
    "Sci/Tech": ["science and technology", "health", "environment"],
}


def load_agnews(path: Path, limit: int | None) -> tuple[list[str], np.ndarray]:
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if not row or not row[0].strip().isdigit():
                continue
            # AG escapes: "\\" for newlines and HTML entities like #39;
            text = f"{row[1]}. {row[2]}".replace("\\", " ")
            texts.append(re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text))
            labels.append(int(row[0]) - 1)
    if limit:
        rng = np.random.default_rng(7)
        keep = np.sort(rng.choice(len(texts), size=min(limit, len(texts)), replace=False))
        texts = [texts[i] for i in keep]
        labels = [labels[i] for i in keep]
    return texts, np.asarray(labels)


def cached_vectors(embedder: Embedder, texts: list[str]) -> np.ndarray:
    key = hashlib.sha1(("\n".join(texts) + embedder.name).encode()).hexdigest()[:16]
    path = CACHE / f"{embedder.name}-{len(texts)}-{key}.npy"
    if path.exists():
        return np.load(path)
    t0 = time.perf_counter()
    vectors = embedder.embed(texts)
    print(
        f"  embedded {len(texts)} texts with {embedder.name} in {time.perf_counter() - t0:.0f}s", flush=True
    )
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def metrics(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    acc = float((pred == gold).mean())
    f1s = []
    for k in range(len(CLASSES)):
        tp = float(((pred == k) & (gold == k)).sum())
        p = tp / max(1.0, float((pred == k).sum()))
        r = tp / max(1.0, float((gold == k).sum()))
        f1s.append(0.0 if p + r == 0 else 2 * p * r / (p + r))
    return acc, float(np.mean(f1s))


def to_classes(clf: TopicClassifier, probs: np.ndarray) -> np.ndarray:
    names = [t.name for t in clf.tops]
    cols = np.stack([probs[:, [names.index(n) for n in AG_MAPPING[c]]].max(axis=1) for c in CLASSES], axis=1)
    return np.asarray(cols.argmax(axis=1))


def calibrated(clf: TopicClassifier, texts: list[str], gold: np.ndarray, **kw: bool) -> tuple[float, float]:
    """Share of items given a top-level topic, and accuracy of the best such topic."""
    to_class = {n: i for i, c in enumerate(CLASSES) for n in AG_MAPPING[c]}
    answered = right = 0
    for topics, g in zip(clf.classify(texts, **kw), gold, strict=True):
        tops = [t for t in topics if t.name in to_class]
        if tops:
            answered += 1
            right += int(to_class[tops[0].name] == g)
        # items with only a user topic or nothing count as unanswered
    return answered / len(texts), right / max(1, answered)


def probe_ceiling(x: np.ndarray, gold: np.ndarray, folds: int = 5) -> float:
    """Accuracy of a ridge one-vs-rest head trained on 4/5 of *all* labels, over 5 folds."""
    order = np.random.default_rng(1).permutation(len(x))
    right = 0
    for f in range(folds):
        test = order[f::folds]
        train = np.setdiff1d(order, test)
        targets = np.eye(len(CLASSES), dtype=np.float32)[gold[train]]
        gram = x[train].T @ x[train] + np.eye(x.shape[1], dtype=np.float32)
        w = np.linalg.solve(gram, x[train].T @ targets)
        right += int(((x[test] @ w).argmax(1) == gold[test]).sum())
    return right / len(x)


def docs_per_second(clf: TopicClassifier, texts: list[str]) -> float:
    t0 = time.perf_counter()
    clf.classify(texts)
    return len(texts) / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--limit", type=int, default=None, help="evaluate on a random subset")
    ap.add_argument("--shots", type=int, default=50)
    ap.add_argument("--speed-items", type=int, default=500, help="items timed for docs/s")
    ap.add_argument("--write-readme", action="store_true")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    texts, gold = load_agnews(args.data, args.limit)
    print(f"{len(texts)} items; loading models", flush=True)
    fast_raw = load_static_embedder(load_settings().models_path)
    strong_raw = SentenceTransformerEmbedder()
    fast, strong = CachingEmbedder(fast_raw), CachingEmbedder(strong_raw)
    fast.remember(texts, cached_vectors(fast_raw, texts))
    strong.remember(texts, cached_vectors(strong_raw, texts))

    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, pred: np.ndarray, idx: np.ndarray, extra: str = "") -> None:
        acc, f1 = metrics(pred[idx], gold[idx])
        rows.append((name, f"{acc:.1%}", f"{f1:.3f}", extra))
        print(f"  {name}: acc {acc:.4f} macro-F1 {f1:.4f} {extra}", flush=True)

    everyone = np.arange(len(texts))
    # --- baseline: bare class names
    for emb in (fast, strong):
        names = emb.embed(CLASSES)
        row(
            f"baseline: similarity to class names ({emb.name})",
            (emb.embed(texts) @ names.T).argmax(1),
            everyone,
        )

    # --- zero-shot
    fast_only = TopicClassifier(fast)
    row(
        "zero-shot, fast tier only", to_classes(fast_only, fast_only.top_level_probabilities(texts)), everyone
    )
    product = TopicClassifier(fast, strong=strong)
    probs = product.top_level_probabilities(texts)
    share = product.last_escalated / len(texts)
    cov, prec = calibrated(product, texts, gold)
    row(
        "zero-shot, two-tier (product default)",
        to_classes(product, probs),
        everyone,
        f"{share:.0%} sent to MiniLM; calibrated: {cov:.0%} get a topic, {prec:.1%} of those right",
    )
    both = product.top_level_probabilities(texts, strong_for_all=True)
    row("zero-shot, both tiers on every item", to_classes(product, both), everyone)
    t0 = time.perf_counter()
    kept = product.adapt(texts, strong=True, settle=False)
    adapt_s = time.perf_counter() - t0
    row(
        "zero-shot + adapt (heads only), two-tier",
        to_classes(product, product.top_level_probabilities(texts)),
        everyone,
        f"{product.last_escalated / len(texts):.0%} sent to MiniLM; {kept} items pseudo-labelled;"
        f" adapt {adapt_s:.0f}s (embeddings cached)",
    )
    row(
        "zero-shot + adapt (heads only), both tiers on every item",
        to_classes(product, product.top_level_probabilities(texts, strong_for_all=True)),
        everyone,
    )
    product.adapt(texts, strong=True)
    cov, prec = calibrated(product, texts, gold)
    row(
        "zero-shot + adapt, batch settled",
        to_classes(product, product.top_level_probabilities(texts)),
        everyone,
        f"{product.last_escalated / len(texts):.0%} sent to MiniLM;"
        f" calibrated: {cov:.0%} get a topic, {prec:.1%} of those right",
    )

    # --- few-shot through user topics
    rng = np.random.default_rng(0)
    shots = np.concatenate(
        [rng.choice(np.where(gold == k)[0], size=args.shots, replace=False) for k in range(len(CLASSES))]
    )
    rest = np.setdiff1d(everyone, shots)
    users = parse_user_topics(
        [{"name": c, "examples": [texts[i] for i in shots if gold[i] == k]} for k, c in enumerate(CLASSES)]
    )
    few = TopicClassifier(fast, strong=strong, user_topics=users)
    row(f"few-shot ({args.shots}/class), fast tier", few.user_topic_scores(texts).argmax(1), rest)
    row(
        f"few-shot ({args.shots}/class), both tiers",
        few.user_topic_scores(texts, strong_for_all=True).argmax(1),
        rest,
    )
    few.adapt([texts[i] for i in rest], strong=True, settle=False)
    row(
        f"few-shot ({args.shots}/class), both tiers + adapt (heads only)",
        few.user_topic_scores(texts, strong_for_all=True).argmax(1),
        rest,
    )
    few.adapt([texts[i] for i in rest], strong=True)
    row(
        f"few-shot ({args.shots}/class), + adapt, batch settled",
        few.user_topic_scores(texts, strong_for_all=True).argmax(1),
        rest,
    )
    if not args.limit:
        acc = probe_ceiling(np.hstack([fast.embed(texts), strong.embed(texts)]), gold)
        rows.append(
            (
                "reference: supervised linear probe, all labels (5-fold CV)",
                f"{acc:.1%}",
                "",
                "fast + MiniLM embeddings; not a product number: the ceiling of a frozen-embedding head",
            )
        )
        print(f"  linear probe ceiling: acc {acc:.4f}", flush=True)

    # --- speed, uncached: short AG items, and full news articles where available
    sample = [texts[i] for i in rng.choice(len(texts), size=min(args.speed_items, len(texts)), replace=False)]
    fast_clf, product_clf = TopicClassifier(fast_raw), TopicClassifier(fast_raw, strong=strong_raw)
    speed = [
        ("AG items, fast tier only", docs_per_second(fast_clf, sample)),
        ("AG items, two-tier (product default)", docs_per_second(product_clf, sample)),
    ]
    if STORIES.exists():
        with STORIES.open(encoding="utf-8") as fh:
            articles = [f"{d.get('title', '')}\n\n{d.get('text', '')}" for d in map(json.loads, fh)]
        words = np.mean([len(a.split()) for a in articles])
        t0 = time.perf_counter()
        strong_raw.embed(articles[:100])
        minilm_rate = 100 / (time.perf_counter() - t0)
        speed += [
            (
                f"{len(articles)} full articles (~{words:.0f} words), fast tier only",
                docs_per_second(fast_clf, articles),
            ),
            ("(for scale: MiniLM alone on full articles, 128 tokens)", minilm_rate),
            (
                f"{len(articles)} full articles, two-tier (product default)",
                docs_per_second(product_clf, articles),
            ),
        ]
    table = render(rows, speed, len(texts), args.shots)
    print()
    print(table)
    if args.write_readme:
        write_readme(table, argv if argv is not None else sys.argv[1:])
    return 0


def render(rows: list[tuple[str, str, str, str]], speed: list[tuple[str, float]], n: int, shots: int) -> str:
    out = [
        f"AG News test split, {n} items"
        f" (few-shot rows: {n - 4 * shots} items, the {4 * shots} examples left out).",
        "",
        "| method | accuracy | macro-F1 | notes |",
        "|---|---:|---:|---|",
    ]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    out += [
        "",
        "| classification speed (one process, shared 2-core machine) | docs/s | ms/doc |",
        "|---|---:|---:|",
    ]
    out += [f"| {name} | {v:,.0f} | {1000 / v:.1f} |" for name, v in speed]
    return "\n".join(out)


def write_readme(table: str, argv: list[str]) -> None:
    section = "\n".join(
        [
            START,
            "## Topics",
            "",
            f"Made by `python benchmarks/topics.py {' '.join(argv)}`".rstrip() + f" on {platform.machine()}.",
            "Zero-shot rows use no AG News label (classes mapped from IPTC top-level subjects once,",
            "in `AG_MAPPING`); published zero-shot entailment baseline about 78%.",
            "Speed rows come from one process on a 2-core machine shared with other jobs: compare",
            "rows of one run. The two-tier cost is the fast tier plus `max_escalation` (15%) of a MiniLM",
            "pass: at MiniLM's ~46 docs/s on an idle machine, about 0.6 + 3.3 ms per article.",
            "",
            "Few-shot ceiling: the reference row is a linear head trained on *all* labels (5-fold CV)",
            "over the same frozen embeddings, so >= 90% at 50 shots needs a better representation, not a",
            "better head. Tried and rejected (scratch runs, same 200 shots, no AG label beyond them):",
            "logistic regression on fast+MiniLM embeddings (85.8%, +0.6 over the user-topic centroids,",
            "needs MiniLM on every article); heads on taxonomy scores or view similarities (84-85%);",
            "SetFit-style supervised-contrastive fine-tuning of MiniLM on the 200 examples (60 steps of",
            "32, lr 2e-5: 86.8% with a head on tuned+fast, 88.4% batch-smoothed; lr 1e-4 overfits to",
            "85.1%), at 10-11 min of training plus ~2-4 min re-embedding on this shared 2-core machine,",
            "and a third transformer pass per article: over the budget for ~1 point.",
            "",
            table,
            END,
        ]
    )
    replace_block(START, END, section, README)


if __name__ == "__main__":
    raise SystemExit(main())
