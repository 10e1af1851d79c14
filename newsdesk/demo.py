"""`newsdesk demo`: the main job on the embedded default store, in one command.

It gathers what there is to show — the seed captures and the first few hundred
articles of a dev set when ``../shared`` is beside the checkout (or named), else
the seeds alone, else nothing and a clear error — into a scratch folder, ingests
them through the same pipeline as ``newsdesk ingest`` (extraction, enrichment,
stories) into a fresh store there, and hands the store to the caller to serve.
Nothing outside the scratch folder is written: its own ``data_dir`` holds the
store and the `secured` key, so a demo never touches the user's real store.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

#: the dev set a demo takes articles from: English news from 94 outlets in 69 events
DEV_SET = Path("data") / "stories-dev-giveme5w1h.jsonl"
SEEDS = Path("seeds")


@dataclass(frozen=True, slots=True)
class DemoInputs:
    paths: list[Path]
    seeds: Path | None
    dev_articles: int


def find_shared(*starts: Path) -> Path | None:
    """The ``shared`` folder beside a checkout: ``<start>/../shared`` or ``<start>/shared``."""
    for start in starts:
        for candidate in (start.parent / "shared", start / "shared"):
            if (candidate / SEEDS).is_dir() or (candidate / DEV_SET).is_file():
                return candidate.resolve()
    return None


def demo_inputs(shared: Path | None, workdir: Path, articles: int) -> DemoInputs:
    """The seeds and the first ``articles`` dev-set lines (copied into ``workdir`` as JSON Lines)."""
    if shared is None:
        raise InputError(
            "no ../shared folder with seeds or dev data found: run from the checkout, or give --shared PATH"
        )
    paths: list[Path] = []
    seeds = shared / SEEDS
    if seeds.is_dir():
        paths.append(seeds)
    taken = 0
    dev = shared / DEV_SET
    if articles > 0 and dev.is_file():
        subset = workdir / "dev-articles.jsonl"
        with dev.open(encoding="utf-8") as src, subset.open("w", encoding="utf-8") as out:
            for line in src:  # the lines as they are: the product reads the dev set as given
                if taken >= articles:
                    break
                if line.strip():
                    out.write(line if line.endswith("\n") else line + "\n")
                    taken += 1
        paths.append(subset)
    if not paths:
        raise InputError(f"neither seeds/ nor {DEV_SET} is there", source=str(shared))
    return DemoInputs(paths=paths, seeds=seeds if seeds.is_dir() else None, dev_articles=taken)


def free_port(host: str, preferred: int) -> int:
    """``preferred`` when it can be bound on ``host``, else a free port the system picks."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError(f"no free port on {host}")
