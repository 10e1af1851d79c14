"""Hostile inputs, generated: hypothesis strategies per input kind and the harness that runs them.

Shared by the CI fuzz tests (a few dozen inputs per kind, seconds) and ``benchmarks/fuzz.py``
(thousands per kind, minutes). Every input goes through the product path: files through
:func:`newsdesk.pipeline.ingest_paths` (what ``newsdesk ingest`` runs), feeds, sitemaps and OPML
through the parsers the poller uses. Each outcome is one of:

* ``ok``: accepted (an article stored or updated, a feed parsed);
* ``clear``: refused with one line naming the input (the contract for bad input);
* ``internal``: refused, but by the catch-all boundary ("internal error"): a bug to fix;
* ``crash``: an exception escaped the run (the run would have aborted);
* ``cut``: refused because it ran past the product's per-input time budget (a clear error too,
  counted apart because it is a near-hang);
* ``hung``: took over the hang limit (10 s CPU, or 30 s wall).

The strategies are built from what broke newsdesk before (issue 16): deep nesting, huge
numbers, lone surrogates, dates outside any calendar, malformed URLs, YAML alias bombs,
attribute floods, NUL bytes, bad gzip, entity declarations, and line separators inside
JSON strings, mixed with ordinary well-formed documents so the parsers get past their
first checks.
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from .errors import NewsdeskError

HANG_SECONDS = 10.0
#: wall-clock seconds past which an input counts as hung whatever its CPU time: a backstop for an
#: input that blocks without computing. On a machine shared with other work (2 cores, load 16 while
#: this was measured) wall time overstates the cost several-fold, so the 10 s limit is judged on
#: the CPU time the input took; the benchmark's table shows the slowest wall time beside it.
HANG_WALL_SECONDS = 120.0
#: what the failure line of an input ended by the per-input time budget says (``time_budget``)
TIME_BUDGET_MARK = "-second budget per input"

# ------------------------------------------------------------------------------- building blocks

HOSTILE_TEXT = [
    "", " ", "\x00", "\udfff", "\ud800x", "\u2028", "\u2029", "\x85", "\x0c", "\ufeff", "\u202e",
    "[/red]", "[bold]", ":x:", "&amp;", "&#0;", "&#x110000;", "<script>alert(1)</script>",
    "a" * 5000, "\r\n", "\r", "ł" * 300, "𝕏" * 50, "%s%n", "${jndi:ldap://x}",
]  # fmt: skip
HOSTILE_DATES = [
    "0000-01-01", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "999-01-01",
    "0999-01-01T00:00:00Z", "2021-13-01", "2021-02-30", "2021-01-01T25:00:00Z", "1799-12-31",
    "3000-01-01", "-0001-01-01", "2021-09-27T16:31:00Z", "yesterday", "1e309", "NaN",
    "2021-09-27T16:31:00.123456789+05:45", "Mon, 27 Sep 2021 16:31:00 +0000", "",
]  # fmt: skip
HOSTILE_URLS = [
    "http://[::1/x", "http://[::1]:99999/", "javascript:alert(1)", "http:///x", "//evil.example/x",
    "http://a b/", "http://xn--/", "http://" + "a" * 300 + ".com/", "https://news.example/a?b=1#c",
    "http://127.0.0.1/", "http://2002:7f00:1::/", "file:///etc/passwd", "http://ex\x00ample.com/",
    "https://gandhara.rferl.org/a/x/31480715.html", "", "http://%zz/", "http://例え.jp/",
]  # fmt: skip

words = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)  # no surrogates: utf-8 cannot hold them
any_text = st.one_of(words, st.sampled_from(HOSTILE_TEXT), st.text(max_size=60))
raw_text = st.one_of(any_text, st.text(alphabet=st.characters(), max_size=60))  # surrogates too
dates = st.one_of(st.sampled_from(HOSTILE_DATES), st.datetimes().map(lambda d: d.isoformat()), words)
urls = st.one_of(st.sampled_from(HOSTILE_URLS), words.map(lambda w: f"https://news.example/{w}"))
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), raw_text,
    st.integers(min_value=10**100, max_value=10**120), st.sampled_from(HOSTILE_DATES + HOSTILE_URLS),
)  # fmt: skip


def _json_containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    # a def, not a lambda: hypothesis could not always find a lambda's source to see it recurse
    return st.lists(inner, max_size=4) | st.dictionaries(words, inner, max_size=4)


json_values = st.recursive(json_scalars, _json_containers, max_leaves=12)
depths = st.sampled_from([1, 2, 10, 100, 500, 2000, 20_000, 100_000])

ARTICLE_BODY = (
    "<p>The harbour bridge reopened to traffic on Tuesday after eight months of repairs, officials said.</p>"
    "<p>Engineers replaced 240 steel cables and resurfaced the deck, the transport department said.</p>"
)


def _html_page(title: str, body: str, head: str = "", attrs: str = "") -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><article{attrs}><h1>{title}</h1>{body}</article></body></html>"
    )


@st.composite
def html_inputs(draw: st.DrawFn) -> bytes:
    title = draw(any_text)
    shape = draw(st.sampled_from(["page", "deep", "attrs", "huge_attr", "soup", "nul", "gzip", "bytes"]))
    if shape == "deep":
        n = draw(depths)
        tag = draw(st.sampled_from(["div", "span", "p", "b", "x-y"]))
        page = _html_page(title, f"<{tag}>" * n + ARTICLE_BODY + f"</{tag}>" * draw(st.integers(0, n)))
    elif shape == "attrs":
        n = draw(st.sampled_from([10, 300, 5000, 40_000]))
        page = _html_page(title, ARTICLE_BODY, attrs=" " + " ".join(f'data-a{i}="{i}"' for i in range(n)))
    elif shape == "huge_attr":
        n = draw(st.sampled_from([1000, 70_000, 1_000_000, 3_000_000]))
        page = _html_page(title, ARTICLE_BODY, attrs=f' title="{"a" * n}"')
    elif shape == "soup":
        pieces = draw(st.lists(st.sampled_from(["<p>", "</p>", "<div", ">", "<", "</", "<!--", "-->",
                                                "<![CDATA[", "]]>", "<script>", "&", "&#", "<meta ", "=",
                                                '"', ARTICLE_BODY, title]), max_size=60))  # fmt: skip
        page = "".join(pieces)
    elif shape == "nul":
        page = _html_page(title, ARTICLE_BODY).replace("<p>", "<p>\x00" * draw(st.integers(1, 50)))
    else:
        head = draw(st.sampled_from([
            "", f"<meta property='article:published_time' content='{draw(dates)}'>",
            f"<link rel='canonical' href='{draw(urls)}'>",
            f"<meta property='og:image' content='{draw(urls)}'>",
            "<meta charset='x-unknown-42'>", "<meta name='author' content='Sign In'>",
        ]))  # fmt: skip
        page = _html_page(title, ARTICLE_BODY + draw(any_text), head)
    data = page.encode("utf-8", "surrogatepass")
    if shape == "gzip":
        data = gzip.compress(data)
        cut = draw(st.sampled_from([0, 1, 10, len(data) // 2]))
        data = data[: len(data) - cut] if cut else data
    elif shape == "bytes":
        data = draw(st.binary(max_size=2000)) + data[: draw(st.integers(0, len(data)))]
    return data


@st.composite
def capture_inputs(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.one_of(any_text, dates, urls, st.sampled_from([
        "ISLAMABAD (PEN) —", "By Keith Barry Senior Autos Reporter", "Published 27 September 2021",
        "Sign In", "Advertisement", "Share this article", "Updated: 2021-13-45", "Reuters",
    ])), max_size=40))  # fmt: skip
    prose = ARTICLE_BODY.replace("<p>", "\n").replace("</p>", "\n")
    cells = ["Candidate", "Party", "Votes", "Ana Reyes", "Civic", "12,345", "Bo Lin", "Green", "9,876"]
    table = "\n".join(cells)  # a table whose cells come one per line
    body = draw(st.sampled_from(["", prose, prose * 3, prose + "\n" + table + "\n" + prose,
                                 prose + "\nCandidate\tVotes\nAna Reyes\t12,345\n" + prose]))  # fmt: skip
    text = "\n".join(lines) + "\n" + body
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
    return text.encode(encoding, "replace") if encoding != "utf-8" else text.encode("utf-8", "surrogatepass")


@st.composite
def record_inputs(draw: st.DrawFn) -> bytes:
    shape = draw(st.sampled_from(["fields", "bomb", "deep", "tags", "junk"]))
    if shape == "bomb":
        n = draw(st.integers(2, 12))
        lines = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [
            f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}" if i > 1 else "*a"] * 9) + "]" for i in range(1, n)
        ]
        front = "title: bomb\n" + "\n".join(lines)
    elif shape == "deep":
        n = draw(depths)
        front = "title: deep\nx: " + "[" * n + "]" * n
    elif shape == "tags":
        front = draw(st.sampled_from([
            "title: !!python/object/apply:os.system ['true']", "title: !!binary aGVsbG8=",
            "title: !!timestamp 2021-13-01", "title: !custom x", "title: !!set {a, b}",
        ]))  # fmt: skip
    elif shape == "junk":
        front = draw(raw_text)
    else:
        fields = {
            "title": json.dumps(draw(raw_text), ensure_ascii=draw(st.booleans())),
            "publishedDateTime": draw(dates),
            "originalUrl": json.dumps(draw(urls)),
            "quality": draw(st.sampled_from(["17", "-1", "1e999", "true", "99999999999999999999999"])),
            "provider": draw(st.sampled_from(["\n  name: X\n  domain: x.example", "[]", "null", "7"])),
            "images": draw(
                st.sampled_from(["[]", f"\n  - url: {json.dumps(draw(urls))}\n    width: -5", "x"])
            ),
        }
        front = "\n".join(f"{k}: {v}" for k, v in fields.items() if draw(st.booleans()) or k == "title")
    body = draw(st.sampled_from(["", "Body text of the record.\n", ARTICLE_BODY]))
    return f"---\n{front}\n---\n\n{body}".encode("utf-8", "surrogatepass")


@st.composite
def jsonl_inputs(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        shape = draw(st.sampled_from(["line", "deep", "bignum", "value", "junk", "separators"]))
        if shape == "deep":
            n = draw(depths)
            lines.append('{"title": "deep", "x": ' + "[" * n + "]" * n + "}")
        elif shape == "bignum":
            lines.append(
                '{"title": "big", "published": ' + "9" * draw(st.sampled_from([20, 400, 5000])) + "}"
            )
        elif shape == "value":
            lines.append(json.dumps(draw(json_values)))
        elif shape == "junk":
            lines.append(draw(raw_text))
        else:
            obj: dict[str, Any] = {
                "id": draw(st.one_of(words, st.integers(), st.none())),
                "title": draw(raw_text),
                "text": draw(raw_text) + " " + ARTICLE_BODY,
            }
            optional: list[tuple[str, st.SearchStrategy[Any]]] = [
                ("url", urls), ("published", dates), ("html", st.just(ARTICLE_BODY)),
                ("provider", json_values), ("domain", any_text), ("modified", dates),
            ]  # fmt: skip
            for key, strat in optional:
                if draw(st.booleans()):
                    obj[key] = draw(strat)
            text = json.dumps(obj, ensure_ascii=draw(st.booleans()))
            if shape == "separators":
                text = text.replace(" ", draw(st.sampled_from(["\u2028", "\x85", "\x0c", "\u2029"])), 3)
            lines.append(text)
    joined = "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))
    return joined.encode("utf-8", "surrogatepass")


ENTITY_DOCTYPES = [
    "", '<!DOCTYPE rss [<!ENTITY e "boom">]>', '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://10.0.0.1/x"> %p;]>',
    '<!DOCTYPE rss [<!-- ]> --><!ENTITY e "boom">]>', '<!DOCTYPE rss SYSTEM "file:///etc/passwd">',
    '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
]  # fmt: skip


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;")


@st.composite
def feed_inputs(draw: st.DrawFn) -> bytes:
    doctype = draw(st.sampled_from(ENTITY_DOCTYPES))
    items = "".join(
        f"<item><title>{_xml_text(draw(any_text))}{draw(st.sampled_from(['', '&e;', '&b;']))}</title>"
        f"<link>{_xml_text(draw(urls))}</link><pubDate>{_xml_text(draw(dates))}</pubDate>"
        f"<description>{_xml_text(draw(any_text))}</description></item>"
        for _ in range(draw(st.integers(0, 4)))
    )
    kind = draw(st.sampled_from(["rss", "atom", "json", "junk"]))
    if kind == "atom":
        doc = (
            f'<?xml version="1.0"?>{doctype}<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            f"<entry><title>{_xml_text(draw(any_text))}</title><id>{_xml_text(draw(words))}</id>"
            f'<link href="{_xml_text(draw(urls))}"/><updated>{_xml_text(draw(dates))}</updated>'
            "</entry></feed>"
        )
    elif kind == "json":
        doc = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": draw(raw_text),
                          "items": draw(st.lists(json_values, max_size=3))})  # fmt: skip
    elif kind == "junk":
        doc = draw(raw_text)
    else:
        channel = f"<channel><title>t</title>{items}</channel>"
        doc = f'<?xml version="1.0"?>{doctype}<rss version="2.0">{channel}</rss>'
    data = doc.encode("utf-8", "surrogatepass")
    return data[: draw(st.integers(0, len(data)))] if draw(st.integers(0, 9)) == 0 else data


@st.composite
def sitemap_inputs(draw: st.DrawFn) -> bytes:
    doctype = draw(st.sampled_from(ENTITY_DOCTYPES))
    entries = "".join(
        f"<url><loc>{_xml_text(draw(urls))}</loc><lastmod>{_xml_text(draw(dates))}</lastmod></url>"
        for _ in range(draw(st.integers(0, 5)))
    )
    root = draw(st.sampled_from(["urlset", "sitemapindex", "other"]))
    doc = f'<?xml version="1.0"?>{doctype}<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</{root}>'
    data = doc.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 5)) == 0:
        data = gzip.compress(data)[: draw(st.integers(1, 200))]
    if draw(st.integers(0, 5)) == 0:
        data = "\n".join(draw(st.lists(urls, max_size=5))).encode("utf-8", "surrogatepass")
    return data


@st.composite
def opml_inputs(draw: st.DrawFn) -> bytes:
    doctype = draw(st.sampled_from(ENTITY_DOCTYPES))
    depth = draw(st.sampled_from([1, 3, 50, 2000]))
    outline = f'<outline text="{_xml_text(draw(any_text))}" xmlUrl="{_xml_text(draw(urls))}" type="rss"/>'
    body = "<outline text='f'>" * depth + outline + "</outline>" * depth
    doc = f'<?xml version="1.0"?>{doctype}<opml version="2.0"><head/><body>{body}</body></opml>'
    return doc.encode("utf-8", "surrogatepass")


# ------------------------------------------------------------------------------- the harness


@dataclass
class Tally:
    """Outcomes of one input kind."""

    tried: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    slowest: float = 0.0
    examples: dict[str, str] = field(default_factory=dict)  # first message per outcome but ok

    def add(self, outcome: str, seconds: float, message: str = "") -> None:
        self.tried += 1
        self.outcomes[outcome] += 1
        self.slowest = max(self.slowest, seconds)
        if outcome != "ok" and outcome not in self.examples:
            self.examples[outcome] = message[:300]


SUFFIX = {"html": ".html", "capture": ".txt", "record": ".md", "jsonl": ".jsonl"}


class FileRunner:
    """Ingests one generated file at a time into a scratch store, as ``newsdesk ingest`` does."""

    def __init__(self, folder: Path):
        from .pipeline import Enricher
        from .store.sqlite import SQLiteStore

        self.folder = folder
        self.store = SQLiteStore(folder / "fuzz.db")
        self.enricher = Enricher()
        self.count = 0

    def close(self) -> None:
        self.store.close()

    def run(self, kind: str, data: bytes, tally: Tally) -> None:
        from .pipeline import ingest_paths

        self.count += 1
        path = self.folder / f"in{self.count}{SUFFIX[kind]}"
        # what the catch-all boundary writes (pipeline.failure_message), matched where it stands:
        # a generated value may well read "internal error" inside a clear message quoting it
        _boundary = re.compile(rf"{re.escape(str(path))}(?::\d+)?: internal error while ")
        path.write_bytes(data)
        started, cpu = time.monotonic(), time.process_time()
        try:
            report = ingest_paths([path], self.store, enricher=self.enricher)  # the product's time budget
        except Exception as exc:  # an exception escaping ingest_paths aborts a user's run
            tally.add("crash", time.monotonic() - started, f"{type(exc).__name__}: {exc}")
            return
        finally:
            path.unlink(missing_ok=True)
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu
        if cpu > HANG_SECONDS or seconds > HANG_WALL_SECONDS:
            tally.add("hung", seconds, f"{seconds:.1f} s wall, {cpu:.1f} s CPU")
        elif internal := [f for f in report.failed if _boundary.match(f)]:
            tally.add("internal", seconds, internal[0])
        elif any(path.name not in f or "\n" in f for f in report.failed):
            tally.add("unnamed", seconds, report.failed[0])
        elif report.failed and not (report.added or report.updated or report.unchanged):
            cut = any(TIME_BUDGET_MARK in f for f in report.failed)
            tally.add("cut" if cut else "clear", seconds, report.failed[0])
        else:
            tally.add("ok", seconds)


#: the name each parsed document is given: its failure line must carry it
SOURCES = {
    "feed": "https://news.example/feed.xml",
    "sitemap": "https://news.example/sitemap.xml",
    "opml": "fuzz.opml",
}


def _parse_feed(data: bytes) -> None:
    from .extract.article import extract_article
    from .ingest.feeds import parse_feed, summary_document

    feed = parse_feed(data, SOURCES["feed"])
    for entry in feed.entries:  # what the poller stores for an entry whose page is not fetched
        try:
            extract_article(summary_document(entry, feed))
        except NewsdeskError:
            continue


def _parse_sitemap(data: bytes) -> None:
    from .ingest.sitemaps import parse_sitemap

    parse_sitemap(data, SOURCES["sitemap"])


def _parse_opml(data: bytes) -> None:
    from .ingest.feeds import parse_opml

    parse_opml(data, SOURCES["opml"])


PARSERS: dict[str, Callable[[bytes], None]] = {
    "feed": _parse_feed,
    "sitemap": _parse_sitemap,
    "opml": _parse_opml,
}


def run_parser(kind: str, data: bytes, tally: Tally) -> None:
    started = time.monotonic()
    cpu = time.process_time()
    try:
        PARSERS[kind](data)
    except NewsdeskError as exc:
        seconds, message = time.monotonic() - started, str(exc)
        hung = time.process_time() - cpu > HANG_SECONDS or seconds > HANG_WALL_SECONDS
        named = SOURCES[kind] in message and "\n" not in message
        tally.add("hung" if hung else ("clear" if named else "unnamed"), seconds, message)
        return
    except Exception as exc:
        tally.add("crash", time.monotonic() - started, f"{type(exc).__name__}: {exc}")
        return
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    hung = cpu > HANG_SECONDS or seconds > HANG_WALL_SECONDS
    tally.add("hung" if hung else "ok", seconds, f"{seconds:.1f} s wall, {cpu:.1f} s CPU")


STRATEGIES: dict[str, st.SearchStrategy[bytes]] = {
    "html": html_inputs(),
    "capture": capture_inputs(),
    "record": record_inputs(),
    "jsonl": jsonl_inputs(),
    "feed": feed_inputs(),
    "sitemap": sitemap_inputs(),
    "opml": opml_inputs(),
}


def fuzz_kind(kind: str, examples: int, *, seed: int = 0, folder: Path | None = None) -> Tally:
    """Run ``examples`` generated inputs of ``kind``; never raises for what an input does."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    tally = Tally()
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        runner = FileRunner(Path(tmp)) if kind in SUFFIX else None

        @hseed(seed)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(STRATEGIES[kind])
        def one(data: bytes) -> None:
            if runner is not None:
                runner.run(kind, data, tally)
            else:
                run_parser(kind, data, tally)

        try:
            one()
        finally:
            if runner is not None:
                runner.close()
    return tally
