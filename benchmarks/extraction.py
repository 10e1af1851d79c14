"""Main-text and metadata extraction benchmark on two dev sets, through the product path.

    nice .venv/bin/python benchmarks/extraction.py [--set trafilatura|wcxb ...] [--limit N]
        [--option OPTION=VALUE ...] [--speed-pages N] [--speed-rounds N] [--speed-only] [--fresh]
        [--write-readme]

Each set (see ``extraction_sets.py``) is prepared once into JSON Lines inputs
``{"id", "url", "html"}`` under ``benchmarks/.cache``; the benchmark then runs the CLI
itself, in process: ``newsdesk ingest`` into a scratch store and ``newsdesk export
--format jsonl``, and scores what export wrote. Pages that did not come back as their
own article (refused, or merged into another page's article) score as misses.

Beside it, plain trafilatura: ``trafilatura.extract(html, url=url)`` for text and
``trafilatura.extract_metadata`` for title, date and author. Its results are cached per
trafilatura version; newsdesk's export is cached per hash of the package sources and
options, so a rerun after no change costs nothing (``--fresh`` ignores both caches).

Metrics, per set and per page type:

- main text, segments: trafilatura's own evaluation (whitespace-normalised substring
  match of ``with`` / ``without`` segments, micro-averaged P/R/F1);
- main text, words (sets with a full gold text, i.e. wcxb): WCXB ``evaluate.py``'s
  per-page word-level P/R/F1 (lower-cased ``\\w+`` tokens, multiset overlap), averaged
  over pages;
- title exact / contained after normalisation, publish date (UTC day, and the gold day
  in some real offset), author (a name in common), on pages whose gold has the field.

Throughput: the product's extraction step (``extract_article`` on the RawDocument
``ingest`` reads from the same JSONL line) against ``trafilatura.extract``, page by page
in alternating order on the first ``--speed-pages`` pages of each set, in this process.
The pages are timed ``--speed-rounds`` times (3); the ratio reported is the median round's,
with the lowest and highest round and each round's load average beside it (one round on a
shared 2-core machine moves by several per cent). ``--speed-only`` runs only these rounds.
Store, enrichment and linking are not in it (they are not extraction).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import re
import shlex
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import trafilatura  # noqa: E402
import trafilatura.external as trafilatura_external  # noqa: E402
from extraction_sets import CACHE, SETS, DevSet, Gold, load_set  # noqa: E402
from readme import replace_block  # noqa: E402

from newsdesk.errors import NewsdeskError  # noqa: E402
from newsdesk.extract import html as html_mod  # noqa: E402
from newsdesk.extract.article import extract_article  # noqa: E402
from newsdesk.ingest.files import read_file  # noqa: E402
from newsdesk.model import RawDocument  # noqa: E402
from newsdesk.pipeline import Enricher, ingest_paths  # noqa: E402
from newsdesk.publish.export import export_json  # noqa: E402
from newsdesk.settings import load_settings  # noqa: E402
from newsdesk.store.sqlite import SQLiteStore  # noqa: E402

README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- extraction:start -->", "<!-- extraction:end -->"


# ---------------------------------------------------------------- scoring

_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


@dataclass
class Segments:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, gold: Gold, text: str) -> None:
        body = _norm(text)
        for seg in gold.with_:
            if _norm(seg) in body:
                self.tp += 1
            else:
                self.fn += 1
        for seg in gold.without:
            if _norm(seg) in body:
                self.fp += 1
            else:
                self.tn += 1

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0


_TOKEN = re.compile(r"\w+")


def word_prf(predicted: str, reference: str) -> tuple[float, float, float]:
    """WCXB evaluate.py's per-page word-level precision, recall and F1."""
    pred, ref = _TOKEN.findall(predicted.lower()), _TOKEN.findall(reference.lower())
    if not ref:
        return (1.0, 1.0, 1.0) if not pred else (0.0, 0.0, 0.0)
    if not pred:
        return 0.0, 0.0, 0.0
    overlap = sum((Counter(pred) & Counter(ref)).values())
    p, r = overlap / len(pred), overlap / len(ref)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


