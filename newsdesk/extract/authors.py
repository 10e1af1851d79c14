"""Authors of a page: declared (meta tags, JSON-LD) first, else a visible byline.

Where the names are found is decided here; how a name is read out of a field or byline
(splitting, roles, dates, placeholders) is in :mod:`.author_names`.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement

from .author_names import (
    _AUTHOR_PREFIX,
    _CODE,
    _NAME_STOP,
    _NAMEISH,
    _NOT_AUTHORS,
    _NOT_NAMES,
    _PERSON_NAME,
    split_authors,
)
from .metadata import _PUBLISHER_TYPES, PageMeta, _types, clean, fold, in_comment_item
from .page_authors import (
    _TEXT_NODES,
    copyright_holder,
    first_poster,
    full_names,
    header_byline,
    signature,
    site_owner,
    site_person,
)


def _ld_names(value: Any) -> list[str]:
    if isinstance(value, str):
        # some sites put a JSON string into the field
        if value.strip().startswith(("{", "[")):
            try:
                return _ld_names(json.loads(value))
            except ValueError:
                return []
        return [value]
    if isinstance(value, list):
        return [n for v in value for n in _ld_names(v)]
    if isinstance(value, dict):
        types = _types(value)
        if types & _PUBLISHER_TYPES and "person" not in types:
            # the publisher named as author: that is the site, not a byline
            return []
        name = value.get("name")
        if isinstance(name, (str, list, dict)):
            return _ld_names(name)
        parts = [value.get(k) for k in ("givenName", "familyName")]
        if all(isinstance(p, str) for p in parts):
            return [" ".join(parts)]  # type: ignore[arg-type]
    return []


#: meta tags that name the author, most specific first
META_AUTHOR = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "byl",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
    "dc:creator",
    "creator",
)


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    """Author references ({"@id": ...}, as Yoast-style @graph pages give them) replaced by the node."""
    if isinstance(value, list):
        return [_resolve(v, by_id) for v in value]
    if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
        return by_id.get(value["@id"], value)
    return value


def author_candidates(pm: PageMeta) -> list[tuple[str, list[str]]]:
    """(source, raw names) for the authors, in order of trust."""
    out: list[tuple[str, list[str]]] = []
    by_id = {o["@id"]: o for o in pm.jsonld if isinstance(o.get("@id"), str)}
    for obj in pm.articles():
        names = _ld_names(_resolve(obj.get("author"), by_id))
        if names:
            out.append(("jsonld", names))
            break
    for key in META_AUTHOR:
        values = pm.meta.get(key)
        if values:
            out.append((f"meta:{key}", values))
    if pm.itemprops.get("author"):
        out.append(("microdata", pm.itemprops["author"][:3]))
    # Yoast's Twitter card: label "Written by", the author's display name as data
    for i in (1, 2):
        if pm.first(f"twitter:label{i}").casefold() in ("written by", "author", "verfasst von", "écrit par"):
            value = pm.first(f"twitter:data{i}")
            if value:
                out.append(("meta:twitter:data", [value]))
    return out


# Visible bylines: the elements whose markup says "author" or "byline", ranked in Python
# (specific author markup before generic bylines). One walk over the elements with plain
# substring tests: an XPath of a dozen contains() per element, behind a regex pre-scan of the
# source, cost ten times as much on the dev pages (about 12 ms a page).
_BYLINE_CLASS_WORDS = ("uthor", "yline", "submitted-by", "posted-by", "journalist", "writer", "vcard")
#: the folders sites keep their author pages in ("/author/jane-doe")
_AUTHOR_FOLDERS = ("author", "authors", "autor", "autoren", "auteur")
_AUTHOR_HREFS = tuple(f"/{folder}/" for folder in _AUTHOR_FOLDERS)


def _byline_elements(tree: HtmlElement) -> list[HtmlElement]:
    found = []
    # the tag filter runs in lxml: no Python object for the other elements (scripts, images, ...)
    for el in tree.iter(*_BYLINE_TAGS):
        tag = el.tag
        cls, ident = el.get("class"), el.get("id")
        if (
            tag == "author"
            or el.get("rel") == "author"
            or "author" in (el.get("itemprop") or "")
            or (cls and (cls == "byl" or any(w in cls for w in _BYLINE_CLASS_WORDS)))
            or (ident and ("uthor" in ident or "yline" in ident))
            or (tag == "a" and any(h in (el.get("href") or "") for h in _AUTHOR_HREFS))
        ):
            found.append(el)
    return found


_BYLINE_SPECIFIC = re.compile(r"^(?:author|author-?name|authorName|AuthorName|byline__author)$")
_BYLINE_TAGS = frozenset(
    {"a", "div", "p", "span", "address", "strong", "h3", "h4", "author", "li", "em", "b"}
)
# class/id tokens of the containers whose names are not the article's author
_BYLINE_EXCLUDED_TOKEN = re.compile(
    r"^(?:comment|sidebar|widget|related|teaser|footer|quote|respond)", re.IGNORECASE
)
# ... of those, the ones that layouts also put on the page's main column: "content-area
# sidebar" (a layout with a sidebar), Blogger's post list "widget Blog", "widgets-hidden"
_LAYOUT_TOKEN = re.compile(r"^(?:sidebar|widget)", re.IGNORECASE)
_BYLINE_EXCLUDED_TAGS = frozenset({"footer", "aside", "blockquote", "form"})
# an <aside> within the <article> is its panel of facts (author, date, programme), unless it
# holds teasers of other articles (their own <article> elements, with their authors)
_ARTICLE_PANEL = XPath("boolean(ancestor::article) and not(.//article)")
#: share of the page's text above which a "sidebar"/"widget" container is the main column
MAIN_COLUMN_SHARE = 0.5


def _text_length(el: HtmlElement) -> int:
    """Characters of the element's text outside <style> and <script> (stripped per text node)."""
    # all text less that of the <script>/<style> inside: two predicate-free paths instead of an
    # ancestor test on every text node (30 ms on a deeply nested page). The parser gives
    # <script>/<style> no child elements, so ``el`` (a byline's container, the body) lies
    # inside neither.
    return _stripped_length(_ALL_TEXT(el)) - _stripped_length(_SCRIPT_STYLE_TEXT(el))


