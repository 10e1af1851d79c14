"""Clean article out of a plain-text capture of a news page.

A capture is what a person gets by selecting a whole page in a browser and
copying it: the article, plus the site's menus, share buttons, related-post
lists, tag clouds, calendars, cookie notices and sometimes HTML debris that a
broken CMS printed as text. :func:`clean_capture` keeps the article.

How the capture is read (each step is a heuristic, none matches a site by name):

1. Lines are repaired (spaced entities such as ``& nbsp ;``, stray tags such as
   ``</ li>`` or ``Talibanh2>``), bullets normalised, hard-wrapped lines rejoined.
2. Every line gets a context-free chrome label or none
   (:func:`newsdesk.extract.capture_rules.chrome_label`).
3. The *body start* is the first prose line followed by more prose. Above it
   the headline is looked for: the nearest headline-shaped line above a byline
   or a date line, else the first headline-shaped line. Everything above the
   headline is site header; the byline/date/section lines under it are meta.
4. The *body end* is the first strong footer marker after some prose (tags
   line, previous/next post, related posts with no prose after them, comments,
   copyright, repost notice ...) or an author bio (a name line followed by a
   paragraph describing that person).
5. Inside the body, chrome lines are dropped, captions printed twice in a row
   are dropped (both copies: a caption is not article prose), a photo caption
   leading the body is dropped, table rows are rebuilt.

Choices worth knowing:

* A dateline (``ISLAMABAD (PEN) :``, ``NAIROBI, Kenya (AP) —``) is reported in
  ``dateline``/``agency`` and stripped from the start of ``text``; the rest of
  the sentence is kept intact.
* With no headline in the capture, the title is the first sentence of the body,
  or its leading clause when the sentence is long (up to ~120 characters).
* ``published`` is only ever taken from the article header (byline line, date
  lines between headline and body, or a bare date line right above the
  headline), never from the page's "today" line, related posts or prose.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import ExtractionError
from . import capture_rules as rules
from .text_tables import fold_cell_lines, rebuild_tables

MIN_BODY_WORDS = 30
EXCERPT_MAX = 300
TITLE_MAX = 120

# Footer markers after which nothing belongs to the article.
_STRONG_FOOTER = frozenset(
    {"tags", "previous/next post", "comments", "copyright", "cookie notice", "repost notice", "archives",
     "tag cloud", "categories", "calendar", "mobile version link", "category counts", "credits", "author bio"}
)  # fmt: skip
_SECTION_LINE = re.compile(
    r"^(?:in|posted in|filed under|category|section)\s*:?\s+(?P<s>[A-Z][\w&'’ -]{1,30})$"
)
_BREADCRUMB = re.compile(r"^Home\b\s*(?:[»›>/|]\s*|\s+)(?P<rest>\S.{0,60})$")
_ORIGINAL_TITLE = re.compile(r"^(?P<t>.{12,}?)\s+[–—|-]\s+(?P<p>[A-Z0-9][\w.&'’|! -]{1,40})$")
_EMPHASIS = re.compile(r"(\*{1,2}|_{2})(?=\S)([^*\n]+?)(?<=\S)\1")
_BIO_ROLE = re.compile(
    r"\b(?:journalist|reporter|correspondent|writer|editor|columnist|author|analyst|contributor|producer"
    r"|photographer|fellow|researcher|professor)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])(?<!\b[A-Z]\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bNo\.)(?<!\bvs\.)"
    r"(?<!\bMrs\.)(?<!\bSept\.)(?<!\bGen\.)(?<!\bGov\.)(?<!\bSen\.)(?<!\bRep\.)(?<!\bU\.S\.)"
    r"[\"”’)]?\s+(?=[“\"‘(]?[A-Z0-9])"
)


@dataclass
class CaptureExtraction:
    """The article found in a capture; see the module docstring for how each field is chosen."""

    title: str
    text: str
    excerpt: str
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    published_source: str = ""
    dateline: str = ""
    agency: str = ""
    tags: list[str] = field(default_factory=list)
    is_repost: bool = False
    original_title: str = ""
    original_provider: str = ""
    site_name: str = ""
    section: str = ""
    removed: list[str] = field(default_factory=list)


def _note(out: CaptureExtraction, label: str) -> None:
    """Record what was stripped, in order of first appearance, without repeats."""
    if label and label not in out.removed:
        out.removed.append(label)


def clean_capture(text: str, *, source: str = "<capture>") -> CaptureExtraction:
    """Extract the article from a plain-text page capture; raise ExtractionError when there is none."""
    if not text or not text.strip():
        raise ExtractionError("capture is empty", source=source)
    out = CaptureExtraction(title="", text="", excerpt="")
    lines = _prepare_lines(text, out)
    labels = _label_lines(lines)
    start = _body_start(lines, labels)
    if start is None:
        raise ExtractionError("no article prose found (only site chrome?)", source=source)
    out.is_repost = any(lab == "repost notice" for lab in labels)

    title_at = _find_title(lines, labels, start)
    body_from = _read_header(lines, labels, title_at, start, out)
    footer_at = _footer_start(lines, labels, body_from)
    blocks = _body_blocks(lines, labels, body_from, footer_at, out)
    _read_footer(lines, labels, footer_at, out)
    blocks = _strip_dateline(blocks, out)
    body_words = sum(rules.words(b) for b in blocks)
    if not any(rules.is_prose(b) for b in blocks) or body_words < MIN_BODY_WORDS:
        raise ExtractionError(f"too little article text ({body_words} words)", source=source)

    out.text = "\n\n".join(blocks)
    out.excerpt = _excerpt(blocks)
    if title_at is not None:
        out.title = _EMPHASIS.sub(r"\2", lines[title_at])
    else:
        out.title = _fallback_title(blocks)
    if out.is_repost:
        _note(out, "repost notice")
    return out


# --------------------------------------------------------------------------- preparation


def _prepare_lines(text: str, out: CaptureExtraction) -> list[str]:
    """Repair markup, normalise spaces and bullets, rejoin hard-wrapped lines; drop blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b\u200c\u200d\ufeff]", "", text)
    raw: list[str] = []
    for line in text.split("\n"):
        if "<" not in line and "&" not in line:
            # "Home > World" separators are not markup debris.
            line = re.sub(r"(?<=\s)>(?=\s)", "›", line)
        fixed, repaired = rules.repair_markup(line)
        if repaired:
            _note(out, "markup debris")
        elif rules.needs_despacing(line):
            fixed = rules.despace_punctuation(line)
        raw.extend(fixed.split("\n"))
    raw = fold_cell_lines(raw)  # a table whose cells come one per line: rows of tab-separated cells
    width = _wrap_width(raw)
    lines: list[str] = []
    joinable = False
    for line in raw:
        cells = rules.table_cells(line) if "\xa0" in line or "\t" in line or "  " in line.strip() else None
        if cells:
            line = "\t".join(cells)
        else:
            parts = [
                re.sub(r"[ \xa0\u2000-\u200a\u202f\u205f\u3000]+", " ", c).strip() for c in line.split("\t")
            ]
            line = "\t".join(p for p in parts if p)
        if not line:
            joinable = False
            continue
        bullet = rules.BULLET.match(line)
        if bullet:
            line = "• " + line[bullet.end() :].strip() if line[bullet.end() :].strip() else "•"
        # Paragraphs split mid-sentence: in a hard-wrapped capture every line that reached
        # the wrap column continues; elsewhere a lowercase start continues an unfinished line.
        row = "\t" in line  # a table row neither continues a paragraph nor is continued
        if joinable and not bullet and not row and line != lines[-1] and _continues(lines[-1], line, width):
            lines[-1] = f"{lines[-1]} {line}"
            continue
        lines.append(line)
        joinable = len(line) >= 40 and not bullet and not row
    return lines


