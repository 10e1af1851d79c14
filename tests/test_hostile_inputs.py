"""Every input is judged alone (issue 16): nothing one file, line or record holds can stop a run,
hang it, or put a value in the store that later reads choke on."""

from __future__ import annotations

import json
import os
import sqlite3
import struct
import time
import zlib
from pathlib import Path

import pytest
import yaml
from desk_helpers import app_client
from test_ingest import ARTICLE_HTML

from newsdesk.errors import MalformedInput
from newsdesk.extract import article as article_module
from newsdesk.extract.limits import MAX_HTML_DEPTH, load_json, load_yaml, prescan_html
from newsdesk.extract.sanitise import normalise_url, sanitise_article
from newsdesk.ingest.images import ImageRefused, inspect_image
from newsdesk.model import Article, RawDocument
from newsdesk.pipeline import ingest_paths
from newsdesk.store.sqlite import SQLiteStore


def _line(**fields: object) -> str:
    base: dict[str, object] = {"title": "Harbour bridge reopens after long repairs"}
    base.update(fields)
    base.setdefault("text", f"Body text about {base['title']}. " * 20)
    return json.dumps(base)


def _failures_name(report_failed: list[str], name: str) -> None:
    for failure in report_failed:
        assert "\n" not in failure and name in failure, failure


# ---------------------------------------------------------------------------------- JSON Lines


def test_hostile_jsonl_lines_fail_alone_and_the_store_stays_readable(tmp_path: Path) -> None:
    bad = [
        '{"title": "deep", "x": ' + "[" * 50_000 + "]" * 50_000 + "}",  # RecursionError aborted the run
        '{"title": "big number", "n": ' + "9" * 5000 + "}",  # ValueError aborted the run
    ]
    odd = [
        _line(id="surrogate", title="Lone \udfff surrogate headline in the wild"),  # failed at store time
        _line(
            id="y999", title="A year nine hundred ninety nine story", published="0999-01-01T00:00:00+00:00"
        ),
        _line(
            id="y1", title="First year with an eastern offset story", published="0001-01-01T00:00:00+14:00"
        ),
        _line(id="ipv6", title="Broken IPv6 address in the url field", url="http://[::1/x"),
    ]
    good = _line(id="good", title="Harbour bridge reopens after long repairs", url="https://Example.ORG/a")
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join([*bad, *odd, good]) + "\n", encoding="utf-8", errors="surrogatepass")
    with SQLiteStore(tmp_path / "t.db") as store:
        report = ingest_paths([path], store)
        assert report.added == 5, report.failed  # the four odd lines are stored, cleaned
        assert len(report.failed) == 2
        assert "dump.jsonl:1:" in report.failed[0] and "nested deeper" in report.failed[0]
        assert "dump.jsonl:2:" in report.failed[1] and "digit" in report.failed[1]
        _failures_name(report.failed, "dump.jsonl")
        by_ext = {a.external_id: a for a in store.iter_articles()}
        assert "\ufffd" in by_ext["surrogate"].title
        assert by_ext["y999"].published is None and by_ext["y1"].published is None
        assert any("before 1800" in n for n in by_ext["y999"].info["sanitised"])
        assert any("outside the range" in n for n in by_ext["y1"].info["sanitised"])
        assert by_ext["ipv6"].url == ""
        assert by_ext["good"].url == "https://example.org/a"
        store.newest_published()  # raised ValueError on '999-01-01...'
        assert len(store.recent()) == 5


def test_jsonl_split_on_newline_only(tmp_path: Path) -> None:
    # U+2028, U+0085 and a form feed are valid raw inside JSON strings; splitlines() broke there.
    lines = [
        json.dumps(
            {"id": f"s{n}", "title": f"Separator story number {n} today", "text": f"One{sep}two. " * 20},
            ensure_ascii=False,
        )
        for n, sep in enumerate(["\u2028", "\x85", "\x0c", "\u2029", "\x1c"])
    ]
    path = tmp_path / "seps.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with SQLiteStore(tmp_path / "t.db") as store:
        report = ingest_paths([path], store)
        assert report.failed == [] and report.added == 5


