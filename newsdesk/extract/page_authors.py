"""Authors a page shows without author markup or an author label.

Read only where the declared fields and the bylines name no one (:func:`.authors.choose_authors`
decides the order): a name beside the date under the headline, a forum thread's first poster,
the owner a personal site is named after or its copyright notice names; and a declared first
name ("Nils") completed by the author's own description.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from lxml.etree import XPath, tostring
from lxml.html import HtmlElement

from ..wordfreqs import zipf_en
from .author_names import _NAME_STOP, _NAMEISH, _PERSON_NAME, family_names, given_names, split_authors
from .metadata import PageMeta, _types, clean, fold
from .textdates import _TEXT_DATE

_BODY_TEXT = (
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
)
_TEXT_NODES = XPath(_BODY_TEXT)
#: the same texts as plain strings, where their elements are not needed (no parent object each)
_TEXT_STRINGS = XPath(_BODY_TEXT, smart_strings=False)
#: the body's texts, all of them and those inside the elements _BODY_TEXT leaves out: paths
#: without a predicate, a fifth of its time (and far less on deeply nested pages, where the
#: ancestor test of every text node walks up dozens of levels)
_ALL_BODY_STRINGS = XPath("//body//text()", smart_strings=False)
_HIDDEN_BODY_STRINGS = XPath(
    "//body//script//text() | //body//style//text() | //body//noscript//text() | //body//template//text()",
    smart_strings=False,
)
_BODY_IN_HIDDEN = XPath(
    "boolean(//body[ancestor::script or ancestor::style or ancestor::noscript or ancestor::template])"
)


def visible_strings(tree: HtmlElement) -> list[str] | None:
    """The distinct values of the texts :data:`_TEXT_STRINGS` lists, in no order (None: not known).

    Each text node of the body is visible or inside a hidden element of the body, so the visible
    values are all values less the hidden ones, counted (a value may be both visible and hidden).
    A body inside a hidden element (never seen from the parser) leaves the answer to the XPath.
    """
    if _BODY_IN_HIDDEN(tree):
        return None
    counts = Counter(_ALL_BODY_STRINGS(tree))
    counts.subtract(_HIDDEN_BODY_STRINGS(tree))
    return [text for text, n in counts.items() if n > 0]


#: lines after the headline where a name beside a date is its byline
HEADER_BYLINE_LINES = 6
_MONTH_OR_DAY = re.compile(
    r"^(?:jan|feb|mär|mar|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz]|mon|tue|wed|thu|fri|sat|sun|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)",
    re.IGNORECASE,
)


_CREDIT_LINE = re.compile(
    r"^\W*(?:fotos?|photos?|bild|image|credits?|quelle|source)\b|©|\(c\)", re.IGNORECASE
)


def _header_name(text: str) -> str:
    """The person a short header line names ('' when it is not a name alone)."""
    if _CREDIT_LINE.search(text):
        return ""  # a picture's credit under the headline
    names = split_authors(text)
    if len(names) != 1 or not _PERSON_NAME.match(names[0]):
        return ""
    words = names[0].split()
    if any(w.casefold() in _NAME_STOP or _MONTH_OR_DAY.match(w) for w in words):
        return ""
    if words[0] not in given_names():
        return ""
    return names[0]


def header_byline(nodes: list[Any]) -> list[str]:
    """A name standing beside the publish date right under the headline, without a label.

    "11.12.2019 - Amelie Loevenich", "Kathrin Führes am Mittwoch, 26.01.2022", or the name
    and the date in neighbouring elements ("Heiko Sauer" + "Do 9 Apr 2020"): a header line
    that is only a date and a person's name, whose first word is a first name (so "Getty
    Images" or "Reset Password" beside a date are not read as people).
    """
    # ``nodes``: the text from the first <h1> on (none without one: a page's first lines
    # are menus, not a header)
    h1 = nodes[0].getparent() if nodes and hasattr(nodes[0], "getparent") else None
    while h1 is not None and h1.tag != "h1":
        h1 = h1.getparent()
    lines: list[str] = []
    for node in nodes[:60]:
        parent = node.getparent() if hasattr(node, "getparent") else None
        if h1 is not None and parent is not None and (parent is h1 or h1 in parent.iterancestors()):
            continue  # the headline itself
        text = clean(str(node))
        if text:
            lines.append(text)
        if len(lines) > HEADER_BYLINE_LINES:
            break
    dated = [_TEXT_DATE.search(line) for line in lines]
    for i, line in enumerate(lines[:HEADER_BYLINE_LINES]):
        if len(line) > 80:
            continue
        m = dated[i]
        if m is not None:
            name = _header_name(f"{line[: m.start()]} {line[m.end() :]}".strip(" -–—|·•,:"))
        elif (i > 0 and dated[i - 1] is not None and len(lines[i - 1]) <= 40) or (
            i + 1 < len(lines) and dated[i + 1] is not None and len(lines[i + 1]) <= 40
        ):
            name = _header_name(line)
        else:
            continue
        if name:
            return [name]
    return []


#: forum software marks each post's poster: phpBB, vBulletin ("bigusername"), XenForo, MyBB
_POSTER = XPath(
    # the plain contains() first: the class-token test then runs on a handful of elements, not all
    "//body//*[contains(@class, 'username')]"
    "[contains(concat(' ', normalize-space(@class), ' '), ' username ') or "
    "contains(concat(' ', normalize-space(@class), ' '), ' bigusername ')]"
    "[not(ancestor::form or ancestor::header or ancestor::nav or ancestor::footer or "
    "ancestor::*[contains(@class, 'comment') or contains(@id, 'comment')])]"
)


def first_poster(tree: HtmlElement) -> list[str]:
    """A thread's author where nothing else names one: the first post's poster.

    Not a commenter under an article (their names sit in comment containers).
    """
    for el in _POSTER(tree)[:3]:
        name = clean(el.text_content())
        if name and len(name) <= 40 and _NAMEISH.match(name):
            return [name]
    return []


#: a capitalised run of two or three words: a person's name, as a personal site shows it
_NAME_RUN = re.compile(r"[A-ZÀ-Ý][\w'’-]+(?:[ \u00a0]+[A-ZÀ-Ý][\w'’-]+){1,2}")


def site_person(tree: HtmlElement, keys: list[str]) -> list[str]:
    """The person a personal site is named after: a name the page shows whose letters are the
    domain's ("Gregory Szorc" on gregoryszorc.com, "Alexander Klier" on alexander-klier.net).

    Only where no one else is named: a personal site's posts are its owner's.
    """
    # a key that cannot be a first name and a surname needs no look at the text (the page
    # text is read only on the few pages whose domain could name a person)
    long_keys = {k for k in keys if len(k) >= 8 and _splits_as_name(k)}
    if not long_keys:
        return []
    title = tree.find(".//title")
    title_text = title.text_content() if title is not None else ""
    # the owner's name in no visible text at all (the usual case): no need for the texts in
    # document order, the costly part
    anywhere = visible_strings(tree)
    if anywhere is not None and not any(_owner_in(text, long_keys) for text in (title_text, *anywhere)):
        return []
    for text in (title_text, *_TEXT_STRINGS(tree)[:3000]):
        name = _owner_in(text, long_keys)
        if name:
            return [name]
    return []


def _owner_in(text: str, long_keys: set[str]) -> str:
    """The first name run in ``text`` that spells one of the keys and reads as a person's name."""
    for m in _NAME_RUN.finditer(text):
        name = m.group(0).removesuffix("'s").removesuffix("’s")
        if fold(name) in long_keys and _person_name(name):
            return name
    return ""