def _continues(previous: str, line: str, width: int) -> bool:
    if width:
        return len(previous) >= 0.6 * width
    return line[0].islower() and not rules.ends_sentence(previous)


def _wrap_width(raw: list[str]) -> int:
    """The column a hard-wrapped capture breaks its lines at, or 0 when lines are whole paragraphs."""
    lengths = sorted(len(line.strip()) for line in raw if line.strip())
    if len(lengths) < 8:
        return 0
    width = lengths[int(len(lengths) * 0.9) - 1]
    near = sum(1 for n in lengths if 0.7 * width <= n <= width + 5)
    return width if 40 <= width <= 100 and near >= 0.4 * len(lengths) else 0


def _label_lines(lines: list[str]) -> list[str | None]:
    labels = [rules.chrome_label(line) for line in lines]
    # Table-of-contents entries repeat headings that follow; drop the entries,
    # keep the headings where they stand in the body.
    for i, label in enumerate(labels):
        if label != "table of contents" or lines[i].lower().strip(" :") in ("toggle", "hide", "show"):
            continue
        for j in range(i + 1, min(len(lines), i + 40)):
            if labels[j] == "table of contents":
                continue
            entry = lines[j].removeprefix("• ")
            if entry and any(lines[k] == entry for k in range(j + 1, len(lines))):
                labels[j] = "table of contents"
            else:
                break
    return labels


