"""Page metadata from an HTML tree: meta tags, JSON-LD, microdata and visible headings.

:func:`collect` reads everything into a :class:`PageMeta` in one walk; the headline
is chosen in :mod:`.headline`, the authors in :mod:`.authors`, dates in :mod:`.dates`,
the simpler fields (site name, images, tags, ...) in :mod:`.html`.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.etree import XPath
from lxml.html import HtmlElement

#: schema.org types whose fields describe the article itself (not the site or a list)
ARTICLE_TYPES = frozenset(
    t.casefold()
    for t in [
        "Article",
        "NewsArticle",
        "ReportageNews",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "DiscussionForumPosting",
        "TechArticle",
        "ScholarlyArticle",
        "Report",
        "Review",
        "Recipe",
        "HowTo",
        "CreativeWork",
        "MedicalWebPage",
        "Event",
        "VideoObject",
        "PodcastEpisode",
    ]
)
_PAGE_TYPES = frozenset({"webpage", "itempage", "aboutpage", "collectionpage", "profilepage", "qapage"})
_PUBLISHER_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "website"})

_WS = re.compile(r"\s+")
# soft hyphens and zero-width characters: layout hints, not text
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# the separators sites put between a headline and their own name in <title>
#: <h2>s read per page (the headline, when it is one, comes before sidebars and footers)
MAX_H2 = 10


def clean(value: Any) -> str:
    """Whitespace-collapsed text without soft hyphens; '' for anything but a non-empty string."""
    if not isinstance(value, str):
        return ""
    return _WS.sub(" ", drop_invisible(value)).strip()


def drop_invisible(text: str) -> str:
    """``text`` without soft hyphens and zero-width characters (whitespace left as it is)."""
    return _INVISIBLE.sub("", text)


def fold(value: str) -> str:
    """A comparison key: NFKC, casefold, letters and digits only."""
    value = unicodedata.normalize("NFKC", value).casefold()
    # filter() tests each character in C: a generator costs a Python step per character
    return "".join(filter(str.isalnum, value))


@dataclass(slots=True)
class PageMeta:
    """Everything the head (and a few body elements) says about a page."""

    lang: str = ""
    title_tag: str = ""
    h1: list[str] = field(default_factory=list)
    #: per <h1>, the texts of its parts (leading text and child elements) when it has several:
    #: news sites put a kicker ("Dachzeile") and the headline in separate spans
    h1_parts: list[list[str]] = field(default_factory=list)
    #: per <h1>, its text without the parts the markup marks as kicker or hidden ('' when none)
    h1_headline: list[str] = field(default_factory=list)
    #: per <h1>, whether it is the site's logo or name (a link to the home page, a logo class)
    h1_logo: list[bool] = field(default_factory=list)
    #: the first few <h2> texts: pages without a headline <h1> set it in an <h2>
    h2: list[str] = field(default_factory=list)
    canonical: str = ""
    #: meta tags by lower-cased property/name/itemprop, values in document order
    meta: dict[str, list[str]] = field(default_factory=dict)
    #: JSON-LD objects, lists and @graph flattened (nested objects stay nested)
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    #: microdata outside <meta>: itemprop -> values (datetime/content attribute, else text)
    itemprops: dict[str, list[str]] = field(default_factory=dict)
    #: microdata authors of Comment/Answer items (forum posts, replies), in document order
    reply_authors: list[str] = field(default_factory=list)
    #: <img> src, width and height attributes as the markup gives them (see :meth:`img_sizes`)
    img_declared: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    #: the URL relative addresses on the page resolve against
    base_url: str = ""
    _img_sizes: dict[str, tuple[int, int]] | None = None

    def img_sizes(self) -> dict[str, tuple[int, int]]:
        """<img> width/height declared in the markup, by absolute src (the first <img> wins).

        Resolved on first use: only a lead image without a declared size asks, and pages
        carry hundreds of <img> whose addresses would otherwise all be joined.
        """
        if self._img_sizes is None:
            sizes: dict[str, tuple[int, int]] = {}
            for src, width, height in self.img_declared:
                w, h = _int(width), _int(height)
                if w or h:
                    sizes.setdefault(urljoin(self.base_url, src.strip()), (w, h))
            self._img_sizes = sizes
        return self._img_sizes

    def first(self, *keys: str) -> str:
        """The first non-empty value of the first of ``keys`` the meta tags have."""
        for key in keys:
            for value in self.meta.get(key, ()):
                if value:
                    return value
        return ""

    def articles(self) -> list[dict[str, Any]]:
        """JSON-LD objects of an article type first, then web pages."""
        arts = [o for o in self.jsonld if _types(o) & ARTICLE_TYPES]
        pages = [o for o in self.jsonld if _types(o) & _PAGE_TYPES]
        return arts + pages

    def is_article(self) -> bool:
        """Whether the page says it is an article (og:type, JSON-LD article types)."""
        og_type = self.first("og:type").casefold()
        return og_type in ("article", "news", "blog", "newsarticle") or any(
            _types(o) & ARTICLE_TYPES for o in self.jsonld
        )

    def ld_first(self, key: str) -> Any:
        """The first non-empty ``key`` of the article (or page) JSON-LD objects."""
        for obj in self.articles():
            value = obj.get(key)
            if value:
                return value
        return None


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.casefold()}
    if isinstance(t, list):
        return {x.casefold() for x in t if isinstance(x, str)}
    return set()


def _flatten_ld(data: Any, out: list[dict[str, Any]]) -> None:
    if isinstance(data, list):
        for item in data:
            _flatten_ld(item, out)
    elif isinstance(data, dict):
        if "@graph" in data:
            _flatten_ld(data["@graph"], out)
        if "@type" in data:
            out.append(data)


_JSON_COMMENT = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")


def _parse_ld(text: str) -> Any:
    text = _JSON_COMMENT.sub("", text.strip())
    try:
        # strict=False: raw newlines and tabs inside strings are common in the wild
        return json.loads(text, strict=False)
    except ValueError:
        pass
    # several objects pasted one after another, or a trailing semicolon
    decoder = json.JSONDecoder(strict=False)
    found, pos = [], 0
    while pos < len(text):
        start = text.find("{", pos)
        if start < 0:
            break
        try:
            obj, pos = decoder.raw_decode(text, start)
        except ValueError:
            break
        found.append(obj)
    return found


def _int(value: Any) -> int:
    try:
        return max(0, int(float(str(value).strip().removesuffix("px"))))
    except (TypeError, ValueError, OverflowError):  # "inf" is no size
        return 0


# ---------------------------------------------------------------- headings

#: class/id words of the elements inside an <h1> that hold a kicker ("Dachzeile", overline,
#: topic label) rather than the headline
_KICKER_CLASS = re.compile(
    r"kicker|overline|topline|dachzeile|roofline|eyebrow|topic|label|rubric|supertitle|pretitle|"
    r"spitzmarke|h1small|titleheader",
    re.IGNORECASE,
)
#: class words of text meant for screen readers only (hidden separators such as ": ")
_HIDDEN_CLASS = re.compile(r"hidden|sr-only|screen-reader|\baural\b|offscreen", re.IGNORECASE)
#: class/id words of an <h1> that carries the site's name or logo
_LOGO_CLASS = re.compile(
    r"(?:^|\s|[-_])(?:logo|brand|site-?title|site-?name|blog-?title|masthead)(?:$|\s|[-_])", re.IGNORECASE
)
_NO_TEXT = frozenset({"style", "script", "noscript", "template"})
#: web.archive.org wraps the archived URL into its own
_ARCHIVE_PREFIX = re.compile(r"^https?://web\.archive\.org/web/[^/]*/", re.IGNORECASE)


@dataclass(slots=True)
class H1:
    text: str
    parts: list[str]  # leading text and child elements, when there are several
    headline: str  # the text without kicker/hidden parts, '' when the markup marks none
    logo: bool


def _classes(el: HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _home_link(href: str, base_url: str) -> bool:
    absolute = _ARCHIVE_PREFIX.sub("", urljoin(base_url, href.strip()))
    try:
        parts = urlsplit(absolute if "://" in absolute else "http://" + absolute)
    except ValueError:
        return False
    return parts.path.strip("/") in ("", "index.html", "index.php") and not parts.query


#: elements that end a line: the words on either side are two words
_BREAKING = frozenset({"br", "div", "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "header"})


def _text(node: HtmlElement) -> str:
    """text_content() without the contents of <style>/<script> inside, a line break a space."""
    out = [node.text or ""]
    for child in node:
        if isinstance(child.tag, str) and child.tag not in _NO_TEXT:
            out.append(f" {_text(child)} " if child.tag in _BREAKING else _text(child))
        out.append(child.tail or "")
    return "".join(out)


def read_h1(el: HtmlElement, base_url: str = "") -> H1:
    """An <h1>'s text, its parts, its text without kicker, and whether it is the site's logo."""
    full: list[str] = []
    kept: list[str] = []
    removed = False

    def walk(node: HtmlElement, keep: bool) -> None:
        nonlocal removed
        for child in node:
            if isinstance(child.tag, str) and child.tag not in _NO_TEXT:
                cls = _classes(child)
                drop = (
                    child.tag in ("small", "button")
                    or child.get("aria-hidden") == "true"
                    or bool(cls.strip() and (_HIDDEN_CLASS.search(cls) or _KICKER_CLASS.search(cls)))
                )
                removed = removed or (keep and drop and bool(clean(child.text_content())))
                if child.tag in _BREAKING:
                    # "Data Analytics<br>Agency" shows two words, not "AnalyticsAgency"
                    full.append(" ")
                    kept.append(" ")
                if child.text:
                    full.append(child.text)
                    if keep and not drop:
                        kept.append(child.text)
                walk(child, keep and not drop)
                if child.tag in _BREAKING:
                    full.append(" ")
                    kept.append(" ")
            if child.tail:
                full.append(child.tail)
                if keep:
                    kept.append(child.tail)

    if el.text:
        full.append(el.text)
        kept.append(el.text)
    walk(el, True)
    text = clean("".join(full))
    headline = clean("".join(kept)) if removed else ""
    parts = [clean(el.text)]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _NO_TEXT:
            parts.append(clean(_text(child)))
    parts = [p for p in parts if p]
    logo = bool(_LOGO_CLASS.search(_classes(el)))
    for a in el.iter("a"):
        if a.get("rel") == "home" or _LOGO_CLASS.search(_classes(a)):
            logo = True
        elif a.get("href") is not None and _home_link(a.get("href", ""), base_url):
            # the link covers the heading: the site's name linking home
            logo = logo or len(fold(a.text_content())) >= 0.6 * len(fold(text))
    return H1(text, parts if len(parts) > 1 else [], headline if len(fold(headline)) >= 8 else "", logo)


_TITLE_LABEL = re.compile(r"^(?:title|titel|titre|título|titolo)\s*:\s*", re.IGNORECASE)
# a permalink anchor after a heading (Sphinx's "¶", "#", "§", an icon font's private-use glyph)
_HEADING_ANCHOR = re.compile("[\\s\u00b6#\u00a7\ue000-\uf8ff]+$")


_ITEMPROP_ELEMENTS = XPath("//body//*[@itemprop]")


def collect(tree: HtmlElement, base_url: str = "") -> PageMeta:
    """Read the page's metadata in one walk over the elements that carry it."""
    pm = PageMeta(base_url=base_url)
    pm.lang = clean(tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang"))
    for el in tree.iter("meta", "link", "script", "title", "h1", "h2", "img"):
        tag = el.tag
        if tag == "meta":
            content = el.get("content")
            if content is None:
                continue
            content = clean(content)
            for attr in ("property", "name", "itemprop", "http-equiv"):
                key = el.get(attr)
                if key:
                    pm.meta.setdefault(key.strip().lower(), []).append(content)
        elif tag == "link":
            rel = (el.get("rel") or "").lower().split()
            if "canonical" in rel and not pm.canonical and el.get("href"):
                pm.canonical = urljoin(base_url, el.get("href", "").strip())
        elif tag == "script":
            if (el.get("type") or "").strip().lower() == "application/ld+json" and el.text:
                _flatten_ld(_parse_ld(el.text), pm.jsonld)
        elif tag == "title":
            if not pm.title_tag:
                pm.title_tag = clean(el.text_content())
        elif tag == "h1":
            h1 = read_h1(el, base_url)
            # '&#x26;' double-escaped in the markup, and a "Title:" label before the headline
            if "&" in h1.text or ":" in h1.text:
                h1.text = _TITLE_LABEL.sub("", html.unescape(h1.text))
            h1.text = _HEADING_ANCHOR.sub("", h1.text)
            if h1.text:
                pm.h1.append(h1.text)
                pm.h1_parts.append(h1.parts)
                pm.h1_headline.append(h1.headline)
                pm.h1_logo.append(h1.logo)
        elif tag == "h2":
            if len(pm.h2) < MAX_H2:
                text = _HEADING_ANCHOR.sub("", clean(_text(el)))
                if text:
                    pm.h2.append(text)
        elif tag == "img":
            src, width, height = el.get("src"), el.get("width"), el.get("height")
            if src and (width is not None or height is not None):
                pm.img_declared.append((src, width, height))
    for el in _ITEMPROP_ELEMENTS(tree):
        if el.tag == "meta":
            continue
        # <abbr title="2017-09-09T10:52:00+02:00">10:52</abbr>: the abbr design pattern of
        # microformats (Blogger's templates) keeps the machine-readable value in its title
        title = el.get("title") if el.tag == "abbr" else None
        if el.get("itemscope") is not None:
            # an item (itemprop="author" itemscope itemtype=Person) is worth its own "name",
            # as schema.org reads it: its whole text is the name run into the bio beside it
            # (a <meta itemprop="name" content=...> inside it holds the name in its content)
            named = el.xpath(".//*[@itemprop='name']")
            value = clean(named[0].get("content") or _text(named[0])) if named else ""
        else:
            # _text: a <style> or <script> inside the element (CSS-in-JS bylines) is no value
            value = el.get("datetime") or el.get("content") or title or clean(_text(el))
        prop = el.get("itemprop", "").strip()
        if value and prop == "author" and in_comment_item(el):
            # a reply's author, not the page's: kept apart (a thread's first post is its starter)
            pm.reply_authors.append(clean(value))
        elif value:
            pm.itemprops.setdefault(prop, []).append(clean(value))
    if not pm.lang:
        pm.lang = pm.first("content-language", "og:locale", "language", "dc.language", "inlanguage")
    return pm


#: schema.org item types whose author wrote a reply on the page, not the page itself
_REPLY_ITEMS = frozenset({"comment", "answer"})


def in_comment_item(el: HtmlElement) -> bool:
    """Whether the element belongs to a microdata Comment or Answer item (a forum post, a reply)."""
    for node in el.iterancestors():
        if node.get("itemscope") is not None:
            kind = (node.get("itemtype") or "").strip().rstrip("/").rsplit("/", 1)[-1]
            if kind.casefold() in _REPLY_ITEMS:
                return True
    return False
