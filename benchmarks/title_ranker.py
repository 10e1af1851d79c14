"""Experiment: can a small learned model pick the title better than the rules? (No, so far.)

    nice .venv/bin/python benchmarks/title_ranker.py

Pages name their article in several places that disagree: the visible ``<h1>`` (with a
kicker, or the logo), ``og:title`` and ``twitter:title`` (often an SEO rewrite),
JSON-LD ``headline``, ``<title>`` with the site and section glued on. The product's
rules (``headline.choose_title``) pick one. Here every candidate (each distinct text
once, with the places that give it, the rules' pick among them) is described by
features that hold across sites (where it comes from, how many places agree on it,
whether the rules chose it, length, separators, site-name affixes) and ranked by a
pairwise logistic regression fitted on both extraction dev sets, each weighted equally.

Printed per set: the rules alone, the model fitted on both sets (in-sample) and the
model fitted on the other set only (leave-one-set-out), as exact-title accuracy over
the pages with a gold title, and the ceiling (a right candidate exists). The product
ships the rules until a model beats them leave-one-set-out on both sets; the figures
are in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import pickle
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from extraction import norm_title  # noqa: E402
from extraction_sets import CACHE, SETS, load_set  # noqa: E402
from trafilatura.utils import load_html  # noqa: E402

from newsdesk.extract import html as html_mod  # noqa: E402
from newsdesk.extract.headline import (  # noqa: E402
    _TITLE_SEP,
    _is_site,
    choose_title,
    not_headline,
    site_keys,
    strip_site,
)
from newsdesk.extract.metadata import PageMeta, clean, collect, fold  # noqa: E402

#: L2 strength of the logistic regression (sklearn's C); one value for both sets
C = 1.0

#: the families of places a candidate comes from (agreement counts families, not variants)
_FAMILIES = ("og", "ld", "tw", "tag", "dc", "h1", "h2")
_WORD = re.compile(r"\w+")
_SEP_IN = re.compile(r"\s[|–—·•»«:/~-]\s|\s*[|·•»«]\s*|:\s")


@dataclass
class Candidate:
    text: str
    sources: set[str] = field(default_factory=set)


def _ld_title(pm: PageMeta) -> str:
    for key in ("headline", "name"):
        value = pm.ld_first(key)
        if isinstance(value, str) and clean(value):
            return clean(value)
    return ""


def candidates(pm: PageMeta, keys: list[str], chosen: str) -> list[Candidate]:
    """Every distinct title the page offers, with the places that give it."""
    found: dict[str, Candidate] = {}

    def add(source: str, text: str) -> None:
        text = clean(text)
        if not text or len(text) > 300:
            return
        key = fold(text)
        if not key:
            return
        found.setdefault(key, Candidate(text)).sources.add(source)

    declared = {
        "og": pm.first("og:title"),
        "ld": _ld_title(pm),
        "tw": pm.first("twitter:title"),
        "tag": pm.title_tag,
        "dc": pm.first("dc.title", "title", "headline", "parsely-title"),
    }
    for family, value in declared.items():
        if not value:
            continue
        add(f"{family}:raw", value)
        add(f"{family}:strip", strip_site(value, keys))
        segments = [s.strip() for s in _TITLE_SEP.split(value) if s.strip()]
        if len(segments) > 1:
            add(f"{family}:first", segments[0])
            add(f"{family}:longest", max(segments, key=len))
    logos = pm.h1_logo or [False] * len(pm.h1)
    for i, (h1, logo) in enumerate(zip(pm.h1[:3], logos, strict=False)):
        kind = "h1logo" if logo else "h1" if i == 0 else "h1later"
        add(f"h1:{kind}", h1)
        if pm.h1_headline[i]:
            add("h1:headline", pm.h1_headline[i])
        for part in pm.h1_parts[i]:
            add("h1:part", part)
    for h2 in pm.h2[:2]:
        add("h2:h2", h2)
    if chosen:
        add("rule:chosen", chosen)
    return list(found.values())


def features(c: Candidate, pm: PageMeta, keys: list[str], all_cands: list[Candidate]) -> dict[str, float]:
    """The candidate's features (names as the model file keys them)."""
    f: dict[str, float] = {f"src:{s}": 1.0 for s in c.sources}
    families = {s.split(":", 1)[0] for s in c.sources} & set(_FAMILIES)
    f["agree"] = len(families) / 3
    f["agree>=2"] = float(len(families) >= 2)
    words = _WORD.findall(unicodedata.normalize("NFKC", c.text))
    n = len(words)
    f["words<=2"] = float(n <= 2)
    f["words3-5"] = float(3 <= n <= 5)
    f["words>=13"] = float(n >= 13)
    f["words>=20"] = float(n >= 20)
    f["has_sep"] = float(_SEP_IN.search(c.text) is not None)
    f["upper"] = float(c.text.isupper() and n >= 2)
    f["not_headline"] = float(not_headline(c.text))
    f["is_site"] = float(_is_site(c.text, keys))
    fc = fold(c.text)
    f["has_site"] = float(any(len(k) >= 4 and k in fc and k != fc for k in keys))
    f["ends_period"] = float(c.text.rstrip().endswith("."))
    # inside a longer candidate (a shortened form), or containing a shorter one (an extended form)
    others = [fold(o.text) for o in all_cands if o is not c]
    f["inside_other"] = float(any(fc in o for o in others if len(o) > len(fc)))
    f["contains_other"] = float(any(o in fc for o in others if 0 < len(o) < len(fc) and len(o) >= 8))
    f["article_page"] = float(pm.is_article())
    f["one_h1"] = float(sum(not logo for logo in (pm.h1_logo or [])) == 1)
    f["no_h1"] = float(not pm.h1)
    return f