def _body_start(lines: list[str], labels: list[str | None]) -> int | None:
    """The first prose line that more prose follows (a lone tagline or notice is not the body)."""
    prose = [i for i, line in enumerate(lines) if labels[i] is None and rules.is_prose(line)]
    for n, i in enumerate(prose):
        if rules.words(lines[i]) >= 40 or (n + 1 < len(prose) and prose[n + 1] - i <= 5):
            return i
    return prose[0] if prose else None


# --------------------------------------------------------------------------- header


def _next_kept(lines: list[str], labels: list[str | None], i: int) -> str:
    return next((lines[j] for j in range(i + 1, len(lines)) if labels[j] is None), "")


def _page_date_header(lines: list[str], labels: list[str | None], i: int) -> bool:
    """A weekday-prefixed date among the first kept lines is the site's "today" line, not the article's."""
    kept_before = sum(1 for j in range(i) if labels[j] is None)
    return kept_before < 3 and bool(rules.WEEKDAY.match(lines[i])) and rules.date_only(lines[i])


def _byline_names(lines: list[str], labels: list[str | None], i: int) -> list[str] | None:
    """Authors when line i is a byline.

    "By Jane Doe" always is; "Jane Doe in Rotterdam" and a bare "Jane Doe" only
    when a date or an outlet/role line follows, since short headlines look alike.
    """
    line = lines[i]
    names = rules.parse_byline(line)
    if names:
        return names
    follow = _next_kept(lines, labels, i)
    name = rules.name_in_place(line)
    if name and rules.date_only(follow):
        return [name]
    if rules.name_like(line) and (rules.affiliation_like(follow) or rules.date_only(follow)):
        return [line]
    return None


def _meta_kind(lines: list[str], labels: list[str | None], i: int) -> str | None:
    if labels[i] is not None or "\t" in lines[i]:  # a table row is never a byline or a date
        return None
    line = lines[i]
    if _byline_names(lines, labels, i):
        return "byline"
    if rules.date_only(line):
        return None if _page_date_header(lines, labels, i) else "date"
    section = _SECTION_LINE.match(line)
    if section and rules.words(section.group("s")) <= 3:
        return "section"
    return None


def _title_candidate(lines: list[str], labels: list[str | None], i: int) -> bool:
    line = lines[i]
    if labels[i] is not None or not rules.headline_like(line) or _meta_kind(lines, labels, i):
        return False
    if _BREADCRUMB.match(line) or "\t" in line:
        return False
    # A short line the header repeats is the site's masthead, not a headline.
    return rules.words(line) > 5 or sum(1 for other in lines[: i + 20] if other == line) == 1


