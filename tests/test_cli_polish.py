"""What a newcomer meets first on the command line (issue #14's small things): real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import run


def test_version_flag_help_without_types_and_unknown_story(tmp_path: Path) -> None:
    version = run("--version")
    assert version.stdout.strip() == f"newsdesk {run('version').stdout.strip()}"
    helped = run("list", "--help").stdout
    assert "--json" in helped and "<bool>" not in helped
    from newsdesk.store.sqlite import SQLiteStore

    SQLiteStore(tmp_path / "empty.db").close()  # read commands refuse a store that is not there
    missing = run("story", "99", "--db", str(tmp_path / "empty.db"), check=False)
    assert missing.returncode == 1
    assert "no story 99" in missing.stderr and "article" not in missing.stderr


def test_error_lines_are_whole_and_name_the_file_once(tmp_path: Path) -> None:
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "broken.md").write_text("---\ntitle: [\n---\nbody\n", encoding="utf-8")
    (bad / "long-named-capture-of-a-page.html").write_bytes(b"")
    proc = run("ingest", str(bad), "--db", str(tmp_path / "x.db"), env={"COLUMNS": "40"}, check=False)
    assert proc.returncode == 1
    failed = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(failed) == 2, proc.stderr  # one line each, however narrow the terminal
    record = next(line for line in failed if "broken.md" in line)
    assert record.count("broken.md") == 1 and "not valid YAML" in record and "line 1" in record


def test_show_has_no_empty_parentheses(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    line = {"id": "p1", "title": "Council approves library budget", "provider": "Capital Cities",
            "text": "The council voted on Monday to approve the budget for the new library."}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    db = str(tmp_path / "p.db")
    run("ingest", str(path), "--db", db)
    shown = run("show", "p1", "--db", db).stdout
    provider = next(x for x in shown.splitlines() if x.strip().startswith("provider"))
    assert "Capital Cities" in provider and "()" not in provider
