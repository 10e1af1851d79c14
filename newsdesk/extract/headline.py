"""The headline among the titles a page gives: <h1>s, og:title, JSON-LD, <title>, <h2>s.

:func:`choose_title` picks it from what :func:`.metadata.collect` read; the site-name
keys (:func:`site_keys`) that cut "Headline | Site" also keep site names out of bylines.
"""

from __future__ import annotations

import re
import unicodedata

from .metadata import PageMeta, clean, fold

_TITLE_SEP = re.compile(r"\s+[|–—·•»«:/~⋆*›‹-]{1,3}\s+|\s*[|·•»«]\s*")
_WORD = re.compile(r"\w+")
#: <title> segments that name a page type, not the article
_GENERIC_SEGMENTS = ("blogarchive", "blogarchiv", "home", "startseite", "homepage", "accueil", "inicio")
_KICKER_SEP = re.compile(r"\s*[|–—·•»«:]\s+|\s+[|–—·•»«/-]\s+")
#: share of words (Dice) an <h1> must have in common with a declared title to be taken
H1_MIN_OVERLAP = 0.4
#: share of words (Dice) a page's only <h1> needs with the title its declared titles agree on
#: (og:title, <title>, ... all the same once site names are cut) to be taken over it
H1_AGREED_MIN = 0.3
#: share of words (Dice) a declared title needs with an <h1> in capitals to give its spelling
H1_CAPITALS_MIN = 0.8


def site_keys(site_names: list[str], host: str, domain: str) -> list[str]:
    """Fold keys that identify the site: its names, its domain and host labels."""
    keys = [fold(s) for s in site_names]
    if domain:
        keys += [fold(domain), fold(domain.split(".")[0])]
        sub = host.removesuffix(domain).strip(".")
        keys += [fold(label) for label in sub.split(".") if label not in ("www", "m", "amp", "blog", "news")]
    return [k for k in dict.fromkeys(keys) if len(k) >= 3]


def _is_site(segment: str, keys: list[str]) -> bool:
    f = fold(segment)
    if not f or f in _GENERIC_SEGMENTS:
        return True
    for k in keys:
        if f == k or (len(f) >= 5 and f in k):
            return True
        # "Helge.at", "Piratenpartei Marburg-Biedenkopf": the name plus a little
        if len(k) >= 5 and (f.startswith(k) or f.endswith(k)) and len(f) <= 1.6 * len(k) + 4:
            return True
    return False


def strip_site(title: str, keys: list[str], *, pipes: bool = True, head: bool = True) -> str:
    """Drop a leading or trailing '… | Site name' segment that names the site.

    With ``pipes``, also short '| Section | Site' tails whatever they say; without
    ``head``, only trailing segments.
    """
    title = clean(title)
    # after a pipe come site names and sections ("Headline | iPhone | Forum | Site"),
    # whether or not we know the site's name
    while pipes:
        before, sep, after = title.rpartition(" | ")
        if not sep or len(before) < 10 or len(after) > 40 or len(after.split()) > 5:
            break
        title = before.strip()
    for _ in range(2):  # "Headline - Section - Site" needs two passes
        spans = [(m.start(), m.end()) for m in _TITLE_SEP.finditer(title)]
        if not spans:
            break
        lead, tail = title[: spans[0][0]], title[spans[-1][1] :]
        if tail and _is_site(tail, keys) and len(title[: spans[-1][0]].strip()) > 3:
            title = title[: spans[-1][0]].strip()
        elif head and lead and _is_site(lead, keys) and len(title[spans[0][1] :].strip()) > 3:
            title = title[spans[0][1] :].strip()
        else:
            break
    return title


