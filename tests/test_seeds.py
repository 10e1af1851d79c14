"""The seed captures and the seed record, end to end: five files in, four articles out."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from newsdesk.pipeline import ingest_paths
from newsdesk.records import dump_record, load_record
from newsdesk.secured import Keyring, verify_record
from newsdesk.settings import load_settings
from newsdesk.store.sqlite import SQLiteStore


@pytest.fixture
def store(tmp_path: Path, seeds: Path) -> SQLiteStore:
    s = SQLiteStore(tmp_path / "seeds.db")
    report = ingest_paths([seeds], s)
    assert report.ok, report.failed
    return s


def _by_title(store: SQLiteStore, fragment: str):
    found = [a for a in store.iter_articles() if fragment.lower() in a.title.lower()]
    assert len(found) == 1, [a.title for a in store.iter_articles()]
    return found[0]


def test_five_files_make_four_articles(store: SQLiteStore) -> None:
    assert store.count() == 4
    assert store.count_inputs() == 5


def test_record_and_capture_merge(store: SQLiteStore) -> None:
    a = _by_title(store, "Beijing Cautiously Backs Taliban")
    assert a.title == "Beijing Cautiously Backs Taliban's Hopes Of International Recognition In Afghanistan"
    assert a.url == "https://gandhara.rferl.org/a/china-taliban-support/31480715.html"
    assert a.published is not None and a.published.strftime("%Y-%m-%dT%H:%M") == "2021-09-27T16:31"
    assert a.provider.name == "Radio Free Europe/Radio Liberty" and a.provider.domain == "rferl.org"
    assert a.images and a.images[0].width == 1200
    # text from the capture
    assert a.text.startswith("China is calling for sanctions against Afghanistan")
    assert "Wang said during his G20 remarks." in a.text
    assert "Accessibility links" not in a.text and "Breaking News" not in a.text
    assert "16x9 Image" not in a.text
    assert "Reid Standish" in a.authors
    kinds = sorted(i["kind"] for i in a.info["inputs"])
    assert kinds == ["capture", "record"]


def test_capture_02(store: SQLiteStore) -> None:
    a = _by_title(store, "China Applauds Russia")
    assert a.published is not None and a.published.date().isoformat() == "2025-07-06"
    assert a.authors == ["Ava Thompson"]
    assert a.provider.name == "Capital Cities"
    assert a.original_title.startswith("China Welcomes Russia’s Decision to Recognize Taliban Rule")
    assert "Diplomacy" in a.tags and "Taliban rule" in a.tags
    for junk in (
        "Share on Facebook",
        "Previous Post",
        "Related Posts",
        "< / td>",
        "&lt",
        "nbsp",
        "h2>",
        "Archives",
    ):
        assert junk not in a.text


def test_capture_03(store: SQLiteStore) -> None:
    a = next(x for x in store.iter_articles() if x.agency)
    assert a.dateline == "ISLAMABAD (PEN)" and a.agency == "PEN"
    assert a.published is None
    assert "Mao Ning" in a.text and "*" not in a.text


def test_capture_04_is_repost(store: SQLiteStore) -> None:
    a = _by_title(store, "China likely to recognize Taliban")
    assert a.is_repost
    assert "View original post" not in a.text
    assert a.text.rstrip().endswith("the U.S. welcomed China’s role.")


def test_export_records_are_valid_seed_format_and_verify(store: SQLiteStore, tmp_path: Path) -> None:
    keyring = Keyring.from_settings(load_settings({"data_dir": str(tmp_path / "keys")}))
    seed_fields = list(
        yaml.safe_load(
            (Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "000_9384bd5bf276808d.txt")
            .read_text(encoding="utf-8")
            .split("---")[1]
        )
    )
    for article in store.iter_articles():
        text = dump_record(article, keyring=keyring)
        front = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))
        assert list(front) == seed_fields
        assert front["heat"] == -1 and isinstance(front["published"], bool)
        back = load_record(text)
        assert back.title == article.title and back.text == article.text
        assert verify_record(text, keyring)["source"]


def test_quality_orders_the_seeds(store: SQLiteStore) -> None:
    scores = {a.title[:20]: a.quality for a in store.iter_articles()}
    rferl = _by_title(store, "Beijing Cautiously Backs").quality
    farm = _by_title(store, "China Applauds Russia").quality
    assert rferl == max(scores.values()) and farm == min(scores.values()), scores
    assert all(0 <= q <= 100 for q in scores.values())
    art = _by_title(store, "China Applauds Russia")
    assert art.quality_reasons
    assert set(art.quality_parts) >= {"depth", "sourcing", "originality", "cleanliness"}
    assert art.original_provider == "KabulNow"


def test_enrichment_fills_language_and_entities(store: SQLiteStore) -> None:
    for a in store.iter_articles():
        assert a.language == "en"
        assert "Taliban" in a.entities["organisations"], a.title
        assert "Afghanistan" in a.entities["places"], a.title
        # what a user reads back: names, not the headline phrases the old rules took (issue 12)
        names = {n for kind in a.entities.values() for n in kind}
        old_mistakes = {"Geopolitical Leverage", "Edukational Collaborations", "Recognize Taliban Government"}
        assert not names & old_mistakes, a.title
    assert _by_title(store, "Beijing Cautiously").entities["people"]["Wang Yi"] >= 2
