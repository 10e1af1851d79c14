"""Story linking through the product path, on every labelled dev set, beside a TF-IDF baseline.

Run ``.venv/bin/python benchmarks/story_sets.py [--work DIR] [--keep] [--write-readme]``
(``benchmarks/stories.py`` runs it as its quality part).

Each set is fed as it ships in ``../shared/data`` to ``newsdesk ingest FILE --db X``
(the CLI, a subprocess, the user's own path: extraction, identity merging,
enrichment, linking) and read back with ``newsdesk stories --json``. Nothing is
cleaned or built by hand. A set that mixes two files is one store that ingested
both (the second ingest links everything in date order, as a backfill would);
the multilingual crisis set is split by its ``language`` field into one JSONL a
language (its lines copied verbatim); the mixed store is the Spanish one with
the French and Italian files ingested into it (cross-lingual).

Every input line is scored, also one that identity merging folded into another
article: it gets the events/stories of the article it was merged into (the
``inputs`` the store keeps for each article say which lines those are).

Metrics per set and level: B-cubed P/R/F1 (item-averaged, Bagga & Baldwin 1998)
and pairwise P/R/F1 (over all pairs of items: the streaming news-clustering
literature's metric, Miranda et al. 2018).

Baseline: TF-IDF (sklearn, corpus IDF, sublinear tf, words in >50 % of the
documents dropped, no language's stop list) over title + text as given, and
average-link agglomerative clustering cut at a cosine-distance threshold:
*dev* = the threshold with the best mean B-cubed F1 over the other sets of the
same level that share no document with this one (leave-one-set-out), *oracle*
= the best threshold for this very set (an upper bound for the baseline).
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
G5 = DATA / "stories-dev-giveme5w1h.jsonl"
GVC = DATA / "stories-dev-gvc.jsonl"
BP = DATA / "timelines-dev-bpoil.jsonl"
CRISIS = DATA / "stories-dev-crisis-multilingual.jsonl.xz"
LANGS = ("es", "fr", "it")
START, END = "<!-- story-sets:start -->", "<!-- story-sets:end -->"

PRF = tuple[float, float, float]


def bcubed(gold: Sequence[object], pred: Sequence[object]) -> PRF:
    """Item-averaged B-cubed precision, recall, F1, from the contingency table."""
    pairs = Counter(zip(gold, pred, strict=True))
    g_size, p_size = Counter(gold), Counter(pred)
    n = len(gold)
    prec = sum(c * c / p_size[p] for (_, p), c in pairs.items()) / n
    rec = sum(c * c / g_size[g] for (g, _), c in pairs.items()) / n
    return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def pairwise(gold: Sequence[object], pred: Sequence[object]) -> PRF:
    """Precision, recall and F1 over all item pairs put in one cluster."""

    def c2(x: int) -> int:
        return x * (x - 1) // 2

    tp = sum(c2(c) for c in Counter(zip(gold, pred, strict=True)).values())
    pp = sum(c2(c) for c in Counter(pred).values())
    gp = sum(c2(c) for c in Counter(gold).values())
    prec = tp / pp if pp else 1.0
    rec = tp / gp if gp else 1.0
    return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def pair_losses(
    gold: Sequence[object], pred: Sequence[object], top: int = 5
) -> tuple[list[tuple[int, object, list[int]]], list[tuple[int, object, list[tuple[object, int]]]]]:
    """Where pairwise F1 loses its pairs: the gold groups that were split most (missed pairs,
    label, the sizes of its pieces) and the predicted clusters that mix most (wrong pairs,
    cluster, its gold labels with counts), ``top`` of each, worst first. Pairwise counts a
    split of a group of n into halves as ~n^2/4 lost pairs, so a few big groups can dominate
    it while B-cubed barely moves: this says which."""

    def c2(x: int) -> int:
        return x * (x - 1) // 2

    by_gold: dict[object, Counter[object]] = {}
    by_pred: dict[object, Counter[object]] = {}
    for g, p in zip(gold, pred, strict=True):
        by_gold.setdefault(g, Counter())[p] += 1
        by_pred.setdefault(p, Counter())[g] += 1
    splits = [
        (c2(sum(c.values())) - sum(c2(n) for n in c.values()), g, sorted(c.values(), reverse=True))
        for g, c in by_gold.items()
    ]
    merges = [
        (c2(sum(c.values())) - sum(c2(n) for n in c.values()), p, c.most_common()) for p, c in by_pred.items()
    ]
    worst_splits = sorted((x for x in splits if x[0] > 0), key=lambda x: -x[0])[:top]
    worst_merges = sorted((x for x in merges if x[0] > 0), key=lambda x: -x[0])[:top]
    return worst_splits, worst_merges


# --------------------------------------------------------------------------- the sets


@dataclass
class Store:
    """One product store: the files ingested into it, in order."""

    name: str
    files: list[Path]
    base: str = ""  # a store whose database this one starts from (then ingests ``files``)


@dataclass
class Eval:
    """One scored view: a store, a level, and the gold label of each input line."""

    name: str
    store: str
    level: str  # "event" or "story"
    data: frozenset[str]  # which documents it holds (for leave-one-set-out)
    gold: Callable[[dict], str | None]  # None: the line is not scored here
    files: list[Path] = field(default_factory=list)


def _crisis_split(work: Path) -> dict[str, Path]:
    """One JSONL a language, the crisis file's lines copied verbatim."""
    out = {lang: work / f"crisis-{lang}.jsonl" for lang in LANGS}
    if all(p.exists() for p in out.values()):
        return out
    handles = {lang: p.open("w", encoding="utf-8") for lang, p in out.items()}
    with lzma.open(CRISIS, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                handles[json.loads(line)["language"]].write(line if line.endswith("\n") else line + "\n")
    for h in handles.values():
        h.close()
    return out


def plan(work: Path) -> tuple[list[Store], list[Eval]]:
    split = _crisis_split(work)
    stores = [
        Store("g5", [G5]),
        Store("gvc", [GVC]),
        Store("bp+g5", [BP], base="g5"),
        *(Store(f"crisis-{lang}", [split[lang]]) for lang in LANGS),
        # The three languages in one store: the Spanish one, then French and Italian ingested into it.
        Store("crisis-mixed", [split["fr"], split["it"]], base="crisis-es"),
    ]

    def event(r: dict) -> str:
        return str(r["event_id"])

    def bp_or_event(r: dict) -> str:
        return "bpoil" if "outlet" in r else f"g5-{r['event_id']}"

    def story(r: dict) -> str:
        return str(r["story_id"])

    evals = [
        Eval("Giveme5W1H", "g5", "event", frozenset({"g5"}), event, [G5]),
        Eval("GVC", "gvc", "event", frozenset({"gvc"}), event, [GVC]),
        Eval("bpoil + Giveme5W1H", "bp+g5", "story", frozenset({"g5", "bp"}), bp_or_event, [G5, BP]),
        *(
            Eval(f"crisis {lang}", f"crisis-{lang}", "story", frozenset({lang}), story, [split[lang]])
            for lang in LANGS
        ),
        Eval("crisis es+fr+it", "crisis-mixed", "story", frozenset(LANGS), story, [split[x] for x in LANGS]),
    ]
    return stores, evals


# --------------------------------------------------------------------------- the product


def cli(*args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", *args], capture_output=True, text=True, env=env
    )
    if proc.returncode not in (0, 1):  # 1: some inputs failed (reported, counted below)
        raise RuntimeError(f"newsdesk {' '.join(args)} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc.stdout + proc.stderr


def build(store: Store, work: Path, keep: bool, *, relink: bool = True) -> tuple[Path, float, str]:
    """The store's database, ingested through the CLI (reused under ``--keep``)."""
    db = work / f"{store.name}.db"
    done = work / f"{store.name}.done"
    if keep and done.exists() and not relink:
        took, last = done.read_text().split(" ", 1)
        return db, float(took), last.strip()
    if keep and done.exists():
        # Reuse what was ingested; link it afresh with the product's backfill command.
        for state in (db.with_name(db.name + ".stories.npz"), db.with_name(db.name + ".vectors.usearch")):
            state.unlink(missing_ok=True)
        t0 = time.perf_counter()
        cli("recluster", "--db", str(db))
        took, last = done.read_text().split(" ", 1)
        return db, float(took), f"{last.strip()} (relinked in {time.perf_counter() - t0:.0f} s)"
    for p in work.glob(f"{store.name}.db*"):
        p.unlink()
    if store.base:
        shutil.copyfile(work / f"{store.base}.db", db)  # the database only: the story state is re-made
    t0 = time.perf_counter()
    log = ""
    for f in store.files:
        log += cli("ingest", str(f), "--db", str(db), "-q")
    took = time.perf_counter() - t0
    done.write_text(f"{took:.1f} {log.strip().splitlines()[-1] if log.strip() else ''}")
    return db, took, log


def placed(db: Path) -> dict[str, tuple[int | None, int | None]]:
    """``stories --json`` read back: shown id -> (event, story)."""
    rows = [
        json.loads(x) for x in cli("stories", "--json", "--db", str(db)).splitlines() if x.startswith("{")
    ]
    return {str(r["id"]): (r["event_id"], r["story_id"]) for r in rows}


def input_lines(db: Path) -> dict[tuple[str, int], str]:
    """(file, line) of every stored input -> the id ``stories --json`` shows for its article."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        shown = {
            aid: (json.loads(data).get("external_id") or aid)
            for aid, data in con.execute("SELECT id, data FROM articles")
        }
        out: dict[tuple[str, int], str] = {}
        for aid, source in con.execute("SELECT article_id, source FROM inputs"):
            path, _, line = str(source).rpartition(":")
            if line.isdigit():
                out[(Path(path).name, int(line))] = shown[aid]
    finally:
        con.close()
    return out


def records(path: Path) -> list[dict]:
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        return [json.loads(x) for x in fh if x.strip()]


# --------------------------------------------------------------------------- baseline


def tfidf_tree(docs: list[str]) -> np.ndarray:
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(sublinear_tf=True, max_df=0.5).fit_transform(docs)
    dist = np.clip(1.0 - (x @ x.T).toarray(), 0.0, 1.0)
    np.fill_diagonal(dist, 0.0)
    return linkage(squareform(dist, checks=False), method="average")


THRESHOLDS = [round(float(t), 2) for t in np.arange(0.30, 1.0, 0.02)]


def baseline_curve(docs: list[str], gold: list[str]) -> dict[float, tuple[PRF, PRF]]:
    from scipy.cluster.hierarchy import fcluster

    tree = tfidf_tree(docs)
    out = {}
    for th in THRESHOLDS:
        pred = fcluster(tree, t=th, criterion="distance").tolist()
        out[th] = (bcubed(gold, pred), pairwise(gold, pred))
    return out


# --------------------------------------------------------------------------- run


@dataclass
class Result:
    ev: Eval
    n: int
    n_gold: int
    ours_b: PRF
    ours_p: PRF
    n_pred: int
    merged_inputs: int
    curve: dict[float, tuple[PRF, PRF]]
    dev_th: float = 0.0
    gold: list[str] = field(default_factory=list)
    pred: list[object] = field(default_factory=list)


def score(ev: Eval, db: Path, shown: dict[str, tuple[int | None, int | None]]) -> Result:
    where = input_lines(db)
    gold: list[str] = []
    pred: list[object] = []
    docs: list[str] = []
    per_article: Counter[str] = Counter()
    for path in ev.files:
        name = path.name
        for number, r in enumerate(records(path), start=1):
            label = ev.gold(r)
            if label is None:
                continue
            article = where.get((name, number))
            place = shown.get(article) if article is not None else None
            at = (place[0] if ev.level == "event" else place[1]) if place is not None else None
            gold.append(label)
            # Not stored, or stored but unplaced: a cluster of its own.
            pred.append(at if at is not None else f"unplaced-{name}-{number}")
            docs.append(f"{r.get('title') or ''}\n{r.get('text') or ''}")
            if article is not None:
                per_article[article] += 1
    merged = sum(c - 1 for c in per_article.values())
    return Result(
        ev,
        len(gold),
        len(set(gold)),
        bcubed(gold, pred),
        pairwise(gold, pred),
        len(set(pred)),
        merged,
        baseline_curve(docs, gold),
        gold=gold,
        pred=pred,
    )


def choose_dev_thresholds(results: list[Result]) -> None:
    for res in results:
        others = [o for o in results if o.ev.level == res.ev.level and not (o.ev.data & res.ev.data)]
        if not others:
            res.dev_th = max(res.curve, key=lambda t: res.curve[t][0][2])
            continue
        res.dev_th = max(THRESHOLDS, key=lambda t: float(np.mean([o.curve[t][0][2] for o in others])))


def _f(x: PRF) -> str:
    return f"{x[0]:.3f} / {x[1]:.3f} / **{x[2]:.3f}**"


def table(results: list[Result]) -> list[str]:
    lines = [
        "| set (level) | items / gold clusters | newsdesk B-cubed P / R / F1 | newsdesk pairwise P / R / F1 "
        "| clusters | TF-IDF dev th: B-cubed F1 / pairwise F1 | TF-IDF oracle th: B-cubed F1 / pairwise F1 |",
        "|---|---:|---|---|---:|---|---|",
    ]
    for r in results:
        dev = r.curve[r.dev_th]
        oracle_th = max(r.curve, key=lambda t: r.curve[t][0][2])
        orc = r.curve[oracle_th]
        groups = "stories" if r.ev.level == "story" else "events"
        lines.append(
            f"| {r.ev.name} ({groups}) | {r.n} / {r.n_gold} | {_f(r.ours_b)} | {_f(r.ours_p)} "
            f"| {r.n_pred} "
            f"| {dev[0][2]:.3f} / {dev[1][2]:.3f} (th {r.dev_th:.2f}) "
            f"| {orc[0][2]:.3f} / {orc[1][2]:.3f} (th {oracle_th:.2f}) |"
        )
    return lines


def run(work: Path, keep: bool, only: set[str] | None = None) -> tuple[list[Result], list[str]]:
    work.mkdir(parents=True, exist_ok=True)
    stores, evals = plan(work)
    if only:
        evals = [e for e in evals if e.store in only]
        needed = {e.store for e in evals}
        needed |= {s.base for s in stores if s.name in needed and s.base}
        stores = [s for s in stores if s.name in needed]
    notes: list[str] = []
    dbs: dict[str, Path] = {}
    for s in stores:
        db, took, log = build(s, work, keep)
        dbs[s.name] = db
        last = log.strip().splitlines()[-1] if log.strip() else ""
        notes.append(f"{s.name}: {last} ({took:.0f} s)")
        print(f"built {s.name} in {took:.0f} s: {last}", file=sys.stderr)
    results = []
    for ev in evals:
        res = score(ev, dbs[ev.store], placed(dbs[ev.store]))
        print(f"{ev.name} {ev.level}: B3 {_f(res.ours_b)} pair {_f(res.ours_p)}", file=sys.stderr)
        results.append(res)
    choose_dev_thresholds(results)
    for r in results:
        if r.merged_inputs:
            notes.append(f"{r.ev.name}: {r.merged_inputs} input lines merged into another line's article")
    return results, notes


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".cache" / "story-sets")
    ap.add_argument("--keep", action="store_true", help="reuse stores a previous run built")
    ap.add_argument("--only", nargs="*", help="store names (g5 gvc bp+g5 crisis-es ... crisis-mixed)")
    ap.add_argument("--write-readme", action="store_true")
    ap.add_argument(
        "--losses",
        type=int,
        default=0,
        metavar="N",
        help="print the N gold groups split most and "
        "the N clusters mixed most per set (where the pairwise pairs are lost)",
    )
    args = ap.parse_args(argv)
    results, notes = run(args.work, args.keep, set(args.only) if args.only else None)
    lines = table(results)
    print("\n".join(lines))
    print("\n".join(f"- {n}" for n in notes))
    for r in results if args.losses else []:
        splits, merges = pair_losses(r.gold, r.pred, args.losses)
        print(f"{r.ev.name}: pairs lost by splits (missed, gold, piece sizes): {splits}")
        print(f"{r.ev.name}: pairs lost by merges (wrong, cluster, gold counts): {merges}")
    if args.write_readme:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from readme import replace_block

        block = "\n".join([START, "", *lines, "", *(f"- {n}" for n in notes), "", END])
        replace_block(START, END, block)


if __name__ == "__main__":
    main()