_DASHES = re.compile("[\u2010-\u2015\u2212]")
_DQUOTES = re.compile("[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033]")
_SQUOTES = re.compile("[\u2018\u2019\u201a\u201b\u2032]")
_EDGE = " \"'.,:;!?-|…"


def norm_title(text: str) -> str:
    """NFKC, casefold, one dash and quote style, whitespace collapsed, punctuation at the ends dropped."""
    text = unicodedata.normalize("NFKC", text or "").replace("\u00ad", "").casefold()
    text = _SQUOTES.sub("'", _DQUOTES.sub('"', _DASHES.sub("-", text)))
    return _norm(text).strip(_EDGE)


def norm_authors(value: Any) -> set[str]:
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = unicodedata.normalize("NFKC", value or "").casefold()
    parts = re.split(r"\s*(?:;|,|\||&|/|\band\b|\bund\b)\s*", text)
    return {_norm(p) for p in parts if _norm(p)}


def gold_date(value: str) -> date | None:
    """The gold date; a few gold entries swap day and month ('2022-29-11') or drop a zero."""
    m = re.match(r"(\d{4})\D(\d{1,2})\D(\d{1,2})", value or "")
    if not m:
        return None
    y, a, b = int(m[1]), int(m[2]), int(m[3])
    if a > 12 >= b:
        a, b = b, a
    try:
        return date(y, a, b)
    except ValueError:
        return None


def parse_iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def date_matches(gold: date, found: datetime | str | None, *, tolerant: bool) -> bool:
    """Strict: the UTC calendar date equals the gold date.

    Tolerant: also accepts an instant that falls on the gold date in some real UTC offset
    (-12h..+14h): the gold is the page's local day, newsdesk stores UTC. Date-only results
    (midnight UTC) and plain trafilatura's local dates must match exactly either way.
    """
    if found is None:
        return False
    if isinstance(found, str):
        return found[:10] == gold.isoformat()
    if found.date() == gold:
        return True
    if not tolerant or (found.hour, found.minute, found.second) == (0, 0, 0):
        return False
    start = datetime(gold.year, gold.month, gold.day, tzinfo=UTC)
    return start - timedelta(hours=14) <= found < start + timedelta(days=1, hours=12)


@dataclass
class Result:
    """What one extractor gave for one page."""

    text: str = ""
    title: str = ""
    published: datetime | str | None = None
    updated: datetime | str | None = None
    authors: Any = ""
    title_source: str = ""
    found: bool = True


@dataclass
class Score:
    pages: int = 0
    missing: int = 0
    segments: Segments = field(default_factory=Segments)
    words: list[tuple[float, float, float]] = field(default_factory=list)
    title_exact: list[int] = field(default_factory=lambda: [0, 0])
    title_contained: list[int] = field(default_factory=lambda: [0, 0])
    date_strict: list[int] = field(default_factory=lambda: [0, 0])
    date_tolerant: list[int] = field(default_factory=lambda: [0, 0])
    #: dated pages whose gold is not `published` but newsdesk's `updated`
    gold_is_updated: list[str] = field(default_factory=list)
    author: list[int] = field(default_factory=lambda: [0, 0])

    def add(self, gold: Gold, res: Result) -> None:
        self.pages += 1
        self.missing += not res.found
        self.segments.add(gold, res.text)
        if gold.main_content:
            self.words.append(word_prf(res.text, gold.main_content))
        if gold.title.strip():
            g, t = norm_title(gold.title), norm_title(res.title)
            _tally(self.title_exact, g == t)
            _tally(self.title_contained, bool(g) and g in t)
        gd = gold_date(gold.date)
        if gd is not None:
            ok = date_matches(gd, res.published, tolerant=True)
            _tally(self.date_strict, date_matches(gd, res.published, tolerant=False))
            _tally(self.date_tolerant, ok)
            if not ok and date_matches(gd, res.updated, tolerant=True):
                self.gold_is_updated.append(gold.id)
        gold_authors = norm_authors(gold.author)
        if gold_authors:
            _tally(self.author, bool(gold_authors & norm_authors(res.authors)))

    def word_means(self) -> tuple[float, float, float] | None:
        if not self.words:
            return None
        n = len(self.words)
        return tuple(sum(w[i] for w in self.words) / n for i in range(3))  # type: ignore[return-value]


