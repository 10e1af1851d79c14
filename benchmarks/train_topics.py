"""Train the shipped topic heads (newsdesk/enrich/data/topic_head.npz) from ../shared/data.

    nice .venv/bin/python benchmarks/train_topics.py                 # the shipped heads
    nice .venv/bin/python benchmarks/train_topics.py --leave-out huffpost \
        --out /tmp/topics/heads/no-huffpost.npz

Each labelled item goes through the product's own extraction (``read_file`` ->
``extract_article`` -> ``topic_text``), so the head sees exactly the text
``newsdesk classify`` and ingest will embed. Labels become IPTC subjects through
``topic_sets.py`` (labels that name a desk or an audience teach nothing).

Heads: multinomial logistic regression (scikit-learn, C=1, balanced class
weights so HuffPost's 3,362 politics items do not drown the 12 education ones)
over (a) the fast tier's static embeddings of every item and (b) the
multilingual-e5 embeddings of every set, a large one through a fixed sample of
``--e5-limit`` items (e5 runs at ~1 doc/s on this shared 2-core machine): the
682 MasakhaNEWS items and 500 each of AG News and HuffPost. AG's desks and
sections carry over to French (MasakhaNEWS-fra left out: e5 head from
MasakhaNEWS-eng alone 0.61, with AG and HuffPost 0.69; benchmarks/README.md). The softmax temperature is
fitted by minimising the log-loss of 3-fold out-of-fold predictions
(calibration). Embeddings are cached under ``--cache`` (default /tmp/topics).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from topic_sets import DevSet, load_all, sample, write_interchange  # noqa: E402

from newsdesk.enrich.topic_head import DEFAULT_HEAD, LinearHead, save_heads  # noqa: E402

#: the e5 head's sample of each large set, and its seed (not the benchmark's, 12)
E5_LIMIT = 500
E5_SEED = 7


def product_texts(dev: DevSet, cache: Path) -> list[str]:
    """The text the product classifies for each item (extraction as `newsdesk classify` does it)."""
    from newsdesk.extract.article import extract_article
    from newsdesk.ingest.files import read_file
    from newsdesk.model import RawDocument
    from newsdesk.pipeline import topic_text

    path = write_interchange(dev, cache / "sets" / f"{dev.name}.jsonl")
    texts = []
    for doc in read_file(path, max_bytes=1 << 30):
        if not isinstance(doc, RawDocument):
            raise SystemExit(f"{dev.name}: {doc}")
        texts.append(topic_text(extract_article(doc)))
    if len(texts) != len(dev.items):
        raise SystemExit(f"{dev.name}: {len(texts)} texts for {len(dev.items)} items")
    return texts


def static_vectors(dev: DevSet, texts: list[str], cache: Path) -> np.ndarray:
    from newsdesk.enrich.embed import load_static_embedder
    from newsdesk.settings import load_settings

    key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()[:12]
    path = cache / f"static-{dev.name}-{key}.npy"
    if path.exists():
        return np.load(path)
    x = load_static_embedder(load_settings().models_path).embed(texts)
    np.save(path, x)
    return x


def e5_vectors(texts: list[str], cache: Path) -> np.ndarray:
    from newsdesk.enrich.multilingual import MultilingualEncoder

    return MultilingualEncoder(cache_dir=cache / "e5cache").embed(texts)


def fit_head(x: np.ndarray, y: list[str], seed: int = 12) -> LinearHead:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    classes = sorted(set(y))
    yi = np.asarray([classes.index(v) for v in y])

    def model() -> LogisticRegression:
        return LogisticRegression(C=1.0, max_iter=1000, class_weight="balanced")

    # out-of-fold logits for the temperature
    logits = np.zeros((len(y), len(classes)))
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    for tr, te in folds.split(x, yi):
        clf = model().fit(x[tr], yi[tr])
        part = np.full((len(te), len(classes)), -1e9)
        part[:, clf.classes_] = clf.decision_function(x[te])
        logits[te] = part
    best_t, best_nll = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.2), np.log(5.0), 41)):
        z = logits / t
        z -= z.max(axis=1, keepdims=True)
        nll = -np.mean(z[np.arange(len(yi)), yi] - np.log(np.exp(z).sum(axis=1)))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    clf = model().fit(x, yi)
    return LinearHead(classes, clf.coef_.T.astype(np.float32), clf.intercept_.astype(np.float32), best_t)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_HEAD)
    ap.add_argument("--leave-out", action="append", default=[], help="a set to train without (repeatable)")
    ap.add_argument(
        "--e5-sets",
        default="agnews,huffpost,masakhane-eng,masakhane-fra",
        help="sets the e5 head learns from",
    )
    ap.add_argument(
        "--e5-limit",
        type=int,
        default=E5_LIMIT,
        help="items of each e5 set the e5 head learns from (a fixed sample; 0: all)",
    )
    ap.add_argument("--cache", type=Path, default=Path("/tmp/topics"))
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    sets = [d for d in load_all() if d.name not in args.leave_out]
    e5_sets = set(args.e5_sets.split(",")) - set(args.leave_out)
    xs, ys, xe, ye = [], [], [], []
    for dev in sets:
        texts = product_texts(dev, args.cache)
        keep = [k for k, item in enumerate(dev.items) if item.train]
        labels = [str(dev.items[k].train) for k in keep]
        xs.append(static_vectors(dev, texts, args.cache)[keep])
        ys += labels
        if dev.name in e5_sets:
            # e5 runs at ~1 doc/s here: a large set teaches the e5 head through a fixed sample
            chosen = {i.id for i in sample(dev, args.e5_limit, seed=E5_SEED).items}
            sub = [k for k in keep if dev.items[k].id in chosen]
            xe.append(e5_vectors([texts[k] for k in sub], args.cache))
            ye += [str(dev.items[k].train) for k in sub]
        print(f"{dev.name}: {len(keep)} training items of {len(dev.items)}", flush=True)
    heads = {"static": fit_head(np.vstack(xs), ys)}
    if xe:
        heads["e5"] = fit_head(np.vstack(xe), ye)
    save_heads(args.out, heads, [d.name for d in sets])
    for space, head in heads.items():
        print(f"{space}: {len(head.classes)} subjects, temperature {head.temperature:.2f}")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
