"""Wires the stages; the only place that knows their order.

ingest (read files) → extract (RawDocument → Article) → identify and merge
with what the store already holds → enrich (language, entities, provenance,
topics, quality) → store. Linking stages slot in after enrichment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .enrich.entities import apply_entities
from .enrich.language import detect_language
from .enrich.provenance import apply_provenance
from .enrich.quality import apply_quality
from .enrich.topics import TopicClassifier
from .errors import ConfigError, InputError, NewsdeskError, StoreError
from .extract.limits import time_budget
from .extract.sanitise import clean_str, sanitise_article
from .ingest.files import discover, display_name, read_file
from .ingest.identity import article_id, keys_for, same_article
from .ingest.merge import merge_inputs
from .link.linker import Linker
from .model import Article, RawDocument
from .settings import Settings
from .store.base import Store, StoredInput
from .store.desk import DeskStore


class Enricher:
    """What enrichment needs, loaded once per run (models are expensive to load).

    The topic classifier is built on first use, so runs that enrich nothing
    (all inputs unchanged) never pay for loading it.
    """

    def __init__(
        self,
        *,
        outlet_priors: dict[str, int] | None = None,
        topics: Callable[[], TopicClassifier] | None = None,
    ):
        self.outlet_priors = dict(outlet_priors or {})
        self._topics_factory = topics
        self._topics: TopicClassifier | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Enricher:
        priors = settings.sections.get("outlets", {})
        if not isinstance(priors, dict) or not all(isinstance(v, int) for v in priors.values()):
            raise ConfigError("[outlets] must map domains to integer priors 0-100")
        return cls(
            outlet_priors={str(k).lower(): int(v) for k, v in priors.items()},
            topics=lambda: TopicClassifier.from_settings(settings),
        )

    @property
    def topics(self) -> TopicClassifier | None:
        if self._topics is None and self._topics_factory is not None:
            self._topics = self._topics_factory()
        return self._topics

    def enrich(self, article: Article) -> Article:
        """Language, entities, provenance, topics, then quality (which weighs all of them)."""
        if not article.language:
            guess = detect_language(f"{article.title}\n\n{article.text}")
            article.language = guess.code
            if guess.reason:
                article.info["language_unknown"] = guess.reason
        apply_entities(article)
        provenance = apply_provenance(article)
        self.classify(article)
        apply_quality(article, outlet_priors=self.outlet_priors, provenance=provenance)
        return article

    def classify(self, *articles: Article) -> None:
        """Topics replace whatever an imported record claimed (seed 000's `Computer Vision, AI`)."""
        classifier = self.topics
        if classifier is None:
            return
        english = []
        for article in articles:
            if article.language == "en":
                english.append(article)
                continue
            # The taxonomy and models are English; a guess on other text would be wrong silently.
            article.topic_scores, article.topics = [], []
            article.info["topics_skipped"] = f"language {article.language or 'unknown'} not covered"
        if not english:
            return
        for article, scores in zip(
            english, classifier.classify([topic_text(a) for a in english]), strict=True
        ):
            article.topic_scores = scores
            article.topics = [t.name for t in scores]


def topic_text(article: Article) -> str:
    """Headline, lead and the first paragraphs: where an article says what it is about."""
    return f"{article.title}\n\n{article.excerpt}\n\n{article.text[:2000]}"


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


#: called after each input with (input name, outcome) — "added", "updated", "unchanged" or "failed"
Progress = Callable[[str, str], None]


def content_sha256(raw: RawDocument) -> str:
    return hashlib.sha256(raw.kind.encode() + b"\0" + raw.content).hexdigest()


#: seconds one input may take to be parsed, decoded and normalised (settings: input_time_budget)
INPUT_TIME_BUDGET = 10.0


def ingest_document(
    raw: RawDocument,
    store: Store,
    enricher: Enricher | None = None,
    *,
    time_budget_s: float = INPUT_TIME_BUDGET,
) -> tuple[str, str]:
    """Extract one input and merge it into the store; returns (article id, outcome)."""
    # Here, not at the top: extraction pulls in trafilatura, which readers of the store
    # (export, stories, the web pages) that import link_new must not pay for.
    from .extract.article import extract_article

    raw.source = clean_str(raw.source)
    digest = content_sha256(raw)
    if store.has_input(digest):
        return "", "unchanged"
    with time_budget(time_budget_s, source=raw.source):
        article = extract_article(raw)
    sanitise_article(article)
    keys = keys_for(article)
    existing = store.find_article(keys)
    if existing is not None and not same_article(existing, article):
        existing = None
    if existing is None:
        article.id = article_id(keys, fallback=digest)
        inputs: list[Article] = [article]
    else:
        article.id = existing.id
        inputs = [i.article for i in store.inputs_of(existing.id)] + [article]
    merged = merge_inputs(inputs)
    merged.id = article.id
    (enricher or Enricher()).enrich(merged)
    sanitise_article(merged)
    new_input = StoredInput(article.id, raw.source, raw.kind, digest, article)
    created = store.save(merged, keys_for(merged), new_input)
    return article.id, "added" if created else "updated"


def iter_inputs(
    paths: Iterable[str | Path | InputError], *, max_bytes: int, follow_symlinks: bool = False
) -> Iterable[RawDocument | InputError]:
    """Every input under ``paths``; file-level failures come through as errors, in order.

    Nothing a file holds can end the iteration: anything unexpected while reading
    one file becomes that file's error and the next file is read.
    """
    for path in discover(paths, follow_symlinks=follow_symlinks):
        if isinstance(path, InputError):
            yield path
            continue
        try:
            yield from read_file(path, max_bytes=max_bytes)
        except InputError as exc:
            yield exc
        except Exception as exc:
            message = f"internal error while reading: {type(exc).__name__}: {exc}"
            yield InputError(message, source=display_name(path))


def one_line(message: str) -> str:
    """A failure as one line (parser messages span lines; a report has one line per input)."""
    return " ".join(message.split())


def ingest_paths(
    paths: Iterable[str | Path | InputError],
    store: DeskStore,
    *,
    max_bytes: int = 20 * 1024 * 1024,
    progress: Progress | None = None,
    enricher: Enricher | None = None,
    linker: Linker | None = None,
    follow_symlinks: bool = False,
    time_budget_s: float = INPUT_TIME_BUDGET,
) -> IngestReport:
    """Ingest every input under ``paths``; then link what is new (date order, as live).

    Each input is judged alone: whatever goes wrong with one file, JSONL line or
    record becomes one line in ``report.failed`` naming it, and the run goes on.
    Only a failing store ends the run (every later input would fail the same way).
    """
    report = IngestReport()
    enricher = enricher or Enricher()
    for item in iter_inputs(paths, max_bytes=max_bytes, follow_symlinks=follow_symlinks):
        if isinstance(item, InputError):
            report.failed.append(one_line(str(item)))
            if progress:
                progress(item.source or "?", "failed")
            continue
        try:
            art_id, outcome = ingest_document(item, store, enricher, time_budget_s=time_budget_s)
        except StoreError:
            raise  # the store itself failed: going on would only fail every input after this one
        except NewsdeskError as exc:
            message = str(exc)
            if not (isinstance(exc, InputError) and exc.source) and not message.startswith(item.source):
                message = f"{item.source}: {message}"
            report.failed.append(one_line(message))
            if progress:
                progress(item.source, "failed")
            continue
        except Exception as exc:
            report.failed.append(
                one_line(f"{item.source}: internal error while ingesting: {type(exc).__name__}: {exc}")
            )
            if progress:
                progress(item.source, "failed")
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
        if art_id and art_id not in report.article_ids:
            report.article_ids.append(art_id)
        if progress:
            progress(item.source, outcome)
    if linker is not None:
        link_new(store, linker)
    return report


def link_new(store: DeskStore, linker: Linker) -> int:
    """Link what the store holds and the linker does not, after the run's merges (so each
    article is placed with all its inputs' text), in date order; then save the state.

    One linker at a time, under the store's link lock: a newer state another process saved
    meanwhile is taken over first, so two writers never place articles into diverging
    copies of the stories."""
    with store.link_lock():
        linker.sync(store)
        added = linker.catch_up(store)
        linker.save(store)
    return added
