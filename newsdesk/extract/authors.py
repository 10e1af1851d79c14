"""Authors of a page: declared (meta tags, JSON-LD) first, else a visible byline.

Names are split on the separators bylines use in many languages, stripped of
prefixes ("By", "Von", "Par"), roles and contact details, and checked against
words that are never a person ("Redaktion", "Staff", "Admin").
"""

from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement

from .metadata import _PUBLISHER_TYPES, PageMeta, _types, clean, fold

_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|/|\||&|\+|\s(?:and|und|et|y|e|og|och)\s)\s*", re.IGNORECASE)
_AUTHOR_PREFIX = re.compile(
    r"^(?:(?:written|posted|post|published|text|story|words|photos?|reported|geschrieben|verfasst|"
    r"veröffentlicht|publiziert|erstellt|ein beitrag|publié|publicado|pubblicato|"
    r"(?:medically\s+)?reviewed|edited|fact[- ]checked|updated|compiled)\s+)?"
    r"(?:by|von|vom|par|por|di|da|door|av|from|autor(?:in)?|author|text|fotos?|interview)\s*:?\s+",
    re.IGNORECASE,
)
# a date or place after the name: "Jane Doe am 3. Mai", "Jane Doe on May 3", "Jane Doe | 3 min"
_AUTHOR_TAIL = re.compile(
    r"\s+(?:(?:am|on|le|el|il|um|at|in)\s|[-–—|·•,]\s*)[^\d]{0,30}\d.*$|\s+(?:am|on|le)$"
    r"|\s+(?:am|on|le|el)\s+(?i:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"dimanche)\b.*$"
)
# a date whose digits the junk pattern cut off, or a date label, after the name:
# "Jane Doe February", "Jane Doe Published", "Jane Doe Last Updated: August"
_DATE_WORDS = re.compile(
    r"(?:\s+(?:(?:last\s+)?(?:updated|published|posted|modified)\b.*|on|stand|vor|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|"
    r"fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?)+$",
    re.IGNORECASE,
)
# markup or code that leaked into an author field
_CODE = re.compile(r"[{}\[\]=<>;\\\"]|:\S|\.\w+\(")
# a number that starts a word ends the name ("Jane Doe 3 min read"); one glued to letters is
# part of a user name ("Pippin06", "paulb203")
_AUTHOR_JUNK = re.compile(r"\S+@\S+|@\w+|https?://\S+|\(.*?\)|(?<!\w)\d.*$")
# placeholders CMSs put where an author would be
_NOT_AUTHORS = frozenset(
    {
        "admin",
        "administrator",
        "editor",
        "editors",
        "staff",
        "user",
        "guest",
        "unknown",
        "anonymous",
        "autor",
        "author",
        "team",
        "webmaster",
        "none",
        "null",
        "no author",
        "posted",
        "publiziert",
        "veröffentlicht",
        "wordpressadmin",
    }
)


# Words that open a job title after a name ("Keith Barry Senior Autos Reporter", "Jane Doe,
# Staff Writer"): the name ends before them. Only read after two words of name, so "Bishop"
# or "Editor" as a surname of a one-word field are left to the other checks.
_ROLE_TEXT = """
senior junior chief deputy managing associate assistant executive contributing staff reporter
reporters editor editors correspondent correspondents writer writers columnist contributor
contributors producer journalist photographer photojournalist analyst critic intern anchor host
presenter editorial former founder cofounder co-founder ceo cto director manager president professor
attorney lawyer consultant dietitian nutritionist specialist strategist expert coach engineer
developer designer scientist researcher physician nurse therapist redakteur redakteurin
illustration illustrations illustrator
korrespondent korrespondentin autor autorin rédacteur rédactrice journaliste periodista redactor
redactora
"""
_ROLE_WORDS = frozenset(_ROLE_TEXT.split())
# Page furniture that byline markup sometimes holds instead of a name.
_NOT_NAMES = frozenset(
    {
        "sign in", "log in", "login", "sign up", "register", "subscribe", "menu", "share",
        "follow", "home", "search", "more", "read more", "contact", "about", "about us",
        "newsletter", "profile", "view profile", "all posts", "view all posts", "comments",
        "facebook", "twitter", "instagram", "linkedin", "email", "print", "x", "bio",
        "staff writer", "staff reporter", "news desk", "newsdesk", "web desk", "desk",
        "press release", "sponsored", "advertisement", "editorial team", "editorial staff",
        "the author", "about the author", "written by", "posted by", "by",
    }
)  # fmt: skip


# "Dylan Bailey, MS, RD, FAND": letters after a name, split off by its commas
_CREDENTIAL = re.compile(
    r"^(?:[A-Z]{1,5}|Ph\.?\s?D\.?|M\.?D\.?|M\.?S\.?|B\.?A\.?|Jr\.?|Sr\.?|[A-Z]-[A-Z]+ \d+)$"
)