@dataclass
class TitleModel:
    weights: dict[str, float]
    bias: float

    def score(self, feats: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in feats.items())
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


Page = tuple[str, str, list[dict[str, float]], list[bool], int]  # id, rule text, feats, labels, rule idx


def _read_pages(name: str) -> list[tuple[str, str, PageMeta, list[str], str]]:
    """(id, gold title, page metadata, site keys, the rules' title) per page with a gold title.

    Parsing is most of the cost: cached per version of the code that reads pages.
    """
    h = hashlib.sha1(name.encode())
    for part in ("metadata.py", "headline.py", "html.py"):
        h.update((ROOT / "newsdesk" / "extract" / part).read_bytes())
    cache = CACHE / "title-pages" / f"{name}-{h.hexdigest()[:12]}.pickle"
    if cache.exists():
        return pickle.loads(cache.read_bytes())  # type: ignore[no-any-return]
    ds = load_set(name)
    gold = {g.id: g for g in ds.gold}
    out = []
    for path in ds.inputs:
        for line in path.open(encoding="utf-8"):
            obj = json.loads(line)
            g = gold[obj["id"]]
            if not g.title.strip():
                continue
            text = unicodedata.normalize("NFC", obj["html"])
            tree = load_html(text)
            if tree is None:
                tree = load_html(f"<html><body>{text}</body></html>")
            if tree is None:
                continue
            url = obj["url"]
            pm = collect(tree, url)
            base = html_mod._canonical(pm, url) or url
            host, domain = html_mod._host(base), html_mod.registered_domain(base)
            site = html_mod._site_name(pm)
            keys = site_keys([site] if site else [], host, domain)
            chosen = choose_title(pm, [site] if site else [], host, domain)
            out.append((g.id, g.title, pm, keys, chosen))
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(out))
    return out


def page_rows(name: str) -> list[Page]:
    """(id, the rules' title, candidate features, candidate labels, index of the rules' candidate)."""
    rows: list[Page] = []
    for gid, gold, pm, keys, chosen in _read_pages(name):
        cands = candidates(pm, keys, chosen)
        feats = [features(c, pm, keys, cands) for c in cands]
        want = norm_title(gold)
        labels = [norm_title(c.text) == want for c in cands]
        rule = next((i for i, c in enumerate(cands) if "rule:chosen" in c.sources), -1)
        rows.append((gid, chosen, feats, labels, rule))
    return rows


def fit(sets: list[list[Page]]) -> TitleModel:
    """Pairwise logistic regression: per page, each right candidate against each wrong one.

    A linear score fitted on differences ranks the candidates of one page against each
    other, which is the choice the product makes; each set weighs the same.
    """
    from scipy.sparse import vstack
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    vec.fit([f for rows in sets for *_x, feats, _l, _r in rows for f in feats])
    parts, y, w = [], [], []
    for rows in sets:
        pairs = 0
        for _id, _rule, feats, labels, _r in rows:
            pos = [i for i, lab in enumerate(labels) if lab]
            neg = [i for i, lab in enumerate(labels) if not lab]
            if not pos or not neg:
                continue
            xm = vec.transform(feats)
            for i in pos:
                for j in neg:
                    parts += [xm[i] - xm[j], xm[j] - xm[i]]
                    y += [1, 0]
                    pairs += 2
        w += [len(y) / max(pairs, 1)] * pairs if False else []
        w_set = 1.0 / max(pairs, 1)
        w.extend([w_set] * pairs)
    scale = len(w) / sum(w)
    lr = LogisticRegression(C=C, max_iter=3000, fit_intercept=False)
    lr.fit(vstack(parts), y, sample_weight=[v * scale for v in w])
    weights = {name: float(coef) for name, coef in zip(vec.get_feature_names_out(), lr.coef_[0], strict=True)}
    return TitleModel(weights=weights, bias=0.0)


def accuracy(rows: list[Page], model: TitleModel | None) -> tuple[int, int]:
    right = 0
    for _id, _rule, feats, labels, rule in rows:
        if model is None:
            ok = rule >= 0 and labels[rule]
        elif feats:
            best = max(range(len(feats)), key=lambda i: model.score(feats[i]))
            ok = labels[best]
        else:
            ok = False
        right += ok
    return right, len(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.parse_args(argv)
    logging.disable(logging.WARNING)
    names = sorted(SETS)
    data = {name: page_rows(name) for name in names}
    both = fit([data[n] for n in names])
    for name in names:
        others = [data[o] for o in names if o != name]
        loso = fit(others)
        rows = data[name]
        ceiling = sum(any(labels) for *_x, labels, _r in rows)
        print(
            f"{name}: pages {len(rows)}  rules {_fmt(accuracy(rows, None))}  "
            f"fitted on both {_fmt(accuracy(rows, both))}  "
            f"LOSO {_fmt(accuracy(rows, loso))}  ceiling {_fmt((ceiling, len(rows)))}"
        )
    return 0


def _fmt(cell: tuple[int, int]) -> str:
    return f"{cell[0] / cell[1]:.3f} ({cell[0]}/{cell[1]})"


if __name__ == "__main__":
    raise SystemExit(main())
