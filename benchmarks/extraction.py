"""Main-text and metadata extraction benchmark: newsdesk's extract_html vs plain trafilatura.

    .venv/bin/python benchmarks/extraction.py [--data ../shared/data/extraction-dev.tar.xz]
        [--limit N] [--set OPTION=VALUE ...] [--no-baseline] [--write-readme]

Data: trafilatura's evaluation set (saved pages plus ``tests/evaldata.json``), read from
the shared tarball and unpacked once into ``benchmarks/.cache/`` (git-ignored).

Main text, as trafilatura's own evaluation counts it (micro-averaged over all segments
of all pages, whitespace-normalised substring match): each ``with`` segment found is a
TP, missing an FN; each ``without`` segment found is an FP, absent a TN.

Both extractors get the same already-decoded str (decoding is outside the timing) and
run page by page in alternating order, so machine load hits both alike.
``--set`` overrides one of ``newsdesk.extract.html.TEXT_OPTIONS`` (trafilatura
settings) for a run, which is how the settings were chosen; ``--write-readme`` writes
the results table into benchmarks/README.md between its extraction markers.
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
import sys
import tarfile
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402
from readme import replace_block  # noqa: E402

from newsdesk.errors import NewsdeskError  # noqa: E402
from newsdesk.extract import html as html_mod  # noqa: E402
from newsdesk.extract.decode import decode_bytes  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "extraction-dev.tar.xz"
CACHE = ROOT / "benchmarks" / ".cache"
README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- extraction:start -->", "<!-- extraction:end -->"


# ---------------------------------------------------------------- data


def unpack(tarball: Path) -> Path:
    """The tarball's contents, unpacked once per tarball version into the cache."""
    stat = tarball.stat()
    key = hashlib.sha1(f"{tarball.name}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    target = CACHE / f"{tarball.name.split('.')[0]}-{key}"
    if not (target / ".complete").exists():
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as tar:
            tar.extractall(target, filter="data")
        (target / ".complete").touch()
    return target


@dataclass
class Page:
    url: str
    item: dict[str, Any]
    html: str


def load_pages(root: Path, limit: int | None) -> list[Page]:
    tests = next(p.parent for p in root.rglob("evaldata.json"))
    evaldata = json.loads((tests / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in evaldata.items():
        path = next(
            (p for p in (tests / "eval" / item["file"], tests / "cache" / item["file"]) if p.exists()), None
        )
        if path is None:
            continue
        html = decode_bytes(path.read_bytes(), source=str(path))
        pages.append(Page(url, item, html))
        if limit and len(pages) >= limit:
            break
    return pages


# ---------------------------------------------------------------- scoring

_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, item: dict[str, Any], text: str) -> None:
        body = _norm(text)
        for seg in item.get("with", []):
            if _norm(seg) in body:
                self.tp += 1
            else:
                self.fn += 1
        for seg in item.get("without", []):
            if _norm(seg) in body:
                self.fp += 1
            else:
                self.tn += 1

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


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


def date_matches(gold: date, found: datetime | str | None, *, tolerant: bool) -> bool:
    """Strict: the UTC calendar date equals the gold date.

    Tolerant: also accepts an instant that falls on the gold date in some real UTC offset
    (-12h..+14h). The gold is the page's local calendar date while newsdesk stores UTC,
    so 2022-05-03 21:30-04:00 is 2022-05-04 in UTC and still the right publish date.
    Date-only results (midnight UTC) must match exactly either way.
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
class Meta:
    title_exact: list[int] = field(default_factory=lambda: [0, 0])
    title_contained: list[int] = field(default_factory=lambda: [0, 0])
    date_strict: list[int] = field(default_factory=lambda: [0, 0])
    date_tolerant: list[int] = field(default_factory=lambda: [0, 0])
    author: list[int] = field(default_factory=lambda: [0, 0])

    def add(self, item: dict[str, Any], title: str, published: datetime | str | None, authors: Any) -> None:
        gold_title = item.get("title")
        if isinstance(gold_title, str) and gold_title.strip():
            g, t = norm_title(gold_title), norm_title(title)
            _tally(self.title_exact, g == t)
            _tally(self.title_contained, bool(g) and g in t)
        gd = gold_date(item.get("date") or "")
        if gd is not None:
            _tally(self.date_strict, date_matches(gd, published, tolerant=False))
            _tally(self.date_tolerant, date_matches(gd, published, tolerant=True))
        gold_authors = norm_authors(item.get("author"))
        if gold_authors:
            _tally(self.author, bool(gold_authors & norm_authors(authors)))


def _tally(cell: list[int], ok: bool) -> None:
    cell[0] += int(ok)
    cell[1] += 1


def _acc(cell: list[int]) -> str:
    return f"{cell[0] / cell[1]:.3f} ({cell[0]}/{cell[1]})" if cell[1] else "n/a"


# ---------------------------------------------------------------- runs


@dataclass
class Run:
    name: str
    counts: Counts = field(default_factory=Counts)
    meta: Meta = field(default_factory=Meta)
    seconds: float = 0.0
    errors: int = 0
    empty: int = 0


def run_ours(page: Page, run: Run) -> None:
    start = time.perf_counter()
    try:
        result = html_mod.extract_html(page.html, url=page.url, source=page.item["file"])
    except NewsdeskError:
        result = None
    finally:
        run.seconds += time.perf_counter() - start
    if result is None:
        run.empty += 1
        run.counts.add(page.item, "")
        run.meta.add(page.item, "", None, [])
        return
    run.counts.add(page.item, result.text)
    run.meta.add(page.item, result.title, result.published, result.authors)


def run_plain(page: Page, run: Run) -> None:
    start = time.perf_counter()
    try:
        text = trafilatura.extract(page.html, url=page.url)
    except Exception:  # plain trafilatura's failures count as misses, like newsdesk's
        text, run.errors = None, run.errors + 1
    finally:
        run.seconds += time.perf_counter() - start
    if not text:
        run.empty += 1
    run.counts.add(page.item, text or "")


def plain_metadata(page: Page, run: Run) -> None:
    """trafilatura's own metadata (defaults), outside the timed text extraction."""
    try:
        doc = trafilatura.extract_metadata(page.html, default_url=page.url)
    except Exception:
        doc = None
    if doc is None:
        run.meta.add(page.item, "", None, [])
    else:
        run.meta.add(page.item, doc.title or "", doc.date, doc.author or "")


def parse_set(pairs: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        if key not in html_mod.TEXT_OPTIONS:
            raise SystemExit(f"--set: unknown option {key!r}; known: {sorted(html_mod.TEXT_OPTIONS)}")
        out[key] = {"true": True, "false": False}.get(raw.lower(), raw)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="extraction-dev tarball")
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages")
    ap.add_argument(
        "--set", action="append", default=[], metavar="OPTION=VALUE", help="override TEXT_OPTIONS"
    )
    ap.add_argument("--no-baseline", action="store_true", help="skip plain trafilatura (faster tuning runs)")
    ap.add_argument("--write-readme", action="store_true", help="write the table into benchmarks/README.md")
    args = ap.parse_args(argv)

    # both extractors log every page they give up on; the tallies below say it once
    logging.disable(logging.WARNING)
    html_mod.TEXT_OPTIONS.update(parse_set(args.set))
    pages = load_pages(unpack(args.data), args.limit)
    ours, plain = Run("newsdesk extract_html"), Run("plain trafilatura.extract")

    # pay one-time initialisation (lazy imports, regex caches) before timing
    warm = (
        "<html><body><article><p>" + "Warm-up text for the extractors. " * 20 + "</p></article></body></html>"
    )
    html_mod.extract_html(warm, url="https://example.org/a")
    trafilatura.extract(warm)

    wall = time.perf_counter()
    for i, page in enumerate(pages):
        order = (run_ours, run_plain) if i % 2 == 0 else (run_plain, run_ours)
        for fn in order:
            if fn is run_plain and args.no_baseline:
                continue
            fn(page, ours if fn is run_ours else plain)
        if not args.no_baseline:
            plain_metadata(page, plain)
    wall = time.perf_counter() - wall

    table = render(pages, ours, None if args.no_baseline else plain, html_mod.TEXT_OPTIONS)
    print(table)
    print(f"\n({len(pages)} pages, {wall:.0f}s wall)")
    if args.write_readme:
        write_readme(table, argv if argv is not None else sys.argv[1:])
    return 0


def render(pages: list[Page], ours: Run, plain: Run | None, options: dict[str, Any]) -> str:
    n = len(pages)
    rows = [("main text precision", 0), ("main text recall", 1), ("main text F1", 2)]
    lines = ["| metric | newsdesk extract_html | plain trafilatura |", "|---|---|---|"]
    for label, idx in rows:
        theirs = f"{plain.counts.prf()[idx]:.3f}" if plain else "-"
        lines.append(f"| {label} | **{ours.counts.prf()[idx]:.3f}** | {theirs} |")
    meta_rows = [
        ("title, exact after normalisation", "title_exact"),
        ("title, gold contained in extracted", "title_contained"),
        ("date, UTC date = gold", "date_strict"),
        ("date, gold day in the page's offset", "date_tolerant"),
        ("author, any name in common", "author"),
    ]
    for label, attr in meta_rows:
        theirs = _acc(getattr(plain.meta, attr)) if plain else "-"
        lines.append(f"| {label} | **{_acc(getattr(ours.meta, attr))}** | {theirs} |")
    ours_rate = n / ours.seconds if ours.seconds else 0.0
    if plain and plain.seconds:
        plain_rate = n / plain.seconds
        lines.append(f"| pages/second | **{ours_rate:.1f}** | {plain_rate:.1f} |")
        lines.append(f"| throughput ratio (newsdesk / plain) | **{ours_rate / plain_rate:.2f}x** | 1.00x |")
    else:
        lines.append(f"| pages/second | **{ours_rate:.1f}** | - |")
    lines.append(f"| pages without text | {ours.empty} | {plain.empty if plain else '-'} |")
    c = ours.counts
    lines.append(f"\nSegments (newsdesk): TP {c.tp}, FP {c.fp}, FN {c.fn}, TN {c.tn}; pages: {n}.")
    lines.append(f"newsdesk TEXT_OPTIONS: `{json.dumps(options, sort_keys=True)}`")
    return "\n".join(lines)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def write_readme(table: str, argv: list[str]) -> None:
    libs = ", ".join(
        f"{name} {version(name)}"
        for name in ("trafilatura", "htmldate", "lxml", "courlan", "charset-normalizer", "py3langid", "tld")
    )
    command = ".venv/bin/python benchmarks/extraction.py " + " ".join(shlex.quote(a) for a in argv)
    block = "\n".join(
        [
            START,
            "## Extraction",
            "",
            "Made by `benchmarks/extraction.py` (its docstring has the data and metric; the notes",
            "below this block say how the settings were chosen). Bold: newsdesk.",
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
