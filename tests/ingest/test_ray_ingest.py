"""`newsdesk ingest --engine ray` (issue 13, item 3): the same store as the one-process
path, and a worker killed in the middle of a batch loses nothing and doubles nothing.

One local Ray (2 CPUs) for the whole module; the CLI test joins it by address.

"The same": every article with every field and input, and the same events, except
topic scores: the strong topic tier gives its second opinion within a running budget
per process (enrich/topics.py), so which borderline article gets it depends on which
worker classified what before — noise the issue allows, measured in benchmarks/ingest.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ingest_batches import SEEDS, snapshot, write_inputs

from newsdesk.link.linker import Linker
from newsdesk.pipeline import Enricher, ingest_paths
from newsdesk.settings import load_settings
from newsdesk.store.sqlite import SQLiteStore

ray = pytest.importorskip("ray")

BATCH = 2  # nine inputs: five batches, so both workers get several


@pytest.fixture(scope="module")
def ray_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    context = ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=128 * 1024 * 1024,
        log_to_driver=False,
        configure_logging=False,
    )
    try:
        yield context.address_info["gcs_address"]
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_inputs(tmp_path_factory.mktemp("inputs"))


@pytest.fixture(scope="module")
def local(inputs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The one-process ingest of the same inputs, with the same settings (the baseline)."""
    db = tmp_path_factory.mktemp("local") / "local.db"
    settings = load_settings({"db": str(db)})
    with SQLiteStore(db) as store:
        report = ingest_paths(
            inputs,
            store,
            enricher=Enricher.from_settings(settings),
            linker=Linker.open(store),
            batch_size=BATCH,
        )
    assert report.failed == [] and report.added == 7
    return snapshot(db)


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def strip(snap: dict[str, Any]) -> dict[str, Any]:
        noisy = ("topics", "topic_scores")
        arts = {k: {f: v for f, v in d.items() if f not in noisy} for k, d in snap["articles"].items()}
        return {"articles": arts, "events": snap["events"]}

    return strip(a) == strip(b)


def _ray_ingest(db: Path, inputs: list[Path]) -> None:
    from newsdesk.ray_ingest import RayEngine

    settings = load_settings({"db": str(db)})
    with SQLiteStore(db) as store, RayEngine(settings, workers=2) as engine:
        report = ingest_paths(
            inputs,
            store,
            enricher=Enricher.from_settings(settings),
            linker=Linker.open(store),
            engine=engine,
            batch_size=BATCH,
        )
    assert report.failed == [] and (report.added, report.updated) == (7, 2)


def _busy_worker() -> int | None:
    """A Ray worker process running a batch right now (Ray titles it after the task)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if cmdline.startswith(b"ray::prepare_on_worker"):
            return int(entry.name)
    return None


def test_killed_worker_loses_and_doubles_nothing(
    ray_address: str, inputs: list[Path], local: dict[str, Any], tmp_path: Path
) -> None:
    killed: list[int] = []
    done = threading.Event()

    def killer() -> None:
        while not done.is_set() and not killed:
            pid = _busy_worker()
            if pid is not None:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            time.sleep(0.005)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        _ray_ingest(tmp_path / "ray.db", inputs)
    finally:
        done.set()
        thread.join()
    assert killed, "no worker was caught mid-batch"
    # Ray ran the lost batch again: every article once, each with all its inputs, same events
    assert same(snapshot(tmp_path / "ray.db"), local)


def test_cli_joins_a_running_ray(ray_address: str, inputs: list[Path], tmp_path: Path) -> None:
    # The wire lines only: a new driver gets new workers, which load their models again.
    wire = [p for p in inputs if p.suffix == ".jsonl"]
    settings = load_settings({"db": str(tmp_path / "one.db")})
    with SQLiteStore(tmp_path / "one.db") as store:
        ingest_paths(
            wire, store, enricher=Enricher.from_settings(settings), linker=Linker.open(store)
        )
    db = tmp_path / "cli.db"
    args = ["ingest", *map(str, wire), "--db", str(db), "--engine", "ray", "--ray-address", ray_address]
    proc = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", *args, "--workers", "2", "--batch-size", str(BATCH)],
        capture_output=True,
        text=True,
        timeout=900,  # a busy machine: starting workers and loading their models is most of it
    )
    assert proc.returncode == 0, proc.stderr
    assert "3 added, 1 updated, 0 unchanged, 0 failed" in proc.stdout
    assert same(snapshot(db), snapshot(tmp_path / "one.db"))


def test_run_hands_fetched_pages_to_ray_workers(
    ray_address: str, site: Any, fetcher: Any, tmp_path: Path
) -> None:
    from newsdesk.ingest.scheduler import Scheduler
    from newsdesk.ray_ingest import RayEngine
    from newsdesk.store.sources import SourcesMixin

    class Store(SQLiteStore, SourcesMixin):
        pass

    body = "".join(
        f"<p>In Alderford, item {i}: the council counted {i * 13 + k} new lamps on street {k}, and the "
        "residents said the light made the walk home feel safer than it had been before.</p>"
        for i in range(3)
        for k in range(4)
    )
    for i in range(3):
        site.add(
            f"/news/{i}.html",
            f"<html><head><title>Lamp count {i}</title></head><body>"
            f"<article><h1>Lamp count {i}</h1>{body.replace('item', f'item {i}')}</article></body></html>",
        )
    items = "".join(
        f"<item><guid>g{i}</guid><title>Lamp count {i}</title><link>{i}.html</link>"
        f"<description>Summary of lamp count {i}: the feed's own words, long enough to read."
        "</description></item>"
        for i in range(4)  # item 3 has no page (404): the feed's summary stands in
    )
    site.add(
        "/news/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>{items}</channel></rss>',
        ctype="application/rss+xml",
    )
    titles = {}
    for name, engine in (("local", None), ("ray", RayEngine(load_settings(), workers=2))):
        with Store(tmp_path / f"{name}.db") as store:
            source, _ = store.add_source(site.url("/news/feed.xml"), "feed", interval=600)
            report = Scheduler(store, fetcher, enricher=Enricher(), engine=engine).poll(source)
            assert report.added == 4 and not report.failed and not report.error
            titles[name] = {a.id: (a.title, "from_feed_summary" in a.info) for a in store.iter_articles()}
    assert titles["ray"] == titles["local"]
    assert sorted(summary for _, summary in titles["ray"].values()) == [False, False, False, True]
