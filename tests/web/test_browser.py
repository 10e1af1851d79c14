"""A real browser over `newsdesk serve`: pages render, and no stored payload ever runs.

Playwright drives the system Chromium (Debian's ``/usr/bin/chromium``; no
browser is downloaded). The module skips without either, so CI stays green on
machines that lack them. The browser context bypasses the Content-Security-Policy
on purpose: the CSP is the second line of defence, and these tests check the
first one, escaping and URL filtering, on its own.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import page_corpus
import pytest

from newsdesk.link.linker import Linker
from newsdesk.pipeline import Enricher, ingest_paths
from newsdesk.store.sqlite import SQLiteStore

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
TOKEN = "browser-test-token"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Each payload, if it ever ran, would set window.__xss (and most would open a dialog too).
PAYLOADS = [
    "<script>window.__xss='script';alert('xss-1')</script>",
    "\"><img src=x onerror=\"window.__xss='img';alert('xss-2')\">",
    "<svg/onload=\"window.__xss='svg';alert('xss-3')\">",
    "<svg><script>window.__xss='svg-script'</script></svg>",
    "<a href=\"javascript:window.__xss='href';alert('xss-4')\">click</a>",
    "</title></textarea><body onload=\"window.__xss='body'\">",
    "<iframe srcdoc=\"<script>parent.__xss='iframe'</script>\"></iframe>",
    "<details open ontoggle=\"window.__xss='toggle'\">",
    "<input autofocus onfocus=\"window.__xss='focus'\">",
]
# Elements and links no page of ours has: present means a payload became markup.
FORBIDDEN = (
    "script, iframe, svg:not(.chart):not(.swatch), svg *:not(rect):not(title):not(line):not(text), "
    "details:not(:has(> summary)), details[ontoggle], img:not([src^='/images/']), "
    "body[onload], a[href^='javascript:' i], input[autofocus]"
)
ON_ATTRIBUTES = """() => [...document.querySelectorAll('*')]
    .flatMap(e => [...e.attributes].filter(a => a.name.toLowerCase().startsWith('on'))
    .map(a => e.tagName + ' ' + a.name))"""


def _xss_jsonl() -> str:
    lines = []
    for n, payload in enumerate(PAYLOADS):
        body = (
            f"Paragraph one of browsercorpus item {n}: {payload} and more words.\n\n"
            f"Paragraph two repeats it {payload} before the end."
        )
        lines.append(
            json.dumps(
                {
                    "id": f"browser-xss-{n}",
                    "url": f"javascript:window.__xss='url-{n}'"
                    if n % 2
                    else f"https://evil.example/{n}?q={payload}",
                    "title": f"Browsercorpus headline {n} {payload}",
                    "text": body * 3,
                    "published": f"2025-07-{n + 1:02d}T12:00:00Z",
                    "domain": "evil.example",
                    "provider": f"Evil {payload}",
                }
            )
        )
    return "\n".join(lines) + "\n"


class Site(NamedTuple):
    url: str
    db: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[Site]:
    """`newsdesk serve` on a free local port over the seeds plus the XSS corpus; yields its base URL."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    tmp = tmp_path_factory.mktemp("browser")
    db = tmp / "desk.db"
    (tmp / "in").mkdir()
    (tmp / "in" / "xss.jsonl").write_text(_xss_jsonl(), encoding="utf-8")
    with page_corpus.image_server() as images:
        stories = page_corpus.corpus_articles(page_corpus.now(), images)
        page_corpus.write_records(tmp / "in" / "stories", stories)
        with SQLiteStore(db) as store:  # no topic classifier: fast, and the "all" feed takes everything
            report = ingest_paths([SEEDS, tmp / "in"], store, enricher=Enricher(), linker=Linker.open(store))
            for n, payload in enumerate(PAYLOADS):  # the source-health page shows titles and errors
                source, _ = store.add_source(f"https://feeds.example/{n}.xml", "feed", title=payload)
                store.record_failure(source.id, f"HTTP 500 {payload}", next_due=datetime.now(UTC))
            cached, refused = page_corpus.cache_pictures(store, tmp / "data" / "images")
    assert report.ok, report.failed
    assert cached == 4 and not refused, refused
    cfg = tmp / "newsdesk.toml"
    cfg.write_text(
        '[[feeds]]\nname = "all"\ntitle = "All <b onmouseover=\\"window.__xss=1\\">news</b>"\n',
        encoding="utf-8",
    )
    port = _free_port()
    env = {
        **os.environ,
        "NEWSDESK_CONFIG": str(cfg),
        "NEWSDESK_DATA_DIR": str(tmp / "data"),
        "NEWSDESK_MODELS_DIR": str(models_dir),
    }
    env["NEWSDESK_API_TOKEN"] = TOKEN
    env["NEWSDESK_FETCH_ALLOW_NETWORKS"] = "127.0.0.1"  # the follow test's webhook listens there
    log = (tmp / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "serve", "--port", str(port), "--db", str(db)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # the first run distils the models
        while True:
            if server.poll() is not None:
                pytest.fail("newsdesk serve exited:\n" + (tmp / "serve.log").read_text())
            try:
                with urllib.request.urlopen(f"{base}/api/stories", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("newsdesk serve did not answer in 180 s:\n" + (tmp / "serve.log").read_text())
            time.sleep(0.2)
        yield Site(base, db)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class Tab:
    """One page with every dialog recorded (and dismissed) and helpers that check for payloads."""

    def __init__(self, page: Any, base: str, shots: Path):
        self.page = page
        self.base = base
        self.shots = shots
        self.dialogs: list[str] = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None
        return response

    def assert_inert(self, name: str) -> None:
        """Nothing ran, nothing became markup; a screenshot for the record."""
        page = self.page
        page.wait_for_timeout(150)  # let any onload/ontoggle/onfocus handler have its chance
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)
        assert self.dialogs == [], (name, self.dialogs)
        assert page.evaluate("() => window.__xss") is None, name
        assert page.evaluate("() => parent.__xss") is None, name
        assert page.evaluate(ON_ATTRIBUTES) == [], name
        assert page.locator(FORBIDDEN).count() == 0, (
            name,
            page.locator(FORBIDDEN).first.evaluate("e => e.outerHTML"),
        )
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            assert href.startswith(("/", "http://", "https://")), (name, href)


@pytest.fixture
def tab(site: Site, browser: Any, tmp_path: Path) -> Iterator[Tab]:
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    try:
        yield Tab(context.new_page(), site.url, tmp_path)
    finally:
        context.close()


def test_pages_carry_the_csp(tab: Tab) -> None:
    response = tab.goto("/")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp


def test_front_story_article_feed_and_search_render_payloads_as_text(tab: Tab) -> None:
    page = tab.page
    tab.goto("/")
    assert page.title()
    stories = page.locator("a[href^='/stories/']")
    assert stories.count() >= 1
    assert page.get_by_text("Taliban").count() >= 1  # the seeds' story
    tab.assert_inert("front")

    # A story the corpus formed, else whichever comes first; reached by clicking, as a reader would.
    xss_story = page.locator("a[href^='/stories/']", has_text="Browsercorpus")
    (xss_story.first if xss_story.count() else stories.first).click()
    page.wait_for_load_state("load")
    assert "/stories/" in page.url
    tab.assert_inert("story")

    page.locator("main a[href^='/articles/'], a[href^='/articles/']").first.click()
    page.wait_for_load_state("load")
    assert "/articles/" in page.url
    assert page.locator("h1").count() >= 1
    tab.assert_inert("article")

    # Every corpus article, where the payloads sit in title, text, provider and URL.
    for n, payload in enumerate(PAYLOADS):
        tab.goto(f"/articles/browser-xss-{n}")
        text = page.inner_text("body")
        assert f"Browsercorpus headline {n}" in text
        assert payload.strip('"> ') in text or payload in text, (n, text[:500])  # shown, as text
        tab.assert_inert(f"xss-article-{n}")

    tab.goto("/feeds")
    page.locator("a[href='/feeds/all']").first.click()
    page.wait_for_load_state("load")
    assert "All <b onmouseover" in page.inner_text("body")
    assert page.locator("a[href^='/articles/']").count() >= len(PAYLOADS)
    tab.assert_inert("feed")

    page.fill("input[name=q]", "browsercorpus")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state("load")
    assert "/search?q=browsercorpus" in page.url
    assert page.locator("mark").count() >= 1
    assert page.get_by_text("Browsercorpus headline 0").count() >= 1
    tab.assert_inert("search")

    # The same question by meaning: the mode switch on the search page.
    form = page.locator("form.search-page")
    form.locator("input[name=q]").fill("China and the Taliban government")
    form.locator("input[value=semantic]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "mode=semantic" in page.url
    assert page.locator("ol.list a[href^='/articles/']").count() >= 1
    assert "Taliban" in page.locator("ol.list").inner_text()
    tab.assert_inert("semantic-search")

    page.locator("nav a[href='/sources']").click()
    page.wait_for_load_state("load")
    assert page.locator(".health.bad").count() == len(PAYLOADS)
    assert "HTTP 500" in page.inner_text("main")
    tab.assert_inert("sources")


def test_payloads_in_the_query_and_the_path_stay_text(tab: Tab) -> None:
    page = tab.page
    tab.goto("/")
    for n, payload in enumerate(PAYLOADS):
        page.fill("input[name=q]", payload)
        page.press("input[name=q]", "Enter")
        page.wait_for_load_state("load")
        assert page.input_value("input[name=q]") == payload
        tab.assert_inert(f"query-{n}")
    tab.goto("/articles/" + urllib.request.quote(PAYLOADS[1], safe=""))
    assert "not" in page.inner_text("body").lower()  # the not-found page, showing the ref as text
    tab.assert_inert("not-found")


def test_the_checks_catch_a_payload_that_runs(tab: Tab) -> None:
    """The harness itself: markup that did get through is caught, so a green run means something."""
    tab.goto("/")
    tab.page.set_content(f"<p>{PAYLOADS[1]}</p><p>{PAYLOADS[7]}</p>")
    tab.page.wait_for_timeout(150)
    assert tab.page.evaluate("() => window.__xss") in ("img", "toggle")
    assert tab.dialogs  # the img's alert fired and was recorded
    with pytest.raises(AssertionError):
        tab.assert_inert("caught")


# --------------------------------------------------------------------------- the pages as a reader sees them

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
IMAGES_LOADED = """() => [...document.images].map(i => ({src: i.getAttribute('src'), done: i.complete,
    w: i.naturalWidth, lazy: i.loading, hasSize: i.hasAttribute('width') && i.hasAttribute('height')}))"""
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > width + 1).map(e => e.tagName + '.' + e.className);
    return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""


def _shots_dir(tmp_path: Path) -> Path:
    """Where screenshots go: $NEWSDESK_SCREENSHOTS (CI keeps it as an artefact), else the test's tmp."""
    folder = Path(os.environ.get("NEWSDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _ids(db: Path) -> dict[str, str]:
    """The corpus's article ids by the last part of their URL."""
    with SQLiteStore(db) as store:
        ours = [a for a in store.iter_articles() if a.provider.domain.endswith(".example")]
    return {a.url.rsplit("/", 1)[-1]: a.id for a in ours}


def _story_of(site: Site, title_part: str) -> int:
    with urllib.request.urlopen(f"{site.url}/api/stories?limit=200", timeout=10) as response:
        items = json.load(response)["items"]
    return next(int(s["id"]) for s in items if title_part.lower() in s["headline"].lower())


def _check_page(page: Any, name: str, shots: Path, *, pictures: int) -> None:
    """Images load (scrolled into view: they are lazy), nothing is wider than the screen, a screenshot."""
    for img in page.locator("img").all():
        img.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=10_000)
    images = page.evaluate(IMAGES_LOADED)
    assert len(images) >= pictures, (name, images)
    for img in images:
        assert img["src"].startswith("/images/"), (name, img)  # served by newsdesk, never hot-linked
        assert img["done"] and img["w"] > 0, (name, img)  # it loaded
        assert img["lazy"] == "lazy" and img["hasSize"], (name, img)
    page.evaluate("() => window.scrollTo(0, 0)")
    overflow = page.evaluate(OVERFLOW)
    assert overflow["scroll"] <= overflow["width"], (name, overflow)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def test_pages_show_pictures_chart_and_fit_desktop_and_phone(
    site: Site, browser: Any, tmp_path: Path
) -> None:
    shots = _shots_dir(tmp_path)
    ids = _ids(site.db)
    bridge = _story_of(site, "Port Elsbury")
    pages = {
        "front": ("/", 3),
        "story": (f"/stories/{bridge}", 1),
        "article": (f"/articles/{ids['bridge-closed']}", 1),
        "follows": ("/follows", 0),
    }
    for width_name, (width, height) in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height})  # with the CSP on
        try:
            page = context.new_page()
            for name, (path, pictures) in pages.items():
                response = page.goto(site.url + path, wait_until="load")
                assert response is not None and response.status == 200, path
                if name == "story":
                    chart = page.locator("svg.chart")
                    box = chart.bounding_box()
                    assert box and box["width"] > 200 and box["height"] > 50, box
                    assert chart.locator("rect.bar").count() >= 3
                    assert "Articles per day by outlet" in page.inner_text("figcaption")
                _check_page(page, f"{name}-{width_name}", shots, pictures=pictures)
        finally:
            context.close()


