"""Topic feeds: rules from the config file that decide, with a reason, which articles a feed publishes.

A feed is a ``[[feeds]]`` table in the config file::

    [[feeds]]
    name = "ai"                      # used in URLs: /feeds/ai.atom
    title = "AI"                     # optional, defaults to the name
    topics = ["AI", "Computer Vision"]
    exclude = ["Sports"]             # optional
    min_quality = 40                 # optional, 0 = no floor
    languages = ["en"]               # optional, empty = any language
    show_copies = false              # optional: wire copies of an original are left out
    max_age_days = 30                # optional, absent = no age limit

:func:`decide` checks the rules in a fixed order and names the first one an
article fails, so an editor reading "quality 17 < 40" knows exactly which
rule to change. Topic names match case-insensitively: the classifier's
labels and a hand-written config rarely agree on case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..errors import ConfigError
from ..model import Article, utc
from ..settings import Settings

#: Feed names appear in URL paths (``/feeds/<name>.atom``), so they are kept to a safe alphabet.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Feed:
    name: str
    title: str = ""
    topics: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    min_quality: int = 0
    languages: tuple[str, ...] = ()
    show_copies: bool = False
    max_age_days: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title or self.name,
            "topics": list(self.topics),
            "exclude": list(self.exclude),
            "min_quality": self.min_quality,
            "languages": list(self.languages),
            "show_copies": self.show_copies,
            "max_age_days": self.max_age_days,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    published: bool
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"published": self.published, "reason": self.reason}


def _strings(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def feed_from_table(table: Any, where: str = "[[feeds]]") -> Feed:
    """One feed from its config table; raises ConfigError naming the bad key."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: expected a table")
    name = table.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{where}: name must be 1-64 letters, digits, '-' or '_', got {name!r}")
    known = {"name", "title", "topics", "exclude", "min_quality", "languages", "show_copies", "max_age_days"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{where} {name}: unknown keys {', '.join(unknown)}")
    min_quality = table.get("min_quality", 0)
    if not isinstance(min_quality, int) or isinstance(min_quality, bool) or not 0 <= min_quality <= 100:
        raise ConfigError(f"{where} {name}: min_quality must be an integer 0-100")
    max_age = table.get("max_age_days")
    if max_age is not None and (
        not isinstance(max_age, (int, float)) or isinstance(max_age, bool) or max_age <= 0
    ):
        raise ConfigError(f"{where} {name}: max_age_days must be a positive number")
    show_copies = table.get("show_copies", False)
    if not isinstance(show_copies, bool):
        raise ConfigError(f"{where} {name}: show_copies must be true or false")
    title = table.get("title", "")
    if not isinstance(title, str):
        raise ConfigError(f"{where} {name}: title must be a string")
    return Feed(
        name=name,
        title=title,
        topics=_strings(table, "topics", f"{where} {name}"),
        exclude=_strings(table, "exclude", f"{where} {name}"),
        min_quality=min_quality,
        languages=tuple(lang.lower() for lang in _strings(table, "languages", f"{where} {name}")),
        show_copies=show_copies,
        max_age_days=float(max_age) if max_age is not None else None,
    )


def load_feeds(settings: Settings) -> list[Feed]:
    """The feeds the config file declares, in its order; names must be unique."""
    tables = settings.sections.get("feeds", [])
    if not isinstance(tables, list):
        raise ConfigError("feeds must be an array of tables ([[feeds]])")
    feeds = [feed_from_table(t, f"[[feeds]] #{i + 1}") for i, t in enumerate(tables)]
    names = [f.name for f in feeds]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"[[feeds]]: duplicate names {', '.join(duplicates)}")
    return feeds


def decide(article: Article, feed: Feed, *, now: datetime, copy_of: str | None = None) -> Decision:
    """Whether ``feed`` publishes ``article``, and why.

    ``copy_of`` is the id of the original when the article is a copy; when not
    given, the ``copy_of`` that :func:`newsdesk.link.linker.decorate` leaves in
    ``article.info`` is used.
    """
    topics = {t.casefold(): t for t in article.topics}
    excluded = [t for t in feed.exclude if t.casefold() in topics]
    if excluded:
        return Decision(False, f"excluded topic {', '.join(excluded)}")
    if feed.topics:
        matched = [t for t in feed.topics if t.casefold() in topics]
        if not matched:
            return Decision(False, f"not in topics {', '.join(feed.topics)}")
    else:
        matched = []
    if feed.languages:
        language = (article.language or "").lower()
        if language not in feed.languages:
            return Decision(False, f"language {language or 'unknown'} not in {', '.join(feed.languages)}")
    if feed.min_quality > 0:
        if article.quality < 0:
            return Decision(False, f"quality not scored (needs {feed.min_quality})")
        if article.quality < feed.min_quality:
            return Decision(False, f"quality {article.quality} < {feed.min_quality}")
    if feed.max_age_days is not None:
        if article.published is None:
            return Decision(False, f"no date (feed takes the last {feed.max_age_days:g} days)")
        if utc(now) - utc(article.published) > timedelta(days=feed.max_age_days):
            return Decision(False, f"older than {feed.max_age_days:g} days")
    original = copy_of if copy_of is not None else article.info.get("copy_of")
    if original and not feed.show_copies:
        return Decision(False, f"copy of {original}")
    if matched:
        return Decision(True, f"in topics {', '.join(matched)}")
    return Decision(True, "matches every rule")


def feed_articles(
    articles: Iterator[Article] | list[Article], feed: Feed, *, now: datetime
) -> Iterator[tuple[Article, Decision]]:
    """Each article with the feed's decision on it, in the order given."""
    for article in articles:
        yield article, decide(article, feed, now=now)
