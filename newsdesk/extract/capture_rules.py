"""Line-level rules for plain-text captures: markup repair, chrome labels, dates, tags.

:mod:`newsdesk.extract.captures` decides *where* the article is in a capture;
this module answers the context-free questions it asks about single lines:
is this line site chrome (and which kind), is it a byline, a date, a headline,
prose? Everything here is a heuristic tuned to be conservative: when unsure a
line is kept, because losing a paragraph of the article is worse than keeping
a stray menu word.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta, timezone

# --------------------------------------------------------------------------- markup repair

# Entities arrive with spaces inside ("& nbsp ;", "&lt ;") after a copy through
# some CMS; only well-known names are rejoined so "AT&T ;" is left alone.
_SPACED_ENTITY = re.compile(
    r"&\s*(#\d{2,5}|#x[0-9a-fA-F]{2,4}|lt|gt|amp|nbsp|quot|apos|[lr]squo|[lr]dquo|[mn]dash|hellip|laquo"
    r"|raquo|copy)\s*;",
    re.IGNORECASE,
)
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
_BLOCK_TAGS = frozenset(
    {"p", "div", "ul", "ol", "tr", "table", "tbody", "thead", "tfoot", "br", "hr", "blockquote", "section",
     "article", "header", "footer", "figure", "figcaption", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5",
     "h6"}
)  # fmt: skip
_KNOWN_TAGS = "h[1-6]|p|li|ul|ol|td|th|tr|tbody|thead|table|div|span|b|i|em|strong|a|br|u"
# Half-eaten tags: "Talibanh2>" (the "<" and "/" lost), "</b" with no ">".
_STRAY_CLOSE = re.compile(rf"(?:<\s*/?\s*)?(?:{_KNOWN_TAGS})\s*/?\s*>", re.IGNORECASE)
_STRAY_OPEN = re.compile(rf"<\s*/?\s*(?:{_KNOWN_TAGS})\b\s*$", re.IGNORECASE)
_STYLE_ATTR = re.compile(r"\bstyle\s*=\s*[\"“”'][^\"“”'<>]*[\"“”']", re.IGNORECASE)
_SPACED_APOSTROPHE = re.compile(r"(\w)\s*([’'])\s+(s|t|d|m|ll|re|ve)\b|(\w)\s+([’'])(s|t|d|m|ll|re|ve)\b")
_SPACED_PUNCT = re.compile(r"(?<=\S)\s+([.,;:!?])(?=\s|$)")


def _tag_replacement(m: re.Match[str]) -> str:
    closing, name = m.group(1) == "/", m.group(2).lower()
    if name == "li":
        return "\n" if closing else "\n• "
    if name in ("td", "th"):
        # Closing cells become tab separators; the table step turns them into " — ".
        return "\t" if closing else ""
    if name in _BLOCK_TAGS:
        return "\n"
    return " "


def _fix_apostrophe(m: re.Match[str]) -> str:
    if m.group(1):
        return m.group(1) + m.group(2) + m.group(3)
    return m.group(4) + m.group(5) + m.group(6)


def despace_punctuation(text: str) -> str:
    """Undo the tokenizer-style spacing ("Russia ’ s", "values .") that markup debris leaves."""
    text = _SPACED_APOSTROPHE.sub(_fix_apostrophe, text)
    return _SPACED_PUNCT.sub(r"\1", text)


def repair_markup(line: str) -> tuple[str, bool]:
    """Turn HTML debris inside one captured line into plain text.

    Returns the repaired text (which may now hold several lines: block tags
    such as ``<p>`` or ``</li>`` started new paragraphs in the page) and
    whether anything was repaired.
    """
    original = line
    if "&" in line:
        line = _SPACED_ENTITY.sub(lambda m: f"&{m.group(1).lower()};", line)
        line = html.unescape(line)
    if "<" in line or ">" in line:
        line = _TAG.sub(_tag_replacement, line)
        line = _STRAY_CLOSE.sub(" ", line)
        line = _STRAY_OPEN.sub(" ", line)
    line = _STYLE_ATTR.sub(" ", line)
    if line == original and "<" not in line and ">" not in line:
        return line, False
    # Whatever angle brackets survive are fragments of tags, never prose.
    line = line.replace("<", " ").replace(">", " ")
    parts = [despace_punctuation(re.sub(r"[ \xa0]+", " ", p)).strip(" ") for p in line.split("\n")]
    return "\n".join(parts), True


def needs_despacing(line: str) -> bool:
    """Several " ." / " ," / " ’ s" in one line mean tokenized text, even without tags."""
    return len(_SPACED_PUNCT.findall(line)) + len(_SPACED_APOSTROPHE.findall(line)) >= 2


# --------------------------------------------------------------------------- line shapes

BULLET = re.compile(r"^(?:[•·▪◦●‣∙]\s*|[-*–]\s+)")
_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*$")
# A lone no-break space glues "10 km" together; only a run of spaces (with one) separates cells.
_TABLE_SEP = re.compile(r"(?:\xa0[ \xa0]+|[ ]+\xa0[ \xa0]*|[ ]{2,}|\t+)")


def words(line: str) -> int:
    return len(line.split())


def ends_sentence(line: str) -> bool:
    return bool(_TERMINAL.search(line.strip()))


def is_prose(line: str) -> bool:
    """A line that reads like article prose rather than a label, heading or link."""
    n = words(line)
    if n >= 30:
        return True
    if not ends_sentence(line):
        return False
    # Question and exclamation headlines end like sentences; prose lines of that length rarely do.
    return n >= 8 if re.search(r"[.…][\"”’')\]]*$", line.strip()) else n >= 16


def headline_like(line: str) -> bool:
    """A short line that could be a headline: a few words, not ending like a sentence."""
    text = line.strip()
    n = words(text)
    if not 3 <= n <= 30 or len(text) > 220 or text.startswith("•"):
        return False
    if text[-1] in ".,;:" or not re.search(r"[A-Za-z]", text):
        return False
    return find_date(text) is None or n > 6


def table_cells(line: str) -> list[str] | None:
    """Cells of a table header row whose cells were separated by runs of (non-breaking) spaces."""
    text = line.strip(" \xa0\t")
    if ends_sentence(text) or words(text) > 12:
        return None
    cells = [c.strip() for c in _TABLE_SEP.split(text) if c.strip()]
    # Two cells split by doubled spaces may just be a typo; ask for three unless tabs separate them.
    needed = 2 if "\t" in text else 3
    if len(cells) < needed or any(words(c) > 4 for c in cells):
        return None
    return cells


# --------------------------------------------------------------------------- dates

_MONTH_NAMES = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_TIME = (
    r"(?:,?\s+(?:at\s+)?(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>(?i:[ap]\.?\s?m\.?))?)?"
    r"(?:\s*(?P<tz>UTC|GMT|Z|[ECMP][SD]T|BST|CEST|CET|[+-]\d{2}:?\d{2})\b)?"
)
_DATE_PATTERNS = (
    re.compile(
        rf"\b(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})\b{_TIME}"
    ),
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH})\s*,?\s+(?P<y>(?:19|20)\d{{2}})\b{_TIME}"
    ),
    re.compile(
        r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})"
        r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?)?\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?"
    ),
)
_TZ_HOURS = {"UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
             "MDT": -6, "PST": -8, "PDT": -7, "BST": 1, "CET": 1, "CEST": 2}  # fmt: skip
RELATIVE_TIME = re.compile(
    r"(?i)(?:\b(?:published|posted|updated)\s*:?\s*)?\b(?:\d+|an?|one)\s+(?:seconds?|minutes?|mins?|hours?|hrs?"
    r"|days?|weeks?|months?)\s+ago\b"
)
WEEKDAY = re.compile(
    r"^(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\b\.?,?", re.IGNORECASE
)


def _to_datetime(m: re.Match[str]) -> datetime | None:
    g = m.groupdict()
    month = int(g["m"]) if g.get("m") else _MONTH_NAMES[g["mon"][:3].lower()]
    hour, minute, second = int(g.get("h") or 0), int(g.get("mi") or 0), int(g.get("s") or 0)
    ampm = (g.get("ampm") or "").replace(".", "").replace(" ", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    tz_name = g.get("tz") or "UTC"
    if tz_name in _TZ_HOURS:
        offset = timedelta(hours=_TZ_HOURS[tz_name])
    else:
        sign = -1 if tz_name[0] == "-" else 1
        digits = tz_name[1:].replace(":", "")
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    try:
        local = datetime(int(g["y"]), month, int(g["d"]), hour, minute, second, tzinfo=timezone(offset))
    except ValueError:
        return None
    return local.astimezone(UTC)


def find_date(text: str) -> tuple[datetime, re.Match[str]] | None:
    """The earliest well-formed date in ``text`` (English month names or ISO), as aware UTC."""
    found: list[tuple[int, datetime, re.Match[str]]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            when = _to_datetime(m)
            if when is not None:
                found.append((m.start(), when, m))
                break
    if not found:
        return None
    _, when, m = min(found, key=lambda f: f[0])
    return when, m


def date_only(line: str) -> bool:
    """The line is a date (with optional weekday, time, "Published"/"Updated" label) and nothing else."""
    hit = find_date(line)
    if hit is None:
        return False
    rest = line[: hit[1].start()] + line[hit[1].end() :]
    rest = WEEKDAY.sub("", rest.strip())
    rest = RELATIVE_TIME.sub(" ", rest)
    rest = re.sub(r"(?i)\b(?:published|posted|updated|last updated|on|at|ago)\b|[:|,•·\-–—]", " ", rest)
    return not rest.strip()


# --------------------------------------------------------------------------- bylines and names

_NAME_PARTICLES = frozenset(
    {"de", "da", "di", "del", "der", "den", "van", "von", "la", "le", "al", "bin", "ibn", "du", "dos",
     "das", "y"}
)  # fmt: skip
_NOT_NAME_WORDS = re.compile(
    r"(?i)\b(?:staff|writer|reporter|correspondent|editor|contributor|desk|team|press|news|agency|"
    r"reuters|afp|bureau|times|post|online|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|"
    r"january|february|march|april|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday)\b"
)
_BYLINE = re.compile(r"^(?:by|written by|posted by|words by|story by|text by)\s+(?P<rest>.+)$", re.IGNORECASE)
_BYLINE_END = re.compile(r"\s*(?:[|•·]|\s[-–—]\s|\bon\s+(?=\w+\s+\d)|,\s*(?=\d|[A-Z][a-z]{2,8}\.?\s+\d))")


def name_like(text: str) -> bool:
    """A person's name: 2-5 capitalised words (particles allowed), no digits, no job words."""
    parts = text.strip().split()
    if not 2 <= len(parts) <= 5 or re.search(r"\d|[.:;!?]$", text) or _NOT_NAME_WORDS.search(text):
        return False
    return all(p[:1].isupper() or p.lower() in _NAME_PARTICLES for p in parts)


