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
from typing import Any

import pytest

from newsdesk.link.linker import Linker
from newsdesk.pipeline import Enricher, ingest_paths
from newsdesk.store.sqlite import SQLiteStore

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
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
FORBIDDEN = "script, iframe, svg, details, img, body[onload], a[href^='javascript:' i], input[autofocus]"
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[str]:
    """`newsdesk serve` on a free local port over the seeds plus the XSS corpus; yields its base URL."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not present")
    tmp = tmp_path_factory.mktemp("browser")
    db = tmp / "desk.db"
    (tmp / "in").mkdir()
    (tmp / "in" / "xss.jsonl").write_text(_xss_jsonl(), encoding="utf-8")
    with SQLiteStore(db) as store:  # no topic classifier: fast, and the "all" feed takes everything
        report = ingest_paths([SEEDS, tmp / "in"], store, enricher=Enricher(), linker=Linker.open(store))
        for n, payload in enumerate(PAYLOADS):  # the source-health page shows titles and errors
            source, _ = store.add_source(f"https://feeds.example/{n}.xml", "feed", title=payload)
            store.record_failure(source.id, f"HTTP 500 {payload}", next_due=datetime.now(UTC))
    assert report.ok, report.failed
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
    env.pop("NEWSDESK_API_TOKEN", None)
    log = (tmp / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "serve", "--port", str(port), "--db", str(db)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
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
                pytest.fail("newsdesk serve did not answer in 30 s:\n" + (tmp / "serve.log").read_text())
            time.sleep(0.2)
        yield base
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
def tab(site: str, browser: Any, tmp_path: Path) -> Iterator[Tab]:
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    try:
        yield Tab(context.new_page(), site, tmp_path)
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
