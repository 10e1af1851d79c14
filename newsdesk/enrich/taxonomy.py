"""The topic taxonomy: IPTC Media Topics' top two levels, plus user topics.

The packaged ``data/taxonomy.yaml`` holds the 17 IPTC top-level subjects and
their main second-level subjects (IPTC's names and ids; newsdesk's own
descriptions and keywords). Users declare their own topics in the config file::

    [[topics]]
    name = "AI"
    description = "Artificial intelligence: machine learning, neural networks, chatbots."
    keywords = ["machine learning", "neural network", "large language model"]
    examples = ["OpenAI released a new language model ...", "..."]

A user topic's ``examples`` (texts known to belong) become few-shot prototypes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError

_IPTC_ID = re.compile(r"^medtop:\d{8}$")
_USER_ID = re.compile(r"^[a-z0-9][a-z0-9_.:-]*$")


@dataclass(frozen=True)
class Topic:
    """One node: a taxonomy subject or a user topic."""

    id: str
    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    #: texts known to be about the topic (user topics); become prototypes
    examples: tuple[str, ...] = ()
    parent: str | None = None  # id of the parent node, None at the top
    user: bool = False

    @property
    def is_top(self) -> bool:
        return self.parent is None

    def prompts(self) -> list[str]:
        """Texts whose embeddings stand for the topic when no example is known.

        Several short views rather than one long text: a mean of views keeps
        both the topic's name and its concrete vocabulary in the prototype,
        where one long sentence would drown the short words.
        """
        views = [self.name]
        if self.description:
            views.append(f"{self.name}: {self.description}")
        if self.keywords:
            views.append(", ".join(self.keywords))
        return views


@dataclass
class Taxonomy:
    """Topics by id, in declaration order, with parent/child links."""

    topics: dict[str, Topic] = field(default_factory=dict)
    version: str = ""

    def __iter__(self) -> Iterator[Topic]:
        return iter(self.topics.values())

    def __len__(self) -> int:
        return len(self.topics)

    def __getitem__(self, topic_id: str) -> Topic:
        return self.topics[topic_id]

    def top_level(self) -> list[Topic]:
        return [t for t in self.topics.values() if t.is_top and not t.user]

    def user_topics(self) -> list[Topic]:
        return [t for t in self.topics.values() if t.user]

    def children(self, topic_id: str) -> list[Topic]:
        return [t for t in self.topics.values() if t.parent == topic_id]

    def by_name(self, name: str) -> Topic:
        low = name.strip().lower()
        for t in self.topics.values():
            if t.name.lower() == low:
                return t
        raise KeyError(name)

    def path(self, topic_id: str) -> list[Topic]:
        """The topic and its ancestors, top first."""
        chain = [self.topics[topic_id]]
        while chain[0].parent is not None:
            chain.insert(0, self.topics[chain[0].parent])
        return chain

    def with_user_topics(self, user_topics: Iterable[Topic]) -> Taxonomy:
        merged = Taxonomy(dict(self.topics), self.version)
        for t in user_topics:
            _add(merged, t, "user topics")
        return merged


def _str_list(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(f"{where}: {key} must hold non-empty strings, got {item!r}")
        out.append(item.strip())
    return tuple(out)


def _add(tax: Taxonomy, topic: Topic, origin: str) -> None:
    if topic.id in tax.topics:
        raise ConfigError(f"{origin}: duplicate topic id {topic.id!r}")
    low = topic.name.lower()
    if any(t.name.lower() == low and t.parent == topic.parent for t in tax.topics.values()):
        raise ConfigError(f"{origin}: duplicate topic name {topic.name!r}")
    if topic.parent is not None and topic.parent not in tax.topics:
        raise ConfigError(f"{origin}: topic {topic.name!r} has unknown parent {topic.parent!r}")
    tax.topics[topic.id] = topic


def _node(raw: Any, where: str, parent: str | None) -> Topic:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: each topic must be a mapping")
    unknown = set(raw) - {"id", "name", "description", "keywords", "children"}
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    tid, name = raw.get("id"), raw.get("name")
    if not isinstance(tid, str) or not _IPTC_ID.match(tid):
        raise ConfigError(f"{where}: id must look like 'medtop:NNNNNNNN', got {tid!r}")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: topic {tid} needs a name")
    desc = raw.get("description", "")
    if not isinstance(desc, str):
        raise ConfigError(f"{where}: description of {tid} must be a string")
    return Topic(
        id=tid,
        name=name.strip(),
        description=desc.strip(),
        keywords=_str_list(raw.get("keywords"), where, "keywords"),
        parent=parent,
    )


def parse_taxonomy(data: Any, origin: str = "taxonomy") -> Taxonomy:
    """Validate a taxonomy document (the YAML's structure) into a :class:`Taxonomy`."""
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list) or not data["topics"]:
        raise ConfigError(f"{origin}: expected a mapping with a non-empty 'topics' list")
    tax = Taxonomy(version=str(data.get("version", "")))
    for i, raw in enumerate(data["topics"]):
        where = f"{origin}: topics[{i}]"
        top = _node(raw, where, None)
        _add(tax, top, origin)
        children = raw.get("children") or []
        if not isinstance(children, list):
            raise ConfigError(f"{where}: children must be a list")
        for j, child_raw in enumerate(children):
            if isinstance(child_raw, dict) and child_raw.get("children"):
                raise ConfigError(f"{where}.children[{j}]: only two levels are supported")
            _add(tax, _node(child_raw, f"{where}.children[{j}]", top.id), origin)
    return tax


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The packaged taxonomy, or the one at ``path``."""
    if path is None:
        text = resources.files("newsdesk.enrich").joinpath("data/taxonomy.yaml").read_text(encoding="utf-8")
        origin = "newsdesk/enrich/data/taxonomy.yaml"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read taxonomy: {exc}") from exc
        origin = str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: invalid YAML: {exc}") from exc
    return parse_taxonomy(data, origin)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "topic"


def parse_user_topics(raw: Any, origin: str = "config [topics]") -> list[Topic]:
    """User topics from the config file's ``[[topics]]`` tables (or a list of dicts).

    Each needs a ``name`` and at least a description, keywords or examples:
    a bare name is too little to match reliably, and an unreliable topic would
    be handed out wrongly rather than not at all.
    """
    if raw is None:
        return []
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        raise ConfigError(f"{origin}: expected a list of topic tables")
    out: list[Topic] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"{origin}[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: each topic must be a table")
        unknown = set(item) - {"name", "id", "description", "keywords", "examples"}
        if unknown:
            raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: a topic needs a name")
        tid = item.get("id") or f"user:{_slug(name)}"
        if not isinstance(tid, str) or not _USER_ID.match(tid.lower()) or _IPTC_ID.match(tid):
            raise ConfigError(f"{where}: invalid topic id {tid!r}")
        if tid in seen:
            raise ConfigError(f"{where}: duplicate topic id {tid!r}")
        seen.add(tid)
        desc = item.get("description", "")
        if not isinstance(desc, str):
            raise ConfigError(f"{where}: description must be a string")
        topic = Topic(
            id=tid,
            name=name.strip(),
            description=desc.strip(),
            keywords=_str_list(item.get("keywords"), where, "keywords"),
            examples=_str_list(item.get("examples"), where, "examples"),
            user=True,
        )
        if not (topic.description or topic.keywords or topic.examples):
            raise ConfigError(f"{where}: topic {topic.name!r} needs a description, keywords or examples")
        out.append(topic)
    return out
