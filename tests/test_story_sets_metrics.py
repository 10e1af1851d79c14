"""benchmarks/story_sets.py's scoring: the pairwise loss breakdown adds up to what pairwise F1 counts."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _story_sets():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("story_sets_under_test", BENCH / "story_sets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


story_sets = _story_sets()


def c2(n: int) -> int:
    return n * (n - 1) // 2


def test_a_split_big_group_and_a_mixed_cluster_are_named_worst_first() -> None:
    # gold A (6 items) split 4 + 2, gold B (2) and C (2) merged into one cluster, D whole
    gold = ["A"] * 6 + ["B", "B", "C", "C", "D", "D", "D"]
    pred = [1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4]
    splits, merges = story_sets.pair_losses(gold, pred, top=5)
    assert splits == [(8, "A", [4, 2])]  # 15 pairs, 6 + 1 kept
    assert merges == [(4, 3, [("B", 2), ("C", 2)])]
    p, r, _ = story_sets.pairwise(gold, pred)
    assert (p, r) == (12 / 16, 12 / 20)  # the 8 missed and 4 wrong pairs are all pairwise loses


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=60))
def test_the_losses_are_exactly_the_pairs_pairwise_misses(pairs: list[tuple[int, int]]) -> None:
    gold = [f"g{g}" for g, _ in pairs]
    pred = [p for _, p in pairs]
    splits, merges = story_sets.pair_losses(gold, pred, top=len(pairs))
    tp = sum(c2(n) for n in Counter(zip(gold, pred, strict=True)).values())
    assert sum(x[0] for x in splits) == sum(c2(n) for n in Counter(gold).values()) - tp
    assert sum(x[0] for x in merges) == sum(c2(n) for n in Counter(pred).values()) - tp
    assert [x[0] for x in splits] == sorted((x[0] for x in splits), reverse=True)
