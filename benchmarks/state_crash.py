"""Story state under kill -9 and concurrent writers (issue 17): every state left behind must open
and catch up by itself.

Two trials, on SQLite and on PostgreSQL (``--pg URL`` or NEWSDESK_TEST_PG; a fresh database each
run), through the product path (``Linker.open`` + ``pipeline.link_new``, as ``ingest`` and ``run``
do):

* **kill during save**: a forked writer loops "store one new article, link, save the state" and is
  killed with SIGKILL at a random instant; then a reader opens the state (checked, no fallback
  allowed) and a catch-up places every stored article.
* **two concurrent savers**: two forked writers each store an article and link at the same moment;
  then the state must open and already hold both (no lost placement: the second took the first's
  state over under the link lock) with the two articles' stories intact.

    python benchmarks/state_crash.py --trials 50 [--pg postgresql://...]

Fork keeps each trial cheap (no re-import); children leave with ``os._exit`` so they never touch
the parent's connections.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.errors import StoreError
from newsdesk.link.linker import Linker, engine_from_snapshot
from newsdesk.model import Article, Provider
from newsdesk.pipeline import link_new
from newsdesk.store.base import IdentityKeys, StoredInput
from newsdesk.store.desk import DeskStore
from newsdesk.store.target import open_target

T0 = datetime(2025, 1, 1, tzinfo=UTC)
TOPICS = ["harbour bridge closure repairs", "bread prize bakery rye", "election count recount votes"]


def _article(i: int) -> Article:
    topic = TOPICS[i % len(TOPICS)]
    text = f"Report {i} on the {topic}. " + " ".join(f"{topic} detail {i}-{k}." for k in range(12))
    return Article(
        id=f"{i:016x}",
        title=f"{topic.title()} {i}",
        text=text,
        url=f"https://outlet{i % 5}.example/{i}",
        published=T0 + timedelta(hours=i),
        provider=Provider(f"Outlet {i % 5}", f"outlet{i % 5}.example"),
        language="en",
        quality=50,
    )


def _save(store: DeskStore, a: Article) -> None:
    digest = hashlib.sha256(a.id.encode()).hexdigest()
    store.save(a, IdentityKeys(external_id=a.id, text_sha256=digest), StoredInput(a.id, a.id, "t", digest, a))


def prepare(url: str, articles: int) -> None:
    with open_target(url, create=True) as store:
        for i in range(articles):
            _save(store, _article(i))
        link_new(store, Linker.open(store))


def state_opens(url: str) -> tuple[bool, set[str], str]:
    """Whether the newest saved state opens as saved (no fallback), the ids it holds, and why not."""
    with open_target(url) as store:
        snap = store.load_link_state()
        if snap is None:
            return False, set(), "no state"
        try:
            engine = engine_from_snapshot(snap)
        except StoreError as exc:
            return False, set(), str(exc)
        return True, set(engine.table.rows), ""


def catches_up(url: str) -> bool:
    with open_target(url) as store:
        linker = Linker.open(store)
        link_new(store, linker)
        return set(store.ids()) <= set(linker.engine.table.rows)


def _writer(url: str, first: int, loop: bool) -> None:
    """A forked child: store articles and link them (forever when ``loop``)."""
    code = 0
    try:
        with open_target(url) as store:
            linker = Linker.open(store)
            i = first
            while True:
                _save(store, _article(i))
                link_new(store, linker)
                i += 1
                if not loop:
                    break
    except BaseException:
        code = 1
    os._exit(code)


def kill_during_save(url: str, trials: int, next_id: int, rng: random.Random) -> tuple[int, int, list[str]]:
    bad, stuck, why = 0, 0, []
    for t in range(trials):
        pid = os.fork()
        if pid == 0:
            _writer(url, next_id + t * 1000, loop=True)
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        ok, _, reason = state_opens(url)
        if not ok:
            bad += 1
            why.append(reason)
        if not catches_up(url):
            stuck += 1
    return bad, stuck, why


def concurrent_savers(url: str, trials: int, next_id: int) -> tuple[int, int, list[str]]:
    bad, lost, why = 0, 0, []
    for t in range(trials):
        ids = [next_id + 2 * t, next_id + 2 * t + 1]
        pids = []
        for i in ids:
            pid = os.fork()
            if pid == 0:
                _writer(url, i, loop=False)
            pids.append(pid)
        codes = [os.waitpid(p, 0)[1] for p in pids]
        ok, held, reason = state_opens(url)
        if not ok or any(codes):
            bad += 1
            why.append(reason or f"a writer failed: {codes}")
        elif not {f"{i:016x}" for i in ids} <= held:
            lost += 1
    return bad, lost, why


def run(url: str, trials: int, *, articles: int = 200, seed: int = 7) -> dict[str, object]:
    prepare(url, articles)
    rng = random.Random(seed)
    t0 = time.perf_counter()
    k_bad, k_stuck, k_why = kill_during_save(url, trials, 10_000, rng)
    c_bad, c_lost, c_why = concurrent_savers(url, trials, 1_000_000)
    return {
        "trials": trials,
        "kill_unopenable": k_bad,
        "kill_no_catch_up": k_stuck,
        "concurrent_unopenable": c_bad,
        "concurrent_lost_placements": c_lost,
        "reasons": (k_why + c_why)[:5],
        "seconds": round(time.perf_counter() - t0, 1),
    }


def _fresh_pg(server: str) -> str:
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    name = f"newsdesk_crash_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(server)._replace(path="/" + name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--pg", default=os.environ.get("NEWSDESK_TEST_PG", ""))
    parser.add_argument("--dir", default="/tmp/newsdesk-state-crash")
    args = parser.parse_args()
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    db = Path(args.dir) / f"crash-{os.getpid()}.db"
    results = {"sqlite": run(str(db), args.trials)}
    if args.pg:
        results["postgresql"] = run(_fresh_pg(args.pg), args.trials)
    for backend, r in results.items():
        print(backend, r)


if __name__ == "__main__":
    main()
