"""Train the learned story and event decisions (newsdesk/link/data/*_model.json) from ../shared/data.

Run ``.venv/bin/python benchmarks/train_story_model.py [--level story|event] [--work DIR] [--keep]
[--write] [--write-readme]``.

``--level event`` trains the event decision (newsdesk.link.event_model) the same way on
the event-level sets, Giveme5W1H (distinct events) and GVC (241 shootings: same-kind
incidents): at every event decision each candidate event's features are recorded with
its label (whether most of its members have the article's gold event), teacher-forced
and on-policy under the threshold rule; the leave-one-set-out model of a set is fitted
on the other set alone.

The training sets are the product's own stores of the story dev sets
(``benchmarks/story_sets.py`` builds them with ``newsdesk ingest``): bpoil +
Giveme5W1H, GVC (each shooting its own story: similar events that are not one
thread), and the Spanish, French and Italian crisis sets. Each store's articles
are replayed in date order through the engine (events as shipped); at every
story decision the features of each candidate story (newsdesk.link.story_model)
are recorded with its label: whether most of the candidate's neighbouring
articles have the article's gold story. Each set is replayed twice: teacher-forced
(the article joins its gold story's candidate when there is one, else opens a
new story: the states a right decision leads to) and on-policy under the
threshold rule (the merged stories a wrong join leads to, which a model trained
only on forced states never sees and then snowballs into).

A logistic regression (sklearn, standardised features) fits the union. The
leave-one-set-out check refits without each set and relinks that set with the
refitted model: those figures are the honest ones for a set, next to the
shipped model's (fitted on all) and the old threshold rule's.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import story_sets as sets  # noqa: E402

from newsdesk.link import event_model  # noqa: E402
from newsdesk.link.cluster import StoryEngine  # noqa: E402
from newsdesk.link.features import as_utc, document, embed_in  # noqa: E402
from newsdesk.link.items import EPOCH, LinkItem, LinkParams, default_source  # noqa: E402
from newsdesk.link.story_model import FEATURES, MODEL_PATH, StoryHit, StoryModel  # noqa: E402
from newsdesk.store.sqlite import SQLiteStore  # noqa: E402

#: training unit -> (store, evaluation name in story_sets, documents it holds)
UNITS = {
    "bpoil+g5": ("bp+g5", "bpoil + Giveme5W1H"),
    "gvc": ("gvc", "GVC"),
    "crisis-es": ("crisis-es", "crisis es"),
    "crisis-fr": ("crisis-fr", "crisis fr"),
    "crisis-it": ("crisis-it", "crisis it"),
}
EVENT_UNITS = {"g5": ("g5", "Giveme5W1H"), "gvc": ("gvc", "GVC")}
START, END = "<!-- story-model:start -->", "<!-- story-model:end -->"
EVENT_START, EVENT_END = "<!-- event-model:start -->", "<!-- event-model:end -->"


def load_unit(
    work: Path, store: str, eval_name: str
) -> tuple[list[LinkItem], dict[str, str], dict[str, str]]:
    """The store's articles as the linker sees them (vectors cached), gold stories, shown ids."""
    cache = work / f"{store}.items.pkl"
    _, evals = sets.plan(work)
    ev = next(e for e in evals if e.name == eval_name)
    db = work / f"{store}.db"
    if cache.exists() and cache.stat().st_mtime > db.stat().st_mtime:
        items, shown = pickle.loads(cache.read_bytes())
    else:
        source = default_source()
        items, shown = [], {}
        for a in SQLiteStore(db).iter_articles():
            item = LinkItem.from_article(a)
            item.vector = embed_in(source, [document(item.title, item.text)], [item.language])[0]
            items.append(item)
            shown[a.id] = a.external_id or a.id
        cache.write_bytes(pickle.dumps((items, shown)))
    # gold story of each article: the label of its (first) input line; story level for GVC = event
    where = sets.input_lines(db)
    gold: dict[str, str] = {}
    by_shown = {v: k for k, v in shown.items()}
    for path in ev.files:
        for number, r in enumerate(sets.records(path), start=1):
            label = ev.gold(r) if ev.level == "story" else str(r["event_id"])
            art = by_shown.get(where.get((path.name, number), ""))
            if art is not None and label is not None:
                gold.setdefault(art, label)
    return items, gold, shown


def ordered(items: list[LinkItem]) -> list[LinkItem]:
    return sorted(
        items, key=lambda it: (as_utc(it.published) is None, as_utc(it.published) or EPOCH, it.article_id)
    )


def gold_choice(
    aid: str,
    feats: dict[int, list[float]],
    member_ids: Callable[[int], Iterable[str]],
    gold: dict[str, str],
    xs: list[list[float]],
    ys: list[int],
    sim: int = 1,
) -> int:
    """Record each candidate's features and label (most of its members share the article's gold
    group) and return the gold decision: the right candidate of highest feature ``sim`` (the
    best cosine), -1 for a new one."""
    mine = gold.get(aid, aid)
    best, best_sim = -1, -1.0
    for c, x in feats.items():
        votes = Counter(gold.get(i, "?") for i in member_ids(c))
        label = int(votes[mine] * 2 > sum(votes.values()))
        xs.append(x)
        ys.append(label)
        if label and x[sim] > best_sim:
            best, best_sim = c, x[sim]
    return best