def _tally(cell: list[int], ok: bool) -> None:
    cell[0] += int(ok)
    cell[1] += 1


def _acc(cell: list[int]) -> str:
    return f"{cell[0] / cell[1]:.3f} ({cell[0]}/{cell[1]})" if cell[1] else "n/a"


# ---------------------------------------------------------------- newsdesk, through the CLI


#: the code whose change can change what is extracted and exported (the cache key)
_EXTRACTION_CODE = ("extract", "ingest/files.py", "model.py", "records.py", "publish/export.py")


def _source_hash(options: dict[str, Any]) -> str:
    h = hashlib.sha1(json.dumps(options, sort_keys=True).encode())
    for part in _EXTRACTION_CODE:
        base = ROOT / "newsdesk" / part
        for path in sorted(base.rglob("*.py")) if base.is_dir() else [base] if base.exists() else []:
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _join_shards(cache: Path) -> None:
    """The set's cache from the shards that ``--shard K/N`` runs wrote, when all N are there."""
    for first in sorted(cache.parent.glob(f"{cache.stem}.shard1of*.jsonl")):
        n = int(first.name.rsplit("of", 1)[1].split(".")[0])
        parts = [cache.parent / f"{cache.stem}.shard{k}of{n}.jsonl" for k in range(1, n + 1)]
        if all(p.exists() for p in parts):
            cache.write_text("".join(p.read_text(encoding="utf-8") for p in parts), encoding="utf-8")
            return


def run_newsdesk(
    ds: DevSet, options: dict[str, Any], *, fresh: bool, shard: tuple[int, int] | None = None
) -> tuple[dict[str, Result], float]:
    """Ingest the set's JSONL as `newsdesk ingest` does into a scratch store; read back its export.

    The ingest is the CLI's own ``ingest_paths`` (input reading, extraction, identity and
    merging, enrichment, store); what is scored is what ``export --format jsonl`` writes for
    each stored article (``export_json``). Topic classification and story linking are left
    out: they change no extracted field and cost most of the time on a shared 2-core machine.
    """
    cache = CACHE / "newsdesk" / f"{ds.name}-{len(ds.gold)}-{_source_hash(options)}.jsonl"
    inputs = ds.inputs
    if shard is not None:
        # one of N parallel processes: every N-th input file
        k, n = shard
        cache = cache.with_name(f"{cache.stem}.shard{k}of{n}.jsonl")
        inputs = ds.inputs[k - 1 :: n]
    elif not fresh and not cache.exists():
        _join_shards(cache)
    seconds = 0.0
    if fresh or not cache.exists():
        work = Path(tempfile.mkdtemp(prefix="nd-extraction-"))
        try:
            store = SQLiteStore(work / "bench.db")
            start = time.perf_counter()
            settings = load_settings()
            # as `newsdesk ingest` does; on a loaded machine raise NEWSDESK_INPUT_TIME_BUDGET, or
            # pages that take over the per-input budget (10 s) come back as misses
            report = ingest_paths(
                inputs,
                store,
                max_bytes=settings.max_input_bytes,
                enricher=Enricher(),
                time_budget_s=settings.input_time_budget,
            )
            seconds = time.perf_counter() - start
            lines = [json.dumps(export_json(a), ensure_ascii=False) + "\n" for a in store.iter_articles()]
            store.close()
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text("".join(lines), encoding="utf-8")
            (cache.with_suffix(".failed.txt")).write_text("\n".join(report.failed), encoding="utf-8")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    results: dict[str, Result] = {}
    for line in cache.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        ext = obj.get("external_id") or obj.get("id")
        info = obj.get("info") or {}
        results[str(ext)] = Result(
            text=obj.get("text") or "",
            title=obj.get("title") or "",
            published=parse_iso(obj.get("publishedDateTime")),
            updated=parse_iso(obj.get("updated")),
            authors=obj.get("authors") or [],
            title_source=str(info.get("title_source") or ""),
        )
    return results, seconds


# ---------------------------------------------------------------- plain trafilatura