def test_front_page_leads_with_hot_stories_then_sections(tab: Tab) -> None:
    page = tab.page
    tab.goto("/")
    cards = page.locator("ol.cards > li.card")
    assert cards.count() == 2  # the two hot stories (bridge, comet); the rest are in sections
    assert "Port Elsbury" in page.inner_text("ol.cards") and "comet" in page.inner_text("ol.cards").lower()
    for card in cards.all():
        assert card.locator("img").count() == 1
        assert "outlets" in card.inner_text() and card.locator(".latest-dev time").count() == 1
    sections = page.locator("section.section h2").all_inner_texts()
    assert "sport" in [s.lower() for s in sections], sections
    assert page.locator("aside.following").count() == 1
    tab.assert_inert("front-cards")


def test_story_page_tells_the_story_once(tab: Tab, site: Site) -> None:
    page = tab.page
    ids = _ids(site.db)
    tab.goto(f"/stories/{_story_of(site, 'Port Elsbury')}")
    words = page.inner_text(".heat-words")
    assert "from" in words and "in the last 24 h" in words and "heat" in words, words
    facts = page.text_content("dl.facts") or ""
    assert "First seen" in facts and "Last seen" in facts
    devs = page.locator("ol.timeline > li.dev")
    assert devs.count() >= 1
    assert devs.first.locator("time.date").inner_text()[:2] == "20"
    assert len(devs.first.locator(".summary").inner_text()) > 20  # a sentence of what is new
    # each article listed once; the syndicated copy folded under the original
    hrefs = page.eval_on_selector_all(
        "main a[href^='/articles/']", "els => els.map(e => e.getAttribute('href'))"
    )
    assert len(hrefs) == len(set(hrefs)) == 5, hrefs
    copy_link = page.locator(f"a[href='/articles/{ids['bridge-survey-copy']}']")
    assert copy_link.inner_text() == "Valley Times"
    covered = page.inner_text(".covered")
    assert "Coastal Wire" in covered and "Elsbury Post" in covered
    tab.assert_inert("story-once")

    # The seeds' story, 2021 to 2025: a development per year, newest first, each dated and summarised.
    tab.goto(f"/stories/{_story_of(site, 'Taliban')}")
    dates = page.locator("ol.timeline > li.dev time.date").all_inner_texts()
    assert len(dates) >= 2 and dates[0] > dates[-1] and dates[0].startswith("2025"), dates
    covered = page.text_content(".covered") or ""
    assert "Countries" in covered and "Afghanistan" in covered
    hrefs = page.eval_on_selector_all(
        "main a[href^='/articles/']", "els => els.map(e => e.getAttribute('href'))"
    )
    assert len(hrefs) == len(set(hrefs)) >= 4, hrefs