def replay(
    items: list[LinkItem],
    gold: dict[str, str] | None,
    model: StoryModel | None,
    learned: bool = True,
    force: bool = True,
) -> tuple[StoryEngine, np.ndarray, np.ndarray]:
    """Place the items in date order; with ``gold``, teacher-forced and recording (X, y)."""
    engine = StoryEngine(default_source(), replace(LinkParams(), learned_story=learned))
    engine.story_model = model
    xs: list[list[float]] = []
    ys: list[int] = []
    if gold is not None:

        def hook(aid: str, feats: dict[int, list[float]], cands: dict[int, list[StoryHit]]) -> int | None:
            ids = engine.table.ids
            best = gold_choice(
                aid, feats, lambda s: (ids[h[4]] for h in cands[s]), gold, xs, ys, FEATURES.index("max_sim")
            )
            # Teacher-forced: the gold decision. On-policy (``force`` off): the engine's own, so
            # the model also sees the merged stories a wrong join leads to.
            return best if force else None

        engine.story_hook = hook
    for it in ordered(items):
        engine.add(it)
    return engine, np.array(xs, dtype=np.float64), np.array(ys, dtype=np.int64)


def replay_events(
    items: list[LinkItem],
    gold: dict[str, str] | None,
    model: StoryModel | None,
    learned: bool = True,
    force: bool = True,
) -> tuple[StoryEngine, np.ndarray, np.ndarray]:
    """As :func:`replay`, at the event decision: with ``gold``, record each candidate event's
    features and label (most of its members have the article's gold event)."""
    engine = StoryEngine(default_source(), replace(LinkParams(), learned_event=learned))
    engine.event_model = model
    xs: list[list[float]] = []
    ys: list[int] = []
    if gold is not None:

        def hook(aid: str, feats: dict[int, list[float]]) -> int | None:
            ids = engine.table.ids
            best = gold_choice(
                aid, feats, lambda e: (ids[r] for r in engine.members[engine._find_event(e)]), gold, xs, ys
            )
            return best if force else None

        engine.event_hook = hook
    for it in ordered(items):
        engine.add(it)
    return engine, np.array(xs, dtype=np.float64), np.array(ys, dtype=np.int64)


def dev_set(unit: str) -> str:
    """The dev set a training unit comes from (the crisis languages share one)."""
    return "crisis" if unit.startswith("crisis-") else unit


def fit(recorded: dict[str, tuple[np.ndarray, np.ndarray]], names: list[str]) -> StoryModel:
    """Logistic regression on the named units, each dev set weighing the same in all (GVC alone
    makes ten times the decisions of a crisis language; it must not set the prior)."""
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([recorded[u][0] for u in names])
    y = np.concatenate([recorded[u][1] for u in names])
    # The three crisis languages are one dev set: together they weigh as much as each other set.
    share = Counter(dev_set(u) for u in names)
    w = np.concatenate(
        [np.full(len(recorded[u][1]), 1.0 / max(1, len(recorded[u][1])) / share[dev_set(u)]) for u in names]
    )
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y, sample_weight=w * len(y))
    return StoryModel(
        tuple(float(v) for v in clf.coef_[0]),
        float(clf.intercept_[0]),
        tuple(float(m) for m in mean),
        tuple(float(s) for s in scale),
        tuple(names),
    )


def story_scores(
    engine: StoryEngine, items: list[LinkItem], gold: dict[str, str], level: str = "story"
) -> tuple[tuple, tuple]:
    ids = [it.article_id for it in items if it.article_id in gold]
    g = [gold[a] for a in ids]
    p = [engine.story_of(a) if level == "story" else engine.event_of(a) for a in ids]
    return sets.bcubed(g, p), sets.pairwise(g, p)


Replayer = Callable[..., tuple[StoryEngine, np.ndarray, np.ndarray]]
Unit = tuple[list[LinkItem], dict[str, str], dict[str, str]]


