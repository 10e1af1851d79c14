"""The large-budget fuzz run in worker processes: each generated input runs alone in a warm worker,
with a hard wall-clock limit, its CPU time and the memory it costs measured on its own.

Why workers: thousands of inputs per kind need the product's models loaded once (a fresh
``newsdesk ingest`` per input spends seconds loading them), more than one core when there is one,
and a way to end an input that never returns (a worker past the hard limit is killed and replaced;
the input counts as hung). Why per-input memory: a process's high-water mark mixes what its models
and libraries hold (loaded once, the same for every input) with what one input costs; the kernel's
peak-RSS counter is reset before each input (``/proc/self/clear_refs``), so each input's peak is its
own, read against the worker's resident size just before it.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from .fuzzing import HANG_SECONDS, HANG_WALL_SECONDS, STRATEGIES, SUFFIX, FileRunner, Tally, run_parser

WARM_ARTICLE = (
    b'{"id": "warm-up", "title": "Harbour bridge reopens", "published": "2021-09-27T16:31:00Z", '
    b'"url": "https://news.example/bridge", "text": "The harbour bridge reopened to traffic on Tuesday '
    b'after eight months of repairs, officials said. Engineers replaced 240 steel cables."}\n'
)


def _memory_mb() -> tuple[float, float]:
    """(resident now, peak since the last reset) of this process, in MB (Linux)."""
    values = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line[:5]] = int(line.split()[1]) / 1024
    return values["VmRSS"], values["VmHWM"]


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")  # 5: reset the peak resident set size to the current size
        return True
    except OSError:
        return False


def _worker(conn: Connection, folder: str) -> None:
    """Run inputs sent over ``conn`` one at a time; answer each with its outcome and costs."""
    tmp = Path(tempfile.mkdtemp(dir=folder))
    runner = FileRunner(tmp)
    start_rss, _ = _memory_mb()
    warm = Tally()
    runner.run("jsonl", WARM_ARTICLE, warm)  # loads the models every article needs
    # and the HTML extractor (a lazy import: else the first page or HTML feed summary a worker
    # meets would be charged some 140 MB of library)
    page = b"<html><body><article><h1>Bridge</h1><p>" + b"The harbour bridge reopened. " * 12
    runner.run("html", page + b"</p></article></body></html>", warm)
    run_parser("feed", b"<rss version='2.0'><channel><title>t</title></channel></rss>", warm)
    warm_rss, _ = _memory_mb()
    conn.send({"start_mb": start_rss, "warm_mb": warm_rss, "warm": dict(warm.outcomes)})
    while True:
        try:
            job = conn.recv()
        except EOFError:
            break
        if job is None:
            break
        kind, data = job
        exact = _reset_peak()
        before, _ = _memory_mb()
        tally = Tally()
        cpu = time.process_time()
        if kind in SUFFIX:
            runner.run(kind, data, tally)
        else:
            run_parser(kind, data, tally)
        cpu = time.process_time() - cpu
        after, peak = _memory_mb()
        (outcome,) = tally.outcomes
        message = tally.examples.get(outcome, "")
        conn.send({
            "outcome": outcome, "seconds": tally.slowest, "cpu": cpu, "message": message,
            "growth_mb": peak - before if exact else 0.0, "peak_mb": peak, "rss_mb": after, "exact": exact,
        })  # fmt: skip
    runner.close()


@dataclass
class KindReport:
    """A kind's tally plus what its inputs cost."""

    kind: str
    tally: Tally = field(default_factory=Tally)
    max_growth_mb: float = 0.0  # the most one input added to its worker's resident size at peak
    max_peak_mb: float = 0.0  # the highest peak of a worker process while running one input
    max_cpu: float = 0.0
    heaviest: str = ""  # a description of the input with the largest growth
    exact_memory: bool = True
    seconds: float = 0.0
    pool_info: str = ""


@dataclass
class _Slot:
    process: Any
    conn: Connection
    job: tuple[str, bytes] | None = None
    started: float = 0.0
    cpu_at_start: float = 0.0


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


