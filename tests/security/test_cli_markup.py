"""Data is never read as rich markup (issue 17): a path holding "[/y]" crashed the ingest summary,
a title holding "[/red]" crashed `list`, `show` and `search --json`, a field holding "[/bold]"
crashed `verify`, and `list --json` silently dropped "[bold]" text. JSON output bypasses rich."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.pipeline import ingest_paths
from newsdesk.store.sqlite import SQLiteStore

TITLE = "Markup [/red] in [bold]titles[/bold] :x: stays as written today"


def test_markup_in_data_prints_verbatim(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "x[").mkdir(parents=True)  # so the path holds "[/y]"
    line = {"id": "m1", "title": TITLE, "text": "Body of the story [/bold] with brackets. " * 10}
    (folder / "a.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    (folder / "x[" / "y].html").write_text("<html><body></body></html>", encoding="utf-8")
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    # the summary of a failed file whose path holds "[/y]" (nothing to classify: no models load)
    result = runner.invoke(app, ["ingest", "-q", "--db", db, str(folder / "x[")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "0 added" in result.stdout and "x[/y].html" in result.output
    with SQLiteStore(tmp_path / "t.db") as store:
        assert ingest_paths([folder / "a.jsonl"], store).added == 1

    listed = runner.invoke(app, ["list", "--db", db])
    assert listed.exit_code == 0, listed.output
    assert "[/red]" in listed.stdout and ":x:" in listed.stdout

    as_json = runner.invoke(app, ["list", "--db", db, "--json"])
    assert as_json.exit_code == 0 and json.loads(as_json.stdout.splitlines()[0])["title"] == TITLE

    shown = runner.invoke(app, ["show", "--db", db, "m1"])
    assert shown.exit_code == 0 and TITLE in shown.stdout

    found = runner.invoke(app, ["search", "--db", db, "--json", "markup titles"])
    assert found.exit_code == 0 and json.loads(found.stdout.splitlines()[0])["title"] == TITLE


def test_verify_goes_on_past_a_record_with_markup(tmp_path: Path) -> None:
    (tmp_path / "a[").mkdir()
    bad = tmp_path / "a[" / "bold].md"
    bad.write_text('---\ntitle: "x [/bold] y"\nsecured: "[/bold]"\n---\n\nbody\n', encoding="utf-8")
    other = tmp_path / "b.md"
    other.write_text("---\ntitle: fine\n---\n\nbody\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", "--db", str(tmp_path / "t.db"), str(bad), str(other)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "a[/bold].md" in result.output and "b.md" in result.output
