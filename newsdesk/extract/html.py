"""HTML page → clean main text plus metadata.

The page is parsed once (lxml, through trafilatura's loader). trafilatura extracts the
main text from that tree; the metadata (title, dates, authors, images, ...) is read from
the same tree by :mod:`.metadata` and :mod:`.dates`, which keep the time of day and
offset of declared dates and say where each date came from. The text settings were
chosen by measurement on the extraction dev set: see ``benchmarks/README.md``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import py3langid
import trafilatura
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HTMLParser, HtmlProcessingInstruction, fromstring
from tld import get_fld
from trafilatura.metadata import extract_title
from trafilatura.utils import is_dubious_html, repair_faulty_html

from ..errors import ExtractionError, MalformedInput
from ..model import Image, Provider
from .authors import choose_authors
from .dates import published_date, updated_date
from .decode import decode_bytes
from .headline import choose_title, not_headline, site_keys
from .headline_repeat import drop_repeated_headline
from .metadata import PageMeta, clean, collect, drop_invisible, fold
from .text_tables import is_table_block, join_row_lines
from .title_tidy import tidy_title

EXTRACTOR = f"trafilatura/{trafilatura.__version__}+newsdesk"

#: trafilatura settings for the main text (benchmarks/README.md has the measurements).
#: Comments are not article text; tables often are (schedules, results, recipes).
TEXT_OPTIONS: dict[str, Any] = {
    "fast": False,
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "favor_recall": False,
    "deduplicate": False,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "with_metadata": False,
}

EXCERPT_LIMIT = 300
_MAX_IMAGES = 10
_MAX_TAGS = 20

_HTML_HINT = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|p|div|article|main|section|title|meta|h[1-6]|table|span|a)[\s>/]",
    re.IGNORECASE,
)
_LANG = re.compile(r"^([a-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)]?\s+")


@dataclass
class HtmlExtraction:
    """What one HTML page yields: main text and the metadata newsdesk keeps."""

    title: str
    text: str  # clean main text, paragraphs separated by "\n\n"
    excerpt: str  # the page's own description when it is real, else the lead sentences
    published: datetime | None  # tz-aware UTC
    #: "meta:<name>", "jsonld:datePublished", "microdata:datePublished", "url",
    #: "text:header" (the date shown next to the headline), "time:header" (a <time datetime>
    #: after the headline), "text:label" (a labelled date in the text), "text:updated" (a
    #: date labelled as an update, on pages that give no other), "htmldate", "text" (first
    #: date in the text), "<modified source>+header" (the declared modified date, which the
    #: header shows as the article's date)
    published_source: str
    authors: list[str]
    provider: Provider
    url: str  # canonical URL when the page declares one, else the URL passed in
    language: str  # ISO 639-1
    images: list[Image] = field(default_factory=list)  # lead image first
    updated: datetime | None = None  # a later update the page declares (tz-aware UTC)
    site_name: str = ""
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    extractor: str = EXTRACTOR


def registered_domain(url: str) -> str:
    """The registrable domain of a URL (gandhara.rferl.org → rferl.org, news.bbc.co.uk → bbc.co.uk).

    Uses the public suffix list bundled with ``tld`` (offline). Hosts it does not know
    (localhost, IP addresses) come back as the bare host name.
    """
    host = _host(url)
    if not host:
        return ""
    fld = get_fld(host, fix_protocol=True, fail_silently=True)
    return fld if isinstance(fld, str) and fld else host.removeprefix("www.")


def _host(url: str) -> str:
    if not url:
        return ""
    if "://" not in url:
        url = "http://" + url.lstrip("/")
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def _http_url(value: str, base: str) -> str:
    """An absolute http(s) URL, or '' when ``value`` cannot be one."""
    value = value.strip()
    if not value or value.startswith(("data:", "javascript:", "#")):
        return ""
    try:
        absolute = urljoin(base, value) if base else value
        parts = urlsplit(absolute)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    # scheme and host are case-insensitive; "www.BMJV.de" and "www.bmjv.de" are one page
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()


def extract_html(html: str | bytes, *, url: str | None = None, source: str = "<html>") -> HtmlExtraction:
    """Extract the article an HTML page carries.

    Raises MalformedInput when the input is not HTML at all and ExtractionError when
    it is HTML but has no main text; DecodeError/UnsupportedInput come from decoding.
    """
    text = decode_bytes(html, source=source) if isinstance(html, bytes) else html
    # some pages store decomposed accents ("u" + U+0308); readers and search expect NFC
    text = unicodedata.normalize("NFC", text)
    if not text or text.isspace():  # not text.strip(): that copies the whole page
        raise MalformedInput("empty document", source=source)
    if not _HTML_HINT.search(text[:100_000]):
        raise MalformedInput("not HTML: no HTML elements found", source=source)
    # trafilatura's loader rejects a bare fragment ("<p>…</p>" without <html>) as dubious;
    # fragments are common in JSONL "html" fields, so give them a document around them
    tree = load_html(text)
    if tree is None:
        tree = load_html(f"<html><body>{text}</body></html>")
    if tree is None:
        raise MalformedInput("cannot be parsed as HTML", source=source)

    pm = collect(tree, url or "")
    page_url = _canonical(pm, url or "")
    base = page_url or url or ""
    try:
        # bare_extraction works on a copy of the tree: ours stays intact for the metadata below
        doc = trafilatura.bare_extraction(tree, url=base or None, **TEXT_OPTIONS)
        raw_text = getattr(doc, "text", None) or ""
        raw_text = _recall_retry(tree, base, raw_text)
    except Exception as exc:  # a bug in the extractor must not take the pipeline down
        raise ExtractionError(f"text extraction failed: {exc!r}", source=source) from exc
    body = _paragraphs(raw_text)
    if not body:
        raise ExtractionError("no main text found", source=source)

    host, domain = _host(base), registered_domain(base)
    site = _site_name(pm)
    title = tidy_title(
        choose_title(pm, [site] if site else [], host, domain) or clean(extract_title(tree) or "")
    )
    if not_headline(title) or (site and fold(title) == fold(site)):
        # an error, login or section page's title, or the site's name: no headline at all,
        # so the article gets a title derived from its text (extract.article)
        title = ""
    # the page's <h1> often opens the extracted text too: the reader sees the headline once
    body = drop_repeated_headline(
        body, title, *(h for h, logo in zip(pm.h1, pm.h1_logo, strict=False) if not logo)
    )
    published, published_source = published_date(tree, pm, url, headline=title)
    updated, _updated_source = updated_date(pm, published)
    return HtmlExtraction(
        title=title,
        text=body,
        excerpt=_excerpt(pm, title, site, body),
        published=published,
        published_source=published_source,
        updated=updated,
        authors=choose_authors(pm, tree, body, site_keys=site_keys([site] if site else [], host, domain)),
        provider=Provider(name=site, domain=domain),
        url=page_url or (url or ""),
        language=_language(pm, body),
        images=_images(pm, base),
        site_name=site,
        categories=_categories(pm),
        tags=_tags(pm),
    )


#: trafilatura's parser settings (trafilatura.utils.HTML_PARSER), with the element classes
#: chosen in C. lxml.html chooses them in Python, one call each time any code (trafilatura's
#: passes over its copies of the tree included: a copy keeps its parser) touches an element
#: that has no Python object yet: about 4% of the extraction's time. Its choice differs only
#: for <form>, <input>, <select>, <textarea> and <label>, whose extra properties (form
#: values) neither trafilatura, htmldate nor newsdesk reads.
_PARSER = HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


def load_html(text: str) -> HtmlElement | None:
    """``trafilatura.utils.load_html`` of a decoded page, step for step, with :data:`_PARSER`."""
    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = repair_faulty_html(text, beginning)
    tree: HtmlElement | None = None
    as_bytes = False
    try:
        tree = fromstring(text, parser=_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, as_bytes = _from_bytes(text), True
    except Exception:  # a parser failure: the bytes below get their chance
        tree = None
    if (tree is None or len(tree) < 1) and not as_bytes:
        tree = _from_bytes(text)
    if tree is not None and dubious and len(tree) < 2:
        return None  # not (well-formed) HTML
    return tree


def _from_bytes(text: str) -> HtmlElement | None:
    try:
        return fromstring(text.encode("utf8", "surrogatepass"), parser=_PARSER)
    except Exception:
        return None


#: A second, recall-favouring extraction runs when the text found has fewer words than
#: this share of the page's declared main area (<article>, <main>, role=main) ...
RECALL_RETRY_SHARE = 0.5
#: ... and replaces the first only when it has this many times its words. Chosen on both
#: dev sets (benchmarks/README.md, issue #15 fourth pass, with leave-one-set-out): the
#: balanced extraction sometimes keeps one section of a long guide whose sections are
#: sibling blocks; the retry runs on about one page in eight.
RECALL_RETRY_GAIN = 1.5


def _recall_retry(tree: HtmlElement, base: str, text: str) -> str:
    area = _main_area_words(tree)
    words = len(text.split())
    if not area or words >= RECALL_RETRY_SHARE * area:
        return text
    options = {**TEXT_OPTIONS, "favor_recall": True, "favor_precision": False}
    doc = trafilatura.bare_extraction(tree, url=base or None, **options)
    retry = getattr(doc, "text", None) or ""
    return retry if len(retry.split()) > RECALL_RETRY_GAIN * words else text


def _main_area_words(tree: HtmlElement) -> int:
    """Words in the largest element the page marks as its main content (0: none marked)."""
    areas = _MAIN_AREAS(tree)
    if not areas:
        return 0
    if len(areas) == 1:
        outer = areas
    else:
        marked = set(areas)
        # an area inside another one has fewer words than it
        outer = [a for a in areas if not any(up in marked for up in a.iterancestors())]
    return max(_visible_words(a) for a in outer)


def _visible_words(el: HtmlElement) -> int:
    """Words in the element's text outside <script>, <style>, <noscript> and <template>.

    The text nodes joined by a space split into the words each node splits into, so the words
    of all text less those of the hidden elements' own text nodes are the visible words: two
    XPaths without a predicate, a third of the time of one that tests every node's parent
    (this runs on every page).
    """
    if el.tag in _HIDDEN_TAGS:
        return len(" ".join(_VISIBLE_TEXT(el)).split())
    return len(" ".join(_ALL_TEXT(el)).split()) - len(" ".join(_HIDDEN_TEXT(el)).split())


# role='main' found by its attribute: a test of every element's attribute costs three times as much
_MAIN_AREAS = etree.XPath("//article|//main|//@role[.='main']/..")
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template"})
_VISIBLE_TEXT = etree.XPath(
    ".//text()[not(parent::script|parent::style|parent::noscript|parent::template)]", smart_strings=False
)
_ALL_TEXT = etree.XPath(".//text()", smart_strings=False)
_HIDDEN_TEXT = etree.XPath(
    ".//script/text()|.//style/text()|.//noscript/text()|.//template/text()", smart_strings=False
)


#: A paragraph this long that repeats an earlier one word for word is a second copy of page
#: furniture (a mobile and a desktop version of a contact box, a date shown twice); shorter
#: repeats ("Pros", "Cons", "Step 1") are the text's own headings, and a repeated list item
#: ("- Warm up: 10 minutes easy jogging" in each workout of a plan) is the list's own.
#: benchmarks/README.md, issue #15 fourth pass.
REPEAT_MIN_CHARS = 40
_LIST_ITEM = re.compile(r"^(?:[-•*▪◦]\s|\d+[.)]\s)")


def _paragraphs(text: str) -> str:
    # clean() line by line, with its invisible-character pass done once for the whole text
    lines = (" ".join(line.split()) for line in drop_invisible(text).splitlines())
    # trafilatura writes a table as Markdown rows, one per line: they stay one block
    blocks = join_row_lines([line for line in lines if line and not _is_boilerplate(line)])
    seen: set[str] = set()
    kept: list[str] = []
    for block in blocks:
        key = " ".join(block.split()).casefold()
        if len(block) >= REPEAT_MIN_CHARS and key in seen and not _LIST_ITEM.match(block):
            continue
        seen.add(key)
        kept.append(block)
    return "\n\n".join(kept)


# Short paragraphs that trafilatura keeps but that are page furniture, in the languages
# of the dev set: "read also" teasers, picture credits, newsletter calls. On the dev set
# dropping them removes 38 of 287 false-positive segments for 3 lost true positives
# (F1 0.925 → 0.931); longer paragraphs are never touched. The teaser labels of Spanish
# and English pages ("Lea también:", "Le puede interesar:", "Also read:", a lone
# "Advertisement") were added later: 15 false-positive segments fewer on the trafilatura
# set, none lost, and 25 furniture paragraphs against 8 the wcxb gold keeps (word F1 on
# its articles a little up); benchmarks/README.md, issue #15 fourth pass.
_BOILERPLATE_START = re.compile(
    r"""^[»>\-–•(\[\s]*(?:
      (?:auch\ interessant|lesen\ sie\ (?:auch|hier|mehr|weiter)|mehr\ zum\ thema
       |weitere\ (?:themen|informationen|artikel|beiträge)
       |empfohlene\ (?:beiträge|artikel)|das\ (?:thema\ )?könnte\ (?:dich|sie)\ auch\ interessieren
       |à\ lire\ aussi|a\ lire\ aussi|lire\ aussi|read\ (?:more|also|next)
       |related(?:\ (?:articles|posts|stories))?|see\ also|more\ from|you\ may\ also\ like|recommended
       |czytaj\ (?:też|także|również)|dowiedz\ się\ więcej|leggi\ anche|lee\ también|ver\ también)\b
     | (?:fotos?|fot\.|bild(?:quelle)?|titelbild|beitragsbild|bildnachweis|image|photo|credits?
       |crédits?(?:\ photos?)?)\s*:
     # a teaser label with its colon (or question mark): the link to another article follows
     | (?:lea(?:\ (?:también|además|más))?|vea\ también|mir[ae]|(?:le|te)\ puede\ interesar|puedes\ ver
       |auch\ lesen|schon\ gelesen|mehr\ themen|zum\ weiterlesen
       |also\ read|(?:you\ )?might\ also\ like|you\ might\ be\ interested\ in|don't\ miss|see\ more)\s*[:?]
     # a label standing alone: a list of related articles or an advertisement follows
     | (?:(?:notas|noticias)\ relacionadas|contenido\ relacionado|artículos\ relacionados
       |advertisement|anzeige|werbung|publicidad|publicité)\s*[:.]?\s*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_SUBSCRIBE = re.compile(r"newsletter|sign up|subscribe|abonnier|inscri|subskryp", re.IGNORECASE)


def _is_boilerplate(paragraph: str) -> bool:
    if len(paragraph) < 200 and _BOILERPLATE_START.match(paragraph):
        return True
    return len(paragraph) < 250 and _SUBSCRIBE.search(paragraph) is not None


def _canonical(pm: PageMeta, url: str) -> str:
    """The URL the page declares for itself, unless it is clearly wrong.

    Some CMSs point every page's canonical at the home page; a canonical without a
    path is ignored when the page was fetched from a deeper URL.
    """
    for candidate in (pm.canonical, pm.first("og:url")):
        absolute = _http_url(candidate, url)
        if not absolute:
            continue
        path = urlsplit(absolute).path.strip("/")
        if not path and url and urlsplit(url).path.strip("/"):
            continue
        return absolute
    return ""


def _site_name(pm: PageMeta) -> str:
    name = pm.first("og:site_name")
    if name:
        return name
    publisher = pm.ld_first("publisher")
    if isinstance(publisher, list) and publisher:
        publisher = publisher[0]
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        return clean(publisher["name"])
    for obj in pm.jsonld:
        if str(obj.get("@type", "")).casefold() in ("website", "newsmediaorganization", "organization"):
            name = clean(obj.get("name"))
            if name:
                return name
    return pm.first("application-name", "publisher", "dc.publisher")


def _language(pm: PageMeta, body: str) -> str:
    """The declared language, else the detected one.

    CMS themes ship ``lang="en-US"`` whatever the text is written in: on the dev set 20
    of the 25 pages whose declaration disagrees with the text declare English over
    German, French or Spanish text. So a declared English is checked against the text
    when there is enough text (400 characters) to judge.
    """
    m = _LANG.match(pm.lang.strip().replace(" ", ""))
    declared = m.group(1).lower() if m and len(m.group(1)) == 2 else ""
    if declared and (declared != "en" or len(body) < _MIN_TEXT_TO_OVERRIDE):
        return declared
    # a couple of paragraphs decide the language; more only costs time
    detected, _score = py3langid.classify(body[:1500])
    return str(detected) if not declared or detected in _OVERRIDING else declared


_MIN_TEXT_TO_OVERRIDE = 400
# languages whose detection we trust over a declared English
_OVERRIDING = frozenset(
    [
        "de",
        "fr",
        "es",
        "it",
        "pt",
        "nl",
        "pl",
        "sv",
        "da",
        "no",
        "fi",
        "cs",
        "hu",
        "ro",
        "tr",
        "ru",
        "uk",
        "el",
        "ja",
        "zh",
        "ko",
        "ar",
    ]
)


def _excerpt(pm: PageMeta, title: str, site: str, body: str) -> str:
    for candidate in (
        pm.first("og:description"),
        pm.first("description"),
        pm.first("twitter:description"),
        clean(pm.ld_first("description")),
    ):
        if candidate and _real_description(candidate, title, site, body):
            return _shorten(candidate, EXCERPT_LIMIT)
    return lead_excerpt(body)


# A description is the site's slogan, not the article's summary, when few of its words
# occur in the article. Words compare by their first five letters, so inflections still
# match. On the dev set this rejects 51 of 893 descriptions, nearly all of them slogans,
# section labels or too short to summarise anything.
_MIN_DESCRIPTION_OVERLAP = 0.25
_WORD = re.compile(r"\w{4,}")


def _stems(text: str) -> set[str]:
    return {w.casefold()[:5] for w in _WORD.findall(text)}


def _real_description(desc: str, title: str, site: str, body: str) -> bool:
    if len(desc) < 40 or fold(desc) in (fold(title), fold(site)):
        return False
    words = _stems(desc)
    if not words:
        return False
    return len(words & _stems(title + " " + body[:5000])) / len(words) >= _MIN_DESCRIPTION_OVERLAP


def lead_excerpt(body: str, limit: int = EXCERPT_LIMIT) -> str:
    """The lead sentences of the text, skipping short lines (datelines, bylines)."""
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    prose = [p for p in paragraphs if not is_table_block(p)]
    lead = next((p for p in prose if len(p) >= 80), prose[0] if prose else "")
    return _shorten(lead, limit)


def _shorten(text: str, limit: int) -> str:
    text = clean(text)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    ends = [m.start() for m in _SENTENCE_END.finditer(cut + " ")]
    ends = [e for e in ends if e > limit // 3]
    if ends:
        return cut[: ends[-1]].strip()
    return cut.rsplit(" ", 1)[0].rstrip(",;:-–") + "…"


def _ld_images(value: Any) -> list[tuple[str, int, int]]:
    if isinstance(value, str):
        return [(value, 0, 0)]
    if isinstance(value, list):
        return [i for v in value for i in _ld_images(v)]
    if isinstance(value, dict):
        src = value.get("url") or value.get("contentUrl") or value.get("@id")
        if isinstance(src, str):
            return [(src, _int(value.get("width")), _int(value.get("height")))]
    return []


def _int(value: Any) -> int:
    if isinstance(value, dict):  # QuantitativeValue
        value = value.get("value")
    try:
        return max(0, int(float(str(value).strip().removesuffix("px"))))
    except (TypeError, ValueError, OverflowError):  # "inf" is no size
        return 0


def _images(pm: PageMeta, base: str) -> list[Image]:
    """Lead image first (og:image, twitter:image, JSON-LD image), sizes where declared."""
    cands: list[tuple[str, int, int]] = []
    og = (
        pm.meta.get("og:image", [])
        or pm.meta.get("og:image:url", [])
        or pm.meta.get("og:image:secure_url", [])
    )
    widths, heights = pm.meta.get("og:image:width", []), pm.meta.get("og:image:height", [])
    for i, src in enumerate(og):
        w = _int(widths[i]) if i < len(widths) else 0
        h = _int(heights[i]) if i < len(heights) else 0
        cands.append((src, w, h))
    for key in ("twitter:image", "twitter:image:src"):
        cands += [(src, 0, 0) for src in pm.meta.get(key, [])]
    for obj in pm.articles():
        cands += _ld_images(obj.get("image"))
        cands += _ld_images(obj.get("thumbnailUrl"))
    cands += [(src, 0, 0) for src in pm.itemprops.get("image", [])]

    seen: dict[str, int] = {}
    out: list[Image] = []
    for src, w, h in cands:
        absolute = _http_url(src, base)
        if not absolute:
            continue
        if not (w and h):
            w, h = pm.img_sizes().get(absolute, (w, h))
        if absolute in seen:
            # a later source may know the size the first one did not declare
            i = seen[absolute]
            if not (out[i].width and out[i].height) and w and h:
                out[i] = Image(url=absolute, width=w, height=h)
            continue
        seen[absolute] = len(out)
        out.append(Image(url=absolute, width=w, height=h))
        if len(out) >= _MAX_IMAGES:
            break
    return out


def _dedupe(values: list[str], limit: int) -> list[str]:
    out: dict[str, str] = {}
    for v in values:
        v = clean(v)
        if v and len(v) <= 80 and v.casefold() not in out:
            out[v.casefold()] = v
    return list(out.values())[:limit]


def _as_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _categories(pm: PageMeta) -> list[str]:
    values = pm.meta.get("article:section", []) + _as_strings(pm.ld_first("articleSection"))
    return _dedupe(values, _MAX_TAGS)


def _tags(pm: PageMeta) -> list[str]:
    values = list(pm.meta.get("article:tag", []))
    keywords = _as_strings(pm.ld_first("keywords"))
    keywords += pm.meta.get("news_keywords", []) + pm.meta.get("keywords", [])
    for kw in keywords:
        values += re.split(r"\s*[,;]\s*", kw)
    return _dedupe(values, _MAX_TAGS)
