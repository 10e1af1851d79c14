"""`newsdesk serve --workers 2` on PostgreSQL: two server processes answer the API, and each sees
what another process wrote; and the seeds ingested into PostgreSQL form one story."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from cli_helpers import run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _workers(pid: int) -> list[int]:
    """The server's worker processes (multiprocessing's spawned children, not its resource tracker)."""
    try:
        children = [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    found = []
    for child in children:
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
        except OSError:
            continue
    return found


def _line(i: int) -> bytes:
    text = f"Worker test article {i} on the harbour bridge repairs and the council vote. " * 4
    return (json.dumps({"id": f"w{i}", "title": f"Harbour bridge report {i}", "text": text}) + "\n").encode()


def test_two_workers_serve_one_store(pg_url: str, tmp_path: Path, seeds: Path) -> None:
    config = tmp_path / "newsdesk.toml"
    config.write_text("", encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "NEWSDESK_CONFIG": str(config)}
    log = (tmp_path / "serve.log").open("wb")  # a file, not a pipe that could fill and stall it
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsdesk.cli",
            "serve",
            "--workers",
            "2",
            "--port",
            str(port),
            "--db",
            pg_url,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text(errors="replace")
            assert time.monotonic() < deadline, "the server never answered"
            try:
                if httpx.get(f"{base}/api/articles", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        # Every worker is up: the master's two children answer (uvicorn's supervisor forks them).
        while len(_workers(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_workers(server.pid)) == 2
        # Another process writes (as `newsdesk run` or an ingest worker would) while both serve.
        # Posting to the API would load the topic models in each worker: minutes on a busy CI box.
        # The seeds (four captures of one story, 2021-2025) and six more articles.
        (tmp_path / "in").mkdir()
        (tmp_path / "in" / "a.jsonl").write_bytes(b"".join(_line(i) for i in range(6)))
        ingest = subprocess.run(
            [
                sys.executable,
                "-m",
                "newsdesk.cli",
                "ingest",
                str(seeds),
                str(tmp_path / "in"),
                "--db",
                pg_url,
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert ingest.returncode == 0, ingest.stderr
        # Seeds ingested into PostgreSQL form one story, as on SQLite.
        seed_lines = run("stories", "--json", "--db", pg_url).stdout.splitlines()
        placed = [json.loads(line) for line in seed_lines]
        listed_all = [json.loads(line) for line in run("list", "--json", "--db", pg_url).stdout.splitlines()]
        seed_ids = {a["id"] for a in listed_all if not a["title"].startswith("Harbour bridge report")}
        assert len(seed_ids) == 4 and len({p["story_id"] for p in placed if p["id"] in seed_ids}) == 1
        want = {f"Harbour bridge report {i}" for i in range(6)}
        for _ in range(8):  # new connections land on either worker: each sees the write
            with httpx.Client(base_url=base, timeout=120) as one:
                listed = one.get("/api/articles", params={"limit": 50}).json()
                assert want <= {a["title"] for a in listed["items"]} and listed["total"] == 10
                found = one.get("/api/search", params={"q": "harbour bridge"}).json()
                assert found["total"] == 6
                # The story state is reloaded in the background once a worker notices the newer
                # generation in the store: the page follows within moments.
                until = time.monotonic() + 120
                while sum(s["articles"] for s in one.get("/api/stories").json()["items"]) != 10:
                    assert time.monotonic() < until, "a worker never loaded the newer story state"
                    time.sleep(0.2)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
        log.close()