def test_a_reader_follows_a_story_from_its_page(tab: Tab, site: Site) -> None:
    page = tab.page
    story = _story_of(site, "comet")
    tab.goto(f"/stories/{story}")
    form = page.locator("form.follow")
    form.locator("input[name=token]").fill(TOKEN)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "/follows/" in page.url
    assert "comet" in page.locator("h1").inner_text().lower()
    assert page.locator("ol.events > li").count() >= 1  # the story so far
    feed = page.request.get(page.url + ".atom")
    assert feed.ok and "<entry>" in feed.text()
    tab.assert_inert("follow")
    tab.goto("/")
    assert page.locator(f"aside.following a[href='{page.url.split(site.url)[-1]}']").count() == 0
    assert page.locator("aside.following a[href^='/follows/']").count() == 1
    tab.goto(f"/stories/{story}")
    assert page.locator("form.follow").count() == 0 and "you follow this story" in page.inner_text("main")


def test_article_page_shows_provenance_quality_topics_and_related(tab: Tab, site: Site) -> None:
    page = tab.page
    ids = _ids(site.db)
    tab.goto(f"/articles/{ids['bridge-rewrite']}")
    facts = page.locator("aside.article-facts")
    assert "Rewrite of" in facts.inner_text()
    original = facts.locator(f"a[href='/articles/{ids['bridge-reopen']}']")
    assert original.count() == 1  # the original is in the store: its page, not the outlet's
    assert facts.locator(".score").inner_text().isdigit()
    assert facts.locator(".quality .reasons li").count() >= 1
    assert "disaster" in facts.locator(".topics").inner_text()
    # facts sit beside the text on a desktop; above it on a phone (this tab is 390 px)
    assert facts.bounding_box()["y"] < page.locator(".article-text").bounding_box()["y"]
    related = page.locator("section.related a[href^='/articles/']")
    assert related.count() >= 1
    tab.assert_inert("article-rewrite")

    tab.goto(f"/articles/{ids['bridge-survey-copy']}")
    assert "Copy of" in page.inner_text("aside.article-facts")
    assert page.locator(f"aside a[href='/articles/{ids['bridge-survey']}']").count() == 1