class WorkerPool:
    """``workers`` warm processes; :meth:`submit` blocks until one is free."""

    def __init__(self, workers: int, folder: str, *, keep: Path | None = None):
        self.ctx = mp.get_context("spawn")  # a clean interpreter, as `newsdesk ingest` starts
        self.folder = folder
        self.keep = keep
        self.slots: list[_Slot] = []
        self.baseline: list[dict[str, Any]] = []
        self.report: KindReport | None = None
        for _ in range(workers):
            self.slots.append(self._start())

    def _start(self) -> _Slot:
        ours, theirs = self.ctx.Pipe()
        process = self.ctx.Process(target=_worker, args=(theirs, self.folder), daemon=True)
        process.start()
        theirs.close()
        self.baseline.append(ours.recv())
        return _Slot(process, ours)

    def _keep(self, outcome: str, data: bytes) -> None:
        """Save an input that went wrong, to be replayed and turned into a regression test."""
        assert self.report is not None
        if self.keep is not None and outcome not in ("ok", "clear"):
            self.keep.mkdir(parents=True, exist_ok=True)
            n = self.report.tally.outcomes[outcome]
            (
                self.keep / f"{self.report.kind}-{outcome}-{n}{SUFFIX.get(self.report.kind, '.xml')}"
            ).write_bytes(data)

    def _record(self, slot: _Slot, answer: dict[str, Any]) -> None:
        report = self.report
        assert report is not None and slot.job is not None
        report.tally.add(answer["outcome"], answer["seconds"], answer["message"])
        self._keep(answer["outcome"], slot.job[1])
        report.max_cpu = max(report.max_cpu, answer["cpu"])
        report.max_peak_mb = max(report.max_peak_mb, answer["peak_mb"])
        report.exact_memory &= answer["exact"]
        if answer["growth_mb"] > report.max_growth_mb:
            report.max_growth_mb = answer["growth_mb"]
            report.heaviest = f"{len(slot.job[1]):,} bytes: {slot.job[1][:80]!r}"
        slot.job = None

    def _collect(self, block: bool) -> None:
        busy = [s for s in self.slots if s.job is not None]
        if not busy:
            return
        # Polled each second: an input is hung once its worker has spent HANG_SECONDS of CPU on it
        # (wall time on a shared machine overstates the cost), or HANG_WALL_SECONDS of wall time.
        ready = wait([s.conn for s in busy], timeout=1.0 if block else 0.0)
        for slot in busy:
            if slot.conn in ready:
                try:
                    self._record(slot, slot.conn.recv())
                    continue
                except (EOFError, OSError):  # the worker died on this input (killed, or out of memory)
                    self._replace(slot, "crash", f"worker died: exit {slot.process.exitcode}")
                    continue
            wall = time.monotonic() - slot.started
            cpu = _process_cpu(slot.process.pid) - slot.cpu_at_start
            if cpu > HANG_SECONDS or wall > HANG_WALL_SECONDS:
                self._replace(slot, "hung", f"killed after {cpu:.1f} s CPU, {wall:.0f} s wall")

    def _replace(self, slot: _Slot, outcome: str, message: str) -> None:
        assert self.report is not None and slot.job is not None
        self.report.tally.add(outcome, time.monotonic() - slot.started, f"{message}: {slot.job[1][:80]!r}")
        self._keep(outcome, slot.job[1])
        slot.process.kill()
        slot.process.join()
        fresh = self._start()
        slot.process, slot.conn, slot.job = fresh.process, fresh.conn, None

    def submit(self, kind: str, data: bytes) -> None:
        while True:
            free = next((s for s in self.slots if s.job is None), None)
            if free is not None:
                break
            self._collect(block=True)
        free.job, free.started = (kind, data), time.monotonic()
        free.cpu_at_start = _process_cpu(free.process.pid)
        free.conn.send(free.job)
        self._collect(block=False)

    def drain(self) -> None:
        while any(s.job is not None for s in self.slots):
            self._collect(block=True)

    def close(self) -> None:
        for slot in self.slots:
            with suppress(OSError):
                slot.conn.send(None)
            slot.process.join(timeout=10)
            if slot.process.is_alive():
                slot.process.kill()


def generated(kind: str, examples: int, seed: int) -> Iterator[bytes]:
    """The inputs :func:`newsdesk.fuzzing.fuzz_kind` would run, as a stream (hypothesis drives it
    from a thread, so the pool can be fed while inputs are generated)."""
    import queue
    import threading

    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    box: queue.Queue[bytes | None] = queue.Queue(maxsize=64)

    @hseed(seed)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(STRATEGIES[kind])
    def one(data: bytes) -> None:
        box.put(data)

    def produce() -> None:
        try:
            one()
        finally:
            box.put(None)

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    while (item := box.get()) is not None:
        yield item
    thread.join()


def fuzz_kinds(
    kinds: list[str], examples: int, *, seed: int = 0, workers: int = 0, keep: Path | None = None
) -> Iterator[KindReport]:
    """Run ``examples`` generated inputs of each kind through ``workers`` processes (default: every
    core); yields each kind's report when its inputs are done. Inputs with a bad outcome (or cut
    by the time budget) are saved under ``keep``."""
    workers = workers or max(1, len(os.sched_getaffinity(0)))
    with tempfile.TemporaryDirectory(prefix="newsdesk-fuzz-") as folder:
        pool = WorkerPool(workers, folder, keep=keep)
        try:
            for kind in kinds:
                started = time.monotonic()
                pool.report = KindReport(kind)
                for data in generated(kind, examples, seed):
                    pool.submit(kind, data)
                pool.drain()
                pool.report.seconds = time.monotonic() - started
                base = pool.baseline
                pool.report.pool_info = (
                    f"{workers} worker processes ({len(base) - workers} replaced); a worker's resident size: "
                    f"{max(b['start_mb'] for b in base):,.0f} MB started, "
                    f"{max(b['warm_mb'] for b in base):,.0f} MB with the models loaded"
                )
                yield pool.report
        finally:
            pool.close()
