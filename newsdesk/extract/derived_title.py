"""A headline for an article that came without one (wire copy, transcripts, tokenised corpora).

Many real inputs carry no title: agency wire text, plain-text captures,
research corpora. They are normal input, so newsdesk derives a title from the
text instead of refusing them:

* the **first line**, when it reads as a headline: a line of its own with more
  text after it, 4 to 24 words, no sentence-ending full stop, not a run of
  menu items ("Home | World | Business") or a bare dateline;
* else the **lead sentence**, trimmed at a word boundary to ~110 characters.

The result says which of the two it used, and callers record the title as
*derived* (``title_source``): a derived title is no editorial statement, so
identity matching never treats it as a headline (two wire versions share a lead
sentence without being one document).

Hand-written because no kept library does this: extractors (trafilatura and
kin) read titles from markup, and plain text has none.
"""

from __future__ import annotations

import re

from ..errors import ExtractionError

#: which rule produced a derived title
FIRST_LINE = "first-line"
LEAD_SENTENCE = "lead-sentence"

MAX_CHARS = 110
_MIN_WORDS, _MAX_WORDS = 3, 24

# Penn-Treebank tokens (Timeline17 and similar corpora write brackets and quotes as tokens).
_PTB = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
    "``": '"',
    "''": '"',
    "`": "'",
}
_PTB_RE = re.compile("|".join(re.escape(k) for k in _PTB))
_SPACE_BEFORE = re.compile(r" ([.,;:!?%)\]}]|'s\b|n't\b)")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A sentence ends at . ! ? (optionally closed by a quote) before a capital or digit.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’»']?\s+(?=[\"“‘«¿¡']?[^\W\d_]*[A-ZÀ-ÖØ-Þ0-9])")
# Menu furniture: separators that headlines do not use in runs.
_MENU_SEP = re.compile(r"\s[|»·•›>]\s|\s{3,}|\t")
# A dateline alone ("WASHINGTON (Reuters) -", "PARIS, March 3 --").
_DATELINE = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý .'-]+(?:,[^-–—]{0,30})?\s*(?:\([^)]{1,30}\))?\s*[-–—]+\s*$")
# Abbreviations whose full stop ends no sentence.
_ABBREV = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Gov|Sen|Rep|Lt|Col|Sgt|Capt|Jr|Sr|Inc|Co|Corp|Ltd|No|vs|U\.S|U\.N|Sr|Sra)\.$"
)


def detokenise(text: str) -> str:
    """Undo Penn-Treebank tokenisation where a text shows it; plain text passes unchanged."""
    if "-LRB-" in text or "`" in text or " ," in text or " ." in text:
        text = _PTB_RE.sub(lambda m: _PTB[m.group(0)], text)
        text = _SPACE_BEFORE.sub(r"\1", text)
        text = text.replace("( ", "(")
    return text


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def reads_as_headline(line: str) -> bool:
    """Whether a first line looks like a headline rather than body, furniture or a dateline."""
    line = line.strip()
    if not line or len(line) > 200 or _MENU_SEP.search(line) or _DATELINE.match(line):
        return False
    words = _WORD.findall(line)
    # Four words at least: three-word first lines are mostly site furniture ("Discover Thomson Reuters").
    if not (_MIN_WORDS + 1 <= len(words) <= _MAX_WORDS):
        return False
    # A headline does not end in a full stop (it may end in ? or !), nor in a comma or colon.
    if line.endswith((".", ",", ";", ":")) and not line.endswith("..."):
        return False
    # Mostly words, not numbers, codes or symbols.
    letters = sum(ch.isalpha() for ch in line)
    if letters < 0.6 * len(line.replace(" ", "")):
        return False
    return any(ch.isupper() for ch in line[:3]) or line[:1].isdigit()


def lead_sentence(text: str) -> str:
    """The first sentence of a text (line breaks end sentences too), abbreviations respected."""
    for para in text.split("\n"):
        if _MENU_SEP.search(para.strip()) or _DATELINE.match(para.strip()):
            continue  # navigation or a bare dateline, not the article's first sentence
        para = _squeeze(para)
        if not para:
            continue
        pieces = _SENTENCE_END.split(para)
        sentence = pieces[0]
        for piece in pieces[1:]:
            if not _ABBREV.search(sentence):
                break
            sentence = f"{sentence} {piece}"
        # Skip fragments too short to say anything (a byline, a stray label).
        if len(_WORD.findall(sentence)) >= _MIN_WORDS:
            return sentence
    return ""


def trim(text: str, limit: int = MAX_CHARS) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis; end stop dropped."""
    text = _squeeze(text).rstrip()
    if len(text) > limit:
        cut = text[: limit + 1]
        space = cut.rfind(" ")
        text = (cut[:space] if space > limit // 2 else cut[:limit]).rstrip(" ,;:-–—") + "…"
    elif text.endswith(".") and not text.endswith("..."):
        text = text[:-1]
    return text


def derive_title(text: str, *, source: str | None = None) -> tuple[str, str]:
    """A title for a titleless text, and how it was derived (:data:`FIRST_LINE` or :data:`LEAD_SENTENCE`).

    Raises :class:`ExtractionError` (naming ``source``) when the text has no
    words to make one from.
    """
    plain = detokenise(text or "").strip()
    lines = [ln.strip() for ln in plain.splitlines() if ln.strip()]
    if len(lines) >= 2 and reads_as_headline(lines[0]):
        return trim(lines[0], 200), FIRST_LINE
    lead = lead_sentence(plain)
    if not lead:
        # No sentence of three words: whatever words there are.
        lead = _squeeze(plain)
    if not _WORD.search(lead):
        raise ExtractionError("no title found and no text to derive one from", source=source)
    return trim(lead), LEAD_SENTENCE
