"""`newsdesk serve --workers 2` on PostgreSQL: two server processes answer the API, and each sees
the articles the other (and any other process) wrote."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

TOKEN = "workers-test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _line(i: int) -> bytes:
    text = f"Worker test article {i} on the harbour bridge repairs and the council vote. " * 4
    return (json.dumps({"id": f"w{i}", "title": f"Harbour bridge report {i}", "text": text}) + "\n").encode()


def test_two_workers_serve_one_store(pg_url: str, tmp_path: Path) -> None:
    config = tmp_path / "newsdesk.toml"
    config.write_text(f'api_token = "{TOKEN}"\n', encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "NEWSDESK_CONFIG": str(config)}
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
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            assert time.monotonic() < deadline, "the server never answered"
            try:
                if httpx.get(f"{base}/api/articles", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        # Every worker is up: the master's two children answer (uvicorn's supervisor forks them).
        while len(_children(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_children(server.pid)) == 2
        auth = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=base, timeout=120) as client:
            # New connections land on either worker; each write goes to the one store.
            for i in range(6):
                with httpx.Client(base_url=base, timeout=120) as one:
                    posted = one.post("/api/ingest", content=_line(i), headers=auth)
                    assert posted.status_code == 200, posted.text
                    assert posted.json()["added"] == 1
            for _ in range(8):
                with httpx.Client(base_url=base, timeout=60) as one:
                    listed = one.get("/api/articles", params={"limit": 50}).json()
                    titles = {a["title"] for a in listed["items"]}
                    assert titles == {f"Harbour bridge report {i}" for i in range(6)}, titles
            assert client.get("/api/search", params={"q": "harbour bridge"}).status_code == 200
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
        if server.stderr:
            server.stderr.close()
