"""`newsdesk feeds list|show` and the feed-aware record export, over the seeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from newsdesk.cli_feeds import export_feed_records, feeds_app, rules
from newsdesk.link.linker import Linker
from newsdesk.pipeline import Enricher, ingest_paths
from newsdesk.publish.feeds import Feed
from newsdesk.records import load_record
from newsdesk.secured import Keyring, verify_record
from newsdesk.settings import load_settings
from newsdesk.store.sqlite import SQLiteStore

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
CONFIG = """
[[feeds]]
name = "AI"
topics = ["AI", "Computer Vision"]
min_quality = 40

[[feeds]]
name = "everything"
show_copies = true
"""

# The commands as `newsdesk feeds` mounts them, without depending on cli.py's wiring.
app = typer.Typer()
app.add_typer(feeds_app, name="feeds")


@app.command()
def _unused() -> None:  # a Typer with one sub-app and no command would collapse into it
    pass


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> tuple[Path, Path]:
    """(config file, store) with the seeds ingested and classified once for the module."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    tmp = tmp_path_factory.mktemp("feeds-cli")
    cfg = tmp / "newsdesk.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    db = tmp / "desk.db"
    settings = load_settings(
        {"db": str(db), "data_dir": str(tmp / "data"), "models_dir": str(models_dir)},
        env={},
        config_file=cfg,
    )
    with SQLiteStore(db) as store:
        report = ingest_paths(
            [SEEDS], store, enricher=Enricher.from_settings(settings), linker=Linker.open(store)
        )
    assert report.ok, report.failed
    return cfg, db


@pytest.fixture
def cli(desk: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("NEWSDESK_CONFIG", str(desk[0]))
    monkeypatch.setenv("NEWSDESK_DB", str(desk[1]))
    return CliRunner()


def _seed_000_id(db: Path) -> str:
    seed = load_record(next(SEEDS.glob("000_*.txt")).read_bytes())
    with SQLiteStore(db) as store:
        return next(a.id for a in store.iter_articles() if a.title == seed.title)


def test_feeds_list_names_rules_and_counts(cli: CliRunner) -> None:
    result = cli.invoke(app, ["feeds", "list"])
    assert result.exit_code == 0, result.output
    assert "AI" in result.output and "topics AI, Computer Vision; quality >= 40" in result.output
    result = cli.invoke(app, ["feeds", "list", "--json"])
    assert result.exit_code == 0, result.output
    lines = {d["name"]: d for d in map(json.loads, result.output.splitlines())}
    assert list(lines) == ["AI", "everything"]
    assert lines["AI"]["topics"] == ["AI", "Computer Vision"] and lines["AI"]["min_quality"] == 40
    assert lines["AI"]["articles"] == lines["everything"]["articles"] >= 4
    assert lines["AI"]["publishes"] == 0  # the seeds are diplomacy, not AI
    assert lines["everything"]["publishes"] == lines["everything"]["articles"]


def test_seed_000_is_not_in_the_ai_feed_and_the_reason_names_the_topics(
    cli: CliRunner, desk: tuple[Path, Path]
) -> None:
    seed_id = _seed_000_id(desk[1])
    result = cli.invoke(app, ["feeds", "show", "AI", "--json"])
    assert result.exit_code == 0, result.output
    decisions = {d["id"]: d for d in map(json.loads, result.output.splitlines())}
    seed = decisions[seed_id]
    assert "Taliban" in seed["title"]
    assert seed["published"] is False
    assert seed["reason"] == "not in topics AI, Computer Vision"

    table = cli.invoke(app, ["feeds", "show", "AI"])
    assert table.exit_code == 0, table.output
    assert seed_id in table.output and "not in topics" in table.output
    published_only = cli.invoke(app, ["feeds", "show", "AI", "--published", "--json"])
    assert published_only.exit_code == 0 and published_only.output.strip() == ""


def test_unknown_feed_is_an_error_naming_the_known_ones(cli: CliRunner) -> None:
    result = cli.invoke(app, ["feeds", "show", "sports"])
    assert result.exit_code == 1
    assert "no feed 'sports'" in result.output and "AI, everything" in result.output


def test_bad_feed_config_is_a_clean_error(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[feeds]]\nname = "x"\nmin_quality = "high"\n', encoding="utf-8")
    monkeypatch.setenv("NEWSDESK_CONFIG", str(bad))
    result = cli.invoke(app, ["feeds", "list"])
    assert result.exit_code == 2 and "min_quality" in result.output


def test_rules_summary() -> None:
    feed = Feed(name="x", topics=("AI",), exclude=("Sports",), languages=("en",), max_age_days=7)
    assert rules(feed) == "not Sports; topics AI; languages en; last 7 days; no copies"


def test_export_feed_records_sets_published_per_feed(desk: tuple[Path, Path], tmp_path: Path) -> None:
    _, db = desk
    seed_id = _seed_000_id(db)
    keyring = Keyring.from_settings(load_settings({"data_dir": str(tmp_path / "keys")}, env={}))
    now = datetime.now(UTC)
    ai = Feed(name="AI", topics=("AI", "Computer Vision"), min_quality=40)
    everything = Feed(name="everything", show_copies=True)
    with SQLiteStore(db) as store:
        linker = Linker.open(store)
        total = store.count()
        assert export_feed_records(store, linker, ai, tmp_path / "ai", keyring, now) == (total, 0)
        assert export_feed_records(store, linker, everything, tmp_path / "all", keyring, now) == (
            total,
            total,
        )
    for folder, expected in (("ai", False), ("all", True)):
        records = sorted((tmp_path / folder).glob("*.md"))
        assert len(records) == total
        for path in records:
            text = path.read_text(encoding="utf-8")
            assert f"published: {'true' if expected else 'false'}" in text
            verify_record(text, keyring, source=str(path))  # sealed after the flag was set
            assert load_record(text.encode()).published_flag is expected
    assert (tmp_path / "ai" / f"{seed_id}.md").is_file()
