"""Batched ingest (issue 13, item 4): the same store as one article at a time, models
loaded once and lazily, one topic-model call a batch, progress counted in articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ingest_batches import SEEDS, snapshot, write_inputs

from newsdesk.enrich.topics import TopicClassifier
from newsdesk.link.linker import Linker
from newsdesk.pipeline import Enricher, count_inputs, ingest_paths
from newsdesk.settings import load_settings
from newsdesk.store.sqlite import SQLiteStore


class Recording:
    """The real classifier, with a note of how many texts each call classified."""

    def __init__(self, inner: TopicClassifier):
        self.inner = inner
        self.calls: list[int] = []

    def __getattr__(self, name: str) -> Any:  # the rest (heads, taxonomy, ...) as the real one's
        return getattr(self.inner, name)

    def classify(self, texts: list[str], **kwargs: Any) -> Any:
        self.calls.append(len(texts))
        return self.inner.classify(texts, **kwargs)


@pytest.fixture(scope="module")
def classifier() -> TopicClassifier:
    # The fast tier only: its decision on a text does not depend on what else is in the
    # batch, so batched and one-at-a-time must agree exactly.
    return TopicClassifier.from_settings(load_settings(), strong=False)


def _ingest(db: Path, paths: list[Path], enricher: Enricher, batch_size: int) -> Any:
    with SQLiteStore(db) as store:
        return ingest_paths(paths, store, enricher=enricher, linker=Linker.open(store), batch_size=batch_size)


def test_batches_store_what_one_at_a_time_stores(tmp_path: Path, classifier: TopicClassifier) -> None:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    paths = write_inputs(tmp_path / "in")
    loads: list[int] = []

    def factory() -> Any:
        loads.append(1)
        return recording

    recording = Recording(classifier)
    batched = _ingest(tmp_path / "b.db", paths, Enricher(topics=factory), batch_size=4)
    single = _ingest(tmp_path / "s.db", paths, Enricher(topics=lambda: classifier), batch_size=1)
    assert (
        (batched.added, batched.updated, batched.failed) == (single.added, single.updated, []) == (7, 2, [])
    )
    assert snapshot(tmp_path / "b.db") == snapshot(tmp_path / "s.db")
    assert loads == [1]  # the model was built once for the run
    # nine inputs in batches of four: the topic model saw whole batches of English
    # articles (plus one call per re-made article), never one a call for all of them
    assert max(recording.calls) >= 3 and len(recording.calls) < 9


def test_unchanged_inputs_load_no_model(tmp_path: Path) -> None:
    paths = write_inputs(tmp_path / "in")
    paths = [p for p in paths if p.suffix == ".jsonl"]
    _ingest(tmp_path / "x.db", paths, Enricher(), batch_size=2)
    loads: list[int] = []
    again = _ingest(tmp_path / "x.db", paths, Enricher(topics=lambda: loads.append(1) or None), batch_size=2)  # type: ignore[func-returns-value]
    assert again.unchanged == 4 and loads == []


def test_progress_counts_articles_not_files(tmp_path: Path) -> None:
    paths = [p for p in write_inputs(tmp_path / "in") if p.suffix == ".jsonl"]
    assert count_inputs(paths) == 4
    seen: list[tuple[str, str]] = []
    with SQLiteStore(tmp_path / "p.db") as store:
        ingest_paths(
            paths, store, enricher=Enricher(), progress=lambda s, o: seen.append((s, o)), batch_size=3
        )
    assert len(seen) == 4
    assert [o for _, o in seen] == ["added", "added", "added", "updated"]


def test_long_lived_objects_are_frozen_once_after_the_first_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    import newsdesk.pipeline as pipeline

    calls: list[int] = []
    monkeypatch.setattr(pipeline, "_frozen", False)
    monkeypatch.setattr(pipeline.gc, "freeze", lambda: calls.append(len(calls)))
    paths = [p for p in write_inputs(tmp_path / "in") if p.suffix == ".jsonl"]
    with SQLiteStore(tmp_path / "f.db") as store:
        report = ingest_paths(paths, store, enricher=Enricher(), batch_size=2)
        assert report.added == 3 and calls == [0]  # two batches, one freeze
        ingest_paths(paths, store, enricher=Enricher(), batch_size=2)
    assert calls == [0] and gc.isenabled()


def test_ingest_runs_blas_on_one_thread_unless_the_environment_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from threadpoolctl import threadpool_info, threadpool_limits

    import newsdesk.pipeline as pipeline

    def blas_threads() -> list[int]:
        return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]

    assert blas_threads(), "numpy's BLAS is loaded"
    with threadpool_limits(limits=2, user_api="blas"):  # restored on the way out
        for name in pipeline.BLAS_THREAD_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setattr(pipeline, "_blas_limited", False)
        paths = [p for p in write_inputs(tmp_path / "in") if p.suffix == ".jsonl"]
        with SQLiteStore(tmp_path / "b.db") as store:
            ingest_paths(paths, store, enricher=Enricher(), batch_size=2)
        assert set(blas_threads()) == {1}

    with threadpool_limits(limits=2, user_api="blas"):
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")  # the user's choice stands
        monkeypatch.setattr(pipeline, "_blas_limited", False)
        pipeline.one_blas_thread()
        assert set(blas_threads()) == {2}


def test_an_inputs_identity_keys_are_taken_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsdesk.pipeline as pipeline

    seen: list[str] = []
    real = pipeline.keys_for

    def counting(article: Any) -> Any:
        seen.append(article.title)
        return real(article)

    monkeypatch.setattr(pipeline, "keys_for", counting)
    paths = [p for p in write_inputs(tmp_path / "in") if p.suffix == ".jsonl"]
    with SQLiteStore(tmp_path / "k.db") as store:
        report = ingest_paths(paths, store, enricher=Enricher(), batch_size=2)
    # each new article: its input's keys when extracted, the stored article's when saved
    assert report.added == 3 and report.updated == 1 and len(seen) == 2 * (report.added + report.updated)
