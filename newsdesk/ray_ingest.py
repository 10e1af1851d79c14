"""Ingest on Ray: extraction and enrichment as Ray tasks over batches (``--engine ray``).

Why Ray rather than a process pool: the same code runs on a laptop (a local Ray
started here, one worker a core) and on a cluster (``--ray-address``), and Ray runs
again a task whose worker died. A task only reads its batch of inputs and returns
plain data (:class:`~newsdesk.pipeline.Prepared`); the store is written by this
process alone, in input order, with the one-process path's own ``commit``. So a
worker killed mid-batch loses nothing (Ray runs the batch again on another worker)
and doubles nothing (nothing it did reached the store), and the store ends the same
as with the one-process engine. Linking stays where it was: after the run, in date
order, in this process.
"""

from __future__ import annotations

import json
import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any

from .errors import ConfigError
from .model import RawDocument
from .pipeline import Enricher, Prepared, prepare_batch
from .settings import Settings

#: the shared-memory object store of a Ray started here: batches are a few MB each
OBJECT_STORE_BYTES = 256 * 1024 * 1024
#: how many times Ray runs a batch whose worker died before its inputs are reported failed
MAX_RETRIES = 3

# Models are loaded once per worker process and kept between tasks: loading them costs
# seconds, a batch well under one. Keyed by the settings they were built from.
_ENRICHERS: dict[str, Enricher] = {}


def prepare_on_worker(settings: Settings, raws: list[RawDocument]) -> list[Prepared]:
    """The Ray task: extract and enrich one batch with this worker's (cached) models."""
    # What enrichment reads from the settings: the models and the config file's sections
    # (user topics, outlet priors), not the store's path, which differs from run to run.
    key = json.dumps([str(settings.models_path), settings.sections], sort_keys=True, default=str)
    enricher = _ENRICHERS.get(key)
    if enricher is None:
        enricher = _ENRICHERS[key] = Enricher.from_settings(settings)
    return prepare_batch(raws, enricher, time_budget_s=settings.input_time_budget)


class RayEngine:
    """Runs ``prepare_batch`` as Ray tasks; results come back in the batches' order.

    With ``address`` it joins that Ray cluster (newsdesk must be installed on its
    nodes); without, it uses the Ray this process already joined, or starts a local
    one with ``workers`` CPUs (default: all cores) and stops it on :meth:`close`.
    """

    def __init__(self, settings: Settings, *, address: str | None = None, workers: int | None = None):
        try:
            import ray
        except ImportError as exc:
            raise ConfigError("--engine ray needs Ray: pip install 'newsdesk[ray]'") from exc
        self._ray: Any = ray
        self._owned = False
        if not ray.is_initialized():
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no phoning home
            options: dict[str, Any] = {
                "logging_level": logging.WARNING,
                "log_to_driver": False,
                "configure_logging": False,
            }
            try:
                if address:
                    ray.init(address=address, **options)
                else:
                    ray.init(
                        num_cpus=workers or os.cpu_count() or 1,
                        include_dashboard=False,
                        object_store_memory=OBJECT_STORE_BYTES,
                        **options,
                    )
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = f"the Ray cluster at {address}" if address else "a local Ray"
                raise ConfigError(f"cannot start or reach {where}: {exc}") from exc
            self._owned = True
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = max(1, min(workers or cpus, cpus))
        self._task = ray.remote(num_cpus=1, max_retries=MAX_RETRIES)(prepare_on_worker)
        self._settings = ray.put(settings)

    def prepare(self, batches: Iterable[list[RawDocument]]) -> Iterator[list[Prepared]]:
        # Two batches in flight per worker keep every worker busy while this process
        # commits, without reading the whole input into the object store.
        window: deque[tuple[list[RawDocument], Any]] = deque()
        for batch in batches:
            window.append((batch, self._task.remote(self._settings, batch)))
            if len(window) >= 2 * self.workers:
                yield self._result(*window.popleft())
        while window:
            yield self._result(*window.popleft())

    def _result(self, batch: list[RawDocument], ref: Any) -> list[Prepared]:
        try:
            return list(self._ray.get(ref))
        except self._ray.exceptions.RayError as exc:
            # Ray gave up on the batch (its workers kept dying): its inputs are reported
            # failed, nothing of them is stored, and the next run takes them again.
            reason = f"lost on Ray after {MAX_RETRIES + 1} tries: {type(exc).__name__}"
            return [Prepared(raw.source, raw.kind, "", error=f"{raw.source}: {reason}") for raw in batch]

    def close(self) -> None:
        if self._owned:
            self._ray.shutdown()
            self._owned = False

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
