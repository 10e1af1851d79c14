"""Story-engine benchmarks: events, stories, timelines, scale; each beside a plain baseline.

Run ``.venv/bin/python benchmarks/stories.py [--write-readme] [--scale-1m] [--no-scale] [--scale-from F]``.
Data is read at run time from ``../shared/data`` (see its README); nothing is copied.

* events: B-cubed P/R/F1 on Giveme5W1H ``event_id``. Ours: the online engine,
  articles fed one at a time in date order, with the library's one parameter set.
  Baseline: TF-IDF (sklearn, corpus IDF, sublinear tf) + average-link
  agglomerative clustering, its threshold tuned on this very set (it may cheat).
* stories: the 1,461 BP oil-spill articles mixed with the 383 Giveme5W1H
  articles; gold = one story for the oil spill, each Giveme5W1H *event* its own
  story (its ``topic_id`` has only two values, "legacy"/"unspecific", so it is
  no story label). Story-level B-cubed; baseline as above, tuned on these labels.
* timelines: our timeline of the oil-spill story against each outlet's gold
  timeline, with the usual protocol of timeline summarisation (Martschat &
  Markert 2018; Gholipour Ghalandari & Ifrim 2020): the number of dates L is
  the gold timeline's length and dates are restricted to the gold timeline's
  first..last date. Date F1 and concat ROUGE-1 F1 (``newsdesk.link.timeline``),
  averaged over the five outlets; the note gives date F1 without the range.
  Baseline: the L busiest publication days in the same range, each summarised
  by its first article's first sentence.
* scale: what the product runs by default, at 10k, 100k and 1M stored
  articles: the default engine (``LinkParams()``) over the default 4,096-d
  lexical rows and the default ``VectorIndex`` (rows kept sparse, one HNSW
  graph per 16,384 rows over a 512-d int8 random projection, exact
  re-scoring; a placement searches the newest two graphs, and, when no recent
  event takes the article, the few older ones that hold its rarer names:
  ``newsdesk/link/lookback.py``). Synthetic articles are
  made from the real ones (Giveme5W1H + oil spill): article i is real row
  (i mod n) with each non-zero term kept with probability 0.8, its weight
  scaled by a log-normal factor (sigma 0.3), 12 random hashed terms added,
  renormalised (as sparse as a real row, cosine ~0.75 to its source), with
  the real article's entity keys and country profile (the place anchor's
  input), one of 200 outlets and a date advancing
  500 articles a day. The store of N is built in bulk (batched index
  inserts; each article joins its nearest earlier neighbour's event above
  the event threshold), then 1,000 more articles are placed one by one by
  the real engine and timed (placement = ANN query + re-scoring + event/story
  assignment + index insert; extraction and embedding excluded). Each size
  runs in its own process, so peak RSS is that size's (taken before the
  recall check). After placing, the index's recall is checked against an
  exact scan for 200 further synthetic articles. 1M:
  ``--scale-1m``, or ``--scale-worker 1000000 > 1m.jsonl`` in the background
  and ``--scale-from 1m.jsonl`` when writing the README.
* sensitivity: the events score with one parameter of the global set moved
  either way (``SENSITIVITY``), to show it is a plateau, not a point.

Options: ``--no-scale`` (quality only), ``--scale-only`` (its own README block),
``--no-sensitivity``, ``--scale-worker N`` (one size, JSON line), ``--scale-from FILE``,
``--decision-cost N`` / ``--place-cost N`` (p50 placement of two variants of the shipped
engine, stores built alike, placements alternated in one process).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from readme import replace_block  # noqa: E402

from newsdesk.link.cluster import StoryEngine  # noqa: E402
from newsdesk.link.features import clean_text, document, headline, key_hashes  # noqa: E402
from newsdesk.link.items import LinkItem, LinkParams, Placement, default_source  # noqa: E402
from newsdesk.link.places import Profile, StoryPlaces, country_profile  # noqa: E402
from newsdesk.link.timeline import date_f1, rouge1_concat, story_timeline  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- stories:start -->", "<!-- stories:end -->"
SCALE_START, SCALE_END = "<!-- stories-scale:start -->", "<!-- stories-scale:end -->"


def bcubed(gold: Sequence[object], pred: Sequence[object]) -> tuple[float, float, float]:
    """Item-averaged B-cubed precision, recall, F1 (Bagga & Baldwin 1998)."""
    g = np.array([hash(x) for x in gold])
    p = np.array([hash(x) for x in pred])
    prec = rec = 0.0
    for i in range(len(g)):
        same_p, same_g = p == p[i], g == g[i]
        inter = float((same_p & same_g).sum())
        prec += inter / same_p.sum()
        rec += inter / same_g.sum()
    prec, rec = prec / len(g), rec / len(g)
    return prec, rec, 2 * prec * rec / (prec + rec)


def _entities(text: str) -> dict[str, dict[str, int]]:
    try:
        from newsdesk.enrich.entities import extract_entities
    except ImportError:
        return {}
    return extract_entities(text, "en")


Loaded = tuple[list[LinkItem], dict[str, str], dict[str, str], dict[str, tuple[str, str]], list[dict]]


def load_items() -> Loaded:
    items: list[LinkItem] = []
    gold_event: dict[str, str] = {}
    gold_story: dict[str, str] = {}
    texts: dict[str, tuple[str, str]] = {}
    for line in (DATA / "stories-dev-giveme5w1h.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        pub = datetime.fromisoformat(r["published"]).replace(tzinfo=UTC) if r["published"] else None
        items.append(
            LinkItem(
                r["id"],
                r["title"],
                r["text"],
                pub,
                r["domain"],
                "en",
                _entities(r["title"] + "\n" + r["text"]),
            )
        )
        gold_event[r["id"]] = gold_story[r["id"]] = f"g{r['event_id']}"
        texts[r["id"]] = (r["title"], r["text"])
    for line in (DATA / "timelines-dev-bpoil.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        text = clean_text(r["text"])
        pub = datetime.fromisoformat(r["published"]).replace(tzinfo=UTC)
        items.append(LinkItem(r["id"], "", text, pub, r["outlet"], "en", _entities(text)))
        gold_story[r["id"]] = "bpoil"
        texts[r["id"]] = ("", text)
    gold_tl = [json.loads(line) for line in (DATA / "timelines-dev-bpoil.gold.jsonl").open(encoding="utf-8")]
    return items, gold_event, gold_story, texts, gold_tl


def run_quality(work: Path, keep: bool) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Events and stories of every dev set through the product path (``story_sets``), then the
    oil-spill timelines of the product's own bpoil + Giveme5W1H store."""
    import story_sets

    results, notes = story_sets.run(work, keep)
    rows: list[tuple[str, str, str, str]] = []
    for r in results:
        dev = r.curve[r.dev_th]
        oracle_th = max(r.curve, key=lambda t: r.curve[t][0][2])
        orc = r.curve[oracle_th]
        rows.append(
            (
                f"{r.ev.level}s, {r.ev.name} ({r.n} art., {r.n_gold} gold): B-cubed / pairwise P/R/F1",
                f"{_prf(r.ours_b)}; {_prf(r.ours_p)}",
                f"dev th {r.dev_th:.2f}: {dev[0][2]:.3f} / {dev[1][2]:.3f}; "
                f"oracle th {oracle_th:.2f}: {orc[0][2]:.3f} / {orc[1][2]:.3f}",
                f"{r.n_pred} clusters",
            )
        )
    rows += timeline_rows(work / "bp+g5.db")
    return rows, notes


