from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from texts import OTHER, WIRE

from newsdesk.link.copies import CopyIndex, fold_related, rewrite_of
from newsdesk.model import Provider, RelatedItem

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
T0 = datetime(2024, 5, 2, 8, tzinfo=UTC)


def test_copy_under_boilerplate_and_truncation_points_to_earliest():
    index = CopyIndex()
    assert index.add("wire", WIRE, T0) is None
    assert index.add("bakery", OTHER, T0) is None
    framed = "Home | News | Sport | Weather\n" + WIRE + "\nShare this story. Subscribe to our newsletter."
    match = index.add("site-a", framed, T0 + timedelta(hours=3))
    assert match is not None and match.original_id == "wire" and match.article_id == "site-a"
    truncated = WIRE[: len(WIRE) // 2]
    match = index.add("site-b", truncated, T0 + timedelta(hours=5))
    assert match is not None and match.original_id == "wire"


def test_late_original_takes_over():
    index = CopyIndex()
    index.add("copy", "Reposted: " + WIRE, T0 + timedelta(hours=6))
    match = index.add("orig", WIRE, T0)
    assert match is not None and match.article_id == "copy" and match.original_id == "orig"
    assert index.original_of("copy") == "orig"


def test_short_and_empty_texts_are_not_copies():
    index = CopyIndex()
    assert index.add("a", "Breaking news", T0) is None
    assert index.add("b", "Breaking news", T0) is None
    assert index.add("c", "", None) is None


def test_rewrite_links_to_earliest_similar_neighbour():
    neighbours = [
        ("orig", 0.62, 0.7, T0),
        ("later", 0.7, 0.8, T0 + timedelta(days=2)),
        ("far", 0.9, 0.9, T0 - timedelta(days=30)),
    ]
    match = rewrite_of("rw", T0 + timedelta(days=1), neighbours)
    assert match is not None and match.original_id == "orig" and match.kind == "rewrite"
    assert rewrite_of("rw", T0, [("x", 0.3, 0.9, T0)]) is None
    assert rewrite_of("rw", None, neighbours) is None


def test_fold_keeps_distinct_items():
    a = RelatedItem(title="Bridge to close for repairs", excerpt=WIRE[:120], web_url="https://a.example/1")
    b = RelatedItem(title="Bakery wins bread title", excerpt=OTHER[:120], web_url="https://b.example/2")
    assert [i.web_url for i in fold_related([a, b])] == [a.web_url, b.web_url]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds not present")
def test_seed_000_ap_story_folds_into_one():
    text = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---")[1])
    items = [
        RelatedItem(
            title=r["title"],
            excerpt=r.get("excerpt", ""),
            published=datetime.fromisoformat(str(r["publishedDateTime"]).replace("Z", "+00:00")),
            web_url=r["webUrl"],
            provider=Provider(**r.get("provider", {})),
        )
        for r in front["related"]
    ]
    folded = fold_related(items)
    assert len(folded) == len(items) - 1
    ap = [i for i in folded if "no UN speech" in i.title]
    assert len(ap) == 1
    assert "apnews.com" in ap[0].web_url
    assert any("newspressnow.com" in url for url in ap[0].copies)


def test_minhash_with_shared_permutations_equals_a_fresh_one():
    from datasketch import MinHash

    from newsdesk.link.copies import shingles

    index = CopyIndex()
    for text in (WIRE, OTHER):
        grams = shingles(text)
        fresh = MinHash(num_perm=index.num_perm)
        fresh.update_batch([g.encode("utf-8") for g in grams])
        mine = index._minhash(grams)
        assert (mine.hashvalues == fresh.hashvalues).all()  # type: ignore[attr-defined]
        assert mine.jaccard(fresh) == 1.0  # type: ignore[attr-defined]


def test_minhash_of_non_ascii_grams_equals_datasketchs() -> None:
    """The hashes are taken in one pass (not datasketch's sha1_hash32 per gram): the same values."""
    from datasketch import MinHash

    index = CopyIndex()
    grams = {"élan vital für alle", "北京 的 新闻 报道", "o’neill’s last word here", "a b c d"}
    fresh = MinHash(num_perm=index.num_perm)
    fresh.update_batch([g.encode("utf-8") for g in grams])
    assert (index._minhash(grams).hashvalues == fresh.hashvalues).all()  # type: ignore[attr-defined]


@pytest.mark.parametrize("count", [0, 1, 3, 4, 5, 9])
def test_shingles_are_every_run_of_four_words(count: int) -> None:
    from newsdesk.link.copies import shingles

    toks = [f"w{i % 7}" for i in range(count)]
    want = {" ".join(toks[i : i + 4]) for i in range(len(toks) - 3)} if count >= 4 else {" ".join(toks)}
    assert shingles(" ".join(toks)) == (want if toks else set())


def test_every_index_of_a_process_uses_datasketchs_bands_chosen_once() -> None:
    from datasketch import MinHashLSH

    from newsdesk.link.copies import LSH_THRESHOLD, NUM_PERM, lsh_bands

    own = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    first, second = CopyIndex(), CopyIndex()
    first.add("a", TEXT_FOR_BANDS)
    misses = lsh_bands.cache_info().misses
    second.add("b", TEXT_FOR_BANDS)
    assert lsh_bands.cache_info().misses == misses  # chosen once, not again for the second index
    assert (first._lsh.b, first._lsh.r) == (second._lsh.b, second._lsh.r) == (own.b, own.r)
    assert second.add("c", TEXT_FOR_BANDS) is not None  # the banded index still finds the copy


TEXT_FOR_BANDS = (
    "The regional water board said on Monday that the reservoir above the valley had reached its "
    "lowest level in forty years and that farmers downstream would get a third less water this summer."
)
