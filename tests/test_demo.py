"""`newsdesk demo`: the seeds and dev articles ingested into a scratch store, served, URL printed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from newsdesk.demo import free_port


def test_demo_ingests_serves_and_prints_the_url(tmp_path: Path, seeds: Path) -> None:
    folder = tmp_path / "demo"
    port = free_port("127.0.0.1", 18080)
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "demo", "--articles", "6", "--dir", str(folder),
         "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NEWSDESK_DB": str(tmp_path / "never-used.db")},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "http://" in line:
                break
        url = next((x.split()[2] for x in lines if "http://" in x), None)
        assert url == f"http://127.0.0.1:{port}/", lines
        assert "10 added, 0 failed" in "".join(lines)
        for _ in range(600):  # the server starts after the line is printed
            try:
                page = httpx.get(url, timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert page.status_code == 200 and "Taliban" in page.text
        stories = httpx.get(url + "api/stories", timeout=10).json()
        assert stories["total"] >= 2
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)  # waits, and closes the pipes
    assert (folder / "newsdesk.db").exists()  # a named folder is the user's: kept
    assert not (tmp_path / "never-used.db").exists()  # the demo never touches the user's store


def test_demo_without_shared_data_says_what_is_missing(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "demo", "--no-serve", "--shared", str(tmp_path / "nowhere"),
         "--dir", str(tmp_path / "d")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2 and "neither seeds/ nor" in proc.stderr, proc.stderr
    assert not list((tmp_path / "d").glob("*.db"))