def _find_title(lines: list[str], labels: list[str | None], start: int) -> int | None:
    """The headline: above the first byline/date line of the header, else the first headline-shaped line."""
    # The byline may sit under a one-sentence standfirst that already reads as prose.
    for anchor in range(min(len(lines), start + 4)):
        if not _meta_kind(lines, labels, anchor):
            continue
        best, skipped = None, False
        for i in range(anchor - 1, max(-1, anchor - 8), -1):
            if labels[i] is not None or _meta_kind(lines, labels, i):
                continue
            if best is None and not skipped and rules.is_prose(lines[i]):
                skipped = True
                continue
            # Climb over a standfirst to the headline above it, but not into the menus.
            if not _title_candidate(lines, labels, i) or (best is not None and rules.words(lines[i]) < 4):
                break
            best = i
        if best is not None:
            return best
    candidates = [i for i in range(start) if _title_candidate(lines, labels, i)]
    longer = [i for i in candidates if rules.words(lines[i]) >= 4]
    # Menu and section names are short; a real headline rarely has fewer than four words.
    return (longer or candidates)[0] if candidates else None


def _header_label(lines: list[str], labels: list[str | None], i: int) -> str:
    if labels[i]:
        return labels[i] or ""
    if _page_date_header(lines, labels, i):
        return "page date header"
    if _BREADCRUMB.match(lines[i]):
        return "breadcrumb"
    return "menu" if lines[i].startswith("•") else "site header"


def _read_header(
    lines: list[str], labels: list[str | None], title_at: int | None, start: int, out: CaptureExtraction
) -> int:
    """Fill authors/date/section/original title from the header; return where the body begins.

    Header meta lines under the headline get labels, so the body loop drops
    them; a standfirst between headline and byline stays in the body.
    """
    top = title_at if title_at is not None else start
    seen = Counter(ln for i, ln in enumerate(lines[:top]) if labels[i] is None)
    masthead = [ln for ln, n in seen.items() if n > 1 and 0 < rules.words(ln) <= 5]
    out.site_name = masthead[0] if masthead else ""
    for i in range(top):
        _note(out, "site name" if lines[i] == out.site_name else _header_label(lines, labels, i))
        crumb = _BREADCRUMB.match(lines[i])
        if crumb and rules.words(crumb.group("rest")) <= 4:
            out.section = re.split(r"\s*[»›>/|]\s*", crumb.group("rest"))[-1].split()[-1]
    if title_at is None:
        # No headline: still take a byline/date sitting above the first paragraph.
        for i in range(start):
            kind = _meta_kind(lines, labels, i)
            if kind:
                _apply_meta(lines, labels, i, kind, None, out)
        return start
    # A bare date right above the headline (a kicker line) is the article's.
    for i in range(title_at - 1, max(-1, title_at - 3), -1):
        if _meta_kind(lines, labels, i) == "date":
            _set_date(out, lines[i], "capture:header")
            break
    previous: str | None = None
    others = prose = 0
    for i in range(title_at + 1, len(lines)):
        if labels[i] is not None:
            continue
        kind = _meta_kind(lines, labels, i)
        if kind is None and previous == "byline" and rules.affiliation_like(lines[i]):
            kind = "affiliation"
        if kind is None and not out.original_title and others == 0 and _original_headline(lines[i], out):
            kind = "original"
        if kind is None:
            # The meta block is over once the body is clearly under way.
            others, prose = others + 1, prose + rules.is_prose(lines[i])
            if others > 2 or prose > 1:
                break
            previous = None
            continue
        _apply_meta(lines, labels, i, kind, previous, out)
        labels[i] = {"date": "date line", "section": "section label", "original": "original headline"}.get(
            kind, "byline"
        )
        previous = kind
    return title_at + 1


def _original_headline(line: str, out: CaptureExtraction) -> bool:
    """A rewrite carries the headline of the story it rewrites, with the outlet after a dash."""
    m = _ORIGINAL_TITLE.match(line)
    if not m or rules.ends_sentence(line) or rules.words(m.group("p")) > 5 or rules.words(m.group("t")) < 3:
        return False
    out.original_title, out.original_provider = line, m.group("p").strip()
    return True