def _stripped_length(texts: list[str]) -> int:
    return sum(map(len, map(str.strip, texts)))


_ALL_TEXT = XPath(".//text()", smart_strings=False)
_SCRIPT_STYLE_TEXT = XPath(
    "descendant-or-self::script//text() | descendant-or-self::style//text()", smart_strings=False
)


def _byline_excluded(
    el: HtmlElement, *, specific: bool = False, page_chars: Callable[[], int] | None = None
) -> bool:
    for node in (el, *el.iterancestors()):
        if node.tag in ("body", "html"):
            break  # the whole page's classes ("widgets-hidden") say nothing about this element
        # an article's own <footer> often holds its author link; a site footer holds no rel=author
        if node.tag in _BYLINE_EXCLUDED_TAGS and not (specific and node.tag == "footer"):
            if node.tag == "aside" and _ARTICLE_PANEL(node):
                continue
            return True
        if node.get("itemscope") is not None and in_comment_item(el):
            return True  # inside a microdata Comment/Answer: a reply's author (forum posts)
        tokens = (node.get("class") or "").split() + (node.get("id") or "").split()
        excluding = [t for t in tokens if _BYLINE_EXCLUDED_TOKEN.match(t)]
        if not excluding:
            continue
        # a sidebar or widget holds a small part of the page; one holding most of it is the
        # main column under a layout class
        if (
            page_chars is not None
            and all(_LAYOUT_TOKEN.match(t) for t in excluding)
            and _text_length(node) >= MAIN_COLUMN_SHARE * page_chars()
        ):
            continue
        return True
    return False


_AUTHOR_PAGE = re.compile(rf"/(?:{'|'.join(_AUTHOR_FOLDERS)})/+([^/?#]+)", re.IGNORECASE)


def _author_page_slug(el: HtmlElement) -> str:
    """The folded slug of the author page a link points to ('' when it points to none)."""
    m = _AUTHOR_PAGE.search(el.get("href") or "") if el.tag == "a" else None
    return fold(m.group(1)) if m else ""


def _names_slug(name: str, slug: str) -> bool:
    """Whether a link's text is the person its author-page address names ("/author/jane-doe")."""
    f = fold(name)
    return len(f) >= 4 and len(slug) >= 4 and (f in slug or slug in f)


def _byline_rank(el: HtmlElement) -> int:
    if el.tag == "author" or el.get("rel") == "author" or "author" in (el.get("itemprop") or ""):
        return 0
    if any(_BYLINE_SPECIFIC.match(c) for c in (el.get("class") or "").split()) or el.get("id") == "author":
        return 0
    return 1