def record(replayer: Replayer, data: dict[str, Unit], what: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each unit's training rows: the teacher-forced replay and the on-policy one, stacked."""
    recorded = {}
    for u, (items, gold, _) in data.items():
        _, x, y = replayer(items, gold, None, learned=False)
        _, x2, y2 = replayer(items, gold, None, learned=False, force=False)
        recorded[u] = (np.vstack([x, x2]), np.concatenate([y, y2]))
        print(f"{u}: {len(y)} {what}, {y.mean():.3f} positive", file=sys.stderr)
    return recorded


def loso_table(
    replayer: Replayer,
    level: str,
    data: dict[str, Unit],
    recorded: dict[str, tuple[np.ndarray, np.ndarray]],
    shipped: StoryModel,
    skip_rule: bool = False,
) -> list[str]:
    """Per unit: the threshold rule, the shipped model, the model fitted without that unit and
    the one fitted without its whole dev set (the crisis languages are one set: the same four
    crises, so a model fitted on French and Italian has seen the Spanish unit's stories)."""
    names = list(data)
    groups = "events" if level == "event" else "stories"
    lines = [
        f"| set ({groups}) | threshold rule B-cubed F1 / pairwise F1 | learned, shipped (all sets) | "
        "learned, leave-one-unit-out | learned, leave-one-dev-set-out |",
        "|---|---|---|---|---|",
    ]
    for u in names:
        items, gold, _ = data[u]
        loso = fit(recorded, [o for o in names if o != u])
        others = [o for o in names if dev_set(o) != dev_set(u)]
        loo_set = fit(recorded, others) if len(others) < len(names) - 1 else None
        row = []
        for model, learned in ((None, False), (shipped, True), (loso, True), (loo_set, True)):
            if not learned and skip_rule:
                row.append("(not run)")
                continue
            if model is None and learned:
                row.append("(= unit)")
                continue
            engine, _, _ = replayer(items, None, model, learned)
            b, pw = story_scores(engine, items, gold, level)
            row.append(f"{b[2]:.3f} / {pw[2]:.3f}")
        lines.append(f"| {u} | " + " | ".join(row) + " |")
        print(lines[-1], file=sys.stderr)
    return lines


def train_events(args: argparse.Namespace) -> None:
    """``--level event``: fit, check leave-one-set-out, optionally write the model and README."""
    stores, _ = sets.plan(args.work)
    by_name = {s.name: s for s in stores}
    for store, _ in EVENT_UNITS.values():
        sets.build(by_name[store], args.work, args.keep, relink=False)
    data = {u: load_unit(args.work, st, ev) for u, (st, ev) in EVENT_UNITS.items()}
    recorded = record(replay_events, data, "candidate events")
    names = list(EVENT_UNITS)
    shipped = fit(recorded, names)
    lines = loso_table(replay_events, "event", data, recorded, shipped)
    weights = ", ".join(f"{n} {w:+.2f}" for n, w in zip(event_model.FEATURES, shipped.weights, strict=True))
    print("\n".join(lines))
    print(f"weights (standardised): {weights}; bias {shipped.bias:+.2f}")
    if args.write:
        event_model.MODEL_PATH.write_text(shipped.to_json(event_model.FEATURES) + "\n", encoding="utf-8")
    if args.write_readme:
        from readme import replace_block

        block = "\n".join(
            [
                EVENT_START,
                "",
                *lines,
                "",
                f"Shipped weights (standardised features): {weights}; bias {shipped.bias:+.2f}.",
                "",
                EVENT_END,
            ]
        )
        replace_block(EVENT_START, EVENT_END, block)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".cache" / "story-sets")
    ap.add_argument("--keep", action="store_true", help="reuse the stores story_sets.py built")
    ap.add_argument("--write", action="store_true", help=f"write {MODEL_PATH.relative_to(ROOT)}")
    ap.add_argument("--write-readme", action="store_true")
    ap.add_argument("--units", nargs="*", default=list(UNITS), help=f"a subset of {list(UNITS)}")
    ap.add_argument("--no-rule", action="store_true", help="skip the threshold rule's column (faster)")
    ap.add_argument("--level", choices=("story", "event"), default="story")
    args = ap.parse_args(argv)
    if args.level == "event":
        train_events(args)
        return
    units = {u: UNITS[u] for u in args.units}
    stores, _ = sets.plan(args.work)
    by_name = {s.name: s for s in stores}
    for _unit, (store, _) in units.items():
        s = by_name[store]
        if s.base:
            sets.build(by_name[s.base], args.work, args.keep, relink=False)
        sets.build(s, args.work, args.keep, relink=False)
    data = {u: load_unit(args.work, st, ev) for u, (st, ev) in units.items()}
    recorded = record(replay, data, "candidate decisions")
    names = list(units)
    shipped = fit(recorded, names)
    print(shipped.to_json(), file=sys.stderr)
    lines = loso_table(replay, "story", data, recorded, shipped, skip_rule=args.no_rule)
    weights = ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, shipped.weights, strict=True))
    print("\n".join(lines))
    print(f"weights (standardised): {weights}; bias {shipped.bias:+.2f}")
    if args.write:
        MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
        MODEL_PATH.write_text(shipped.to_json() + "\n", encoding="utf-8")
    if args.write_readme:
        from readme import replace_block

        block = "\n".join(
            [
                START,
                "",
                *lines,
                "",
                f"Shipped weights (standardised features): {weights}; bias {shipped.bias:+.2f}.",
                "",
                END,
            ]
        )
        replace_block(START, END, block)


if __name__ == "__main__":
    main()