# Titles of what is not an article's headline: error and login pages, bot walls, a page
# type or section name standing alone. Compared on the whole title, lower-cased, without
# punctuation at the ends; a headline that merely contains these words is untouched.
_NOT_HEADLINE = re.compile(
    r"""^(?:(?:\d{3}\s*)?(?:error|not\s+found|page\s+not\s+found|forbidden|access\s+denied|bad\s+request)
    |\d{3}|oops.*|sorry.*not\s+found.*|page\s+(?:not\s+found|unavailable)|this\s+page\s+.*(?:not|n't)\s+.*
    |sign\s*in|sign\s*up|log\s*in|login|log\s*on|register|create\s+(?:an\s+)?account|subscribe(?:\s+now)?
    |just\s+a\s+moment.*|attention\s+required.*|are\s+you\s+a\s+(?:robot|human).*|security\s+check.*|captcha
    |home(?:\s*page)?|start(?:seite)?|about(?:\s+us)?|contact(?:\s+us)?|untitled(?:\s+document)?|index|welcome
    |search(?:\s+results)?|blog|news|archives?|menu|skip\s+to\s+(?:main\s+)?content|cookies?.*|privacy\s+policy
    |loading.*|redirecting.*|(?:open|close|toggle|main)?\s*(?:menu|navigation)(?:\s+(?:open|close|menu))*
    |(?:open\s+menu\s+)?close\s+menu)$""",
    re.IGNORECASE | re.VERBOSE,
)


def not_headline(title: str) -> bool:
    """Whether a title is an error, login or bare section page's, not an article's headline."""
    return bool(_NOT_HEADLINE.match(clean(title).strip(" .!?:;,-–—|·•*\"'«»“”")))


