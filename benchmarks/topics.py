"""Topic benchmark, leave-one-set-out, through `newsdesk classify` (the product path).

    nice .venv/bin/python benchmarks/topics.py [--limit 2000] [--write-readme]

For each labelled set (``topic_sets.py``: AG News, HuffPost, MasakhaNEWS
English and French, labels mapped once to IPTC subjects) the set is written as
the JSON Lines ``newsdesk classify`` reads, and classified three times by the
CLI, choosing the heads with ``NEWSDESK_TOPIC_HEAD``:

* ``left out``  heads trained WITHOUT this set (``train_topics.py --leave-out``)
* ``all sets``  the shipped heads (trained on every set, this one included)
* ``zero-shot`` ``NEWSDESK_TOPIC_HEAD=none``: the old label-description path (baseline)

An item's answer is its best top-level subject; it is right when the subject is
among those its label accepts (``topic_sets.py``; a desk such as AG "World"
accepts any hard-news subject). No top-level subject is an abstention, and
counts as wrong. Macro-F1 is over the items whose label teaches one subject,
per subject. ``--limit`` samples the two large English sets (fixed seed);
heads are trained by this script when missing (under ``--cache``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from readme import replace_block  # noqa: E402
from topic_sets import AGNEWS, HARD_NEWS, HUFFPOST, MASAKHANE, DevSet, load_all, sample, write_interchange  # noqa: E402

README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- topics:start -->", "<!-- topics:end -->"
SEED_004 = sorted((ROOT.parent / "shared" / "seeds").glob("004_*.txt"))


def classify(path: Path, head: str, cache: Path) -> tuple[dict[str, list[dict]], float]:
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        NEWSDESK_TOPIC_HEAD=head,
        NEWSDESK_EMBED_CACHE=str(cache / "e5cache"),
    )
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "classify", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"classify {path} failed: {proc.stderr[-2000:]}")
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return {r["id"]: r["topics"] for r in rows}, took


def best_top(topics: list[dict]) -> str | None:
    tops = [t for t in topics if str(t.get("id", "")).endswith("000000")]
    return max(tops, key=lambda t: t["score"])["name"] if tops else None


def score(dev: DevSet, answers: dict[str, list[dict]]) -> dict[str, float]:
    from sklearn.metrics import f1_score

    items = dev.scored()
    preds = [best_top(answers.get(i.id, [])) for i in items]
    right = [p is not None and p in i.accept for p, i in zip(preds, items, strict=True)]
    taught = [(i.train, p) for i, p in zip(items, preds, strict=True) if i.train]
    truth = [str(t) for t, _ in taught]
    guess = [p or "(none)" for _, p in taught]
    macro = f1_score(truth, guess, labels=sorted(set(truth)), average="macro", zero_division=0)
    return {
        "n": len(items),
        "accuracy": float(np.mean(right)),
        "macro_f1": float(macro),
        "abstain": float(np.mean([p is None for p in preds])),
    }


def head_for(name: str | None, cache: Path) -> str:
    if name is None:
        return str(ROOT / "newsdesk" / "enrich" / "data" / "topic_head.npz")
    path = cache / "heads" / f"no-{name}.npz"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "train_topics.py"),
                "--leave-out",
                name,
                "--out",
                str(path),
                "--cache",
                str(cache),
            ],
            check=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
    return str(path)


def seed_004(cache: Path) -> str:
    path = cache / "sets" / "seed-004.jsonl"
    text = SEED_004[0].read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    path.write_text(json.dumps({"id": "seed-004", "title": title.strip(), "text": body}) + "\n")
    answers, _ = classify(path, head_for(None, cache), cache)
    return ", ".join(f"{t['name']} {t['score']:.2f}" for t in answers.get("seed-004", []))


def label_map_lines() -> list[str]:
    """The label -> IPTC table of ``topic_sets.py``, for the README (its reasoning is in that module)."""
    lines = [
        "Label map (`benchmarks/topic_sets.py`, where the reasoning is): what each label teaches the",
        "heads, and which answers are scored right. `-`: teaches nothing (a domestic desk or an audience",
        "section); no accepted subject: not scored; subjects are separated by `;`. `hard news`: "
        + "; ".join(HARD_NEWS)
        + ".",
        "",
        "| set | label | teaches | scored right when the best subject is |",
        "|---|---|---|---|",
    ]
    for name, mapping in (("AG News", AGNEWS), ("HuffPost", HUFFPOST), ("MasakhaNEWS", MASAKHANE)):
        for label, (train, accept) in mapping.items():
            shown = "hard news" if accept == HARD_NEWS else "; ".join(accept) or "(not scored)"
            lines.append(f"| {name} | {label} | {train or '-'} | {shown} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=2000, help="items sampled from each large set")
    ap.add_argument("--sets", default="agnews,huffpost,masakhane-eng,masakhane-fra")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/topics"))
    ap.add_argument("--write-readme", action="store_true")
    args = ap.parse_args(argv)
    wanted = args.sets.split(",")
    lines = [
        "| set | items scored | heads | top-level accuracy | macro-F1 | abstention | docs/s (CLI run) |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for dev in load_all():
        if dev.name not in wanted:
            continue
        dev = sample(dev, args.limit)
        path = write_interchange(dev, args.cache / "sets" / f"bench-{dev.name}-{len(dev.items)}.jsonl")
        runs = [("left out", head_for(dev.name, args.cache)), ("all sets", head_for(None, args.cache))]
        if not args.no_baseline:
            runs.append(("zero-shot (old path)", "none"))
        for label, head in runs:
            answers, took = classify(path, head, args.cache)
            s = score(dev, answers)
            row = (
                f"| {dev.name} ({dev.language}) | {s['n']} | {label} | {s['accuracy']:.3f} | "
                f"{s['macro_f1']:.3f} | {s['abstain']:.1%} | {len(dev.items) / took:.1f} |"
            )
            print(row, flush=True)
            lines.append(row)
    seed = seed_004(args.cache)
    lines += ["", f"Seed 004 (China and the Taliban, 2021), shipped heads: {seed}"]
    print(lines[-1])
    if args.write_readme:
        limit = f"at most {args.limit} items per set (fixed-seed sample)" if args.limit else "every item"
        head = [
            START,
            "## Topics (issue 12): learned heads, leave-one-set-out, through `newsdesk classify`",
            "",
            f"Made by `python benchmarks/topics.py --limit {args.limit} --write-readme`, {limit}, on a",
            "2-core machine shared with other jobs (docs/s: whole CLI run, model loading included;",
            "compare rows of one run). Rows per set: heads trained without it (`left out`), the shipped",
            "heads (`all sets`, which saw it), and the old zero-shot path (`NEWSDESK_TOPIC_HEAD=none`).",
            "",
        ]
        replace_block(START, END, "\n".join([*head, *lines, "", *label_map_lines(), END]), README)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