def byline_authors(tree: HtmlElement) -> list[str]:
    """Author names from the visible byline markup, when the metadata names none."""
    found = _byline_elements(tree)
    measured: list[int] = []

    def page_chars() -> int:
        # the page's text size, measured once and only when a layout class needs it
        if not measured:
            body = tree.find("body")
            measured.append(_text_length(body if body is not None else tree) or 1)
        return measured[0]

    for el in sorted(found, key=_byline_rank):  # stable: document order within a rank
        # text nodes joined with spaces, not text_content: "Author<b>Jane Doe</b>" must not glue
        # into one word; a <style> or <script> inside the byline is no text
        text = clean(" ".join(_VISIBLE_TEXT(el)))
        if len(text) <= 2:
            continue
        if _byline_excluded(el, specific=_byline_rank(el) == 0, page_chars=page_chars):
            continue
        # a long text is an author box: the name, then the bio ("Jane Doe is a ...") in its own element
        names = _author_box_name(el) if len(text) >= 100 else split_authors(text)
        if el.tag == "a" and not _BYLINE_CLASS_HINT.search(_attrs(el)):
            slug = _author_page_slug(el)
            # a bare link to an author page ("/author/jane-doe") counts when its text is the
            # person the address names: not "All articles", not a menu of the site's authors
            names = [n for n in names if _names_slug(n, slug)]
        if names:
            return names[:10]
    return []


#: the byline words of :func:`_byline_elements`, searched in all of a link's markup attributes
_BYLINE_CLASS_HINT = re.compile("|".join(map(re.escape, _BYLINE_CLASS_WORDS)) + "|^byl$")


def _attrs(el: HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''} {el.get('rel') or ''} {el.get('itemprop') or ''}"


# (a text in a <script> or <style> is its child: see _AFTER_H1_OWN)
_VISIBLE_TEXT = XPath(".//text()[not(parent::style or parent::script)]", smart_strings=False)


def _author_box_name(el: HtmlElement) -> list[str]:
    """The name an author box opens with: its first short text that reads as a person's name."""
    for i, node in enumerate(_VISIBLE_TEXT(el)):
        if i >= 8:
            break
        text = clean(str(node))
        if text and _PERSON_NAME.match(text) and len(text) <= 40:
            return split_authors(text)[:1]
    return []


def choose_authors(
    pm: PageMeta,
    tree: HtmlElement | None = None,
    text: str = "",
    *,
    site_keys: list[str] | None = None,
) -> list[str]:
    """Authors from JSON-LD, meta tags or microdata; else from the visible byline.

    A name that is the site's own name or domain (``site_keys``, as :func:`.headline.site_keys`
    folds them) is the publisher, not a byline: "Five Books" on fivebooks.com. ``text`` is
    the extracted main text (its last line may sign it).
    """
    keys = site_keys or []
    for _source, raws in author_candidates(pm):
        names: list[str] = []
        for raw in raws:
            for n in split_authors(raw):
                n = _without_site(n, keys)
                if n not in names and not _names_site(n, keys):
                    names.append(n)
        if names:
            return full_names(names[:10], pm)
    if tree is None:
        return []
    bylines = [_without_site(n, keys) for n in byline_authors(tree)]
    found = [n for n in bylines if not _names_site(n, keys)]
    after_h1: list[Any] = []
    if not found:
        # the text from the first <h1> on, read once for both text bylines below
        after_h1 = _after_h1_nodes(tree)
        found = [n for n in text_byline(tree, after_h1) if not _names_site(n, keys)]
    # no person named anywhere: the organisation the page declares as author, or the byline
    # markup naming the site itself (a personal blog called after its author)
    # nor a byline outside the replies: a thread page whose posts are all microdata Comments
    # (vBulletin, XenForo) is by the author of its first post
    return (
        found
        or declared_organisations(pm)
        or [n for n in header_byline(after_h1) if not _names_site(n, keys)]
        or bylines
        or pm.reply_authors[:1]
        or first_poster(tree)
        or site_person(tree, keys)
        or copyright_holder(tree)
        or site_owner(pm, keys)
        or signature(text)
    )


def _ld_org_names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [n for v in value for n in _ld_org_names(v)]
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return [value["name"]]
    return []