_NAME_IN_PLACE = re.compile(r"^(?P<name>.+?)\s+in\s+(?P<place>[A-Z][\w’'.-]*(?:\s[A-Z][\w’'.-]*){0,2})$")


def name_in_place(line: str) -> str | None:
    """The name of a "Jane Doe in Rotterdam" byline (callers check a date follows: headlines look alike)."""
    m = _NAME_IN_PLACE.match(line.strip())
    return m.group("name") if m and name_like(m.group("name")) else None


def credit_names(line: str) -> list[str]:
    """Reporters named by a wire credit line ("Reporting by Lee Chan; Editing by Maria Ortiz")."""
    m = re.match(r"(?i)^(?:additional\s+)?reporting by\s+(?P<names>[^;.()]+)", line.strip())
    if not m:
        return []
    names = [n.strip() for n in re.split(r",|&|\band\b", m.group("names"))]
    return [
        re.sub(r"\s+in\s+[A-Z].*$", "", n) for n in names if name_like(re.sub(r"\s+in\s+[A-Z].*$", "", n))
    ]


def affiliation_like(line: str) -> bool:
    """The line under an author's name: outlet, role or place ("BBC News, Nairobi", "Staff Reporter")."""
    text = line.strip()
    if words(text) > 6 or ends_sentence(text):
        return False
    return bool(
        re.search(r",|\b(?:News|Correspondent|Reporter|Editor|Writer|Staff|Bureau|Contributor)\b", text)
    )


