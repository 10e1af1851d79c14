"""Copies and rewrites of one story across outlets.

**Copies** (the same wire text under another site's boilerplate, a tweaked
headline, a truncated body) are found by MinHash LSH (datasketch) over word
4-gram shingles of the normalised body. LSH only proposes candidates, at a
low Jaccard threshold (0.3) so that truncated copies are proposed too; each is
then confirmed when either

* the estimated Jaccard similarity is >= ``COPY_JACCARD`` (0.5), or
* the estimated containment of the shorter text in the longer one is >=
  ``COPY_CONTAINMENT`` (0.7: the estimate is noisy, about ±0.1 at 256
  permutations): a truncated copy, or one with extra boilerplate.
  Containment follows from Jaccard J and the shingle counts:
  ``|A∩B| = J(|A|+|B|)/(1+J)``, divided by the smaller count.

The *original* of a group is its earliest dated member (ties: first added):
wire copies are re-published later, rarely earlier.

**Rewrites** keep the facts but change the words, so shingles miss them. They
are linked by :func:`rewrite_of` from the ANN neighbours the story engine
already has: cosine >= ``REWRITE_COSINE`` and shared entity keys >=
``REWRITE_KEYS`` (set cosine) within ``REWRITE_DAYS`` days, the original being
the earliest such neighbour.

:func:`fold_related` folds a list of :class:`RelatedItem`: two items that are
one report (same URL, same normalised headline, or one excerpt a prefix of the
other after quote/ellipsis normalisation) appear once, the earliest kept and
the others' URLs listed in ``copies``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from ..model import RelatedItem
from .features import as_utc, clean_text, words

SHINGLE = 4
NUM_PERM = 256
LSH_THRESHOLD = 0.3
COPY_JACCARD = 0.5
COPY_CONTAINMENT = 0.7
#: Texts shorter than this many shingles are too generic to call copies.
MIN_SHINGLES = 8
REWRITE_COSINE = 0.5
REWRITE_KEYS = 0.5
REWRITE_DAYS = 3.0
#: Excerpts must share at least this many characters before a prefix counts.
MIN_PREFIX = 40

_sha1 = hashlib.sha1


@dataclass(frozen=True, slots=True)
class CopyMatch:
    """``article_id`` copies ``original_id`` (kind "copy" or "rewrite")."""

    article_id: str
    original_id: str
    similarity: float
    kind: str = "copy"
    #: the article this one matched directly (may itself be a copy of the original)
    matched_id: str = ""


def shingles(text: str, n: int = SHINGLE) -> set[str]:
    toks = words(clean_text(text))
    if len(toks) < n:
        return {" ".join(toks)} if toks else set()
    # the n-grams as n shifted copies zipped (shortest wins): no slice per position, the same set
    return set(map(" ".join, zip(*(toks[i:] for i in range(n)), strict=False)))


def _given(value: int) -> int:
    """The hash function of a MinHash fed values that are already hashed."""
    return value


@functools.cache
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's own (bands, rows) for this threshold, chosen once a process: choosing
    them integrates the false-positive and false-negative curves (about 80 ms), and every
    index a process opens (each state taken over from another writer) would pay it again."""
    from datasketch import MinHashLSH

    chosen = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(chosen.b), int(chosen.r)