def run_plain(ds: DevSet, *, fresh: bool) -> dict[str, Result]:
    cache = CACHE / "plain" / f"{ds.name}-{trafilatura.__version__}.json"
    stored: dict[str, dict[str, Any]] = {}
    if cache.exists() and not fresh:
        stored = json.loads(cache.read_text(encoding="utf-8"))
    todo = [g for g in ds.gold if g.id not in stored]
    if todo:
        for raw in _raw_documents(ds):
            if raw.external_id not in {g.id for g in todo} or raw.external_id is None:
                continue
            html, url = str(raw.fields["html"]), raw.url
            try:
                text = trafilatura.extract(html, url=url) or ""
            except Exception:  # plain trafilatura's failures count as misses, like newsdesk's
                text = ""
            try:
                doc = trafilatura.extract_metadata(html, default_url=url)
            except Exception:
                doc = None
            stored[raw.external_id] = {
                "text": text,
                "title": (doc.title or "") if doc else "",
                "date": (doc.date or "") if doc else "",
                "author": (doc.author or "") if doc else "",
            }
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    return {
        k: Result(text=v["text"], title=v["title"], published=v["date"] or None, authors=v["author"])
        for k, v in stored.items()
    }


def _raw_documents(ds: DevSet) -> list[RawDocument]:
    out = []
    for path in ds.inputs:
        for item in read_file(path, max_bytes=64 * 1024 * 1024):
            if isinstance(item, RawDocument):
                out.append(item)
    return out


# ---------------------------------------------------------------- throughput


@dataclass
class Speed:
    pages: int = 0
    ours: float = 0.0
    plain: float = 0.0
    load: float = 0.0  # 1-minute load average when the round ended

    @property
    def ratio(self) -> float:
        return self.plain / self.ours if self.ours else 0.0


def measure_speed(raws: list[RawDocument]) -> Speed:
    """One round: extract_article vs trafilatura.extract, alternating page by page."""
    speed = Speed()
    for i, raw in enumerate(raws):
        html, url = str(raw.fields["html"]), raw.url
        for which in (0, 1) if i % 2 == 0 else (1, 0):
            start = time.perf_counter()
            try:
                if which == 0:
                    extract_article(raw)
                else:
                    trafilatura.extract(html, url=url)
            except (NewsdeskError, Exception):
                pass
            if which == 0:
                speed.ours += time.perf_counter() - start
            else:
                speed.plain += time.perf_counter() - start
        speed.pages += 1
    speed.load = os.getloadavg()[0]
    return speed


def render_speed(rounds: list[Speed]) -> list[str]:
    """The median round's ratio (not the best), each round beside it."""
    ratios = sorted(r.ratio for r in rounds)
    median = statistics.median(ratios)
    pages = rounds[0].pages
    ours = sum(r.pages for r in rounds) / sum(r.ours for r in rounds)
    plain = sum(r.pages for r in rounds) / sum(r.plain for r in rounds)
    lines = [
        f"### Throughput ({pages} pages, alternating, this process, {len(rounds)} rounds)",
        "",
        "| | newsdesk extract_article | plain trafilatura.extract |",
        "|---|---|---|",
        f"| pages/second (all rounds) | **{ours:.1f}** | {plain:.1f} |",
        f"| ratio (newsdesk / plain), median of the rounds | **{median:.2f}x** "
        f"({ratios[0]:.2f}x to {ratios[-1]:.2f}x) | 1.00x |",
        "",
        "| round | newsdesk s | plain s | ratio | load average |",
        "|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {i} | {r.ours:.1f} | {r.plain:.1f} | {r.ratio:.3f}x | {r.load:.1f} |"
        for i, r in enumerate(rounds, 1)
    ]
    return lines


# ---------------------------------------------------------------- report


def score(ds: DevSet, results: dict[str, Result], *, by_type: bool) -> dict[str, Score]:
    scores: dict[str, Score] = {"all": Score()}
    for g in ds.gold:
        res = results.get(g.id) or Result(found=False)
        scores["all"].add(g, res)
        if by_type:
            scores.setdefault(g.page_type, Score()).add(g, res)
    return scores