def test_jsonl_is_streamed_with_the_limit_per_line(tmp_path: Path) -> None:
    lines = [
        _line(id=f"n{n}", title=f"Streamed story number {n} of many", text=f"Body {n}. " * 60)
        for n in range(8)
    ]
    lines.insert(3, _line(id="huge", title="A line over the limit", text="x" * 5000))
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")  # no final newline
    assert path.stat().st_size > 6000
    with SQLiteStore(tmp_path / "t.db") as store:
        report = ingest_paths([path], store, max_bytes=2000)  # the file is over it, each line but one is not
        assert report.added == 8
        assert len(report.failed) == 1 and "big.jsonl:4:" in report.failed[0] and "limit" in report.failed[0]


# ---------------------------------------------------------------------------------- records


BOMB = (
    "---\ntitle: bomb\na: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    + "---\n\nbody\n"
)


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("bomb.md", BOMB, "aliases"),
        ("deep.md", "---\ntitle: deep\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n\nbody\n", "nested deeper"),
        ("year0.md", "---\ntitle: year zero\npublishedDateTime: 0000-01-01\n---\n\nbody\n", "cannot be read"),
        ("month13.md", "---\ntitle: month\npublishedDateTime: 2021-13-01\n---\n\nbody\n", "cannot be read"),
    ],
)
def test_hostile_records_fail_fast_with_one_line_naming_the_file(
    tmp_path: Path, name: str, text: str, reason: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    (folder / "z.html").write_text(ARTICLE_HTML, encoding="utf-8")
    started = time.monotonic()
    with SQLiteStore(tmp_path / "t.db") as store:
        report = ingest_paths([folder], store)
    assert time.monotonic() - started < 30
    assert report.added == 1 and len(report.failed) == 1, report.failed
    assert report.failed[0].startswith(str(folder / name) + ":"), report.failed
    assert reason in report.failed[0] and report.failed[0].count(name) == 1
    _failures_name(report.failed, name)


def test_yaml_loader_builds_no_python_objects() -> None:
    with pytest.raises(yaml.YAMLError, match=r"could not determine a constructor"):
        load_yaml("x: !!python/object/apply:os.system ['true']")


def test_json_limits_judged_before_the_work() -> None:
    with pytest.raises(MalformedInput, match="digit"):
        load_json('{"n": ' + "1" * 100_000 + "}", source="s")
    with pytest.raises(MalformedInput, match="nested"):
        load_json("[" * 100 + "]" * 100, source="s")
    assert load_json('{"a": [1, {"b": 2}]}', source="s") == {"a": [1, {"b": 2}]}


# ---------------------------------------------------------------------------------- HTML


def test_deep_html_is_refused_and_attribute_floods_are_dropped_fast(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "deep.html").write_text("<html><body>" + "<div>" * 100_000 + "x", encoding="utf-8")
    flood = " ".join(f'data-a{n}="{n}"' for n in range(40_000))
    (folder / "flood.html").write_text(
        ARTICLE_HTML.replace("<article>", f"<article {flood}>"), encoding="utf-8"
    )
    (folder / "huge-attr.html").write_text(
        ARTICLE_HTML.replace("<article>", '<article title="' + "a" * 3_000_000 + '">')
        .replace("Harbour bridge reopens", "Second bridge reopens")
        .replace("harbour-bridge", "second-bridge"),
        encoding="utf-8",
    )
    (folder / "nul.html").write_bytes(b"<html><body>\x00\x00<p>x\x00</p>" * 1000)
    started = time.monotonic()
    with SQLiteStore(tmp_path / "t.db") as store:
        report = ingest_paths([folder], store)
        titles = sorted(a.title for a in store.iter_articles())
    assert time.monotonic() - started < 30
    assert titles == ["Harbour bridge reopens after repairs", "Second bridge reopens after repairs"]
    deep = [f for f in report.failed if "deep.html" in f]
    assert deep and f"nested deeper than {MAX_HTML_DEPTH}" in deep[0]
    _failures_name(deep, "deep.html")


def test_prescan_keeps_ordinary_pages_unchanged() -> None:
    data = ARTICLE_HTML.encode()
    assert prescan_html(data, source="p") == (data, [])


def test_time_budget_ends_one_input_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = article_module.extract_article

    def slow(raw: object) -> Article:
        if "slow" in getattr(raw, "source", ""):
            time.sleep(60)
        return real(raw)  # type: ignore[arg-type]

    monkeypatch.setattr(article_module, "extract_article", slow)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-slow.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (folder / "b.html").write_text(
        ARTICLE_HTML.replace("Harbour", "River").replace("harbour", "river"), encoding="utf-8"
    )
    real(RawDocument(source="warm", kind="html", content=ARTICLE_HTML.encode()))  # imports, caches
    started = time.monotonic()
    with SQLiteStore(tmp_path / "t.db") as store:
        report = ingest_paths([folder], store, time_budget_s=5.0)
    assert time.monotonic() - started < 40
    assert report.added == 1 and len(report.failed) == 1 and "budget" in report.failed[0]
    assert "a-slow.html" in report.failed[0]


# ---------------------------------------------------------------------------------- files


def test_non_utf8_file_name_does_not_abort_the_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    odd = os.fsencode(folder) + b"/x\xff.html"
    with open(odd, "w", encoding="utf-8") as fh:
        fh.write(ARTICLE_HTML)
    (folder / "y.html").write_text(
        ARTICLE_HTML.replace("Harbour", "River").replace("harbour", "river"), encoding="utf-8"
    )
    with SQLiteStore(tmp_path / "t.db") as store:
        report = ingest_paths([folder], store)
        assert report.failed == [] and report.added == 2
        sources = {a.source for a in store.iter_articles()}
    assert any(s.endswith("x\\xff.html") for s in sources), sources


def test_a_failed_save_rolls_back_whatever_the_exception(tmp_path: Path) -> None:
    from newsdesk.store.base import StoredInput

    with SQLiteStore(tmp_path / "t.db") as store:
        article = Article(id="a1", title="t", text="x")
        with pytest.raises(UnicodeEncodeError):
            store.save(article, keys_for_test(), StoredInput("a1", "bad\udcff", "html", "d1", article))
        store.save(article, keys_for_test(), StoredInput("a1", "good", "html", "d2", article))
        assert store.count() == 1


def keys_for_test():  # type: ignore[no-untyped-def]
    from newsdesk.store.base import IdentityKeys

    return IdentityKeys()


def test_truncated_copy_never_cuts_a_stored_body(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.html").write_text(ARTICLE_HTML, encoding="utf-8")
    cut = ARTICLE_HTML.index("<p>Engineers")
    with SQLiteStore(tmp_path / "t.db") as store:
        ingest_paths([folder / "a.html"], store)
        full = store.recent()[0].text
        (folder / "b.html").write_text(ARTICLE_HTML[:cut] + "</article></body></html>", encoding="utf-8")
        report = ingest_paths([folder / "b.html"], store)
        assert report.updated == 1
        assert store.count() == 1 and store.recent()[0].text == full
        # a complete re-fetch with more text does replace it
        (folder / "c.html").write_text(
            ARTICLE_HTML.replace(
                "</article>", "<p>The council will publish the final costs in May.</p></article>"
            ),
            encoding="utf-8",
        )
        ingest_paths([folder / "c.html"], store)
        assert "final costs in May" in store.recent()[0].text


def test_symlinks_out_of_the_folder_and_special_files_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.html"
    outside.write_text(
        ARTICLE_HTML.replace("harbour-bridge", "secret").replace("Harbour", "root:x:0:0 Harbour"),
        encoding="utf-8",
    )
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.txt").symlink_to(outside)
    (folder / "a.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (folder / "inside.html").symlink_to(folder / "a.html")
    os.mkfifo(folder / "pipe.txt")
    with SQLiteStore(tmp_path / "t.db") as store:
        report = ingest_paths([folder], store)
        assert store.count() == 1
        assert all("root:x" not in a.title for a in store.iter_articles())
    failed = " | ".join(report.failed)
    assert "notes.txt" in failed and "symlink" in failed and "--follow-symlinks" in failed
    assert "pipe.txt" in failed and "not a regular file" in failed
    with SQLiteStore(tmp_path / "t2.db") as store:
        report = ingest_paths([folder], store, follow_symlinks=True)
        assert any("root:x" in a.title for a in store.iter_articles())


# ---------------------------------------------------------------------------------- values


def test_sanitise_keeps_good_values_and_drops_bad_ones() -> None:
    assert normalise_url("https://gandhara.rferl.org/a/china-taliban-support/31480715.html") == (
        "https://gandhara.rferl.org/a/china-taliban-support/31480715.html"
    )
    assert normalise_url(" HTTP://News.Example:80/A?b=1#c ") == "http://news.example/A?b=1#c"
    for bad in ("javascript:alert(1)", "http://[::1/x", "http://host:99999/", "http:///x", "http://a b/"):
        with pytest.raises(ValueError):
            normalise_url(bad)
    from datetime import UTC, datetime

    article = Article(title="t\udc80", published=datetime(2999, 1, 1, tzinfo=UTC), url="ftp://x/y")
    notes = sanitise_article(article)
    assert article.title == "t\ufffd" and article.published is None and article.url == ""
    assert len(notes) == 3


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    idat = zlib.compress(b"")
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
        + struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    )  # fmt: skip


def test_big_images_refused_from_the_header_before_decoding() -> None:
    from newsdesk.settings import load_settings

    cap = load_settings({}, env={}).image_max_pixels
    assert cap <= 16_000_000
    with pytest.raises(ImageRefused, match="pixel limit"):
        inspect_image(_png_header(7680, 5160), "https://img.example/big.png", max_pixels=cap)  # 39.6 MP


# ---------------------------------------------------------------------------------- the store


def _poison(db: Path) -> None:
    with sqlite3.connect(db) as con:
        good = con.execute("SELECT data FROM articles LIMIT 1").fetchone()[0]
        obj = json.loads(good)
        obj.update(id="bad1", publishedDateTime="0999-01-01T00:00:00Z", title="Year 999")
        now = "2024-01-01T00:00:00+00:00"
        cols = "(id, title, text, published, data, created_at, updated_at)"
        con.execute(
            f"INSERT INTO articles {cols} VALUES (?,?,?,?,?,?,?)",
            ("bad1", "Year 999", "x", "999-01-01T00:00:00Z", json.dumps(obj), now, now),
        )
        con.execute(
            f"INSERT INTO articles {cols} VALUES (?,?,?,?,?,?,?)",
            ("bad2", "Broken", "x", "2024-01-01T00:00:00Z", "{not json", now, now),
        )
        con.execute(
            f"INSERT INTO articles {cols} VALUES (?,?,?,?,?,?,?)",
            ("bad3", "Bytes", "x", None, b'{"title": "\xff\xfe"}', now, now),
        )


def test_reads_tolerate_bad_rows_and_serve_starts(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(ARTICLE_HTML, encoding="utf-8")
    db = tmp_path / "desk.db"
    with SQLiteStore(db) as store:
        ingest_paths([tmp_path / "a.html"], store)
    _poison(db)
    with SQLiteStore(db) as store:
        assert store.newest_published() is not None
        assert sorted(a.title for a in store.recent()) == ["Harbour bridge reopens after repairs", "Year 999"]
        assert len(list(store.iter_articles())) == 2  # the two unreadable rows are skipped
        assert len(store.briefs(["bad1", "bad2", "bad3"])) == 3
    with app_client(tmp_path, "") as client:
        assert client.get("/api/articles").status_code == 200
        assert client.get("/").status_code == 200


def test_repair_migration_fixes_stored_dates(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(ARTICLE_HTML, encoding="utf-8")
    db = tmp_path / "desk.db"
    with SQLiteStore(db) as store:
        ingest_paths([tmp_path / "a.html"], store)
    _poison(db)
    with sqlite3.connect(db) as con:
        con.execute("DELETE FROM schema_migrations WHERE version = 10")
    with SQLiteStore(db):
        pass
    with sqlite3.connect(db) as con:
        published, data = con.execute("SELECT published, data FROM articles WHERE id = 'bad1'").fetchone()
        good = con.execute("SELECT published FROM articles WHERE id NOT LIKE 'bad%'").fetchone()[0]
    assert published is None and json.loads(data)["publishedDateTime"] is None
    assert good == "2024-03-05T08:30:00Z"


# ---------------------------------------------------------------------------------- found by fuzzing


def test_fuzz_regression_alias_expansion_within_the_alias_count() -> None:
    # 54 aliases (under the count budget), 9 per level over 7 levels: 4.7 million values expanded
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}" if i > 1 else "*a"] * 9) + "]" for i in range(1, 7)
    ]
    started = time.monotonic()
    with pytest.raises(yaml.YAMLError, match="once aliases are expanded"):
        load_yaml("title: bomb\n" + "\n".join(lines))
    assert time.monotonic() - started < 5


def test_fuzz_regression_opml_with_an_unclosed_ipv6_url() -> None:
    from newsdesk.ingest.feeds import parse_opml

    doc = (
        b'<?xml version="1.0"?><opml version="2.0"><head/><body>'
        b'<outline text="a" xmlUrl="http://[::1/x" type="rss"/>'
        b'<outline text="b" xmlUrl="https://news.example/feed" type="rss"/></body></opml>'
    )
    assert [o.url for o in parse_opml(doc)] == ["https://news.example/feed"]


def test_fuzz_regression_sitemap_with_an_unclosed_ipv6_url() -> None:
    from newsdesk.ingest.sitemaps import parse_sitemap

    doc = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://[::1/x</loc></url><url><loc>https://news.example/a</loc></url></urlset>"
    )
    found = parse_sitemap(doc, "https://news.example/sitemap.xml")
    assert [e.url for e in found.entries] == ["https://news.example/a"] and found.foreign == 1
    with pytest.raises(MalformedInput, match="not a URL"):
        parse_sitemap(b"http://[::1/x\n", "https://news.example/sitemap.txt")


def test_fuzz_regression_json_feed_with_lone_surrogates() -> None:
    from newsdesk.ingest.feeds import parse_feed, summary_document

    doc = json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "t",
         "items": [{"id": "\ud800", "title": "\ud800 x", "content_text": "a\ud800"}]}
    ).encode()  # fmt: skip
    feed = parse_feed(doc, "https://news.example/feed.json")
    assert feed.entries[0].title == "\ufffd x"
    summary_document(feed.entries[0], feed)  # raised UnicodeEncodeError


def test_fuzz_regression_a_huge_word_builds_no_spelling_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    # A JSONL text holding a 5,000-letter "word" built 1.2 GB of one-edit candidates and took 6 s.
    from newsdesk.enrich import quality

    sizes: list[int] = []
    real = quality._one_edit

    def counted(word: str, cand: str) -> bool:
        sizes.append(len(word))
        return real(word, cand)

    monkeypatch.setattr(quality, "_one_edit", counted)
    found = quality.misspellings("The bridge " + "a" * 5000 + " reopened. An edukational visit followed.")
    assert max(sizes) < 40
    assert ("edukational", "educational") in found  # ordinary typos are still found