class CopyIndex:
    """Incremental near-duplicate index; ``add`` returns what the new text copies."""

    def __init__(self, *, num_perm: int = NUM_PERM, threshold: float = LSH_THRESHOLD):
        self.num_perm = num_perm
        self.threshold = threshold
        self._lsh_index: Any = None
        self._template: Any = None
        self._hashes: dict[str, object] = {}
        self._size: dict[str, int] = {}
        self._when: dict[str, datetime | None] = {}
        self._order: dict[str, int] = {}
        self.original: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._hashes)

    @property
    def _lsh(self) -> Any:
        # Built on first use: datasketch imports scipy (half a second) that a linker
        # which only answers questions (export, stories) never needs.
        if self._lsh_index is None:
            from datasketch import MinHashLSH

            self._lsh_index = MinHashLSH(
                threshold=self.threshold,
                num_perm=self.num_perm,
                params=lsh_bands(self.threshold, self.num_perm),
            )
        return self._lsh_index

    def _minhash(self, grams: set[str]) -> object:
        from datasketch import MinHash

        if self._template is None:
            self._template = MinHash(num_perm=self.num_perm)
        # the same permutations every MinHash(num_perm) draws (seed 1), drawn once per index:
        # drawing them is a tenth of the cost of hashing an article
        template = self._template
        mh = MinHash(
            num_perm=self.num_perm,
            permutations=template.permutations,
            scheme=template.scheme,
            hashfunc=_given,
        )
        # datasketch's own hash (sha1_hash32: the first 4 bytes of SHA-1, little-endian), taken
        # for all grams at once: one buffer read instead of a struct.unpack per gram
        digests = b"".join([_sha1(g.encode("utf-8")).digest()[:4] for g in grams])
        mh.update_batch(np.frombuffer(digests, dtype="<u4").tolist())
        return mh

    def _root(self, article_id: str) -> str:
        while article_id in self.original:
            article_id = self.original[article_id]
        return article_id

    def _key(self, article_id: str) -> tuple[bool, datetime, int]:
        when = self._when.get(article_id)
        return (when is None, when or datetime.max.replace(tzinfo=None), self._order[article_id])

    def add(self, article_id: str, text: str, published: datetime | None = None) -> CopyMatch | None:
        """Index one text; the match to the earliest copy already seen, if any."""
        if article_id in self._hashes:
            root = self._root(article_id)
            return CopyMatch(article_id, root, 1.0, matched_id=root) if root != article_id else None
        grams = shingles(text)
        when = as_utc(published)
        self._order[article_id] = len(self._order)
        self._when[article_id] = when.replace(tzinfo=None) if when else None
        if len(grams) < MIN_SHINGLES:
            return None
        mh = self._minhash(grams)
        best: tuple[float, str] | None = None
        for cand in self._lsh.query(mh):
            jac = float(mh.jaccard(self._hashes[cand]))  # type: ignore[attr-defined]
            a, b = len(grams), self._size[cand]
            contain = jac * (a + b) / ((1.0 + jac) * min(a, b))
            score = max(jac, contain if contain >= COPY_CONTAINMENT else 0.0)
            if (jac >= COPY_JACCARD or contain >= COPY_CONTAINMENT) and (best is None or score > best[0]):
                best = (score, cand)
        self._lsh.insert(article_id, mh)
        self._hashes[article_id] = mh
        self._size[article_id] = len(grams)
        if best is None:
            return None
        score, matched = best
        root = self._root(matched)
        if self._key(article_id) < self._key(root):
            # A late-arriving original: the group's earlier root now copies it.
            self.original[root] = article_id
            return CopyMatch(root, article_id, min(1.0, score), matched_id=matched)
        self.original[article_id] = root
        return CopyMatch(article_id, root, min(1.0, score), matched_id=matched)

    def original_of(self, article_id: str) -> str:
        return self._root(article_id)


def rewrite_of(
    article_id: str,
    published: datetime | None,
    neighbours: Iterable[tuple[str, float, float, datetime | None]],
) -> CopyMatch | None:
    """The earliest neighbour this article rewrites, from (id, cosine, key overlap, published)."""
    when = as_utc(published)
    found: list[tuple[datetime, str, float]] = []
    for nid, cosine, overlap, npub in neighbours:
        other = as_utc(npub)
        if nid == article_id or cosine < REWRITE_COSINE or overlap < REWRITE_KEYS:
            continue
        if when is None or other is None:
            continue
        days = (when - other).total_seconds() / 86400.0
        # The original comes first; same-minute pairs are ordered by the caller's id.
        if 0.0 <= days <= REWRITE_DAYS and (days > 0 or nid < article_id):
            found.append((other, nid, cosine))
    if not found:
        return None
    _, nid, cosine = min(found)
    return CopyMatch(article_id, nid, cosine, kind="rewrite", matched_id=nid)


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).lower()
    text = re.sub(r"(\.\.\.|…)\s*$", "", text.strip())
    return re.sub(r"\s+", " ", text).strip()


def _same_report(a: RelatedItem, b: RelatedItem) -> bool:
    if a.web_url and a.web_url == b.web_url:
        return True
    ta, tb = _norm(a.title), _norm(b.title)
    ea, eb = _norm(a.excerpt), _norm(b.excerpt)
    if ta and ta == tb and len(ta) >= 20:
        # A shared generic headline ("Live updates") is not enough: excerpts must not disagree.
        return not (ea and eb) or ea.startswith(eb[:MIN_PREFIX]) or eb.startswith(ea[:MIN_PREFIX])
    short, long_ = sorted((ea, eb), key=len)
    return len(short) >= MIN_PREFIX and long_.startswith(short)


def fold_related(items: list[RelatedItem]) -> list[RelatedItem]:
    """The items with copies of one report folded into its earliest item (order kept)."""
    groups: list[list[int]] = []
    for i, item in enumerate(items):
        for group in groups:
            if any(_same_report(items[j], item) for j in group):
                group.append(i)
                break
        else:
            groups.append([i])
    out: list[tuple[int, RelatedItem]] = []
    for group in groups:

        def when(j: int) -> tuple[bool, datetime, int]:
            pub = as_utc(items[j].published)
            return (pub is None, pub.replace(tzinfo=None) if pub else datetime.max, j)

        keep = min(group, key=when)
        kept = items[keep]
        copies = list(kept.copies)
        for j in sorted(group):
            if j != keep:
                for url in [items[j].web_url, *items[j].copies]:
                    if url and url != kept.web_url and url not in copies:
                        copies.append(url)
        # The earliest item's position in the list is kept; the list stays in its ranked order.
        first = min(group)
        folded = RelatedItem(
            title=kept.title,
            excerpt=max((items[j].excerpt for j in group), key=len),
            published=kept.published,
            web_url=kept.web_url,
            type=kept.type,
            provider=kept.provider,
            quality=kept.quality,
            images=list(kept.images),
            copies=copies,
        )
        out.append((first, folded))
    return [item for _, item in sorted(out, key=lambda p: p[0])]