def _apply_meta(
    lines: list[str],
    labels: list[str | None],
    i: int,
    kind: str,
    previous: str | None,
    out: CaptureExtraction,
) -> None:
    line = lines[i]
    if kind == "byline":
        out.authors.extend(n for n in _byline_names(lines, labels, i) or [] if n not in out.authors)
        _set_date(out, line, "capture:byline")
    elif kind == "date":
        _set_date(out, line, "capture:byline" if previous in ("byline", "affiliation") else "capture:header")
    elif kind == "section":
        m = _SECTION_LINE.match(line)
        out.section = m.group("s").strip() if m else out.section


def _set_date(out: CaptureExtraction, line: str, source: str) -> None:
    hit = rules.find_date(line)
    if hit is None or out.published is not None:
        return
    if re.match(r"(?i)\s*(?:last\s+)?updated\b", line) and source != "capture:byline":
        return
    out.published, out.published_source = hit[0], source


# --------------------------------------------------------------------------- footer


def _bio_like(line: str, name: str) -> bool:
    if not rules.is_prose(line):
        return False
    first, last = name.split()[0], name.split()[-1]
    opening = " ".join(line.split()[:4])
    if any(opening.startswith(n) for n in (name, first, last)) and re.search(
        r"\b(?:is|was|has|writes|covers)\b", " ".join(line.split()[:8])
    ):
        return True
    head = " ".join(line.split()[:12])
    return bool(re.match(r"^(?:A|An|The|He|She|They)\b", line) and _BIO_ROLE.search(head))


def _bio_name(lines: list[str], labels: list[str | None], i: int) -> str:
    """The person named on line i ("Jane Doe", "Written by Jane Doe") when the next kept line is their bio."""
    if labels[i] is not None:
        return ""
    names = rules.parse_byline(lines[i]) or ([lines[i]] if rules.name_like(lines[i]) else [])
    if len(names) != 1:
        return ""
    nxt = next((j for j in range(i + 1, len(lines)) if labels[j] is None), None)
    return names[0] if nxt is not None and _bio_like(lines[nxt], names[0]) else ""


def _bio_at(lines: list[str], labels: list[str | None], i: int) -> bool:
    return bool(_bio_name(lines, labels, i))


def _footer_start(lines: list[str], labels: list[str | None], body_from: int) -> int:
    end = len(lines)
    seen_prose = False
    for i in range(body_from, len(lines)):
        label = labels[i]
        if seen_prose and label in _STRONG_FOOTER:
            end = i
            break
        if seen_prose and label == "related posts" and not _prose_follows(lines, labels, i):
            end = i
            break
        if seen_prose and _bio_at(lines, labels, i):
            after = [j for j in range(i + 1, len(lines)) if labels[j] is None]
            # A bio box closes the page: at most a few more lines of it follow.
            if len(after) <= 3:
                end = i
                break
        seen_prose = seen_prose or (label is None and rules.is_prose(lines[i]))
    # An article ends on prose: short unlabeled lines after its last paragraph are widgets,
    # topic links and timestamps, unless they are the list or table that paragraph introduced.
    last = max(
        (i for i in range(body_from, end) if labels[i] is None and rules.is_prose(lines[i])), default=None
    )
    if last is None:
        return end
    tail = [i for i in range(last + 1, end) if labels[i] is None]
    listed = all(lines[i].startswith("•") or "\t" in lines[i] or lines[i].endswith(":") for i in tail)
    if tail and not (listed and not lines[tail[-1]].endswith(":")):
        return last + 1
    return end


def _prose_follows(lines: list[str], labels: list[str | None], i: int) -> bool:
    for j in range(i + 1, len(lines)):
        if labels[j] in _STRONG_FOOTER:
            return False
        if labels[j] is None and rules.words(lines[j]) >= 12 and rules.is_prose(lines[j]):
            return not _bio_at(lines, labels, j - 1)
    return False