def parse_byline(line: str) -> list[str] | None:
    """The author names of a byline line ("By Jane Doe | March 3, 2024"), or None if it is not one."""
    m = _BYLINE.match(line.strip())
    if not m:
        return None
    names_part = _BYLINE_END.split(m.group("rest"), maxsplit=1)[0]
    names = [n.strip(" ,") for n in re.split(r",|&|\band\b", names_part)]
    names = [n for n in names if n]
    good = [n for n in names if name_like(n)]
    if not good or len(good) < len(names) - 1:
        return None
    return good


# --------------------------------------------------------------------------- chrome labels


# Lines that are nothing but chrome, by label; a row starting with "|" continues the one above.
_EXACT_TABLE = """
accessibility links = accessibility links|skip to content|skip to main content|skip navigation
breaking news = breaking news|breaking|live|trending|trending now|latest news
table of contents = table of contents|contents|toggle|in this article|jump to|hide|show
search box = no result|view all result|search|search for
advertisement = advertisement|advertisements|sponsored|ad|scroll to continue with content
  |story continues below advertisement|continue reading below
share buttons = share|share this|share this article|share this story|tweet|pin|email|print|copy link
  |whatsapp|follow|follow us|sharetweetpin|save|bookmark|reuse this content|listen|comment
  |listen to this article
previous/next post = previous post|next post|previous article|next article|prev|next|older post|newer post
related posts = related posts|related articles|related stories|related|you may also like|more stories
  |read more|recommended|also read|read next|more from this author|more news|related topics|top stories
  |more on this story|explore more on these topics|more like this|you might also like|editor's picks
  |latest|latest stories
categories = categories|category
tag cloud = tags|tag cloud|popular tags
archives = archives|archive|recent posts|popular posts|recent comments|most read|most popular
  |most viewed|most shared
timestamp = published|updated|last updated
mobile version link = go to mobile version|view desktop version|back to top|scroll to top
menu = home|about us|about|our authors|authors|contact us|contact|advertise|advertise with us|careers
  |sitemap|rss|newsletter|subscribe|sign in|log in|login|register|donate|menu|close|open menu|navigation
  |sections
legal links = legal pages|privacy policy|terms of use|terms of service|terms and conditions|cookie policy
  |cookie privacy policy|dmca|california consumer privacy act (ccpa)|do not sell my personal information
  |disclaimer
image placeholder = image|photo|video|gallery|enlarge image|enlarge this image|hide caption
  |toggle caption|caption
comments = comments|leave a reply|leave a comment|post a comment|add a comment
author bio = about the author|about the authors|author|more from the author
"""