# What forum software prints around a poster's name (XenForo, phpBB, vBulletin, NodeBB,
# Discourse): an avatar's initial before it, a rank or status after it. The name ends there.
_FORUM_TEXT = """
member members moderator administrator joined messages posts offline online wrote discussion
starter greenhorn veteran legend newbie registered
"""
_FORUM_WORDS = frozenset(_FORUM_TEXT.split())


def _strip_forum(name: str) -> str:
    words = name.split()
    # "B boobaloobie": the letter of an avatar placeholder, then the name it stands for
    if len(words) >= 2 and len(words[0]) == 1 and words[0].casefold() == words[1][:1].casefold():
        words = words[1:]
    for i, word in enumerate(words):
        if i >= 1 and word.casefold().strip(".,:") in _FORUM_WORDS:
            # "Well-known member", "Full Member", "New Head-Fier": the rank's first words go too
            while i > 1 and words[i - 1][:1].isupper() and words[i - 1].casefold() in _RANK_LEAD:
                i -= 1
            return " ".join(words[:i])
    return " ".join(words)


_RANK_LEAD = frozenset({"full", "new", "senior", "junior", "well-known", "active", "big", "board", "super"})


def _strip_role(name: str) -> str:
    words = name.split()
    for i, word in enumerate(words):
        if i >= 2 and word.casefold().strip(".,") in _ROLE_WORDS:
            return " ".join(words[:i])
    return name


# a user name standing for the person: "robert.stitz", "edilson.la.rosa" (lower case, dots or
# underscores between the parts) reads as the name it spells
_HANDLE = re.compile(r"^[a-zà-ÿ]{2,}(?:[._][a-zà-ÿ]{2,})+$")


_TLDS = frozenset({"com", "net", "org", "de", "io", "co", "uk", "fr", "ch", "at", "info", "eu", "es", "it"})


def _from_handle(name: str) -> str:
    parts = re.split(r"[._]", name)
    if _HANDLE.match(name) and parts[0] != "www" and parts[-1] not in _TLDS:
        return " ".join(part.capitalize() for part in re.split(r"[._]", name))
    return name


def split_authors(value: str) -> list[str]:
    """Person names from a byline or author field ('By A and B | Site' → ['A', 'B'])."""
    value = clean(value)
    if "&" in value and ";" in value:
        value = clean(html_lib.unescape(value))  # "Redacci&oacute;n", escaped twice in the markup
    if not value or value.lower().startswith(("http://", "https://", "www.")):
        return []
    value = _AUTHOR_PREFIX.sub("", value)
    out: list[str] = []
    for part in _AUTHOR_SPLIT.split(value):
        name = _AUTHOR_JUNK.sub("", _AUTHOR_TAIL.sub("", _AUTHOR_PREFIX.sub("", part))).strip(
            " \t-–—:·•|~\"'“”"
        )
        if _CODE.search(name):
            continue
        name = _strip_role(_strip_forum(_DATE_WORDS.sub("", " " + clean(name)).strip())).strip(" ,:»«›")
        name = _from_handle(name)
        folded = name.casefold()
        if (
            not name
            or len(name) > 60
            or len(name.split()) > 5
            or folded in _NOT_AUTHORS
            or folded in _NOT_NAMES
        ):
            continue
        if not any(ch.isalpha() for ch in name) or _CREDENTIAL.match(name):
            continue
        if any(w.casefold().strip(".,") in _ROLE_WORDS for w in name.split()[:2]):
            continue  # a job title standing alone ("Senior Reporter", "Trial Attorney")
        if name not in out:
            out.append(name)
    # keep only the fullest form of each name ("Smith" inside "Jane Smith")
    return [n for n in out if not any(n != m and n in m for m in out)]


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


# Visible bylines. One XPath pass (contains() rather than EXSLT regex: it runs over every
# element of the page), ranked in Python: specific author markup before generic bylines.
_BYLINE_XPATH = XPath(
    "//*[@rel='author' or contains(@itemprop, 'author') or contains(@class, 'uthor') or "
    "contains(@class, 'yline') or @class='byl' or contains(@class, 'submitted-by') or "
    "contains(@class, 'posted-by') or contains(@class, 'journalist') or contains(@class, 'writer') or "
    "contains(@class, 'vcard') or contains(@id, 'uthor') or contains(@id, 'yline')]|//author"
)
_BYLINE_SPECIFIC = re.compile(r"^(?:author|author-?name|authorName|AuthorName|byline__author)$")
_BYLINE_TAGS = frozenset(
    {"a", "div", "p", "span", "address", "strong", "h3", "h4", "author", "li", "em", "b"}
)
# class/id tokens of the containers whose names are not the article's author
_BYLINE_EXCLUDED_TOKEN = re.compile(
    r"^(?:comment|sidebar|widget|related|teaser|footer|quote|respond)", re.IGNORECASE
)
_BYLINE_EXCLUDED_TAGS = frozenset({"footer", "aside", "blockquote", "form"})


