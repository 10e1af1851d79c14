"""Storage under :class:`~newsdesk.link.index.VectorIndex`: sparse exact rows and time-sliced graphs.

``SparseRows`` keeps every vector exactly, as its non-zero entries.

``GraphGenerations`` holds the HNSW graphs (usearch) over the rows' projections,
one graph per *generation* of consecutive rows (``rows_per_graph`` each, in
arrival order, which for news is close to date order). A new row goes into the
newest graph only, so an insert costs what it costs in a graph of at most
``rows_per_graph`` rows however large the store grows, and the searches a
placement makes first (the *recent* scope: the newest two graphs) cost the same
at ten thousand or a million rows. Older graphs are searched when asked
(``scope="older"``, with fewer candidates per graph) for the rarer questions
that need them: a report that opens a new event (is it a late development of an
old story?), or the related coverage of an old article (searched around its own
generation).

Why small graphs: the linker asks for 512 candidates (16 per neighbour wanted,
because the projection blurs faint similarities), and only a few dozen of them
are real neighbours; the rest are noise-level rows, and the bigger the graph
the more of those the search wades through. Measured on the synthetic scale
store (benchmarks/stories.py), one 512-candidate query: 0.8 ms in a graph of
16,384 rows, 1.3 ms at 32,768, 2.0 ms at 65,536; one graph of a million rows
found only 0.42 of the faint neighbours. Hence 16,384 rows a graph.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np


def usearch_index(ndim: int, dtype: str) -> Any:
    """An empty HNSW graph, or None without usearch (the index then stays exact)."""
    try:
        from usearch.index import Index
    except ImportError:
        return None
    # M=16/ef=64: inserts < 1 ms; exact re-scoring of the candidates keeps recall.
    return Index(ndim=ndim, metric="cos", dtype=dtype, connectivity=16, expansion_add=64, expansion_search=64)


class SparseRows:
    """Append-only rows kept as (position uint16, value float16) runs: CSR without scipy."""

    def __init__(self, dim: int):
        if dim > 65_536:
            raise ValueError("sparse rows hold at most 65,536 dimensions")
        self.dim = dim
        self.ptr = np.zeros(1, dtype=np.int64)
        self.pos = np.zeros(0, dtype=np.uint16)
        self.val = np.zeros(0, dtype=np.float16)
        self.n = 0
        self.nnz = 0

    def _reserve(self, rows: int, nnz: int) -> None:
        if self.n + rows + 1 > self.ptr.shape[0]:
            self.ptr.resize(max(self.n + rows + 1, int(self.ptr.shape[0] * 1.5) + 1024), refcheck=False)
        if self.nnz + nnz > self.pos.shape[0]:
            cap = max(self.nnz + nnz, int(self.pos.shape[0] * 1.5) + 65_536)
            # In place (realloc, which large buffers grow by remapping): a copy would hold the
            # old and the new array at once, ~0.6 GB more at a million rows.
            for arr in (self.pos, self.val):
                arr.resize(cap, refcheck=False)

    def append(self, matrix: np.ndarray) -> None:
        matrix = np.asarray(matrix, dtype=np.float32).reshape(-1, self.dim)
        r, c = np.nonzero(matrix)
        counts = np.bincount(r, minlength=matrix.shape[0])
        self._reserve(matrix.shape[0], r.size)
        self.pos[self.nnz : self.nnz + r.size] = c
        self.val[self.nnz : self.nnz + r.size] = matrix[r, c]
        self.ptr[self.n + 1 : self.n + 1 + matrix.shape[0]] = self.nnz + np.cumsum(counts)
        self.n += matrix.shape[0]
        self.nnz += r.size

    def _gather(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flat positions into pos/val for ``rows``, and each row's run length and owner index."""
        starts, ends = self.ptr[rows], self.ptr[rows + 1]
        lens = ends - starts
        owner = np.repeat(np.arange(rows.size), lens)
        offsets = np.concatenate(([0], np.cumsum(lens)[:-1]))
        flat = np.arange(int(lens.sum()), dtype=np.int64) - np.repeat(offsets, lens) + np.repeat(starts, lens)
        return flat, lens, owner

    def dense(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        out = np.zeros((rows.size, self.dim), dtype=np.float32)
        flat, _, owner = self._gather(rows)
        out[owner, self.pos[flat].astype(np.int64)] = self.val[flat]
        return out

    def dot(self, rows: np.ndarray, vec: np.ndarray) -> np.ndarray:
        """Exact ``rows @ vec`` for a dense ``vec``."""
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        flat, _, owner = self._gather(rows)
        contrib = self.val[flat].astype(np.float32) * vec[self.pos[flat].astype(np.int64)]
        return np.bincount(owner, weights=contrib, minlength=rows.size).astype(np.float32)

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"ptr": self.ptr[: self.n + 1], "pos": self.pos[: self.nnz], "val": self.val[: self.nnz]}

    @classmethod
    def from_arrays(cls, dim: int, ptr: np.ndarray, pos: np.ndarray, val: np.ndarray) -> SparseRows:
        rows = cls(dim)
        rows.ptr = np.asarray(ptr, dtype=np.int64).copy()
        rows.pos = np.asarray(pos, dtype=np.uint16).copy()
        rows.val = np.asarray(val, dtype=np.float16).copy()
        rows.n, rows.nnz = rows.ptr.shape[0] - 1, int(rows.ptr[-1])
        if rows.pos.shape[0] != rows.nnz or rows.val.shape[0] != rows.nnz:
            raise ValueError("sparse rows are truncated")
        return rows


