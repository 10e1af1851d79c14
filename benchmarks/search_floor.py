"""Semantic search's relevance floor, measured on the stories dev sets (leave one set out).

    .venv/bin/python benchmarks/search_floor.py

Each set is saved into a fresh store and embedded as ``newsdesk search --mode semantic``
does (``SemanticSearch.catch_up``); each query's similarities come from the same
``SemanticSearch`` the CLI and the API search with. Queries: every article's title
(its own article left out), and, where the set names its events (giveme5w1h), the
event names as a reader would type them. A pair is *on-event* when the article
belongs to the queried event; on giveme5w1h a pair is *off-topic* when the article is
from another of its topics (gvc has one topic: gun violence).

The floor is fitted by one rule: the 1st percentile of on-event similarities (99% of
on-event matches pass). Reported per set: the floor fitted on that set, on the other
set (leave one set out), and pooled (the shipped ``RELEVANCE_FLOOR``); the share of
on-event pairs each keeps and of off-topic pairs each drops; and, as a check no fit
saw, the best similarity of "football transfer news" to the four seed articles.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsdesk.enrich.embed import load_static_embedder  # noqa: E402
from newsdesk.model import Article, Provider  # noqa: E402
from newsdesk.settings import load_settings  # noqa: E402
from newsdesk.store.base import IdentityKeys, StoredInput  # noqa: E402
from newsdesk.store.semantic import RELEVANCE_FLOOR, SemanticSearch  # noqa: E402
from newsdesk.store.sqlite import SQLiteStore  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SETS = {"giveme5w1h": DATA / "stories-dev-giveme5w1h.jsonl", "gvc": DATA / "stories-dev-gvc.jsonl"}
SEEDS = ROOT.parent / "shared" / "seeds"
QUANTILE = 1.0  # percent of on-event similarities allowed under the floor


def save(store: SQLiteStore, row: dict[str, object], prefix: str) -> str:
    ext = f"{prefix}:{row['id']}"
    aid = hashlib.sha256(ext.encode()).hexdigest()[:16]
    text = str(row.get("text") or "")
    domain = str(row.get("domain") or "")
    article = Article(
        id=aid,
        external_id=ext,
        title=str(row.get("title") or ""),
        excerpt=str(row.get("description") or ""),
        text=text,
        provider=Provider(domain, domain),
        language="en",
    )
    digest = hashlib.sha256(text.encode()).hexdigest()
    keys = IdentityKeys(external_id=ext, text_sha256=digest)
    store.save(article, keys, StoredInput(aid, f"bench:{ext}", "jsonl", digest + aid, article))
    return aid


def measure(name: str, path: Path, searcher: SemanticSearch, tmp: Path) -> dict[str, np.ndarray]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    with SQLiteStore(tmp / f"{name}.db") as store:
        ids = [save(store, r, name) for r in rows]
        searcher.catch_up(store)
        event = {aid: str(r["event_id"]) for aid, r in zip(ids, rows, strict=True)}
        topic = {aid: str(r.get("topic_id", "")) for aid, r in zip(ids, rows, strict=True)}
        queries: list[tuple[str, set[str], str, str | None]] = []  # (query, on-event ids, topic, self)
        for aid, r in zip(ids, rows, strict=True):
            if r.get("title"):
                members = {x for x in ids if event[x] == event[aid]} - {aid}
                queries.append((str(r["title"]), members, topic[aid], aid))
        names: dict[str, set[str]] = {}
        for aid, r in zip(ids, rows, strict=True):
            if r.get("event"):
                names.setdefault(str(r["event"]).replace("_", " ").strip(), set()).add(aid)
        for q, members in names.items():
            queries.append((q, members, topic[next(iter(members))], None))
        on: list[float] = []
        off: list[float] = []
        for q, members, q_topic, own in queries:
            order, scores = searcher.similarities(store, q)
            for aid, s in zip(order, scores.tolist(), strict=True):
                if aid == own:
                    continue
                if aid in members:
                    on.append(s)
                elif q_topic and topic[aid] and topic[aid] != q_topic:
                    off.append(s)
    return {"on": np.array(on), "off": np.array(off)}


def main() -> int:
    if not all(p.exists() for p in SETS.values()):
        raise SystemExit("../shared/data not found (../shared beside the repository)")
    settings = load_settings({}, env=dict(os.environ))
    searcher_of = lambda: SemanticSearch(load_static_embedder(settings.models_path))  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="newsdesk-floor-") as tmp:
        got = {name: measure(name, path, searcher_of(), Path(tmp)) for name, path in SETS.items()}
        seeds_top = None
        if SEEDS.is_dir():
            with SQLiteStore(Path(tmp) / "seeds.db") as store:
                for i, p in enumerate(sorted(SEEDS.glob("00[1-4]_*.txt"))):
                    text = p.read_text(encoding="utf-8")
                    save(store, {"id": i, "title": text.split("\n", 1)[0], "text": text}, "seed")
                s = searcher_of()
                s.catch_up(store)
                seeds_top = float(s.similarities(store, "football transfer news")[1].max())
    fitted = {name: float(np.percentile(d["on"], QUANTILE)) for name, d in got.items()}
    pooled = float(np.percentile(np.concatenate([d["on"] for d in got.values()]), QUANTILE))
    print(f"pooled fit {pooled:.3f}; shipped RELEVANCE_FLOOR {RELEVANCE_FLOOR}")
    print("| set | pairs on-event / off-topic | floor fitted on it | fitted without it | "
          "on-event kept (without it / shipped) | off-topic dropped (without it / shipped) |")
    print("|---|---|---|---|---|---|")
    for name, d in got.items():
        other = [n for n in got if n != name]
        loso = float(np.percentile(np.concatenate([got[n]["on"] for n in other]), QUANTILE))
        kept = [float((d["on"] >= f).mean()) for f in (loso, RELEVANCE_FLOOR)]
        dropped = [
            float((d["off"] < f).mean()) if d["off"].size else float("nan") for f in (loso, RELEVANCE_FLOOR)
        ]
        print(f"| {name} | {d['on'].size:,} / {d['off'].size:,} | {fitted[name]:.3f} | {loso:.3f} | "
              f"{kept[0]:.3f} / {kept[1]:.3f} | {dropped[0]:.3f} / {dropped[1]:.3f} |")
    if seeds_top is not None:
        print(f"'football transfer news' best similarity to the seeds: {seeds_top:.3f} "
              f"({'under' if seeds_top < RELEVANCE_FLOOR else 'OVER'} the floor)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