# a site's copyright notice: "© 2019 Jane Doe", "(c) Jane Doe • Impressum", "Copyright 2010-2020
# by JANE DOE"; the holder right after the sign and the year. A bare "© Jane Doe" is a picture's
# credit (photographers are named beside their pictures), so the sign alone needs a year.
_NOTICE = (
    r"(?i:©[ \u00a0]*(?:copyright[ \u00a0]*)?(?=\d)|\(c\)|copyright\b)[ \u00a0]*"
    r"(?:\d{4}(?:[ \u00a0]*[-–][ \u00a0]*\d{4})?[ \u00a0]*)?(?:by[ \u00a0]+)?"
    r"([A-ZÀ-Ý][\w'’-]+(?:[ \u00a0]+[A-ZÀ-Ý][\w'’-]+){1,2})"
)
# the name ends the notice or a part of it: not "Jane Doe / Getty", "Jane Doe & Associates",
# "Jane Doe, LLC"
_COPYRIGHT = re.compile(_NOTICE + r"[ \u00a0]*(?:$|[|•·.]|-[ \u00a0]|–|—|(?i:all|alle|tous|todos|weitere)\b)")
_ANY_NOTICE = re.compile(_NOTICE)
#: where a notice may start (and how far before the found text), found with plain string
#: search: a regex tried at every character of the page, or the page lower-cased, costs more
#: than the rest of this rule
_SIGNS = (("©", 0), ("(c)", 0), ("(C)", 0), ("opyright", 1), ("OPYRIGHT", 1))
# the notice's own text nodes, read only on pages whose text holds a notice naming a person
_NOTICE_TEXTS = XPath(
    f"{_BODY_TEXT}[contains(., '©') or contains(., '(c)') or contains(., '(C)') or "
    "contains(., 'opyright') or contains(., 'OPYRIGHT')]",
    smart_strings=False,
)