def render_set(name: str, n: int, ours: dict[str, Score], plain: dict[str, Score]) -> list[str]:
    o, p = ours["all"], plain["all"]
    lines = [
        f"### {name} ({n} pages)",
        "",
        "| metric | newsdesk (ingest → export) | plain trafilatura |",
        "|---|---|---|",
    ]
    for label, idx in (("precision", 0), ("recall", 1), ("F1", 2)):
        lines.append(
            f"| main text, segments: {label} | **{o.segments.prf()[idx]:.3f}** | "
            f"{p.segments.prf()[idx]:.3f} |"
        )
    ow, pw = o.word_means(), p.word_means()
    if ow and pw:
        for label, idx in (("precision", 0), ("recall", 1), ("F1", 2)):
            lines.append(f"| main text, words per page: {label} | **{ow[idx]:.3f}** | {pw[idx]:.3f} |")
        if "article" in ours:
            oa, pa = ours["article"].word_means(), plain["article"].word_means()
            if oa and pa:
                lines.append(f"| main text, words per page: F1 on articles | **{oa[2]:.3f}** | {pa[2]:.3f} |")
    for label, attr in (
        ("title, exact after normalisation", "title_exact"),
        ("title, gold contained in extracted", "title_contained"),
        ("date, UTC date = gold", "date_strict"),
        ("date, gold day in the page's offset", "date_tolerant"),
        ("author, any name in common", "author"),
    ):
        lines.append(f"| {label} | **{_acc(getattr(o, attr))}** | {_acc(getattr(p, attr))} |")
    lines.append(f"| pages not come back as their own article | {o.missing} | - |")
    if o.gold_is_updated:
        lines.append(
            f"| dated pages whose gold is newsdesk's `updated`, not `published` | "
            f"{len(o.gold_is_updated)} | - |"
        )
    return lines


def render_types(ours: dict[str, Score], plain: dict[str, Score]) -> list[str]:
    lines = [
        "",
        "Per page type (newsdesk / plain trafilatura; word F1 per page, title exact, date in offset,",
        "author):",
        "",
        "| page type | pages | word F1 | title | date | author |",
        "|---|---:|---|---|---|---|",
    ]
    for t in sorted(k for k in ours if k != "all"):
        o, p = ours[t], plain[t]
        ow, pw = o.word_means() or (0, 0, 0), p.word_means() or (0, 0, 0)

        def pair(attr: str, o: Score = o, p: Score = p) -> str:
            a, b = getattr(o, attr), getattr(p, attr)
            if not a[1]:
                return "n/a"
            return f"**{a[0] / a[1]:.3f}** / {b[0] / b[1]:.3f} ({a[1]})"

        lines.append(
            f"| {t} | {o.pages} | **{ow[2]:.3f}** / {pw[2]:.3f} | {pair('title_exact')} | "
            f"{pair('date_tolerant')} | {pair('author')} |"
        )
    return lines