def timeline_rows(db: Path) -> list[tuple[str, str, str, str]]:
    """Our timeline of the oil-spill story (the product store's story holding most bpoil articles)."""
    from newsdesk.link.linker import Linker
    from newsdesk.store.sqlite import SQLiteStore

    store = SQLiteStore(db)
    linker = Linker.open(store)
    bp = [a for a in store.iter_articles() if a.external_id.split("-")[0] in OUTLETS]
    main_story, _ = Counter(linker.story_of(a.id) for a in bp).most_common(1)[0]
    assert main_story is not None
    texts = {a.id: (a.title if a.info.get("title_source") != "derived" else "", a.text) for a in bp}

    def text_of(aid: str) -> tuple[str, str]:
        if aid not in texts:
            a = store.get(aid)
            texts[aid] = (a.title, a.text)
        return texts[aid]

    gold_tl = [json.loads(line) for line in (DATA / "timelines-dev-bpoil.gold.jsonl").open(encoding="utf-8")]
    per_day: Counter[str] = Counter(a.published.date().isoformat() for a in bp if a.published)
    first_of_day: dict[str, str] = {}
    for a in sorted(bp, key=lambda x: x.published or datetime.max.replace(tzinfo=UTC)):
        if a.published:
            first_of_day.setdefault(a.published.date().isoformat(), headline("", a.text))
    source = default_source()
    dfs, rfs, bdfs, brfs, open_dfs = [], [], [], [], []
    for tl in gold_tl:
        gold_dates = [d for d, _ in tl["timeline"]]
        gold_sents = [s for _, ss in tl["timeline"] for s in ss]
        lo, hi = date.fromisoformat(min(gold_dates)), date.fromisoformat(max(gold_dates))
        devs = story_timeline(
            linker.engine, main_story, text_of, limit=len(gold_dates), source=source, start=lo, end=hi
        )
        dfs.append(date_f1([d.date for d in devs if d.date], gold_dates)[2])
        rfs.append(rouge1_concat([d.headline for d in devs], gold_sents)[2])
        unbounded = story_timeline(linker.engine, main_story, text_of, limit=len(gold_dates), source=source)
        open_dfs.append(date_f1([d.date for d in unbounded if d.date], gold_dates)[2])
        in_range = Counter({d: c for d, c in per_day.items() if lo.isoformat() <= d <= hi.isoformat()})
        busiest = [d for d, _ in in_range.most_common(len(gold_dates))]
        bdfs.append(date_f1(busiest, gold_dates)[2])
        brfs.append(rouge1_concat([first_of_day[d] for d in busiest], gold_sents)[2])
    return [
        (
            "timeline date F1 (oil spill, mean of 5 outlets)",
            f"{np.mean(dfs):.3f}",
            f"{np.mean(bdfs):.3f}",
            f"published DATEWISE ~0.54 (Timeline17 mean); ours without the range {np.mean(open_dfs):.3f}",
        ),
        ("timeline concat ROUGE-1 F1", f"{np.mean(rfs):.3f}", f"{np.mean(brfs):.3f}", ""),
    ]


