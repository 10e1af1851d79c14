"""The API fuzzed on a large budget (issue 16.3): schemathesis against a real `newsdesk serve`.

    python benchmarks/fuzz_api.py --max-time 300          # 5 minutes, the table on stdout
    python benchmarks/fuzz_api.py --max-time 60 --seed 1

A scratch store gets the seeds (when ../shared/seeds is there) and a few hostile articles; `newsdesk
serve` runs on it with a write token; schemathesis (`st run`) generates requests from /openapi.json
for every operation, with the token, and runs all its checks: no server error, only declared
status codes, schema-valid requests accepted, schema-violating ones rejected, responses and
headers as declared, 405 for undeclared methods. The CI test (tests/test_fuzz.py) runs the same
checks in-process with a few examples per operation.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
TOKEN = "fuzz-api-token"
HOSTILE = [
    {"id": "h-surrogate", "title": "Lone \udfff surrogate", "text": "Harbour bridge reopens. " * 20},
    {"id": "h-999", "title": "Year 999", "text": "Recount done. " * 20, "published": "0999-01-01"},
    {"id": "h-markup", "title": "<script>alert(1)</script> [/red]", "text": "Storm closes port. " * 20,
     "url": "javascript:alert(1)"},
]  # fmt: skip


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _store(folder: Path, env: dict[str, str]) -> Path:
    db = folder / "desk.db"
    (folder / "in").mkdir()
    lines = "\n".join(json.dumps(h) for h in HOSTILE) + "\n"
    (folder / "in" / "hostile.jsonl").write_bytes(lines.encode("utf-8", "surrogatepass"))
    inputs = [str(folder / "in")] + ([str(SEEDS)] if SEEDS.is_dir() else [])
    subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "ingest", "--db", str(db), *inputs],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return db


def _count(report: Path) -> tuple[Counter[str], Counter[str], int]:
    """(failures per check, failures per operation, requests made) from the NDJSON events."""
    checks: Counter[str] = Counter()
    operations: Counter[str] = Counter()
    requests = 0
    for line in report.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        for name, body in event.items():
            if name != "ScenarioFinished" or not isinstance(body, dict):
                continue
            recorder = body.get("recorder") or {}
            requests += len(recorder.get("interactions") or {})
            for check_list in (recorder.get("checks") or {}).values():
                for check in check_list:
                    if str(check.get("status", "")).lower() in ("failure", "error"):
                        checks[check.get("name", "?")] += 1
                        operations[recorder.get("label") or "?"] += 1
    return checks, operations, requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--max-time", type=int, default=300, help="seconds of generation (st run --max-time)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="keep schemathesis' reports here")
    args = parser.parse_args(argv)
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")
    if st is None:
        print("schemathesis is not installed (pip install 'newsdesk[dev]')", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="newsdesk-fuzz-api-") as tmp:
        folder = Path(tmp)
        config = folder / "newsdesk.toml"
        config.write_text(f'api_token = "{TOKEN}"\n\n[[feeds]]\nname = "everything"\n', encoding="utf-8")
        env = {**os.environ, "NEWSDESK_CONFIG": str(config), "NEWSDESK_DATA_DIR": str(folder / "data")}
        db = _store(folder, env)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "newsdesk.cli", "serve", "--db", str(db), "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(3000):
                try:
                    httpx.get(base + "/openapi.json", timeout=5)
                    break
                except httpx.TransportError:
                    if server.poll() is not None:
                        print(server.communicate()[1][-3000:], file=sys.stderr)
                        return 2
                    time.sleep(0.1)
            reports = args.keep or folder / "reports"
            started = time.monotonic()
            run = subprocess.run(
                [st, "run", f"{base}/openapi.json", "--checks", "all", "--max-time", str(args.max_time),
                 "--seed", str(args.seed), "-H", f"Authorization: Bearer {TOKEN}", "--continue-on-failure",
                 "--report", "ndjson", "--report-dir", str(reports), "--request-timeout", "60"],
                env=env, capture_output=True, text=True, cwd=folder,  # its cache stays out of the repo
            )  # fmt: skip
            seconds = time.monotonic() - started
        finally:
            server.terminate()
            _, server_log = server.communicate(timeout=60)
        print(run.stdout[-6000:], file=sys.stderr)
        ndjson = next(reports.glob("*.ndjson"), None)
        checks, operations, requests = _count(ndjson) if ndjson else (Counter(), Counter(), 0)
    server_errors = checks["not_a_server_error"]
    undeclared = checks["status_code_conformance"]
    print("| requests | server errors (5xx) | undeclared status codes | other check failures | run s |")
    print("|---:|---:|---:|---:|---:|")
    other = sum(checks.values()) - server_errors - undeclared
    print(f"| {requests:,} | {server_errors} | {undeclared} | {other} | {seconds:,.0f} |")
    for name, n in checks.most_common():
        print(f"  {name}: {n} failure(s)")
    for name, n in operations.most_common():
        print(f"  {name}: {n} failure(s)")
    if "Traceback" in server_log:
        print("server log has a traceback:\n" + server_log[-3000:])
    return 1 if checks or run.returncode not in (0, 1) else 0


if __name__ == "__main__":
    sys.exit(main())