def _holders(text: str, pattern: re.Pattern[str]) -> list[str]:
    out = []
    for sign, back in _SIGNS:
        at = text.find(sign)
        while at >= 0:
            m = pattern.match(text, at - back) if at >= back else None
            if m:
                # "ANDRÉ LOIBL" in a capitalised footer is "André Loibl"
                name = " ".join(w if not w.isupper() else w.capitalize() for w in m.group(1).split())
                if _notice_person(name):
                    out.append(name)
            at = text.find(sign, at + 1)
    return out


#: the commonest word a listed surname may be in a notice: "Williams", "Wolf" are people;
#: "Grace Church", "Rose Hill" are places
NOTICE_SURNAME_MAX_ZIPF = 5.0


# articles that faker lists as first names too ("Les Raffineurs" is a shop)
_ARTICLES = frozenset({"les", "los", "las", "der", "die", "das", "den", "het", "del"})


def _notice_person(name: str) -> bool:
    """A person's name in a copyright notice: a first name, then rare words or listed surnames."""
    first, *rest = name.split()
    return (
        len(first) >= 3
        and first.casefold() not in _ARTICLES
        and first in given_names()
        and all(
            zipf_en(w.casefold()) < SURNAME_MAX_ZIPF
            or (w in family_names() and zipf_en(w.casefold()) < NOTICE_SURNAME_MAX_ZIPF)
            for w in rest
        )
        and split_authors(name) == [name]
    )


def copyright_holder(tree: HtmlElement) -> list[str]:
    """The person a page's copyright notice names, where nothing else names anyone.

    A small site's notice ("© 2019 Sven Schreivogel") names its owner, who writes its pages;
    a company's names the company, which the first-name and rare-surname test keeps out.
    """
    # the page's text in one string first (a tenth of a node-by-node search): the elements'
    # texts run together there ("Sven SchreivogelAdresse"), so it only says whether to look
    body = tree.find("body")
    flat = tostring(body if body is not None else tree, method="text", encoding="unicode")
    if not _holders(flat, _ANY_NOTICE):
        return []
    for text in _NOTICE_TEXTS(tree):
        names = _holders(text, _COPYRIGHT)
        if names:
            return names[:1]
    return []


