"""People's names from a byline or author field: split, stripped of labels, roles and dates.

Names are split on the separators bylines use in many languages, stripped of
prefixes ("By", "Von", "Par"), roles and contact details, and checked against
words that are never a person ("Redaktion", "Staff", "Admin"). :mod:`.authors`
finds the fields and bylines; this module reads the names out of them.
"""

from __future__ import annotations

import html as html_lib
import importlib
import pkgutil
import re
from functools import cache

from .metadata import clean

_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|/|\||&|\+|\s(?:and|und|et|y|e|og|och)\s)\s*", re.IGNORECASE)
_AUTHOR_PREFIX = re.compile(
    r"^(?:(?:written|posted|post|published|text|story|words|photos?|reported|geschrieben|verfasst|"
    r"veröffentlicht|publiziert|erstellt|eingestellt|gespeichert|(?:ein )?beitrag|artikel|"
    r"publié|publicado|pubblicato|recipe|insights|"
    r"(?:medically\s+)?reviewed|edited|fact[- ]checked|updated|compiled|authored)\s+)?"
    r"(?:by|von|vom|par|por|di|da|door|av|from|via|autor(?:in)?|author|auteur|text|fotos?|interview)\s*:?\s+",
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
# "Jane Doe February", "Jane Doe Published", "Jane Doe Last Updated: August", "Jane Doe Do"
# (German weekdays are abbreviated to two capitals: "Do 9 Apr 2020")
_DATE_WORDS = re.compile(
    r"(?:\s+(?:(?:last\s+)?(?:updated|published|posted|modified)\b.*|on|stand|vor|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|"
    r"fri(?:day)?|sat(?:urday)?|sun(?:day)?|(?-i:Mo|Di|Mi|Do|Fr|Sa|So))\.?)+$",
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
attorney lawyer consultant coordinator dietitian nutritionist specialist strategist expert coach engineer
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
        "the author", "about the author", "written by", "posted by", "by", "view all", "auteur",
        "datum", "date", "copier", "copy", "artikel von", "article by", "quelle", "source",
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
starter greenhorn veteran legend newbie registered owner
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


# the field words before a job title ("Content Marketing Coordinator", "Digital Producer")
_ROLE_LEAD_TEXT = """content marketing communications social media digital product sales brand business
technical creative art news sports health data tech technology science politics finance travel food
culture"""
_ROLE_LEAD = frozenset(_ROLE_LEAD_TEXT.split())


def _strip_role(name: str) -> str:
    words = name.split()
    for i, word in enumerate(words):
        if i >= 2 and word.casefold().strip(".,") in _ROLE_WORDS:
            while i > 2 and words[i - 1].casefold() in _ROLE_LEAD:
                i -= 1
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
            " \t-–—:·•|~@\"'“”"
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


# a person's name as bylines show it: two to four capitalised words
_PERSON_NAME = re.compile(r"^(?:[A-ZÀ-Ý][\w'’.-]+ ){1,3}[A-ZÀ-Ý][\w'’-]+$")


# a person's name (capitalised words) or a user name (one token, letters first)
_NAMEISH = re.compile(
    r"^(?:[A-ZÀ-Ý][\w'’.-]*\.?(?: (?:[a-z]{1,3} )?[A-ZÀ-Ý][\w'’.-]*)*|[^\W\d][\w.-]{2,30})$"
)

# words that end a name read from running text ("Jane Doe The harbour ...")
_NAME_STOP_TEXT = """the a an this that these in on at for and or but if as it we i our you your
updated published posted last reviewed share follow"""
_NAME_STOP = frozenset(_NAME_STOP_TEXT.split())


def _faker_names(attrs: tuple[str, ...]) -> frozenset[str]:
    import faker.providers.person as person  # a dependency (pyproject.toml), as for entities

    names: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr in attrs:
            listed = provider.__dict__.get(attr)
            if isinstance(listed, (list, tuple, dict)):
                names.update(str(n) for n in listed)
    return frozenset(names)


@cache
def given_names() -> frozenset[str]:
    """First names in any of faker's person providers (census and registry lists of some 80
    locales; MIT), read at run time: no list is copied into this repo. Loaded on first use
    (about 0.2 s), only by the rules that must tell a person from other capitalised words.
    """
    return _faker_names(("first_names", "first_names_male", "first_names_female"))


@cache
def family_names() -> frozenset[str]:
    """Surnames in faker's person providers, read at run time like :func:`given_names`."""
    return _faker_names(("last_names",))