def _words(text: str) -> set[str]:
    return set(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _segments(title: str) -> list[str]:
    return [p.strip() for p in _KICKER_SEP.split(title) if p.strip()]


def _ends_with_words(text: str, tail: str) -> bool:
    """Whether ``tail`` is the last whole words of ``text`` (compared by fold)."""
    words = [fold(w) for w in _WORD.findall(unicodedata.normalize("NFKC", text))]
    ft = fold(tail)
    acc = ""
    for w in reversed(words):
        acc = w + acc
        if acc == ft:
            return True
        if len(acc) >= len(ft):
            return False
    return False


def _h2_title(h2s: list[str], declared: list[str], keys: list[str]) -> str:
    """The <h2> that shows a whole declared title, else the longest declared title segment an <h2> shows."""
    by_fold: dict[str, str] = {}
    for h in h2s:
        if len(h) <= 300 and len(fold(h)) >= 8:
            by_fold.setdefault(fold(h), h)
    for title in declared:
        if title and fold(title) in by_fold:
            return by_fold[fold(title)]
    # the longest such segment: a site or section name set in an <h2> is shorter than the headline
    shown = [
        by_fold[fold(segment)]
        for title in declared
        if title
        for segment in _TITLE_SEP.split(title)
        if fold(segment) in by_fold and not _is_site(segment, keys)
    ]
    return max(shown, key=len, default="")


def choose_title(pm: PageMeta, site_names: list[str], host: str, domain: str) -> str:
    """The headline: the <h1> the declared titles confirm, else the best declared title.

    Pages show their headline in an <h1>, but many also use <h1> for the logo or a
    section name, wrap a kicker ("Dachzeile") into it, while og:title/<title> are often
    a shortened or SEO variant with the site name glued on. <h1>s that are the site's
    logo (a link home, a logo class) or its name are ignored. Then, in order: an <h1>
    whose markup marks a kicker, without it; an <h1> equal to og:title; an <h1> part
    that a declared title confirms; a declared title that is the <h1> minus a kicker;
    the page's only <h1>, unless it is a word or two ("Details", a section name) that
    shares no word with the title the declared titles agree on; an <h1> sharing most of
    its words with a declared title; the first declared title with site affixes removed.
    """
    logos = pm.h1_logo or [False] * len(pm.h1)
    # an <h1> that is the site's logo names the site: "Headline » Logo text" in <title>
    logo_names = [h for h, logo in zip(pm.h1, logos, strict=False) if logo]
    keys = site_keys(site_names, host, domain)
    # only to cut affixes: a logo <h1> ("privacy policy") can be a word of the headline too
    affix_keys = site_keys(site_names + logo_names, host, domain) if logo_names else keys
    raw = [
        pm.first("og:title"),
        clean(pm.ld_first("headline")),
        pm.first("twitter:title"),
        pm.title_tag,
        pm.first("dc.title", "title", "headline", "parsely-title"),
    ]
    refs = [
        r
        for r in (strip_site(x, affix_keys) for x in raw if x)
        if r and not _is_site(r, keys) and not not_headline(r)
    ]
    ref_folds = {fold(r) for r in refs}
    seg_folds = {fold(s) for r in raw if r for s in _segments(r)} | ref_folds
    headlines = pm.h1_headline or [""] * len(pm.h1)
    h1s = [
        (strip_site(h, keys, pipes=False, head=False), parts, headline)
        for h, parts, headline, logo in zip(pm.h1, pm.h1_parts, headlines, logos, strict=False)
        if len(h) <= 300 and not logo and not _is_site(h, keys) and not not_headline(h)
    ]
    for _h, _parts, headline in h1s:
        # the markup says which part is the kicker: the headline is the rest
        if headline and not _is_site(headline, keys):
            return headline
    og = {fold(raw[0]), fold(strip_site(raw[0], keys))} if raw[0] else set()
    for h, _parts, _hl in h1s:
        # og:title is the editors' own title: an <h1> that says the same, kicker and all, is it
        if fold(h) in og:
            return h
    for _h, parts, _hl in h1s:
        confirmed = [p for p in parts if len(fold(p)) >= 8 and fold(p) in seg_folds]
        if confirmed:
            # the headline follows its kicker
            return confirmed[-1]
    for h, _parts, _hl in h1s:
        fh = fold(h)
        if pm.title_tag and fh == fold(pm.title_tag):
            # the <h1> repeats the document's <title>, site name and all: cut it the same way
            stripped = strip_site(h, affix_keys)
            if stripped and fold(stripped) != fh and not not_headline(stripped):
                return stripped
        if h.isupper() and fh not in ref_folds:
            # an <h1> in capitals with a word or two more or less than a declared title: the
            # declared spelling ("BEST DRIP COFFEE MAKER IN 2026" / "Best Drip Coffee Maker 2026")
            close = [r for r in refs if _dice(_words(h), _words(r)) >= H1_CAPITALS_MIN]
            if close:
                return close[0]
        if fh in ref_folds:
            # the same words: an <h1> in capitals (CSS or shouting) reads better as declared
            return next((r for r in refs if fold(r) == fh), h) if h.isupper() else h
        for r in refs:
            if len(fold(r)) >= 0.4 * len(fh) and _ends_with_words(h, r):
                return r
    # a page's only <h1> is its headline far more often than not, even when og:title is an
    # SEO rewrite of it; not when two declared titles agree on one that shares no word with it
    if len(h1s) == 1 and sum(not logo for logo in logos) == 1:
        hw = _words(h1s[0][0])
        agreed = len(refs) >= 2 and len(ref_folds) == 1
        if not (agreed and len(hw) <= 2 and not any(hw & _words(r) for r in refs)):
            # ... unless, on a page that is no article (a product, service or listing page, whose
            # <h1> is a slogan), the declared titles agree on one the <h1> hardly shares
            if not (agreed and not pm.is_article() and _dice(hw, _words(refs[0])) < H1_AGREED_MIN):
                return h1s[0][0]
            return refs[0]
    best, best_score = "", 0.0
    for h, _parts, _hl in h1s:
        hw = _words(h)
        score = max((_dice(hw, _words(r)) for r in refs), default=0.0)
        if score > best_score:
            best, best_score = h, score
    if best and best_score >= H1_MIN_OVERLAP:
        return best
    # no <h1> the declared titles confirm: a page that sets its headline in an <h2> shows
    # one declared title, or one of its segments, there ("Blog name | Headline")
    shown = _h2_title(pm.h2, raw, keys)
    if shown:
        return shown
    if refs:
        return refs[0]
    if len(h1s) == 1:
        return h1s[0][0]
    return next((h for h in pm.h1 if not not_headline(h)), "")