OUTLETS = {"bbc", "foxnews", "guardian", "reuters", "washingtonpost"}


#: Rows per graph in the stress rows above (the product's default is ROWS_PER_GRAPH, 16,384).
SMALL_GRAPH = 128


@contextlib.contextmanager
def _small_graphs(rows: int) -> Iterator[Counter[str]]:
    """Index generations of ``rows`` rows, graphs from the first ``rows`` on (quality runs only);
    yields a count of the searches made per scope."""
    from newsdesk.link import index as index_mod

    saved = index_mod.EXACT_BELOW, index_mod.ROWS_PER_GRAPH, index_mod.VectorIndex.search
    scopes: Counter[str] = Counter()
    search = index_mod.VectorIndex.search

    def counted(self: index_mod.VectorIndex, *args: object, **kw: object) -> tuple[np.ndarray, np.ndarray]:
        scopes[str(kw.get("scope", "all"))] += 1
        return search(self, *args, **kw)  # type: ignore[arg-type]

    index_mod.EXACT_BELOW, index_mod.ROWS_PER_GRAPH = rows, rows
    index_mod.VectorIndex.search = counted  # type: ignore[method-assign]
    try:
        yield scopes
    finally:
        index_mod.EXACT_BELOW, index_mod.ROWS_PER_GRAPH, index_mod.VectorIndex.search = saved  # type: ignore[method-assign]


def _prf(x: tuple[float, float, float]) -> str:
    return f"{x[0]:.3f} / {x[1]:.3f} / **{x[2]:.3f}**"


# --------------------------------------------------------------------------- scale


#: Synthetic copies of one real article per epoch: the size of a synthetic event.
EPOCH_COPIES = 5