def _exact_phrases(table: str) -> dict[str, str]:
    rows: list[str] = []
    for raw in table.strip().splitlines():
        if raw.strip().startswith("|"):
            rows[-1] += raw.strip()
        else:
            rows.append(raw.strip())
    return {
        phrase: label
        for label, _, phrases in (row.partition(" = ") for row in rows)
        for phrase in phrases.split("|")
    }


_EXACT = _exact_phrases(_EXACT_TABLE)
_SHARE_WORDS = (
    r"share|tweet|pin|email|e-mail|print|whatsapp|linkedin|reddit|telegram|facebook|twitter|x|copy link"
)
_SHARE_RUN = re.compile(rf"^(?:(?:{_SHARE_WORDS})(?:\s+(?:on|via|to)\s+\w+)?\s*[|/·•]?\s*){{2,}}$", re.I)
_SHARE_ON = re.compile(rf"^(?:share|follow us)\s+(?:on|via)\s+(?:{_SHARE_WORDS})\b.{{0,40}}$", re.I)
_IMAGE_SIZE = re.compile(r"^\d+\s*[x×:]\s*\d+\s+(?:image|photo|video)$", re.I)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)|\ball rights reserved\b", re.I)
_COUNT_ITEM = re.compile(r"[^()\n]{2,40}?\s*\(\d[\d,]*\)")
_ARCHIVE = re.compile(rf"^{_MONTH}\s+(?:19|20)\d{{2}}(?:\s*\(\d[\d,]*\))?$", re.I)
_CAL_WEEKDAYS = re.compile(r"^(?:[MTWFS]\s+){6}[MTWFS]$|^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+){6}\w{3}$")
_CAL_NAV = re.compile(r"^(?:«\s*\w{3,9}\.?(?:\s+»)?|«?\s*\w{3,9}\.?\s*»|«\s*\w{3,9}\.?\s+\w{3,9}\.?\s*»)$")
_TAGS_LINE = re.compile(r"^(?:tags|tagged(?: with)?|topics|keywords|filed under)\s*:\s*(?P<tags>.+)$", re.I)
_COOKIE = re.compile(r"\bcookies?\b.*\b(?:consent|continuing|accept|agree|use of cookies|privacy)\b", re.I)
# An article about cookie law mentions consent too; a notice also addresses the reader or the site.
_COOKIE_ADDRESS = re.compile(r"\b(?:you|your|we|our|this (?:web)?site)\b", re.I)
_AGENCY_CREDIT = re.compile(
    r"^(?:[\w .'’-]{1,40}/\s*)?(?:getty images|afp|reuters|ap photo|ap|epa|epa-efe|shutterstock|pa media|pa"
    r"|alamy|anadolu|xinhua|bloomberg|afp via getty images)(?:\s*/\s*[\w .'’-]{1,40})?$",
    re.I,
)
_MENU_ROW = re.compile(r"^[^|]{1,25}(?:\s\|\s[^|]{1,25}){2,}$")
_READING_TIME = re.compile(r"^\d+\s*(?:min|mins|minutes?)\.?\s+read$", re.I)
_PHOTO_CREDIT = re.compile(r"^\(?(?:photo|image|picture|file photo|photograph)s?(?: credit)?\s*[:/|]", re.I)
_CREDITS = re.compile(r"^(?:reporting|additional reporting|editing|writing|compiled) by\b", re.I)
_RELATED_LINK = re.compile(r"^(?:read more|related|see also|also read|read also|watch|listen)\s*:\s*\S", re.I)
_REPOST = re.compile(
    r"^(?:view (?:the )?original (?:post|article|story)|read the original (?:post|article|story)\b.*"
    r"|(?:this (?:article|story|post|piece) )?(?:was )?originally (?:published|posted|appeared)\b.*"
    r"|(?:this (?:article|story|post|piece) )?(?:is )?republished (?:from|with permission)\b.*"
    r"|this (?:article|story|post|piece) first appeared (?:on|in|at)\b.*)$",
    re.I,
)


