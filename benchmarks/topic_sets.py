"""The labelled topic dev sets, their labels mapped to IPTC top-level subjects once.

Shared by ``train_topics.py`` (fits the shipped heads) and ``topics.py`` (the
leave-one-set-out benchmark). The mapping is declared here, from what each
source label covers, and never revised from results; benchmarks/README.md
("Topic label map") repeats it as a table.

Each label maps to ``(train, accept)``: ``train`` is the one subject a label
teaches (``None``: the label is a domestic desk or an audience, not a subject,
so it teaches nothing), ``accept`` the subjects an answer may be scored right
with. Labels with an empty ``accept`` are not scored (audience sections such as
BLACK VOICES say who a story is for, not what it is about).

An international desk (AG "World", HuffPost WORLD NEWS) teaches politics: its
stories are foreign affairs, and IPTC files diplomacy, international relations,
elections and government under politics; it is still scored right with any
hard-news subject (a war story answered "conflict" is right). Until 2026-12-03
these desks taught nothing, which left politics to 132 MasakhaNEWS items
whenever HuffPost was left out (benchmarks/README.md, "Topics: why ...").
A domestic desk (HuffPost U.S. NEWS: shootings, storms, court cases) has no
dominant subject and still teaches nothing.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"

ARTS = "arts, culture, entertainment and media"
CONFLICT = "conflict, war and peace"
CRIME = "crime, law and justice"
DISASTER = "disaster, accident and emergency incident"
ECONOMY = "economy, business and finance"
EDUCATION = "education"
ENVIRONMENT = "environment"
HEALTH = "health"
HUMAN = "human interest"
LABOUR = "labour"
LIFESTYLE = "lifestyle and leisure"
POLITICS = "politics"
RELIGION = "religion"
SCITECH = "science and technology"
SOCIETY = "society"
SPORT = "sport"
WEATHER = "weather"

#: A general news desk ("World", "U.S. News") runs hard news of every kind: a
#: story there is scored right when it gets any hard-news subject.
HARD_NEWS = (POLITICS, CONFLICT, CRIME, DISASTER, SOCIETY, RELIGION, ENVIRONMENT, HUMAN, WEATHER)

Mapping = dict[str, tuple[str | None, tuple[str, ...]]]

AGNEWS: Mapping = {
    "World": (POLITICS, HARD_NEWS),  # international desk: foreign affairs (see the docstring)
    "Sports": (SPORT, (SPORT,)),
    "Business": (ECONOMY, (ECONOMY, LABOUR)),  # IPTC files jobs and strikes under labour
    "Sci/Tech": (SCITECH, (SCITECH,)),
}
AG_CLASSES = ["World", "Sports", "Business", "Sci/Tech"]

HUFFPOST: Mapping = {
    "POLITICS": (POLITICS, (POLITICS,)),
    "ENTERTAINMENT": (ARTS, (ARTS,)),
    "U.S. NEWS": (None, HARD_NEWS),  # domestic desk: shootings, storms, court cases, politics
    "WORLD NEWS": (POLITICS, HARD_NEWS),  # international desk, as AG's World
    "COMEDY": (ARTS, (ARTS,)),  # late-night shows and comedians: entertainment
    "SPORTS": (SPORT, (SPORT,)),
    "CRIME": (CRIME, (CRIME,)),
    "STYLE & BEAUTY": (LIFESTYLE, (LIFESTYLE, ARTS)),  # fashion; red-carpet items read as entertainment
    "MEDIA": (ARTS, (ARTS,)),  # IPTC 01 covers mass media and journalism
    "WEIRD NEWS": (HUMAN, (HUMAN,)),  # oddities: IPTC's human interest
    "BLACK VOICES": (None, ()),  # audience sections: who it is for, not what it is about
    "QUEER VOICES": (None, ()),
    "LATINO VOICES": (None, ()),
    "WOMEN": (None, ()),
    "IMPACT": (None, ()),  # HuffPost's good-causes section: charity, activism, anything
    "HOME & LIVING": (LIFESTYLE, (LIFESTYLE,)),
    "ENVIRONMENT": (ENVIRONMENT, (ENVIRONMENT, WEATHER, DISASTER)),  # its storms are weather/disasters
    "WELLNESS": (HEALTH, (HEALTH, LIFESTYLE)),
    "PARENTING": (SOCIETY, (SOCIETY, LIFESTYLE)),  # IPTC files family under society
    "FOOD & DRINK": (LIFESTYLE, (LIFESTYLE,)),
    "BUSINESS": (ECONOMY, (ECONOMY, LABOUR)),
    "MONEY": (ECONOMY, (ECONOMY,)),
    "CULTURE & ARTS": (ARTS, (ARTS,)),
    "TECH": (SCITECH, (SCITECH,)),
    "SCIENCE": (SCITECH, (SCITECH,)),
    "RELIGION": (RELIGION, (RELIGION,)),
    "TRAVEL": (LIFESTYLE, (LIFESTYLE,)),
    "EDUCATION": (EDUCATION, (EDUCATION,)),
    "WEDDINGS": (LIFESTYLE, (LIFESTYLE, SOCIETY)),
}

MASAKHANE: Mapping = {
    "business": (ECONOMY, (ECONOMY, LABOUR)),
    "entertainment": (ARTS, (ARTS,)),
    "health": (HEALTH, (HEALTH,)),
    "politics": (POLITICS, (POLITICS,)),
    "sports": (SPORT, (SPORT,)),
    "technology": (SCITECH, (SCITECH,)),
}


@dataclass
class Item:
    id: str
    title: str
    text: str
    label: str
    train: str | None
    accept: tuple[str, ...]


@dataclass
class DevSet:
    name: str
    language: str
    items: list[Item]

    def scored(self) -> list[Item]:
        return [i for i in self.items if i.accept]

    def trainable(self) -> list[Item]:
        return [i for i in self.items if i.train]


def _clean_ag(text: str) -> str:
    # AG escapes newlines as "\\" and HTML entities as "#39;"
    text = text.replace("\\", " ")
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text)


def load_agnews(path: Path = DATA / "topics-dev-agnews-test.csv") -> DevSet:
    items = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.reader(fh)):
            if not row or not row[0].strip().isdigit():
                continue
            label = AG_CLASSES[int(row[0]) - 1]
            train, accept = AGNEWS[label]
            items.append(Item(f"ag-{n}", _clean_ag(row[1]), _clean_ag(row[2]), label, train, accept))
    return DevSet("agnews", "en", items)


def _load_jsonl(name: str, path: Path, mapping: Mapping, language: str) -> DevSet:
    items = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            train, accept = mapping[row["label"]]
            title = row.get("title") or ""
            items.append(Item(str(row["id"]), title, row["text"], row["label"], train, accept))
    return DevSet(name, language, items)


def load_all() -> list[DevSet]:
    return [
        load_agnews(),
        _load_jsonl("huffpost", DATA / "topics-dev-huffpost.jsonl", HUFFPOST, "en"),
        _load_jsonl("masakhane-eng", DATA / "topics-dev-masakhanews-eng.jsonl", MASAKHANE, "en"),
        _load_jsonl("masakhane-fra", DATA / "topics-dev-masakhanews-fra.jsonl", MASAKHANE, "fr"),
    ]


def sample(dev: DevSet, limit: int | None, seed: int = 12) -> DevSet:
    """A fixed, label-stratified sample of ``limit`` items (all when ``limit`` is None)."""
    if not limit or limit >= len(dev.items):
        return dev
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.choice(len(dev.items), size=limit, replace=False))
    return DevSet(dev.name, dev.language, [dev.items[i] for i in keep])


def write_interchange(dev: DevSet, path: Path) -> Path:
    """The set as the JSON Lines ``newsdesk classify`` reads (id, title, text, language)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for item in dev.items:
            row = {"id": item.id, "title": item.title, "text": item.text, "language": dev.language}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path