def declared_organisations(pm: PageMeta) -> list[str]:
    """The author the page declares when no person is named: the site, a team, a company.

    Only declared ones (JSON-LD ``author`` of an organisation type, the author meta tags):
    the page says so. A person's byline anywhere on the page wins over them (see
    :func:`choose_authors`); placeholders ("admin", "Staff" alone) stay out.
    """
    by_id = {o["@id"]: o for o in pm.jsonld if isinstance(o.get("@id"), str)}
    raws: list[str] = []
    for obj in pm.articles():
        raws += _ld_org_names(_resolve(obj.get("author"), by_id))
    for _source, values in author_candidates(pm):
        raws += values
    out: list[str] = []
    for raw in raws:
        name = _AUTHOR_PREFIX.sub("", clean(raw)).strip(" -–—:|")
        folded = name.casefold()
        if (
            not name
            or len(name) > 60
            or len(name.split()) > 6
            or folded.startswith(("http://", "https://"))
            or _CODE.search(name)
            or "@" in name
            or folded in _NOT_AUTHORS
            or folded in _NOT_NAMES
            or not any(ch.isalpha() for ch in name)
        ):
            continue
        if name not in out:
            out.append(name)
    return out[:3]


# "By Jane Doe", "Written by Jane Doe", "Reviewed by ..." in the visible text, as pages without
# author markup show it (the label and the name often in separate elements): a capitalised
# name of two to four words right after the label.
_TEXT_BYLINE = re.compile(
    r"(?:^|[\s|·•])(?i:(?:written|posted|reviewed|story|words)\s+)?(?i:by|von|par|por)\s*:?\s+"
    r"((?:(?!(?:By|Von|Par|Por)\b)[A-ZÀ-Ý][\w'’.-]*\.?[ \t\u00a0]+){1,3}"
    r"(?!(?:By|Von|Par|Por)\b)[A-ZÀ-Ý][\w'’-]+)",
)
#: how far after the headline the byline may come (characters of visible text)
BYLINE_AFTER = 1500


# The parser keeps a <script>'s or <style>'s content as its one text node, without elements: a
# text is in one when its parent is one (a test of one node, not of every ancestor). <noscript>
# and <template> hold elements; on pages without text in either, their test is left out.
_AFTER_H1_OWN = "(//body//h1[.//text()])[1]//text()[not(parent::script or parent::style)]"
_AFTER_H1_NEXT = "(//body//h1[.//text()])[1]/following::text()[not(parent::script or parent::style)]"
_AFTER_H1_NODES_PLAIN = XPath(f"{_AFTER_H1_OWN} | {_AFTER_H1_NEXT}")
_AFTER_H1_NODES_HIDING = XPath(
    f"{_AFTER_H1_OWN} | {_AFTER_H1_NEXT}[not(ancestor::noscript or ancestor::template)]"
)
_HIDING_TEXT = XPath("boolean(//noscript//text() | //template//text())")


def _after_h1_nodes(tree: HtmlElement) -> list[Any]:
    """The text nodes from the first <h1> that has text on: its own outside <script> and <style>,
    and all after it outside <script>, <style>, <noscript> and <template>."""
    xpath = _AFTER_H1_NODES_HIDING if _HIDING_TEXT(tree) else _AFTER_H1_NODES_PLAIN
    result: list[Any] = xpath(tree)
    return result


def text_byline(tree: HtmlElement, after_h1: list[Any] | None = None) -> list[str]:
    """Names after a "By" label in the visible text near the headline (or the page's start).

    Text nodes are joined with line breaks, so a name never runs on into the next element
    ("Jane Doe" + "Table of contents"); a name's words stay on one line.
    """
    # the text from the first <h1> on (one XPath: finding it node by node costs more than the
    # rest of the author search on pages without an <h1>)
    nodes = (_after_h1_nodes(tree) if after_h1 is None else after_h1) or _TEXT_NODES(tree)
    text = "\n".join(n.strip() for n in nodes[:200] if n.strip())[:BYLINE_AFTER]
    for m in _TEXT_BYLINE.finditer(text):
        before = text[max(0, m.start() - 25) : m.start() + 1].casefold()
        if _NOT_BYLINE_BEFORE.search(before):
            continue  # "Photo by Getty Images", "Powered by WordPress"
        words = m.group(1).split()
        # the text runs on after the name: "Jane Doe The harbour ..." ends the name before "The"
        while len(words) > 2 and words[-1].casefold() in _NAME_STOP:
            words.pop()
        return split_authors(" ".join(words))[:3]
    return labelled_byline(nodes)