def tags_line(line: str) -> str | None:
    m = _TAGS_LINE.match(line.strip())
    return m.group("tags").strip() if m else None


def is_repost_notice(line: str) -> bool:
    text = line.strip().strip("*_")
    # "Originally published in 1851, the paper ..." is history, not a repost notice.
    if words(text) > 16 or re.search(r",\s+(?:the|a|an|it|he|she|they|and|but)\b", text, re.I):
        return False
    return bool(_REPOST.match(text))


def chrome_label(line: str) -> str | None:
    """Which kind of site chrome this line is, or None for a line that may belong to the article."""
    text = BULLET.sub("", line.replace("\t", " ").strip()).strip()
    if not text:
        return "empty list item"
    key = re.sub(r"[\s:»›>|]+$", "", text.lower())
    key = re.sub(r"\s+", " ", key)
    if key in _EXACT:
        return _EXACT[key]
    if not re.search(r"[^\W\d_]", text):
        return "calendar" if re.fullmatch(r"[\d\s]+", text) else "junk"
    if _SHARE_RUN.match(text) or _SHARE_ON.match(text) or key.replace(" ", "") == "sharetweetpin":
        return "share buttons"
    if is_repost_notice(text):
        return "repost notice"
    if tags_line(text) is not None:
        return "tags"
    if _IMAGE_SIZE.match(text):
        return "image placeholder"
    if words(text) <= 25 and _COPYRIGHT.search(text):
        return "copyright"
    if words(text) <= 60 and _COOKIE.search(text) and _COOKIE_ADDRESS.search(text):
        return "cookie notice"
    counts = _COUNT_ITEM.findall(text) if re.search(r"\(\d[\d,]*\)", text) else []
    if counts and sum(map(len, counts)) >= 0.8 * len(text):
        if _ARCHIVE.match(text):
            return "archives"
        return "tag cloud" if len(counts) >= 3 else "category counts"
    if _ARCHIVE.match(text):
        return "calendar"
    if _CAL_WEEKDAYS.match(text) or _CAL_NAV.match(text):
        return "calendar"
    if RELATIVE_TIME.fullmatch(text.strip(" .")):
        return "relative time"
    if words(text) <= 8 and _AGENCY_CREDIT.match(text):
        return "photo credit"
    if _MENU_ROW.match(text) and all(words(p) <= 3 for p in text.split("|")):
        return "menu"
    if _READING_TIME.match(text):
        return "reading time"
    if _PHOTO_CREDIT.match(text) and words(text) <= 15:
        return "photo credit"
    if _CREDITS.match(text) and words(text) <= 20:
        return "credits"
    if _RELATED_LINK.match(text) and words(text) <= 25:
        return "related links"
    return None