# a title's last part after a separator: the site's name ("Go ahead, self-host Postgres |
# Pierce Freeman"); a personal blog's name with the possessive ("Colin Watson's blog")
_TITLE_TAIL = re.compile(r"\s[|–—·•»:-]\s+([^|–—·•»:]+?)\s*$")
_BLOG_OF = re.compile(r"^(.+?)['’]s\s+(?:blog|weblog|website|site|homepage|page|notes)$", re.IGNORECASE)


def site_owner(pm: PageMeta, keys: list[str]) -> list[str]:
    """The person a site is named after, by its declared name or its title's site part.

    "Pierce Freeman" (the site name behind every title), "Colin Watson's blog": a personal
    site's posts are its owner's, where nothing else names anyone. A title that opens with
    the site ("mediaarchitecture.de // Jens Weber") ends with the page's subject instead.
    """
    names = [pm.first("og:site_name")]
    m = _TITLE_TAIL.search(pm.title_tag)
    if m and not any(k in fold(pm.title_tag[: m.start()]) for k in keys):
        names.append(m.group(1))
    for name in names:
        name = clean(name)
        blog = _BLOG_OF.match(name)
        name = blog.group(1) if blog else name
        if _PERSON_NAME.match(name) and _notice_person(name):
            return [name]
    return []


def signature(text: str) -> list[str]:
    """The person a report is signed by at its foot: the main text's last line is their name
    alone ("Stefan Wasmer" in bold under a regional sports report)."""
    last = text.rstrip().rpartition("\n")[2].strip(" .*_")
    if len(last) <= 40 and _PERSON_NAME.match(last) and len(last.split()) <= 3 and _notice_person(last):
        return [last]
    return []


#: a surname is a rare word: "Arch Linux", "Denver Health", "Noble Desktop" are companies
SURNAME_MAX_ZIPF = 3.5


def _splits_as_name(key: str) -> bool:
    """'gregoryszorc' = 'Gregory' + a rare word; 'archlinux', 'denverhealth' are not."""
    names = given_names()
    return any(
        key[:i].capitalize() in names and zipf_en(key[i:]) < SURNAME_MAX_ZIPF for i in range(3, len(key) - 2)
    )


def _person_name(name: str) -> bool:
    first, *rest = name.split()
    return (
        len(first) >= 3
        and first in given_names()
        and all(zipf_en(w.casefold()) < SURNAME_MAX_ZIPF for w in rest)
        and split_authors(name) == [name]
    )


def full_names(names: list[str], pm: PageMeta) -> list[str]:
    """Declared authors given by first name only ("Nils"), completed by their own description.

    Blogs declare the display name; the JSON-LD Person of that name often describes the
    author by full name ("Nils Pickert ist freier Autor ..."): the first name followed by one
    or two capitalised words. (The visible text was tried too: it took other people's names.)
    """
    out = []
    for name in names:
        if _FIRST_NAME_ONLY.match(name):
            texts = [
                o["description"]
                for o in pm.jsonld
                if o.get("name") == name and "person" in _types(o) and isinstance(o.get("description"), str)
            ]
            name = _completed(name, texts) or name
        out.append(name)
    return out


_FIRST_NAME_ONLY = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]{2,}$")


def _completed(first: str, texts: list[str]) -> str:
    pattern = re.compile(rf"\b{re.escape(first)}[ \u00a0]+([A-ZÀ-Ý][\w'’-]+(?:[ \u00a0]+[A-ZÀ-Ý][\w'’-]+)?)")
    for text in texts:
        for m in pattern.finditer(text):
            words = m.group(1).split()
            while words and (words[-1].casefold() in _NAME_STOP or _MONTH_OR_DAY.match(words[-1])):
                words.pop()
            full = " ".join([first, *words])
            if words and split_authors(full) == [full]:
                return full
    return ""