def _synthetic(base: _Sparse, idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Dense rows of synthetic articles ``idx``: sparse perturbations of real lexical rows.

    Article i comes from real row ``i mod n`` in epoch ``i // (EPOCH_COPIES * n)``.
    It keeps the row's non-zero terms with probability 0.8, scales each kept
    weight by a log-normal factor (sigma 0.3) and adds 12 random hashed terms
    of typical weight, then renormalises: as sparse as a real row (~130
    non-zeros), cosine ~0.75 to its source. Each epoch permutes the hashed
    dimensions its own way, so one real article gives a fresh, unrelated
    article every epoch instead of one event that grows for ever: synthetic
    events have the real ones' structure and about ``EPOCH_COPIES`` reports.
    """
    out = np.zeros((idx.size, base.dim), dtype=np.float32)
    src = idx % base.n
    for j, (i, b) in enumerate(zip(idx.tolist(), src.tolist(), strict=True)):
        perm = base.permutation(i // (EPOCH_COPIES * base.n))
        pos, val = perm[base.pos[b]], base.val[b]
        keep = rng.random(pos.size) < 0.8
        out[j, pos[keep]] = val[keep] * rng.lognormal(0.0, 0.3, int(keep.sum())).astype(np.float32)
        extra = rng.integers(0, base.dim, 12)
        out[j, extra] += rng.choice(base.typical, 12) * rng.choice(np.array([-1.0, 1.0], np.float32), 12)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out


class _Sparse:
    """The real articles' lexical rows, kept sparse (the synthetic articles' sources)."""

    def __init__(self, dense: np.ndarray):
        self.dim = dense.shape[1]
        self.pos = [np.flatnonzero(row) for row in dense]
        self.val = [row[p] for row, p in zip(dense, self.pos, strict=True)]
        self.n = len(self.pos)
        self.typical = np.abs(np.concatenate(self.val)).astype(np.float32)
        self._perms: dict[int, np.ndarray] = {}
        self.places: list[Profile] = []  # the real articles' country profiles (set by _scale_base)

    def permutation(self, epoch: int) -> np.ndarray:
        if epoch not in self._perms:
            self._perms[epoch] = np.random.default_rng(1_000 + epoch).permutation(self.dim)
        return self._perms[epoch]

    def profile(self, i: int) -> Profile:
        """Article i's country profile: its source's (a place keeps its stories across epochs)."""
        return self.places[i % len(self.places)] if self.places else ()

    def keys(self, keys: list[np.ndarray], i: int) -> np.ndarray:
        """Article i's entity keys: its source's, salted per epoch (other epochs, other names)."""
        salt = np.uint32((i // (EPOCH_COPIES * self.n)) * 0x9E3779B1 % 2**32)
        return np.sort(keys[i % len(keys)] ^ salt)


def _bulk_base(
    engine: StoryEngine, base: _Sparse, keys: list[np.ndarray], n: int, rng: np.random.Generator
) -> None:
    """Fill the store with ``n`` articles in bulk (not timed as placements).

    Vectors go into the vector index in batches (usearch, all cores); each
    article then joins the event of its nearest earlier neighbour when their
    cosine clears the event threshold, else opens its own (single linkage: a
    cheap stand-in for the online rules, good enough to give the store
    realistic event sizes). What is timed afterwards is the real one-by-one
    placement.
    """
    th = engine.params.event_threshold
    chunk = 2_000  # dense 4,096-d rows are made per chunk: keep the transient small
    for start in range(0, n, chunk):
        idx = np.arange(start, min(n, start + chunk))
        vecs = _synthetic(base, idx, rng)
        engine.index.add_many(vecs)
        rows, sims = engine.index.search_many(vecs, 4)
        if engine.art_event.shape[0] < n:
            engine.art_event = np.resize(engine.art_event, n)
        for j, i in enumerate(idx.tolist()):
            day = 14_610.0 + i / 500.0
            if engine._reads_places():
                engine.places.add_row(len(engine.table), base.profile(i))
            row = engine.table.add(f"a{i}", day, f"o{i % 200}", "en", base.keys(keys, i))
            target = -1
            for r, sim in zip(rows[j].tolist(), sims[j].tolist(), strict=True):
                if 0 <= r < row and sim >= th:
                    target = engine.event_of_row(r)
                    break
            if target < 0:
                target = engine._new_event(row, vecs[j], day)
                engine.ev_story[target] = engine._new_story()
            else:
                engine._join(target, row, vecs[j], day)
            engine.st_sums.add(engine.story_of_event(target), vecs[j])
            if engine._reads_places():
                engine.places.add_to_story(
                    engine.story_of_event(target), row, int(engine.table.lang[row]), day
                )


SCALE_BASE = ROOT / "benchmarks" / ".cache" / "stories-scale-base.npz"


def scale_prepare(path: Path = SCALE_BASE) -> None:
    """The real articles' lexical rows and entity keys, saved for the scale workers.

    Made in a process of its own, so the entity model that finds the keys
    never sits in a worker's memory (extraction and enrichment are not part
    of what the scale figures time and weigh).
    """
    items, *_ = load_items()
    real = default_source().embed([document(it.title, it.text) for it in items])
    has_words = np.linalg.norm(real, axis=1) > 0  # articles without words have no vector
    keys = [key_hashes(_keys(it)) for it, ok in zip(items, has_words, strict=True) if ok]
    # Each real article's country profile (the story level's place anchor), and what making
    # one costs: it reads the text, so it is paid per article beside the embedding, not per placement.
    kept = [it for it, ok in zip(items, has_words, strict=True) if ok]
    places = StoryPlaces()
    profile_ms = []
    for row, it in enumerate(kept):
        t = time.perf_counter()
        profile = country_profile(it.title, it.text)
        profile_ms.append((time.perf_counter() - t) * 1000)
        places.add_row(row, profile)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        rows=real[has_words].astype(np.float32),
        key_len=np.array([k.size for k in keys]),
        keys=np.concatenate(keys).astype(np.uint32),
        profile_ms=np.array(profile_ms),
        **places.to_state(len(kept)),
    )


def _scale_base() -> tuple[_Sparse, list[np.ndarray]]:
    if not SCALE_BASE.exists() or "place_codes" not in np.load(SCALE_BASE).files:
        subprocess.run([sys.executable, __file__, "--scale-prepare"], check=True)
    with np.load(SCALE_BASE) as data:
        rows, key_len, flat = data["rows"], data["key_len"], data["keys"]
        real_places = StoryPlaces()
        real_places.load_rows({k: data[k] for k in ("place_codes", "place_shares")})
    cuts = np.cumsum(key_len)[:-1]
    base = _Sparse(rows)
    base.places = real_places.rows
    return base, [np.asarray(k) for k in np.split(flat, cuts)]


def _place(
    engine: StoryEngine,
    base: _Sparse,
    keys: list[np.ndarray],
    i: int,
    vec: np.ndarray,
    day: float,
    prefix: str = "a",
) -> Placement:
    """Place synthetic article ``i`` as :meth:`StoryEngine.add` does once the text is read: its
    country profile (its source's) under the row it takes, then the placement."""
    if engine._reads_places():
        engine.places.add_row(len(engine.table), base.profile(i))
    return engine._place(f"{prefix}{i}", vec, day, f"o{i % 200}", "en", base.keys(keys, i), None, "")


#: what ``--decision-cost`` compares: the decisions as shipped (learned, the story one with its
#: centroid features) and the threshold rules
DECISIONS = {
    "learned": {"learned_event": True, "learned_story": True},
    "rule": {"learned_event": False, "learned_story": False},
}
#: what ``--place-cost`` compares: the place anchor as shipped, and none (no country profiles read)
PLACE_ANCHOR = {
    "places": {},
    "no_places": {"place_weight": 0.0, "place_penalty": 0.0, "place_bridge_days": 0.0},
}


def variant_cost(n: int, variants: dict[str, dict[str, Any]], measure: int = 1000) -> dict[str, float]:
    """p50 placement under each variant of the shipped parameters.

    Stores of ``n`` built alike from the same synthetic articles, the same ``measure``
    articles placed one by one into each, in alternating blocks (same machine state).
    """
    base, keys = _scale_base()
    source = default_source()
    engines = {}
    for name, changes in variants.items():
        eng = StoryEngine(None, replace(LinkParams(), **changes), dim=source.dim)
        _bulk_base(eng, base, keys, n, np.random.default_rng(7))
        engines[name] = eng
    vecs = _synthetic(base, np.arange(n, n + measure), np.random.default_rng(8))
    timings: dict[str, list[float]] = {name: [] for name in engines}
    looked_back = dict.fromkeys(engines, 0)
    for block in range(0, measure, BLOCK):
        for name, eng in engines.items():
            for j in range(block, min(measure, block + BLOCK)):
                i = n + j
                t = time.perf_counter()
                placed = _place(eng, base, keys, i, vecs[j], 14_610.0 + i / 500.0)
                timings[name].append(time.perf_counter() - t)
                looked_back[name] += placed.looked_back
    return {
        "n": n,
        **{f"{k}_p50_ms": float(np.median(v)) * 1000 for k, v in timings.items()},
        **{f"{k}_looked_back": v / measure for k, v in looked_back.items()},
        **{f"{k}_events": len(eng.members) for k, eng in engines.items()},
    }


#: Size of the same-process baseline store a large worker alternates with, and the block size.
BASELINE_N = 10_000
BLOCK = 100


def scale_worker(n: int, measure: int = 1000, *, baseline: bool = True) -> dict[str, float]:
    """Place ``measure`` articles one by one on a store of ``n``, with the product's default engine."""
    base, keys = _scale_base()
    source = default_source()
    rng = np.random.default_rng(7)
    engine = StoryEngine(None, LinkParams(), dim=source.dim)  # the default engine and vector index
    t_fill = time.perf_counter()
    _bulk_base(engine, base, keys, n, rng)
    fill_s = time.perf_counter() - t_fill
    idx = np.arange(n, n + measure)
    vecs = _synthetic(base, idx, rng)
    # The baseline in the same process: a 10k store whose placements alternate with this
    # store's, so both see the same machine (a shared host's speed drifts by 1.5x in minutes).
    small: StoryEngine | None = None
    rss_before_baseline = _peak_rss_mb()  # this store's peak: the baseline store's memory is not its
    if baseline and n > BASELINE_N:
        small = StoryEngine(None, LinkParams(), dim=source.dim)
        _bulk_base(small, base, keys, BASELINE_N, np.random.default_rng(7))
        small_vecs = _synthetic(base, np.arange(BASELINE_N, BASELINE_N + measure), rng)
    timings: list[float] = []
    base_timings: list[float] = []
    looked_back = 0
    for block in range(0, measure, BLOCK):
        # Blocks, not single placements: alternating every article would make each store evict
        # the other's working set from the caches, a cost neither has on its own.
        if small is not None:
            for b in range(BASELINE_N + block, BASELINE_N + min(measure, block + BLOCK)):
                sv, day = small_vecs[b - BASELINE_N], 14_610.0 + b / 500.0
                t = time.perf_counter()
                _place(small, base, keys, b, sv, day)
                base_timings.append(time.perf_counter() - t)
        for j in range(block, min(measure, block + BLOCK)):
            i = int(idx[j])
            day = 14_610.0 + i / 500.0
            t = time.perf_counter()
            placed = _place(engine, base, keys, i, vecs[j], day)
            timings.append(time.perf_counter() - t)
            looked_back += placed.looked_back
    ms = np.array(timings) * 1000
    # Articles unlike anything stored (a later epoch: fresh terms, fresh names): no recent
    # event takes them, so each one also searches every older graph; the dearest placement.
    fresh_idx = np.arange(200) + (n + measure) // (EPOCH_COPIES * base.n) * EPOCH_COPIES * base.n
    fresh_idx += 3 * EPOCH_COPIES * base.n
    fresh = _synthetic(base, fresh_idx, rng)
    fresh_ms: list[float] = []  # of those that searched the older graphs (the others joined
    for j, i in enumerate(fresh_idx.tolist()):  # an earlier one of the 200: same real event)
        day = 14_610.0 + (n + measure) / 500.0
        t = time.perf_counter()
        placed = _place(engine, base, keys, i, fresh[j], day, prefix="x")
        if placed.looked_back or engine.index.generations <= 2:
            fresh_ms.append((time.perf_counter() - t) * 1000)
    rss_mb = _peak_rss_mb() if small is None else rss_before_baseline
    recall = _recall(engine, _synthetic(base, np.arange(n + measure, n + measure + 200), rng))
    lookback = _lookback_recall(engine, base, keys, rng)
    return {
        "n": n,
        "dim": source.dim,
        "p50_ms": float(np.median(ms)),
        "p99_ms": float(np.percentile(ms, 99)),
        "mean_ms": float(ms.mean()),
        "rss_mb": rss_mb,
        "fill_s": fill_s,
        "events": len(engine.members),
        "recall": recall,
        **lookback,
        "graphs": engine.index.generations,
        "looked_back": looked_back / measure,
        "fresh_p50_ms": float(np.median(fresh_ms)) if fresh_ms else float("nan"),
        "base_p50_ms": float(np.median(base_timings)) * 1000 if base_timings else float("nan"),
        "fresh_n": len(fresh_ms),
    }


def _peak_rss_mb() -> float:
    """This process's peak resident set. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    from the parent across fork+exec, so a worker started by the quality run would inherit its peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _recall(engine: StoryEngine, vecs: np.ndarray) -> float:
    """Of the exact k nearest rows with a cosine over the event threshold (the ones that can decide
    a placement), the share the index returns; measured after the timed part, so its scans stay out
    of the peak RSS."""
    index, k, th = engine.index, engine.params.k, engine.params.event_threshold
    rows = index._rows
    if rows is None:
        return 1.0
    shares = []
    for vec in vecs:
        sims = np.concatenate(
            [rows.dot(np.arange(s, min(len(index), s + 20_000)), vec) for s in range(0, len(index), 20_000)]
        )
        top = np.argsort(-sims)[:k]
        want = set(top[sims[top] >= th].tolist())
        if want:
            shares.append(len(want & set(index.search(vec, k)[0].tolist())) / len(want))
    return float(np.mean(shares)) if shares else 1.0


def _lookback_recall(
    engine: StoryEngine, base: _Sparse, keys: list[np.ndarray], rng: np.random.Generator, count: int = 200
) -> dict[str, float]:
    """What a look-back finds of an old story, routed by names (as shipped) and over every older graph.

    ``count`` late reports of stories held only in the older graphs (fresh perturbations of
    older rows' sources, with their names): of the exact ``k`` nearest older rows over the event
    threshold, the share each search returns, the graphs each searches and its time.
    """
    spans = engine.index.graph_spans()
    if len(spans) <= 2:
        return {}
    older_end = spans[-2][0]
    engine.lookback.sync(spans[:-2], engine.table.keys)
    index, k, th = engine.index, engine.params.k, engine.params.event_threshold
    rows = index._rows
    assert rows is not None
    ids = rng.choice(older_end, size=count, replace=False)
    vecs = _synthetic(base, ids, rng)
    found: dict[str, list[float]] = {"routed": [], "every": []}
    ms: dict[str, list[float]] = {"routed": [], "every": []}
    searched = []
    for vec, i in zip(vecs, ids.tolist(), strict=True):
        sims = np.concatenate(
            [rows.dot(np.arange(s, min(older_end, s + 20_000)), vec) for s in range(0, older_end, 20_000)]
        )
        top = np.argsort(-sims)[:k]
        want = set(top[sims[top] >= th].tolist())
        t = time.perf_counter()
        graphs = engine.lookback.choose(base.keys(keys, i))
        routed = index.search(vec, k, scope="older", graphs=graphs)[0] if graphs else np.zeros(0)
        ms["routed"].append(time.perf_counter() - t)
        t = time.perf_counter()
        every = index.search(vec, k, scope="older")[0]
        ms["every"].append(time.perf_counter() - t)
        searched.append(len(graphs))
        if want:
            found["routed"].append(len(want & set(routed.tolist())) / len(want))
            found["every"].append(len(want & set(every.tolist())) / len(want))
    return {
        "lookback_recall": float(np.mean(found["routed"])) if found["routed"] else float("nan"),
        "lookback_recall_every": float(np.mean(found["every"])) if found["every"] else float("nan"),
        "lookback_graphs": float(np.mean(searched)),
        "older_graphs": len(spans) - 2,
        "lookback_p50_ms": float(np.median(ms["routed"])) * 1000,
        "lookback_every_p50_ms": float(np.median(ms["every"])) * 1000,
    }


def _keys(it: LinkItem) -> list[str]:
    from newsdesk.link.features import entity_keys

    return list(entity_keys(it.entities))


def run_scale(sizes: list[int]) -> list[dict[str, float]]:
    out = []
    if sizes:
        scale_prepare()  # fresh rows and keys for this code's features
    for n in sizes:
        proc = subprocess.run(
            [sys.executable, __file__, "--scale-worker", str(n)], capture_output=True, text=True, check=True
        )
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"scale {n}: {out[-1]}", file=sys.stderr)
    return out


def render(rows: list[tuple[str, str, str, str]], sens: list[str]) -> str:
    lines = [
        "## Stories",
        "",
        "Made by `python benchmarks/stories.py --write-readme` (see its docstring for "
        "data, metrics and baselines). Every figure goes through the product: `newsdesk ingest` of the "
        "set's JSONL, `newsdesk stories --json` read back (benchmarks/story_sets.py). Ours: one shipped "
        "parameter set; TF-IDF baseline at the leave-one-set-out (dev) and the per-set oracle threshold.",
        "",
        "| measure | newsdesk | baseline | note |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    if sens:
        lines += ["", *(f"- {n}" for n in sens)]
    return "\n".join(lines) + "\n"


def render_scale(scale: list[dict[str, float]], scale_note: str = "") -> str:
    lines: list[str] = []
    if scale:
        lines += [
            "### Scale (add + link one article with the default engine: 4,096-d lexical rows)",
            "",
            "Made by `python benchmarks/stories.py --scale-only --write-readme` (`--scale-1m`: the 1M",
            "store too).",
            "",
            "Placement = a search of the recent graphs (the index keeps one HNSW graph per 16,384 rows",
            "in arrival order, over a 512-d int8 projection; the newest two are searched in full) + exact",
            "re-scoring of the candidates from the sparse rows + event/story assignment (with each",
            "article's country profile, the place anchor) + insert into the newest graph. A report that no",
            "recent event takes also looks back: it searches the older graphs where its rarer names are (at",
            "most 4, `newsdesk/link/lookback.py`); 'looked back' is the share of placements that did. Stores",
            "of N synthetic articles (see the docstring), 1,000 more placed one by one; each size in its own",
            "process (peak RSS is that size's). ANN recall: of the exact k nearest neighbours with cosine",
            ">= the event threshold, the share the search of every graph finds (`newsdesk/link/ann.py`).",
            "Look-back recall: 200 late reports of stories held only in the older graphs; of the exact k",
            "nearest older rows over the event threshold, the share the routed look-back finds (beside it:",
            "searching every older graph, as before the routing), with the graphs it searched and its p50.",
            "'New story p50': 200 more articles unlike anything stored (fresh terms and names), the p50 of",
            "those that looked back (none should: they share no name with the older graphs).",
            "",
            "| index size | p50 ms | p99 ms | mean ms | peak RSS MB | events | graphs | looked back "
            "| new story p50 ms | ANN recall | look-back recall: routed / every graph | look-back graphs "
            "| look-back p50 ms: routed / every graph | fill time s |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|",
        ]
        for r in scale:
            graphs = f"{int(r['graphs'])}" if "graphs" in r else "1"
            back = f"{r['looked_back']:.1%}" if "looked_back" in r else "-"
            fresh = f"{r['fresh_p50_ms']:.2f}" if r.get("fresh_n") else "- (none looked back)"
            if "lookback_recall" in r:
                lb_recall = f"{r['lookback_recall']:.3f} / {r['lookback_recall_every']:.3f}"
                lb_graphs = f"{r['lookback_graphs']:.1f} of {int(r['older_graphs'])}"
                lb_ms = f"{r['lookback_p50_ms']:.2f} / {r['lookback_every_p50_ms']:.2f}"
            else:
                lb_recall = lb_graphs = lb_ms = "- (no older graph)"
            lines.append(
                f"| {int(r['n']):,} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['mean_ms']:.2f} | "
                f"{r['rss_mb']:.0f} | {int(r['events']):,} | {graphs} | {back} | {fresh} | "
                f"{r.get('recall', float('nan')):.3f} | {lb_recall} | {lb_graphs} | {lb_ms} | "
                f"{r['fill_s']:.0f} |"
            )
        lo, hi = scale[0], scale[-1]

        def ratio(r: dict[str, float]) -> float:
            # a same-process 10k baseline when the worker ran one (placements alternated)
            own = r.get("base_p50_ms", float("nan"))
            return r["p50_ms"] / (lo["p50_ms"] if own != own else own)

        ratios = ", ".join(
            f"{int(r['n']):,}: {ratio(r):.2f}x"
            + (f" (its own 10k store, alternated: {r['base_p50_ms']:.2f} ms)" if "base_p50_ms" in r else "")
            for r in scale[1:]
        )
        big = hi["n"] >= 1_000_000

        def verdict(ok: bool) -> str:
            return (
                ("met" if ok else "**not met**") if big else f"not measured at 1M (largest {int(hi['n']):,})"
            )

        lines += [
            "",
            f"p50 relative to {int(lo['n']):,}: {ratios}. Targets at 1M: cost <= 1.5x the 10k cost "
            f"({verdict(ratio(hi) <= 1.5)}); p50 <= 10 ms ({verdict(hi['p50_ms'] <= 10)}); "
            f"peak RSS <= 2,048 MB ({verdict(hi['rss_mb'] <= 2048)}).",
        ]
        if scale_note:
            lines += ["", scale_note]
    return "\n".join(lines) + "\n"


def write_readme(section: str, start: str = START, end: str = END) -> None:
    replace_block(start, end, f"{start}\n{section}{end}", README)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write-readme", action="store_true")
    ap.add_argument("--scale-1m", action="store_true", help="also run the 1M store (about 12 min)")
    ap.add_argument("--no-scale", action="store_true", help="quality only")
    ap.add_argument("--scale-only", action="store_true", help="scale only (its own README block)")
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".cache" / "story-sets")
    ap.add_argument("--keep", action="store_true", help="reuse the stores a previous run ingested (relinked)")
    ap.add_argument(
        "--scale-from",
        type=Path,
        help="scale rows measured earlier: worker JSON lines (`--scale-worker 1000000 > 1m.jsonl`)",
    )
    ap.add_argument("--scale-worker", type=int, help="measure one store size and print its JSON line")
    ap.add_argument(
        "--decision-cost", type=int, help="p50 placement, learned decisions vs threshold rules, at N"
    )
    ap.add_argument(
        "--place-cost", type=int, help="p50 placement, with the place anchor as shipped vs without, at N"
    )
    ap.add_argument("--scale-prepare", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.scale_prepare:
        scale_prepare()
        return
    if args.scale_worker:
        print(json.dumps(scale_worker(args.scale_worker)))
        return
    if args.decision_cost:
        print(json.dumps(variant_cost(args.decision_cost, DECISIONS)))
        return
    if args.place_cost:
        print(json.dumps(variant_cost(args.place_cost, PLACE_ANCHOR)))
        return
    rows, sens = ([], []) if args.scale_only else run_quality(args.work, args.keep)
    sizes = [] if args.no_scale else [10_000, 100_000] + ([1_000_000] if args.scale_1m else [])
    scale = run_scale(sizes)
    if args.scale_from:
        have = {int(r["n"]) for r in scale}
        scale += [
            r
            for r in (json.loads(line) for line in args.scale_from.read_text().splitlines() if line.strip())
            if int(r["n"]) not in have
        ]
        scale.sort(key=lambda r: r["n"])
    note = ""
    if args.scale_from:
        note = (
            f"Rows not measured by this run come from `{args.scale_from.name}` (`--scale-worker N` lines "
            "from the same code, each run on its own; the 1M store takes about 10 min to fill on 2 cores)."
        )
    if not args.scale_only:
        section = render(rows, sens)
        print(section)
        if args.write_readme:
            write_readme(section)
    if scale:
        section = render_scale(scale, note)
        print(section)
        if args.write_readme:
            write_readme(section, SCALE_START, SCALE_END)


if __name__ == "__main__":
    main()