def copyright_owner(line: str) -> str:
    """The site named by a copyright line ("© 2024 Capital Cities" -> "Capital Cities")."""
    text = re.sub(r"(?i)\ball rights reserved\.?", "", line)
    text = re.sub(r"(?i)^\s*(?:©|\(c\)|copyright)\s*(?:©\s*)?", "", text)
    text = re.sub(r"^\s*(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?\s*,?", "", text)
    text = re.split(r"\s[|•·]\s|\.\s", text)[0].strip(" .,-–—|")
    return text if 0 < words(text) <= 6 else ""


# --------------------------------------------------------------------------- tags

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _split_glued(word: str, vocab: set[str]) -> list[str]:
    """Split "Policygeopolitical" into "Policy", "geopolitical" when both halves occur elsewhere."""
    if word.lower() in vocab or len(word) < 6:
        return [word]
    best: tuple[int, int] | None = None
    for cut in range(3, len(word) - 2):
        left, right = word[:cut], word[cut:]
        if right[0].islower() and left.lower() in vocab and right.lower() in vocab:
            score = min(len(left), len(right))
            if best is None or score > best[0]:
                best = (score, cut)
    return [word] if best is None else [word[: best[1]], word[best[1] :]]


def split_tags(raw: str, vocab: set[str]) -> list[str]:
    """Split a "Tags:" value into tags.

    Separators (commas, pipes, bullets, runs of spaces) win when present. Tag
    widgets copied from a browser often lose them, leaving
    "AfghanistanChinaChina-Russia RelationsForeign Policygeopolitical issues":
    a new tag starts where a lowercase letter meets an uppercase one (unless
    the capture uses that camel-cased word elsewhere, like "YouTube"), and where
    a word only makes sense as two words the capture knows ("Policy" +
    "geopolitical"). Spaces inside a piece are kept, so multiword tags survive.
    ``vocab`` is the lowercased word set of the capture outside the tags line.
    """
    if re.search(r"[,;|•·]|\s{2,}|\t", raw):
        parts = re.split(r"\s*[,;|•·]\s*|\s{2,}|\t", raw)
        return [p.strip() for p in parts if p.strip()]
    pieces: list[str] = []
    current: list[str] = []
    for token in raw.split():
        sub = [token] if token.lower() in vocab else _CAMEL.split(token)
        for i, frag in enumerate(sub):
            glued = _split_glued(frag, vocab)
            for j, part in enumerate(glued):
                if (i > 0 or j > 0) and current:
                    pieces.append(" ".join(current))
                    current = []
                current.append(part)
    if current:
        pieces.append(" ".join(current))
    unique: list[str] = []
    for piece in pieces:
        if piece.lower() not in (u.lower() for u in unique):
            unique.append(piece)
    return unique