# Labels that say "the author is": unlike a bare "by", they name the author wherever they
# stand (a "Posted by" line under the post, a "Written by" box after it) and may be followed
# by a user name in lower case ("Gespeichert von rasos"). They open their line (or follow a
# separator): "a library written by Jane Doe" in a sentence is no byline.
_LABELS = (
    r"(?:^|[|·•(—–-]\s*)((?:written|posted|article|words|text|story|started)\s+by|thread\s+starter|(?:verfasst|geschrieben|"
    r"eingestellt|gespeichert|erstellt|veröffentlicht)\s+von|(?:écrit|rédigé|publié)\s+par|scritto\s+da|"
    r"(?:escrito|publicado)\s+por|autor(?:in|en)?|authors?|auteur|(?:contributors?|redaktion)(?=[ \t]*:))"
)
# the label alone on its line (the name follows in the next element), or the label and the name
_AUTHOR_LABEL = re.compile(
    rf"{_LABELS}[ \t]*:?[ \t]*$|{_LABELS}[ \t]*:?[ \t]+(\S.*)$", re.IGNORECASE | re.MULTILINE
)
#: text nodes read after the headline for a labelled byline (the article and what follows it)
LABELLED_NODES = 3000


def labelled_byline(nodes: list[Any]) -> list[str]:
    """The name after an explicit author label ("Posted by", "Verfasst von:", "Author:").

    The name is the rest of the label's line or the next text (the label and the name often
    sit in separate elements). Labels inside comments, sidebars and forms do not count.
    """
    kept = [(n, n.strip()) for n in nodes[:LABELLED_NODES]]
    kept = [(n, t.replace("\n", " ")) for n, t in kept if t]
    # one scan over all lines, then back to the line (and its node) each label is on
    starts, at = [], 0
    for _node, line in kept:
        starts.append(at)
        at += len(line) + 1
    joined = "\n".join(line for _node, line in kept)
    for m in _AUTHOR_LABEL.finditer(joined):
        i = bisect_right(starts, m.start()) - 1
        node, line = kept[i]
        if len(line) > 120:
            continue
        parent = node.getparent()
        if parent is not None and node.is_tail:
            parent = parent.getparent()  # a tail's element is the one it follows, not its container
        # a byline's element holds the label and the name; "... a library <a>x</a> written by
        # <a>Jane Doe</a> in C" is a sentence of the text
        if parent is None or len(clean(parent.text_content())) > 120 or _byline_excluded(parent):
            continue
        rest = m.group(3) if m.group(3) is not None else (kept[i + 1][1] if i + 1 < len(kept) else "")
        if not rest or len(rest) > 80 or (m.group(3) is None and _AUTHOR_LABEL.match(rest)):
            continue  # the next line another label: an icon's title before the visible one
        names = [n for n in split_authors(rest) if _NAMEISH.match(n)]
        if names:
            return names[:3]
    return []


_NOT_BYLINE_BEFORE = re.compile(
    r"\b(?:photos?|image|picture|illustration|video|graphic|credit|powered|designed|developed|made|"
    r"hosted|built|run|operated|owned|fotos?|bild)\s*:?\s*$"
)
_NAME_SEP = re.compile(r"\s+[-–—|:]\s+")


def _without_site(name: str, keys: list[str]) -> str:
    """A person's name without the site's name glued before or after it.

    "Adam Aaronson PhillyVoice", "unocero - Alberto Ávila", "Matthias herrpfleger".
    """
    parts = _NAME_SEP.split(name)
    if len(parts) == 2:
        if _names_site(parts[0], keys) and not _names_site(parts[1], keys):
            return parts[1]
        if _names_site(parts[1], keys) and not _names_site(parts[0], keys):
            return parts[0]
    words = name.split()
    if len(words) >= 3 and _names_site(words[-1], keys):
        return " ".join(words[:-1])
    if len(words) >= 2 and words[-1][:1].islower() and fold(words[-1]) in keys:
        return " ".join(words[:-1])
    return name


def _names_site(name: str, keys: list[str]) -> bool:
    f = fold(name)
    return bool(f) and any(
        f == k or (len(f) >= 6 and f in k) or (len(k) >= 6 and k in f and len(f) <= len(k) + 6) for k in keys
    )