def parse_options(pairs: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        if key not in html_mod.TEXT_OPTIONS:
            raise SystemExit(f"--option: unknown option {key!r}; known: {sorted(html_mod.TEXT_OPTIONS)}")
        out[key] = {"true": True, "false": False}.get(raw.lower(), raw)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", action="append", choices=sorted(SETS), help="dev set(s); default: all")
    ap.add_argument("--limit", type=int, default=None, help="only N pages of each set, evenly spread")
    ap.add_argument(
        "--option", action="append", default=[], metavar="OPTION=VALUE", help="override TEXT_OPTIONS"
    )
    ap.add_argument(
        "--speed-pages", type=int, default=100, help="pages per set timed for throughput (0: none)"
    )
    ap.add_argument(
        "--speed-rounds",
        type=int,
        default=3,
        help="times the speed pages are timed; the ratio reported is the median round's",
    )
    ap.add_argument("--fresh", action="store_true", help="ignore the cached results")
    ap.add_argument("--shard", default=None, metavar="K/N", help="with --only newsdesk: the K-th of N parts")
    ap.add_argument(
        "--only",
        choices=("newsdesk", "plain"),
        help="only fill that side's cache (run both sides in parallel processes), no report",
    )
    ap.add_argument(
        "--speed-only",
        action="store_true",
        help="only the throughput rounds (no ingest, no scores); not with --write-readme",
    )
    ap.add_argument("--write-readme", action="store_true", help="write the tables into benchmarks/README.md")
    args = ap.parse_args(argv)
    if args.speed_only and (args.write_readme or args.only):
        ap.error("--speed-only measures only throughput: the README block needs the scores too")

    # both extractors log every page they give up on; the tallies say it once
    logging.disable(logging.WARNING)
    html_mod.TEXT_OPTIONS.update(parse_options(args.option))
    out: list[str] = []
    speed_pages: list[RawDocument] = []
    # pay one-time initialisation (lazy imports, regex caches) before timing
    warm = (
        "<html><body><article><p>" + "Warm-up text for the extractors. " * 20 + "</p></article></body></html>"
    )
    html_mod.extract_html(warm, url="https://example.org/a")
    trafilatura.extract(warm)
    # the first page either side hands to trafilatura's justext fallback loads every justext
    # stoplist (about 0.5 s, once a process); newsdesk goes first in the timing, so it paid
    # for both sides
    trafilatura_external.jt_stoplist_init()
    ingest_seconds, ingest_pages = 0.0, 0
    for name in args.set or sorted(SETS):
        ds = load_set(name, args.limit)
        if args.speed_only:
            speed_pages += _raw_documents(ds)[: args.speed_pages]
            continue
        if args.only == "plain":
            run_plain(ds, fresh=args.fresh)
            continue
        shard = tuple(int(x) for x in args.shard.split("/")) if args.shard else None
        ours, seconds = run_newsdesk(ds, dict(html_mod.TEXT_OPTIONS), fresh=args.fresh, shard=shard)  # type: ignore[arg-type]
        if args.only == "newsdesk":
            continue
        if seconds:
            ingest_seconds, ingest_pages = ingest_seconds + seconds, ingest_pages + len(ds.gold)
        plain = run_plain(ds, fresh=args.fresh)
        by_type = name == "wcxb"
        so, sp = score(ds, ours, by_type=by_type), score(ds, plain, by_type=by_type)
        out += render_set(name, len(ds.gold), so, sp)
        if by_type:
            out += render_types(so, sp)
        if so["all"].gold_is_updated:
            out.append(f"\nGold = `updated` ({name}): {', '.join(so['all'].gold_is_updated)}")
        out.append("")
        if args.speed_pages:
            speed_pages += _raw_documents(ds)[: args.speed_pages]
    if speed_pages and args.speed_rounds > 0:
        # one round alone moves by several per cent on a shared machine
        out += render_speed([measure_speed(speed_pages) for _ in range(args.speed_rounds)])
    if ingest_seconds:
        out.append(
            "\n`newsdesk ingest` without topics and linking (extraction, identity, enrichment, store): "
            f"{ingest_pages / ingest_seconds:.1f} pages/s."
        )
    out.append(f"\nnewsdesk TEXT_OPTIONS: `{json.dumps(html_mod.TEXT_OPTIONS, sort_keys=True)}`")
    if args.only:
        return 0
    table = "\n".join(out)
    print(table)
    if args.write_readme:
        write_readme(table, argv if argv is not None else sys.argv[1:])
    return 0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def write_readme(table: str, argv: list[str]) -> None:
    libs = ", ".join(f"{name} {version(name)}" for name in ("trafilatura", "htmldate", "lxml", "courlan"))
    command = "nice .venv/bin/python benchmarks/extraction.py " + " ".join(shlex.quote(a) for a in argv)
    block = "\n".join(
        [
            START,
            "## Extraction",
            "",
            "Made by `benchmarks/extraction.py` (its docstring has the data, the product path and the",
            "metrics; the notes below this block say how the rules were chosen). Bold: newsdesk.",
            "",
            f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
            f"(`nproc`), {_cpu_model()}; Python {platform.python_version()}; {libs}.",
            "",
            f"Command: `{command.strip()}`",
            "",
            table,
            END,
        ]
    )
    # other benchmarks write their own sections of this file: only our block is replaced
    replace_block(START, END, block, README)
    print(f"wrote {README.relative_to(ROOT)}")


if __name__ == "__main__":
    raise SystemExit(main())