def vocabulary(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


# --------------------------------------------------------------------------- body shapes

_DATELINE = re.compile(
    r"^(?P<dl>(?P<place>[A-Z][A-Z.'’-]*(?:\s[A-Z][A-Z.'’-]*){0,3})"
    r"(?P<rest>(?:,\s*[A-Z][\w.'’-]*(?:\s[A-Z0-9][\w.'’-]*){0,2}){0,2})"
    r"(?:\s*\((?P<agency>[A-Za-z][\w .&/'’-]{0,30})\))?)"
    r"\s*(?P<sep>:|—|–|--|-)\s+"
)
_NOT_DATELINE = frozenset(
    [
        "BREAKING",
        "UPDATE",
        "UPDATED",
        "WATCH",
        "EXCLUSIVE",
        "ANALYSIS",
        "OPINION",
        "EDITOR",
        "NOTE",
        "LIVE",
        "VIDEO",
    ]
)


def match_dateline(paragraph: str) -> tuple[str, str, str] | None:
    """(dateline, agency, rest of the paragraph) for "CITY, Region (AGENCY) — text", else None."""
    m = _DATELINE.match(paragraph)
    if not m:
        return None
    place = m.group("place")
    if len(re.sub(r"[^A-Z]", "", place)) < 4 or place.split()[0].strip(".:") in _NOT_DATELINE:
        return None
    # Capitals then a colon or hyphen is common in prose ("NOTE: ..."); only an agency makes it a dateline.
    if not m.group("agency") and m.group("sep") not in ("—", "–", "--"):
        return None
    rest = paragraph[m.end() :]
    return m.group("dl").strip(), (m.group("agency") or "").strip(), rest[:1].upper() + rest[1:]


_PHOTO_VERB = re.compile(
    r"\b(?:listens?|speaks?|attends?|delivers?|walks?|gestures?|arrives?|poses?|looks on|stands?|sits?"
    r"|waves?|holds?|shakes? hands|greets?|is seen|are seen|pictured|addresses)\b"
)
_CAPTION_END = re.compile(
    rf"\bon {_MONTH} \d{{1,2}}(?:, \d{{4}})?\.$|\((?:photo|file|reuters|ap|afp|getty)", re.IGNORECASE
)


def lead_caption(line: str) -> bool:
    """A photo caption above the first paragraph: one present-tense sentence ending in a date or credit."""
    if words(line) > 45 or re.search(r"[“”\"]", line) or len(re.findall(r"[.!?]\s", line)) > 0:
        return False
    return bool(_PHOTO_VERB.search(line) and _CAPTION_END.search(line))