def _byline_excluded(el: HtmlElement, *, specific: bool = False) -> bool:
    for node in (el, *el.iterancestors()):
        # an article's own <footer> often holds its author link; a site footer holds no rel=author
        if node.tag in _BYLINE_EXCLUDED_TAGS and not (specific and node.tag == "footer"):
            return True
        tokens = (node.get("class") or "").split() + (node.get("id") or "").split()
        if any(_BYLINE_EXCLUDED_TOKEN.match(t) for t in tokens):
            return True
    return False


# Matching the XPath costs a millisecond or more on a large page; pages without such
# markup are ruled out faster by a scan of the source text.
_BYLINE_HINT = re.compile(
    r"""(?:class|id|rel|itemprop)\s*=\s*["']?[^"'>]*(?:[Aa]uthor|[Bb]yline|byl\b|writer|journalist|vcard|"""
    r"""submitted-by|posted-by)|<author\b"""
)


def _byline_rank(el: HtmlElement) -> int:
    if el.tag == "author" or el.get("rel") == "author" or "author" in (el.get("itemprop") or ""):
        return 0
    if any(_BYLINE_SPECIFIC.match(c) for c in (el.get("class") or "").split()) or el.get("id") == "author":
        return 0
    return 1


def byline_authors(tree: HtmlElement, html: str | None = None) -> list[str]:
    """Author names from the visible byline markup, when the metadata names none."""
    if html is not None and not _BYLINE_HINT.search(html):
        return []
    found = [el for el in _BYLINE_XPATH(tree) if isinstance(el.tag, str) and el.tag in _BYLINE_TAGS]
    for el in sorted(found, key=_byline_rank):  # stable: document order within a rank
        # text nodes joined with spaces, not text_content: "Author<b>Jane Doe</b>" must not glue
        # into one word; a <style> or <script> inside the byline is no text
        text = clean(" ".join(_VISIBLE_TEXT(el)))
        if len(text) <= 2 or _byline_excluded(el, specific=_byline_rank(el) == 0):
            continue
        # a long text is an author box: the name, then the bio ("Jane Doe is a ...") in its own element
        names = _author_box_name(el) if len(text) >= 100 else split_authors(text)
        if names:
            return names[:10]
    return []


_VISIBLE_TEXT = XPath(".//text()[not(ancestor::style) and not(ancestor::script)]")
_PERSON_NAME = re.compile(r"^(?:[A-ZÀ-Ý][\w'’.-]+ ){1,3}[A-ZÀ-Ý][\w'’-]+$")


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
    html: str | None = None,
    *,
    site_keys: list[str] | None = None,
) -> list[str]:
    """Authors from JSON-LD, meta tags or microdata; else from the visible byline.

    A name that is the site's own name or domain (``site_keys``, as :func:`.metadata.site_keys`
    folds them) is the publisher, not a byline: "Five Books" on fivebooks.com.
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
            return names[:10]
    if tree is None:
        return []
    bylines = [_without_site(n, keys) for n in byline_authors(tree, html)]
    found = [n for n in bylines if not _names_site(n, keys)]
    if not found:
        found = [n for n in text_byline(tree) if not _names_site(n, keys)]
    # no person named anywhere: the organisation the page declares as author, or the byline
    # markup naming the site itself (a personal blog called after its author)
    return found or declared_organisations(pm) or bylines


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


_TEXT_NODES = XPath(
    "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript) "
    "and not(ancestor::template)]"
)


def _in_h1(node: Any) -> bool:
    parent = node.getparent()
    return parent is not None and (parent.tag == "h1" or next(parent.iterancestors("h1"), None) is not None)


def text_byline(tree: HtmlElement) -> list[str]:
    """Names after a "By" label in the visible text near the headline (or the page's start).

    Text nodes are joined with line breaks, so a name never runs on into the next element
    ("Jane Doe" + "Table of contents"); a name's words stay on one line.
    """
    nodes = _TEXT_NODES(tree)
    start = next((i for i, node in enumerate(nodes) if _in_h1(node)), 0)
    text = "\n".join(n.strip() for n in nodes[start : start + 200] if n.strip())[:BYLINE_AFTER]
    for m in _TEXT_BYLINE.finditer(text):
        before = text[max(0, m.start() - 25) : m.start() + 1].casefold()
        if _NOT_BYLINE_BEFORE.search(before):
            continue  # "Photo by Getty Images", "Powered by WordPress"
        words = m.group(1).split()
        # the text runs on after the name: "Jane Doe The harbour ..." ends the name before "The"
        while len(words) > 2 and words[-1].casefold() in _NAME_STOP:
            words.pop()
        return split_authors(" ".join(words))[:3]
    return []


_NOT_BYLINE_BEFORE = re.compile(
    r"\b(?:photos?|image|picture|illustration|video|graphic|credit|powered|designed|developed|made|"
    r"hosted|built|run|operated|owned|fotos?|bild)\s*:?\s*$"
)
_NAME_STOP_TEXT = """the a an this that these in on at for and or but if as it we i our you your
updated published posted last reviewed share follow"""
_NAME_STOP = frozenset(_NAME_STOP_TEXT.split())


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