class GraphGenerations:
    """HNSW graphs over consecutive row ranges; row keys are global row numbers."""

    def __init__(self, ndim: int, dtype: str, rows_per_graph: int):
        if rows_per_graph <= 0:
            raise ValueError("rows_per_graph must be positive")
        self.ndim = ndim
        self.dtype = dtype
        self.rows_per_graph = int(rows_per_graph)
        self.graphs: list[Any] = []
        self.starts: list[int] = []
        self._end = 0

    def __len__(self) -> int:
        return self._end

    def _newest(self, row: int) -> Any:
        if not self.graphs or row - self.starts[-1] >= self.rows_per_graph:
            graph = usearch_index(self.ndim, self.dtype)
            if graph is None:
                raise ImportError("usearch is not installed")
            self.graphs.append(graph)
            self.starts.append(row)
        return self.graphs[-1]

    def add(self, row: int, projected: np.ndarray) -> None:
        if row != self._end:
            raise ValueError(f"rows are added in order: expected row {self._end}, got {row}")
        self._newest(row).add(row, projected)
        self._end = row + 1

    def add_many(self, first_row: int, projected: np.ndarray) -> None:
        """Rows ``first_row..`` in one call per graph they fall in (usearch inserts on all cores)."""
        if first_row != self._end:
            raise ValueError(f"rows are added in order: expected row {self._end}, got {first_row}")
        done, total = 0, projected.shape[0]
        while done < total:
            row = first_row + done
            graph = self._newest(row)
            room = self.rows_per_graph - (row - self.starts[-1])
            take = min(room, total - done)
            graph.add(np.arange(row, row + take, dtype=np.uint64), projected[done : done + take])
            done += take
            self._end = row + take

    def generation_of(self, row: int) -> int:
        return max(0, bisect.bisect_right(self.starts, row) - 1)

    def spans(self) -> list[tuple[int, int]]:
        """Each graph's row range [start, end), oldest first."""
        ends = [*self.starts[1:], self._end]
        return list(zip(self.starts, ends, strict=True))

    def scopes(
        self, scope: str, near: int | None, only: Sequence[int] | None = None
    ) -> tuple[list[int], list[int]]:
        """Graphs to search with the full candidate budget, and with the reduced one.

        ``recent``: the graph of ``near`` (default: the newest row) and the one
        before it; ``older``: every other graph (those of ``only`` when given); ``all``: both.
        """
        if not self.graphs:
            return [], []
        g = len(self.graphs) - 1 if near is None else self.generation_of(near)
        full = [i for i in (g - 1, g, g + 1) if 0 <= i < len(self.graphs) and (near is not None or i <= g)]
        rest = [i for i in range(len(self.graphs)) if i not in full and (only is None or i in only)]
        if scope == "recent":
            return full, []
        if scope == "older":
            return [], rest
        if scope == "all":
            return full, rest
        raise ValueError(f"unknown search scope {scope!r}")

    def candidates(
        self, projected: np.ndarray, full: list[int], full_count: int, rest: list[int], rest_count: int
    ) -> np.ndarray:
        """Rows proposed by the graphs, best approximate distance first, at most ``full_count``."""
        keys: list[np.ndarray] = []
        dists: list[np.ndarray] = []
        for ids, count in ((full, full_count), (rest, rest_count)):
            for i in ids:
                graph = self.graphs[i]
                if count <= 0 or len(graph) == 0:
                    continue
                found = graph.search(projected, min(count, len(graph)))
                keys.append(np.asarray(found.keys, dtype=np.int64).reshape(-1))
                dists.append(np.asarray(found.distances, dtype=np.float32).reshape(-1))
        return _nearest_first(keys, dists, full_count)

    def candidates_many(self, projected: np.ndarray, count: int) -> list[np.ndarray]:
        """Per query row, the recent graphs' candidates (batch; usearch walks on all cores)."""
        full, _ = self.scopes("recent", None)
        per_query: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(projected.shape[0])]
        for i in full:
            graph = self.graphs[i]
            if len(graph) == 0:
                continue
            found = graph.search(projected, min(count, len(graph)))
            keys = np.asarray(found.keys, dtype=np.int64).reshape(projected.shape[0], -1)
            dists = np.asarray(found.distances, dtype=np.float32).reshape(projected.shape[0], -1)
            counts = np.asarray(found.counts).reshape(-1)
            for q in range(projected.shape[0]):
                per_query[q].append((keys[q, : counts[q]], dists[q, : counts[q]]))
        return [_nearest_first([p[0] for p in parts], [p[1] for p in parts], count) for parts in per_query]

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {"ann_starts": np.asarray(self.starts, dtype=np.int64)}
        for i, graph in enumerate(self.graphs):
            arrays[f"ann_{i}"] = np.frombuffer(bytes(graph.save()), dtype=np.uint8)
        return arrays

    @classmethod
    def from_arrays(cls, ndim: int, dtype: str, rows_per_graph: int, arrays: Any, n: int) -> GraphGenerations:
        """Graphs saved by :meth:`to_arrays`, or the one graph of the older layout (``ann``)."""
        from usearch.index import Index

        gens = cls(ndim, dtype, rows_per_graph)
        if "ann_starts" in arrays.files:
            starts = [int(s) for s in arrays["ann_starts"]]
            blobs = [arrays[f"ann_{i}"] for i in range(len(starts))]
        else:
            starts, blobs = [0], [arrays["ann"]]
        for start, blob in zip(starts, blobs, strict=True):
            graph = Index.restore(blob.tobytes())
            if graph is None:
                raise ValueError("a graph of the index cannot be read")
            gens.graphs.append(graph)
            gens.starts.append(start)
        total = sum(len(g) for g in gens.graphs)
        if total != n or any(b <= a for a, b in itertools.pairwise(starts)):
            raise ValueError("graphs and rows disagree")
        gens._end = n
        return gens


def _nearest_first(keys: list[np.ndarray], dists: list[np.ndarray], count: int) -> np.ndarray:
    """Several graphs' answers merged: the ``count`` keys of smallest distance, nearest first."""
    if not keys:
        return np.zeros(0, dtype=np.int64)
    if len(keys) == 1:
        return keys[0][:count]
    # One projection and one quantisation for every graph: their distances compare.
    order = np.argsort(np.concatenate(dists), kind="stable")[:count]
    return np.concatenate(keys)[order]
