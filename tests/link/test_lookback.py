"""The look-back router: which older graphs a report that no recent event takes searches."""

from __future__ import annotations

import numpy as np

from newsdesk.link.index import KEY_SLOTS
from newsdesk.link.lookback import LOOKBACK_GRAPHS, GenerationKeys


def _table(rows_keys: list[list[int]]) -> np.ndarray:
    keys = np.zeros((len(rows_keys), KEY_SLOTS), dtype=np.uint32)
    for r, ks in enumerate(rows_keys):
        keys[r, : len(ks)] = ks
    return keys


def test_routes_to_the_graphs_holding_the_rarer_names():
    # six graphs of two rows; key 1 ("the US") is everywhere, 7 ("the Taliban") in graph 2 only,
    # 9 in graphs 3 and 4
    rows = [[1], [1, 5], [1], [1], [1, 7], [1], [1, 9], [1], [1, 9], [1], [1], [1]]
    table = _table(rows)
    spans = [(i, i + 2) for i in range(0, 12, 2)]
    gk = GenerationKeys()
    gk.sync(spans, table)
    assert gk.choose(np.array([7, 1, 0], dtype=np.uint32)) == [2]
    assert gk.choose(np.array([9], dtype=np.uint32)) == [3, 4]
    # a name every graph holds says nothing: no look-back at all
    assert gk.choose(np.array([1], dtype=np.uint32)) == []
    assert gk.choose(np.array([42], dtype=np.uint32)) == []
    assert gk.choose(np.zeros(KEY_SLOTS, dtype=np.uint32)) == []
    # the rarer name ranks first; the limit bounds the searches
    assert gk.choose(np.array([7, 9], dtype=np.uint32), limit=1) == [2]


def test_at_most_the_limit_newest_first_among_equals_and_sync_is_incremental():
    n = 3 * LOOKBACK_GRAPHS
    table = _table([[100 + g, 5] if g % 2 == 0 else [100 + g] for g in range(n)])  # one row a graph
    spans = [(g, g + 1) for g in range(n)]
    gk = GenerationKeys()
    gk.sync(spans[: n - 2], table)
    assert gk.done == n - 2
    chosen = gk.choose(np.array([5], dtype=np.uint32))
    even = [g for g in range(n - 2) if g % 2 == 0]
    assert chosen == even[-LOOKBACK_GRAPHS:]  # the newest of the graphs holding the name
    gk.sync(spans, table)  # two more graphs retire: only they are read
    assert gk.done == n and gk.choose(np.array([100 + n - 1], dtype=np.uint32)) == [n - 1]
    assert int((gk.keys == 5).sum()) == len([g for g in range(n) if g % 2 == 0])
