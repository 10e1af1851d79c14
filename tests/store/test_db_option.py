"""`--db` / NEWSDESK_DB: a URL is never a file name, a typo is an error, nothing is created by mistake."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_helpers import run

from newsdesk.errors import StoreError
from newsdesk.store.target import open_target, parse_target


def test_targets_are_parsed_not_guessed(tmp_path: Path) -> None:
    assert parse_target("postgresql://u@h/db").kind == "postgresql"
    assert parse_target("postgres://u:secret@h:5433/db").label == "postgres://u@h:5433/db"  # no password
    assert parse_target("sqlite:///tmp/x.db").path == Path("/tmp/x.db")
    assert parse_target(str(tmp_path / "x.db")).path == tmp_path / "x.db"
    for bad in ("postgresql:/u@h/db", "mysql://u@h/db", "sqlite://x.db", "  "):
        with pytest.raises(StoreError):
            parse_target(bad)


def test_opening_creates_only_when_asked(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store there"):
        open_target(tmp_path / "new.db")
    with pytest.raises(StoreError, match="does not exist"):
        open_target(tmp_path / "no" / "dir" / "new.db", create=True)
    with pytest.raises(StoreError, match="is a folder"):
        open_target(tmp_path, create=True)
    assert sorted(os.listdir(tmp_path)) == []
    with open_target(f"sqlite://{tmp_path}/new.db", create=True) as store:
        assert store.count() == 0
    assert (tmp_path / "new.db").is_file()


def test_cli_refuses_urls_and_typos_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where the old code created ./postgresql:/user@host/newsdesk
    cases = [
        (["list", "--db", "postgresql://nobody@127.0.0.1:1/newsdesk"], "cannot connect to PostgreSQL"),
        (["list", "--db", "/nonexistent/dir/x.db"], "no store there"),
        (["ingest", str(tmp_path), "--db", "/nonexistent/dir/x.db"], "does not exist"),
        (["search", "x", "--db", str(tmp_path / "missing.db")], "no store there"),
    ]
    for args, message in cases:
        proc = run(*args, check=False)
        assert proc.returncode != 0, args
        assert message in " ".join(proc.stderr.split()), (args, proc.stderr)
    stories = run("stories", "--json", check=False, env={"NEWSDESK_DB": "postgresql:/user@host/newsdesk"})
    assert stories.returncode != 0 and "malformed" in stories.stderr
    assert sorted(os.listdir(tmp_path)) == [] and not Path("/nonexistent").exists()


def test_ingest_creates_the_store_and_read_commands_then_use_it(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(
        json.dumps({"id": "a1", "title": "Harbour bridge closes", "text": "The harbour bridge closes. " * 5})
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "desk.db"
    run("ingest", str(tmp_path / "in"), "--db", f"sqlite://{db}")
    listed = run("list", "--json", "--db", str(db)).stdout.splitlines()
    assert [json.loads(line)["title"] for line in listed] == ["Harbour bridge closes"]