def _read_footer(lines: list[str], labels: list[str | None], footer_at: int, out: CaptureExtraction) -> None:
    """Collect tags, bio author, site name from the footer, and label what it held."""
    tags_at = next((i for i in range(len(lines)) if labels[i] == "tags"), None)
    if tags_at is not None:
        vocab = rules.vocabulary("\n".join(ln for i, ln in enumerate(lines) if i != tags_at))
        out.tags = rules.split_tags(rules.tags_line(lines[tags_at]) or "", vocab)
    section = "footer"
    bio_until = -1
    for i in range(footer_at, len(lines)):
        line, label = lines[i], labels[i]
        if label == "copyright" and not out.site_name:
            out.site_name = rules.copyright_owner(line)
        if label == "credits" and not out.authors:
            out.authors.extend(rules.credit_names(line))
        if i <= bio_until:
            _note(out, "author bio")
        elif _bio_at(lines, labels, i):
            if _bio_name(lines, labels, i) not in out.authors:
                out.authors.append(_bio_name(lines, labels, i))
            bio_until = next(j for j in range(i + 1, len(lines)) if labels[j] is None)
            _note(out, "author bio")
        elif label is not None:
            if label not in ("empty list item", "junk", "image placeholder"):
                section = label
            _note(out, label)
        else:
            _note(out, section)


# --------------------------------------------------------------------------- body


def _body_blocks(
    lines: list[str], labels: list[str | None], start: int, end: int, out: CaptureExtraction
) -> list[str]:
    blocks: list[str] = []
    i = start
    widget = 0
    while i < end:
        line, label = lines[i], labels[i]
        i += 1
        if label is not None:
            _note(out, label)
            # A "Read more" box inside the article: the headlines it links go with it.
            widget = 2 if label in ("related posts", "related links") else widget
            continue
        if widget and not rules.is_prose(line) and rules.headline_like(line):
            widget -= 1
            _note(out, "related posts")
            continue
        widget = 0
        # A caption printed twice (figure caption + lightbox) is not article prose: drop both copies.
        if i < end and lines[i] == line and labels[i] is None:
            if rules.words(line) <= 60 and not re.search(r"[“”\"]", line):
                _note(out, "repeated caption")
            else:
                blocks.append(line)
            i += 1
            continue
        if line == "•":
            continue
        blocks.append(line)
    if blocks and rules.lead_caption(blocks[0]):
        blocks.pop(0)
        _note(out, "caption")
    if any(_EMPHASIS.search(b) for b in blocks):
        _note(out, "emphasis markers")
    return rebuild_tables([_EMPHASIS.sub(r"\2", b) for b in blocks], rules.ends_sentence)


def _strip_dateline(blocks: list[str], out: CaptureExtraction) -> list[str]:
    for n, block in enumerate(blocks[:2]):
        found = rules.match_dateline(block) if rules.is_prose(block) else None
        if found:
            out.dateline, out.agency, rest = found
            _note(out, "dateline")
            return [*blocks[:n], rest, *blocks[n + 1 :]]
    return blocks


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def _cut_words(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:—–-")
    return cut + "…"


def _excerpt(blocks: list[str]) -> str:
    paragraph = next((b for b in blocks if rules.is_prose(b) and not b.startswith("•")), blocks[0])
    chosen: list[str] = []
    for sentence in _sentences(paragraph):
        if chosen and len(" ".join([*chosen, sentence])) > EXCERPT_MAX:
            break
        chosen.append(sentence)
    return _cut_words(" ".join(chosen), EXCERPT_MAX)


def _fallback_title(blocks: list[str]) -> str:
    """No headline in the capture: the body's first sentence, or its leading clause when long."""
    paragraph = next((b for b in blocks if rules.is_prose(b)), blocks[0])
    sentence = _sentences(paragraph)[0].rstrip(".")
    if len(sentence) <= TITLE_MAX:
        return sentence
    for m in re.finditer(r",\s|;\s|\s[—–]\s", sentence):
        if 30 <= m.start() <= TITLE_MAX:
            return sentence[: m.start()]
    return _cut_words(sentence, TITLE_MAX - 20)
