"""Wires the stages; the only place that knows their order.

ingest (read files) → extract (RawDocument → Article) → enrich (language,
entities, provenance, topics, quality) → identify and merge with what the
store already holds → store → link (date order, after the run's merges).

Work goes in batches: extraction per input, then each enrichment model is
called once per batch of articles (topic embeddings, entity recognition), which
is what makes ingest pay for the models per batch instead of per article. The
extract-and-enrich step (:func:`prepare_batch`) touches no store, so an
:class:`Engine` may run it anywhere — in this process (:class:`LocalEngine`) or
on Ray workers (``newsdesk.ray_ingest``); committing (:func:`commit`) stays in
the one process that writes, in input order, so every engine stores the same.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .enrich.entities import NER_CHARS, apply_entities_batch
from .enrich.language import detect_language
from .enrich.provenance import apply_provenance
from .enrich.quality import apply_quality
from .enrich.topics import TopicClassifier
from .errors import ConfigError, InputError, NewsdeskError, StoreError
from .extract.limits import time_budget
from .extract.sanitise import clean_str, sanitise_article
from .ingest.files import JSONL_SUFFIXES, discover, display_name, read_file
from .ingest.identity import article_id, keys_for, same_article
from .ingest.merge import merge_inputs
from .link.linker import Linker
from .link.meaning import pack as pack_meaning
from .model import Article, RawDocument
from .settings import Settings
from .store.base import IdentityKeys, Store, StoredInput
from .store.desk import DeskStore

#: seconds one input may take to be parsed, decoded and normalised (settings: input_time_budget)
INPUT_TIME_BUDGET = 10.0

#: inputs extracted and enriched together: large enough that a model call's fixed cost is
#: spread thin, small enough that a killed run or a lost worker redoes little
BATCH_SIZE = 32

#: languages whose articles get topics from the multilingual (e5) head; e5 covers
#: ~100; French is measured (MasakhaNEWS fra), German, Spanish and Italian share its head
MULTILINGUAL_TOPICS = frozenset({"fr", "de", "es", "it"})


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
        entity_chars: int = NER_CHARS,
    ):
        if entity_chars < 0:
            raise ConfigError(f"entity_chars must be 0 (rules only) or more, got {entity_chars}")
        self.entity_chars = entity_chars
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
            entity_chars=settings.entity_chars,
        )

    @property
    def topics(self) -> TopicClassifier | None:
        if self._topics is None and self._topics_factory is not None:
            self._topics = self._topics_factory()
        return self._topics

    def enrich(self, article: Article) -> Article:
        """Language, entities, provenance, topics, then quality (which weighs all of them)."""
        self.enrich_many([article])
        return article

    def enrich_many(self, articles: Sequence[Article]) -> None:
        """:meth:`enrich` for a batch: each model is called once for all of them.

        Per article the steps run in the same order as one at a time, and no step
        looks at another article, so the results are the same as article by article.
        """
        for article in articles:
            if not article.language:
                guess = detect_language(f"{article.title}\n\n{article.text}")
                article.language = guess.code
                if guess.reason:
                    article.info["language_unknown"] = guess.reason
        entities_batch(articles, self.entity_chars)
        provenance = [apply_provenance(article) for article in articles]
        self.classify(*articles)
        for article, prov in zip(articles, provenance, strict=True):
            apply_quality(article, outlet_priors=self.outlet_priors, provenance=prov)

    def classify(self, *articles: Article) -> None:
        """Topics replace whatever an imported record claimed (seed 000's `Computer Vision, AI`)."""
        classifier = self.topics
        if classifier is None:
            return
        english, other = [], []
        multilingual = classifier.heads is not None and classifier.heads.get("e5") is not None
        for article in articles:
            if article.language == "en":
                english.append(article)
            elif multilingual and article.language in MULTILINGUAL_TOPICS:
                other.append(article)
            else:
                # no model for this language: a guess would be wrong silently
                article.topic_scores, article.topics = [], []
                article.info["topics_skipped"] = f"language {article.language or 'unknown'} not covered"
        if english:
            decided = classifier.classify([topic_text(a) for a in english])
            for article, scores in zip(english, decided, strict=True):
                article.topic_scores = scores
                article.topics = [t.name for t in scores]
        if other:
            texts = [topic_text(a) for a in other]
            # The head's own e5 vectors are kept: the story linker places by them across
            # languages (newsdesk.link.meaning) without a second model call.
            vectors = classifier.embed_multilingual(texts)
            decided = classifier.classify_multilingual(texts, vectors)
            for article, scores, vec in zip(other, decided, vectors, strict=True):
                article.topic_scores = scores
                article.topics = [t.name for t in scores]
                article.meaning = pack_meaning(vec)


def entities_batch(articles: Sequence[Article], max_chars: int = NER_CHARS) -> None:
    """Entities for a batch: the NER model runs once per language over the batch."""
    apply_entities_batch(articles, max_chars=max_chars)


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


@dataclass
class Prepared:
    """One input after extraction and enrichment, before the store is consulted.

    Plain data (it crosses to and from Ray workers): the input as extracted, the
    article it would be stored as if the store held nothing like it, or why it failed.
    """

    source: str
    kind: str
    digest: str
    extracted: Article | None = None
    article: Article | None = None
    error: str = ""
    #: the identity keys of ``extracted``, taken once when it is made (commit needs them again)
    keys: IdentityKeys | None = None


def one_line(message: str) -> str:
    """A failure as one line (parser messages span lines; a report has one line per input)."""
    return " ".join(message.split())


def failure_message(source: str, exc: BaseException) -> str:
    """What the report says for an input that failed: one line, naming the input once."""
    if isinstance(exc, NewsdeskError):
        message = str(exc)
        if not (isinstance(exc, InputError) and exc.source) and not message.startswith(source):
            message = f"{source}: {message}"
        return one_line(message)
    return one_line(f"{source}: internal error while ingesting: {type(exc).__name__}: {exc}")


def extract_input(raw: RawDocument, *, time_budget_s: float = INPUT_TIME_BUDGET) -> Prepared:
    """Extract one input and make the article it would be on its own (raises what fails)."""
    # Here, not at the top: extraction pulls in trafilatura, which readers of the store
    # (export, stories, the web pages) that import link_new must not pay for.
    from .extract.article import extract_article

    raw.source = clean_str(raw.source)
    item = Prepared(raw.source, raw.kind, content_sha256(raw))
    with time_budget(time_budget_s, source=raw.source):
        extracted = extract_article(raw)
        sanitise_article(extracted)
    item.keys = keys_for(extracted)
    extracted.id = article_id(item.keys, fallback=item.digest)
    merged = merge_inputs([extracted])
    merged.id = extracted.id
    item.extracted, item.article = extracted, merged
    return item


def prepare_batch(
    raws: Sequence[RawDocument], enricher: Enricher, *, time_budget_s: float = INPUT_TIME_BUDGET
) -> list[Prepared]:
    """Extract each input, then enrich the batch (one model call per model); no store needed.

    Failures are recorded on their input, never raised: one bad page costs one article.
    """
    out: list[Prepared] = []
    for raw in raws:
        try:
            out.append(extract_input(raw, time_budget_s=time_budget_s))
        except Exception as exc:
            failed = Prepared(
                raw.source, raw.kind, content_sha256(raw), error=failure_message(raw.source, exc)
            )
            out.append(failed)
    ready = [item for item in out if item.article is not None]
    try:
        enricher.enrich_many([item.article for item in ready if item.article is not None])
    except Exception:
        # One article can break a batch's model call: enrich one by one to name it.
        for item in ready:
            try:
                enricher.enrich(item.article)  # type: ignore[arg-type]
            except Exception as exc:
                item.extracted = item.article = None
                item.error = failure_message(item.source, exc)
    for item in out:
        if item.article is not None:
            sanitise_article(item.article)
    return out


def commit(item: Prepared, store: Store, enricher: Enricher) -> tuple[str, str]:
    """Merge one prepared input into the store; returns (article id, outcome).

    Raises what :func:`prepare_batch` recorded (as an error naming the input), and
    StoreError when the store itself fails.
    """
    if store.has_input(item.digest):
        return "", "unchanged"  # an earlier input of the same run, or of an earlier run
    if item.error or item.extracted is None or item.article is None or item.keys is None:
        raise PreparedError(item.error or f"{item.source}: not extracted")
    # the keys were taken when the input was extracted (extract_input), with the article
    extracted, merged, keys = item.extracted, item.article, item.keys
    existing = store.find_article(keys)
    if existing is not None and not same_article(existing, extracted):
        existing = None
    if existing is not None:
        # Another input of a stored article: the article is re-made from all its inputs
        # and enriched again (rare in bulk ingest; done here, one at a time).
        extracted.id = existing.id
        merged = merge_inputs([i.article for i in store.inputs_of(existing.id)] + [extracted])
        merged.id = existing.id
        enricher.enrich(merged)
        sanitise_article(merged)
    new_input = StoredInput(extracted.id, item.source, item.kind, item.digest, extracted)
    created = store.save(merged, keys_for(merged), new_input)
    return extracted.id, "added" if created else "updated"


class PreparedError(NewsdeskError):
    """An input that failed while being extracted or enriched (the message names it)."""


def ingest_document(
    raw: RawDocument,
    store: Store,
    enricher: Enricher | None = None,
    *,
    time_budget_s: float = INPUT_TIME_BUDGET,
) -> tuple[str, str]:
    """Extract one input and merge it into the store; returns (article id, outcome).

    Raises what extraction or enrichment raised (the live loop falls back on it).
    """
    raw.source = clean_str(raw.source)
    if store.has_input(content_sha256(raw)):
        return "", "unchanged"
    enricher = enricher or Enricher()
    item = extract_input(raw, time_budget_s=time_budget_s)
    assert item.article is not None
    enricher.enrich(item.article)
    sanitise_article(item.article)
    return commit(item, store, enricher)


class Engine(Protocol):
    """Runs :func:`prepare_batch` over batches, yielding their results in the batches' order."""

    def prepare(self, batches: Iterable[list[RawDocument]]) -> Iterator[list[Prepared]]: ...


class LocalEngine:
    """In this process, one batch after another."""

    def __init__(self, enricher: Enricher, *, time_budget_s: float = INPUT_TIME_BUDGET):
        self.enricher = enricher
        self.time_budget_s = time_budget_s

    def prepare(self, batches: Iterable[list[RawDocument]]) -> Iterator[list[Prepared]]:
        for batch in batches:
            yield prepare_batch(batch, self.enricher, time_budget_s=self.time_budget_s)


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


def count_inputs(files: Iterable[Path | InputError]) -> int:
    """About how many inputs ``files`` hold (a JSONL file one a line), for a progress bar."""
    total = 0
    for path in files:
        if isinstance(path, InputError):
            total += 1
            continue
        name = path.name.lower().removesuffix(".gz")
        if Path(name).suffix not in JSONL_SUFFIXES:
            total += 1
            continue
        try:
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
        except (OSError, EOFError, gzip.BadGzipFile):
            total += 1  # read_file will report it
            continue
        total += max(1, sum(1 for line in data.splitlines() if line.strip()))
    return total


def _batches(
    items: Iterable[RawDocument | InputError],
    size: int,
    store: Store,
    report: IngestReport,
    progress: Progress | None,
) -> Iterator[list[RawDocument]]:
    """Inputs in batches of ``size``; unchanged ones and file errors are reported on the way."""
    batch: list[RawDocument] = []
    for item in items:
        if isinstance(item, InputError):
            report.failed.append(one_line(str(item)))
            if progress:
                progress(item.source or "?", "failed")
            continue
        item.source = clean_str(item.source)
        if store.has_input(content_sha256(item)):
            report.unchanged += 1  # not sent to extraction at all: re-ingesting a folder is cheap
            if progress:
                progress(item.source, "unchanged")
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest_paths(
    paths: Iterable[str | Path | InputError],
    store: DeskStore,
    *,
    max_bytes: int = 20 * 1024 * 1024,
    progress: Progress | None = None,
    enricher: Enricher | None = None,
    linker: Linker | None = None,
    engine: Engine | None = None,
    batch_size: int = BATCH_SIZE,
    follow_symlinks: bool = False,
    time_budget_s: float = INPUT_TIME_BUDGET,
) -> IngestReport:
    """Ingest every input under ``paths`` in batches; then link what is new (date order, as live).

    Inputs are committed in the order they were read whichever engine prepared
    them, so the store ends the same with any engine. Each input is judged alone:
    whatever goes wrong with one file, JSONL line or record becomes one line in
    ``report.failed`` naming it, and the run goes on. Only a failing store ends the
    run (every later input would fail the same way).
    """
    report = IngestReport()
    enricher = enricher or Enricher()
    engine = engine or LocalEngine(enricher, time_budget_s=time_budget_s)
    inputs = iter_inputs(paths, max_bytes=max_bytes, follow_symlinks=follow_symlinks)
    batches = _batches(inputs, max(1, batch_size), store, report, progress)
    for prepared in engine.prepare(batches):
        _freeze_loaded()
        one_blas_thread()
        for item in prepared:
            try:
                art_id, outcome = commit(item, store, enricher)
            except StoreError:
                raise  # the store itself failed: going on would only fail every input after this one
            except Exception as exc:
                report.failed.append(
                    str(exc) if isinstance(exc, PreparedError) else failure_message(item.source, exc)
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


_frozen = False


def _freeze_loaded() -> None:
    """Once per process, after the first batch has loaded the models: move every object alive
    now (models, vocabularies, word lists: millions of them) out of the cyclic garbage
    collector's reach. They live as long as the process, and each full collection otherwise
    walks them all again (~0.3 s a time in a long ingest); what is freed later is freed by
    reference counting as before."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


#: environment variables by which a user sets the BLAS threads; one of them set: left as set
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
_blas_limited = False


def one_blas_thread() -> None:
    """Once per process: numpy's BLAS (OpenBLAS) runs on one thread from here on, unless the
    environment names a thread count (:data:`BLAS_THREAD_VARIABLES`).

    What ingest and linking ask of BLAS is small: a matrix-vector product over the exact
    story index (below 4,096 rows of 4,096) per article, a batch's topic heads. OpenBLAS
    spreads each over every core, and waking those threads costs more than the product
    gains, most of all on a busy machine or beside Ray workers. Measured on this 2-core
    machine under load, a vector times 169 x 4,096 rows: 0.2-0.5 ms on one thread, 1.5-8.5 ms
    on two (threads spinning while they wait for a core); times 4,095 x 4,096: 10-14 ms on
    one, 13-18 ms on two (it is memory-bound). Ray's workers already run with one thread
    (Ray sets OMP_NUM_THREADS=1). Libraries loaded after this call keep their own default."""
    global _blas_limited
    if _blas_limited:
        return
    _blas_limited = True
    if any(os.environ.get(name) for name in BLAS_THREAD_VARIABLES):
        return
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def link_new(store: DeskStore, linker: Linker) -> int:
    """Link what the store holds and the linker does not, after the run's merges (so each
    article is placed with all its inputs' text), in date order; then save the state.

    One linker at a time, under the store's link lock: a newer state another process saved
    meanwhile is taken over first, so two writers never place articles into diverging
    copies of the stories."""
    one_blas_thread()
    with store.link_lock():
        linker.sync(store)
        added = linker.catch_up(store)
        linker.save(store)
    return added
