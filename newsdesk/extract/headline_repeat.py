"""A body that repeats its headline at the start loses the repeat.

Extractors keep the page's <h1> as the body's first paragraph on many pages, and JSONL
dumps often start ``text`` with the title, so a reader would see the headline twice.
"""

from __future__ import annotations

import re

from .metadata import fold

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")
#: paragraphs before the repeated headline that may be a kicker or a date, not the lead
_MAX_LEAD_IN = 2
_LEAD_IN_CHARS = 60


_TAIL_SEP = re.compile(r"\s[|–—·:-]\s")


def _glued_tail(paragraph: str, extra: int) -> bool:
    return extra <= 12 or (extra <= 40 and _TAIL_SEP.search(paragraph) is not None)


def drop_repeated_headline(text: str, *titles: str) -> str:
    """The text without a paragraph that repeats the headline at its start.

    Extractors keep the page's <h1> as the body's first paragraph on many pages (and
    JSONL dumps often start ``text`` with the title), so a reader saw the headline twice.
    The repeat may follow a short kicker or date line, which stays; a paragraph that
    merely begins with the headline's words is text and stays too.
    """
    keys = {fold(t) for t in titles} - {""}
    if not keys or not text:
        return text
    pos = 0
    for _ in range(_MAX_LEAD_IN + 1):
        m = _PARAGRAPH_BREAK.search(text, pos)
        end = m.start() if m else len(text)
        paragraph = text[pos:end]
        f = fold(paragraph)
        # equal, or the headline with a short tail glued on ("Headline | Site", "Headline (video)")
        if any(f == key or (f.startswith(key) and _glued_tail(paragraph, len(f) - len(key))) for key in keys):
            rest = text[m.end() :] if m else ""
            return (text[:pos] + rest).strip() if rest.strip() else text
        if m is None or len(paragraph.strip()) > _LEAD_IN_CHARS:
            return text
        pos = m.end()
    return text
