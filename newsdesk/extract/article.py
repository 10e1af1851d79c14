"""RawDocument → Article: pick the extractor for the input's kind.

The only module that knows all extractors; each of them knows nothing of the
others or of Article's provenance fields.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import MalformedInput
from ..model import Article, Provider, RawDocument, now_utc, utc
from ..records import load_record
from .captures import clean_capture
from .decode import decode_bytes
from .derived_title import derive_title
from .headline_repeat import drop_repeated_headline
from .html import extract_html, lead_excerpt, registered_domain
from .limits import prescan_html
from .sanitise import normalise_url


def extract_article(raw: RawDocument) -> Article:
    """The article one input describes, with its provenance filled in."""
    if raw.kind == "html":
        article = _from_html(raw.content, url=raw.url, source=raw.source)
    elif raw.kind == "capture":
        article = _from_capture(decode_bytes(raw.content, source=raw.source), source=raw.source)
    elif raw.kind == "record":
        article = load_record(decode_bytes(raw.content, source=raw.source), source=raw.source)
        article.extractor = article.extractor or "record"
    elif raw.kind == "jsonl":
        article = _from_fields(raw.fields, source=raw.source)
    else:  # pragma: no cover - InputKind is closed
        raise MalformedInput(f"unknown input kind {raw.kind!r}", source=raw.source)
    article.source = raw.source
    article.source_kind = raw.kind
    article.external_id = raw.external_id or article.external_id
    article.ingested_at = now_utc()
    if not article.web_url and article.url:
        article.web_url = article.url
    if not article.title.strip():
        # Titleless input (wire copy, transcripts, plain captures) is normal input.
        article.title, how = derive_title(article.text, source=raw.source)
        article.info["title_source"] = "derived"
        article.info["title_derivation"] = how
    if raw.kind != "record":  # a record is kept as it was written
        article.text = drop_repeated_headline(article.text, article.title)
    return article


def capture_article(path: Path) -> Article:
    """One text-capture file as ingest extracts it (benchmarks and tests share this path)."""
    return extract_article(RawDocument(source=str(path), kind="capture", content=path.read_bytes()))


def _from_html(content: bytes | str, *, url: str | None, source: str) -> Article:
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    data, notes = prescan_html(data, source=source)
    page = extract_html(data if notes or isinstance(content, bytes) else content, url=url, source=source)
    info: dict[str, Any] = {}
    if page.title:
        info["title_source"] = "page"  # the headline the page shows or declares
    if notes:
        info["limits"] = notes
    if page.url:
        info["canonical_url"] = page.url
    if page.categories:
        info["categories"] = page.categories
    return Article(
        title=page.title,
        text=page.text,
        excerpt=page.excerpt,
        url=page.url or (url or ""),
        web_url=url or page.url,
        published=page.published,
        published_source=page.published_source,
        updated=page.updated,
        authors=list(page.authors),
        provider=page.provider,
        language=page.language,
        images=list(page.images),
        tags=list(page.tags),
        extractor=page.extractor,
        info=info,
    )


def _from_capture(text: str, *, source: str) -> Article:
    cap = clean_capture(text, source=source)
    info: dict[str, Any] = {}
    if cap.section:
        info["section"] = cap.section
    if cap.removed:
        info["removed"] = sorted(set(cap.removed))
    return Article(
        title=cap.title,
        text=cap.text,
        excerpt=cap.excerpt,
        published=cap.published,
        published_source=cap.published_source,
        authors=list(cap.authors),
        provider=Provider(name=cap.site_name or cap.agency, domain=""),
        tags=list(cap.tags),
        dateline=cap.dateline,
        agency=cap.agency,
        is_repost=cap.is_repost,
        original_title=cap.original_title,
        original_provider=cap.original_provider,
        extractor="newsdesk-capture",
        info=info,
    )


def _parse_when(value: Any, source: str, notes: list[str], where: str = "published") -> datetime | None:
    """A date a line gives; one that is not a date raises, one outside any calendar is dropped."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            notes.append(f"{where} {value!r} dropped: not a usable timestamp")
            return None
    text = str(value).strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise MalformedInput(f"{where} {value!r} is not an ISO-8601 date", source=source) from exc
    try:
        return utc(parsed)
    except OverflowError:
        notes.append(f"{where} {value!r} dropped: outside the range of dates")
        return None


def _from_fields(fields: dict[str, Any], *, source: str) -> Article:
    """An interchange line: given fields win; HTML (if any) fills the rest."""
    url = str(fields.get("url") or "").strip()
    notes: list[str] = []
    if url:
        try:
            url = normalise_url(url)
        except ValueError as exc:
            notes.append(f"url {url[:80]!r} dropped: {exc}")
            url = ""
    if fields.get("html"):
        article = _from_html(str(fields["html"]), url=url or None, source=source)
    else:
        article = Article(url=url, web_url=url, extractor="jsonl")
    if fields.get("title"):
        article.title = " ".join(str(fields["title"]).split())
    if fields.get("text"):
        article.text = str(fields["text"]).strip()
    language = str(fields.get("language") or "").strip().lower()
    if language:
        # the record's own word for its language wins, as its title does: a short
        # headline is where detection is least sure (and then gets no topics at all)
        if re.fullmatch(r"[a-z]{2,3}", language):
            article.language = language
        else:
            notes.append(f"language {language[:20]!r} dropped: not an ISO 639 code")
    published = _parse_when(fields.get("published"), source, notes)
    if published is not None:
        article.published, article.published_source = published, "jsonl:published"
    modified = _parse_when(fields.get("modified") or fields.get("updated"), source, notes, "modified")
    if modified is not None:
        # lets a later, explicitly newer version replace a longer body (ingest.merge)
        article.info["modified"] = modified.isoformat()
    provider = fields.get("provider")
    domain = str(fields.get("domain") or "") or (registered_domain(url) if url else "")
    if isinstance(provider, dict):
        article.provider = Provider(str(provider.get("name") or ""), str(provider.get("domain") or domain))
    elif provider or domain:
        article.provider = Provider(str(provider or article.provider.name), domain or article.provider.domain)
    if not article.excerpt and article.text:
        article.excerpt = lead_excerpt(article.text)
    if notes:
        article.info.setdefault("sanitised", []).extend(notes)
    return article
