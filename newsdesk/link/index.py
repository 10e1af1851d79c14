"""What the story engine knows per article, and nearest-neighbour search over it.

``VectorIndex`` is a nearest-neighbour index over article vectors (cosine),
built to hold a million articles of the default 4,096-d lexical vectors
within 2 GB (dense float16 rows alone would take 8 GB):

* **exact rows, sparse**: every vector is kept as its non-zero entries
  (uint16 position, float16 value). A lexical row has ~130 non-zeros, so a
  row costs ~0.5 kB instead of 8 kB (4,096 float16s); dense sources still
  work, at 4 bytes a dimension.
* **search in a reduced space, answers exact**: below ``EXACT_BELOW`` rows
  the search is an exact matrix product. Past it, HNSW graphs (usearch,
  M=16, ef=64) over a fixed Gaussian random projection of the rows to
  ``ANN_DIM`` dims, quantised to int8 (512 bytes a row), propose
  ``RESCORE_FACTOR * k`` candidates and their exact cosines from the sparse
  rows pick the ``k`` returned. Every similarity the linker scores with is
  exact; the projection only decides which rows get looked at. Sources of
  ``ANN_DIM`` dims or fewer are indexed as they are.
* **one graph per generation**: the graphs cover ``ROWS_PER_GRAPH``
  consecutive rows each (see :mod:`newsdesk.link.ann`); a search names its
  scope (the recent graphs, the older ones, or all), so placing an article
  costs about the same at 10k and at 1M rows.

The price of the projection is recall on *weak* neighbours: it adds noise of
about ``1/sqrt(ANN_DIM)`` to each cosine, and the more rows a graph holds, the
more unrelated ones the noise lifts past a neighbour at cosine 0.2. Measured
(benchmarks/stories.py, synthetic stores from the real dev articles; share of
the exact 32 nearest with cosine >= 0.16 that are returned), in one graph of
100k rows: 384 dims x8 candidates 0.85, x16 0.92, x32 0.96; 512 dims x8 0.88,
x16 0.94 (query 1.5 ms), x32 0.96 (2.9 ms). One graph of a million rows found
only 0.42 of them at 512 x16; the generations keep each graph small, and the
recent ones get the full candidate budget.

usearch was chosen over faiss's ``IndexHNSWFlat`` by measurement on this
2-core machine, one insert and one query at a time (100k clustered 256-d
vectors, last 5k inserts): usearch f16 insert p50 0.16 ms / p99 8.5 ms, 24-NN
query p50 0.30 ms / p99 8.6 ms; faiss f32 insert p50 0.11 ms / p99 16 ms,
query p50 0.19 ms / p99 16 ms; recall@10 0.999 vs 1.000. usearch wins on tail
latency, quantises to int8 natively and saves to a buffer.
Without usearch installed the index stays exact.

``ArticleTable`` keeps, per article row, the compact facts the linker scores
with (time, outlet, language, entity-key hashes, copy-of) in numpy arrays, so a
million articles cost tens of megabytes beside the vectors.
``related(article_id, k)`` ranks other outlets' coverage by

    score = cosine + ENTITY_WEIGHT * key_overlap - TIME_WEIGHT * log1p(|days| / TIME_SCALE)

with copies of the article (and the article's own copies) left out.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import StoreError
from .ann import GraphGenerations, SparseRows, usearch_index

EXACT_BELOW = 4096
#: Dimensions of the projected vectors the ANN graph is built over.
ANN_DIM = 512
#: Candidates fetched from the graph per neighbour wanted, then re-scored exactly.
RESCORE_FACTOR = 16
#: Candidates per neighbour wanted from each older graph (see ``VectorIndex.search``).
OLDER_FACTOR = 4
#: Rows per graph generation (see :mod:`newsdesk.link.ann`).
ROWS_PER_GRAPH = 16_384
#: Seed of the fixed random projection (saved with the index).
PROJECTION_SEED = 20_240_301
#: Entity-key slots kept per article (the most mentioned names).
KEY_SLOTS = 8
ENTITY_WEIGHT = 0.15
TIME_WEIGHT = 0.05
TIME_SCALE = 7.0


def _projection(dim: int, ann_dim: int, seed: int) -> np.ndarray | None:
    if dim <= ann_dim:
        return None
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((dim, ann_dim)) / math.sqrt(ann_dim)).astype(np.float32)


class VectorIndex:
    """Cosine k-NN over rows 0..n-1: exact while small, projected HNSW + exact re-scoring after.

    While exact, vectors live in a float32 matrix; once the graphs exist the
    exact rows live sparse and the graphs (one per generation of
    ``rows_per_graph`` rows, see :mod:`newsdesk.link.ann`) hold only their int8
    projections.
    """

    def __init__(
        self,
        dim: int,
        *,
        dtype: str = "i8",
        ann_dim: int = ANN_DIM,
        seed: int = PROJECTION_SEED,
        rows_per_graph: int | None = None,
    ):
        self.dim = int(dim)
        self.dtype = dtype
        self.ann_dim = min(self.dim, int(ann_dim))
        self.seed = int(seed)
        self.rows_per_graph = int(rows_per_graph or ROWS_PER_GRAPH)
        self._proj = _projection(self.dim, self.ann_dim, self.seed)
        self._small = np.zeros((0, self.dim), dtype=np.float32)
        self._rows: SparseRows | None = None
        self._n = 0
        self._ann: GraphGenerations | None = None

    def __len__(self) -> int:
        return self._n

    @property
    def generations(self) -> int:
        """How many graphs the index has (0 while it is exact)."""
        return 0 if self._ann is None else len(self._ann.graphs)

    def graph_spans(self) -> list[tuple[int, int]]:
        """Each graph's row range [start, end), oldest first ([] while the index is exact)."""
        return [] if self._ann is None else self._ann.spans()

    def _project(self, vecs: np.ndarray) -> np.ndarray:
        if self._proj is None:
            return np.ascontiguousarray(vecs, dtype=np.float32)
        if vecs.shape[0] == 1:
            nz = np.flatnonzero(vecs[0])  # sparse rows: ~130 of the projection's rows
            return np.ascontiguousarray((vecs[0, nz] @ self._proj[nz])[None, :], dtype=np.float32)
        return np.ascontiguousarray(vecs @ self._proj, dtype=np.float32)

    def add(self, vector: np.ndarray) -> int:
        """Store one L2-normalised vector; returns its row."""
        vec = np.asarray(vector, dtype=np.float32).reshape(-1)
        if vec.shape[0] != self.dim:
            raise ValueError(f"vector has {vec.shape[0]} dims, index has {self.dim}")
        row = self._n
        if self._ann is not None:
            assert self._rows is not None
            self._rows.append(vec[None, :])
            self._ann.add(row, self._project(vec[None, :])[0])
        else:
            if row >= self._small.shape[0]:
                grown = np.zeros((max(row + 1, int(row * 1.5) + 256), self.dim), dtype=np.float32)
                grown[:row] = self._small[:row]
                self._small = grown
            self._small[row] = vec
        self._n += 1
        if self._ann is None and self._n >= EXACT_BELOW:
            self._build_ann()
        return row

    def add_many(self, vectors: np.ndarray) -> np.ndarray:
        """Store L2-normalised rows in one call (usearch inserts them on all cores); returns their rows."""
        vecs = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        rows = np.arange(self._n, self._n + vecs.shape[0], dtype=np.int64)
        if self._ann is None and self._n + vecs.shape[0] < EXACT_BELOW:
            for vec in vecs:
                self.add(vec)
            return rows
        if self._ann is None:
            self._build_ann()
        if self._ann is None:  # no usearch: the exact matrix grows instead
            self._small = np.vstack([self._small[: self._n], vecs])
        else:
            assert self._rows is not None
            self._rows.append(vecs)
            self._ann.add_many(self._n, self._project(vecs))
        self._n += vecs.shape[0]
        return rows

    def search_many(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Batch :meth:`search` of the recent scope; rows of -1 pad short answers."""
        vecs = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        out_rows = np.full((vecs.shape[0], k), -1, dtype=np.int64)
        out_sims = np.zeros((vecs.shape[0], k), dtype=np.float32)
        if self._ann is None or self._n == 0 or k <= 0:
            for i, vec in enumerate(vecs):
                r, s = self.search(vec, k)
                out_rows[i, : r.size], out_sims[i, : s.size] = r, s
            return out_rows, out_sims
        found = self._ann.candidates_many(self._project(vecs), RESCORE_FACTOR * k)
        for i, vec in enumerate(vecs):
            r, s = self._rescore(found[i], vec, k)
            out_rows[i, : r.size], out_sims[i, : s.size] = r, s
        return out_rows, out_sims

    def _rescore(self, candidates: np.ndarray, vec: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        assert self._rows is not None
        candidates = candidates[(candidates >= 0) & (candidates < self._n)]
        sims = self._rows.dot(candidates, vec)
        top = np.argsort(-sims, kind="stable")[:k]
        return candidates[top], sims[top]

    def _build_ann(self) -> None:
        if usearch_index(self.ann_dim, self.dtype) is None:
            return
        n = self._n
        rows = SparseRows(self.dim)
        rows.append(self._small[:n])
        ann = GraphGenerations(self.ann_dim, self.dtype, self.rows_per_graph)
        if n:
            ann.add_many(0, self._project(self._small[:n]))
        self._ann, self._rows = ann, rows
        self._small = np.zeros((0, self.dim), dtype=np.float32)

    def vectors(self, rows: np.ndarray | list[int]) -> np.ndarray:
        keys = np.asarray(rows, dtype=np.int64).reshape(-1)
        if self._rows is None:
            return self._small[keys]
        return self._rows.dense(keys)

    def search(
        self,
        vector: np.ndarray,
        k: int,
        *,
        scope: str = "all",
        near: int | None = None,
        graphs: Sequence[int] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosine similarities of the ``k`` nearest stored vectors, best first.

        Once the rows span several graphs, ``scope`` says which are searched:
        ``recent`` (the graph of row ``near``, default the newest, and its
        neighbours, with ``RESCORE_FACTOR * k`` candidates each), ``older``
        (the other graphs, ``OLDER_FACTOR * k`` each) or ``all`` (both). While
        the index is exact every scope but ``older`` is one exact scan, and
        ``older`` finds nothing. ``graphs`` limits ``older`` to those graphs
        (see :mod:`.lookback`).
        """
        n = self._n
        if n == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        vec = np.asarray(vector, dtype=np.float32).reshape(-1)
        if self._ann is None:
            if scope == "older":
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            sims = self._small[:n] @ vec
            k = min(k, n)
            top = np.argpartition(-sims, k - 1)[:k] if k < n else np.arange(n)
            top = top[np.argsort(-sims[top], kind="stable")]
            return top.astype(np.int64), sims[top].astype(np.float32)
        full, rest = self._ann.scopes(scope, near, graphs)
        if not full and not rest:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        budget = RESCORE_FACTOR * k
        projected = self._project(vec[None, :])[0]
        found = self._ann.candidates(projected, full, budget, rest, OLDER_FACTOR * k)
        return self._rescore(found, vec, k)

    def save(self, path: Path) -> None:
        """One zip (numpy ``.npz`` layout): the exact rows, and the graphs as usearch's own bytes; atomic."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            self._write(fh)
        tmp.replace(path)

    def to_bytes(self) -> bytes:
        """What :meth:`save` writes, in memory (the store keeps it with the story state)."""
        buf = io.BytesIO()
        self._write(buf)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, *, dim: int) -> VectorIndex:
        try:
            return cls._load_npz(io.BytesIO(data), dim)
        except (OSError, ValueError, KeyError, RuntimeError, zipfile.BadZipFile) as exc:
            raise StoreError(f"cannot read the stored vector index: {exc}") from exc

    def _write(self, fh: Any) -> None:
        meta = {
            "dim": self.dim,
            "ann_dim": self.ann_dim,
            "seed": self.seed,
            "dtype": self.dtype,
            "rows_per_graph": self.rows_per_graph,
        }
        arrays: dict[str, np.ndarray] = {"meta": np.array(json.dumps(meta))}
        if self._rows is not None:
            arrays.update(self._rows.to_arrays())
            if self._ann is not None:
                arrays.update(self._ann.to_arrays())
        else:
            arrays["small"] = self._small[: self._n].astype(np.float16)
        np.savez(fh, **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path, *, dim: int, dtype: str = "i8") -> VectorIndex:
        path = Path(path)
        try:
            with open(path, "rb") as fh:
                magic = fh.read(6)
            if magic.startswith(b"PK"):
                return cls._load_npz(path, dim)
            # Older layouts: a bare .npy of float16 rows, or a full-dimension usearch file.
            if magic == b"\x93NUMPY":
                data = np.load(path, allow_pickle=False).astype(np.float32)
            else:
                from usearch.index import Index

                ann = Index.restore(str(path))
                if ann is None or int(ann.ndim) != dim:
                    raise ValueError("not a usearch index of the right dimension")
                n = len(ann)
                got: Any = ann.get(np.arange(n, dtype=np.uint64), dtype="f32") if n else None
                data = np.asarray(np.vstack(got) if isinstance(got, tuple) else got, dtype=np.float32)
                data = data.reshape(n, dim) if n else np.zeros((0, dim), np.float32)
        except (OSError, ValueError, ImportError, KeyError, RuntimeError, zipfile.BadZipFile) as exc:
            raise StoreError(f"cannot read vector index {path}: {exc}") from exc
        if data.ndim != 2 or data.shape[1] != dim:
            raise StoreError(f"vector index {path} has the wrong shape {data.shape}")
        index = cls(dim, dtype=dtype)
        index.add_many(data)
        return index

    @classmethod
    def _load_npz(cls, path: Path | io.BytesIO, dim: int) -> VectorIndex:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if int(meta["dim"]) != dim:
                raise ValueError(f"index has {meta['dim']} dims, expected {dim}")
            index = cls(
                dim,
                dtype=str(meta["dtype"]),
                ann_dim=int(meta["ann_dim"]),
                seed=int(meta["seed"]),
                rows_per_graph=int(meta.get("rows_per_graph") or ROWS_PER_GRAPH),
            )
            if "small" in data.files:
                small = np.asarray(data["small"], dtype=np.float32).reshape(-1, dim)
                index._small, index._n = np.ascontiguousarray(small), small.shape[0]
                return index
            index._rows = SparseRows.from_arrays(dim, data["ptr"], data["pos"], data["val"])
            index._n = index._rows.n
            if "ann" in data.files or "ann_starts" in data.files:
                index._ann = GraphGenerations.from_arrays(
                    index.ann_dim, index.dtype, index.rows_per_graph, data, index._n
                )
            else:  # saved without usearch: rebuild the small matrix
                index._small, index._rows = index._rows.dense(np.arange(index._n)), None
        return index


@dataclass(frozen=True, slots=True)
class Neighbour:
    article_id: str
    score: float
    similarity: float
    shared_keys: int
    days_apart: float | None


def key_overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Shared entity keys as a set cosine: |A∩B| / sqrt(|A|·|B|); 0 slots are empty."""
    a = a[a != 0]
    b = b[b != 0]
    if a.size == 0 or b.size == 0:
        return 0.0
    return float(np.intersect1d(a, b, assume_unique=True).size) / math.sqrt(a.size * b.size)


class ArticleTable:
    """Per-row facts in growable numpy arrays, plus the id <-> row maps."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.rows: dict[str, int] = {}
        self.days = np.zeros(0, dtype=np.float64)  # days since epoch; NaN = unknown
        self.outlet = np.zeros(0, dtype=np.int32)
        self.lang = np.zeros(0, dtype=np.int16)
        self.keys = np.zeros((0, KEY_SLOTS), dtype=np.uint32)
        self.copy_of = np.zeros(0, dtype=np.int64)  # row of the original, -1 if none
        self.outlets: dict[str, int] = {"": 0}
        self.langs: dict[str, int] = {"": 0}

    def __len__(self) -> int:
        return len(self.ids)

    def _grow(self, need: int) -> None:
        cap = self.days.shape[0]
        if need <= cap:
            return
        cap = max(need, int(cap * 1.5) + 1024)
        self.days = np.resize(self.days, cap)
        self.outlet = np.resize(self.outlet, cap)
        self.lang = np.resize(self.lang, cap)
        self.copy_of = np.resize(self.copy_of, cap)
        keys = np.zeros((cap, KEY_SLOTS), dtype=np.uint32)
        keys[: self.keys.shape[0]] = self.keys
        self.keys = keys

    def add(self, article_id: str, days: float, outlet: str, lang: str, keys: np.ndarray) -> int:
        row = len(self.ids)
        self._grow(row + 1)
        self.ids.append(article_id)
        self.rows[article_id] = row
        self.days[row] = days
        self.outlet[row] = self.outlets.setdefault(outlet, len(self.outlets))
        self.lang[row] = self.langs.setdefault(lang, len(self.langs))
        slot = np.zeros(KEY_SLOTS, dtype=np.uint32)
        slot[: min(KEY_SLOTS, keys.size)] = keys[:KEY_SLOTS]
        self.keys[row] = slot
        self.copy_of[row] = -1
        return row

    def to_state(self) -> dict[str, object]:
        n = len(self.ids)
        return {
            "ids": self.ids,
            "days": self.days[:n],
            "outlet": self.outlet[:n],
            "lang": self.lang[:n],
            "keys": self.keys[:n],
            "copy_of": self.copy_of[:n],
            "outlets": json.dumps(self.outlets),
            "langs": json.dumps(self.langs),
        }

    @classmethod
    def from_state(cls, state: dict[str, object]) -> ArticleTable:
        table = cls()
        table.ids = [str(x) for x in state["ids"]]  # type: ignore[attr-defined]
        table.rows = {a: i for i, a in enumerate(table.ids)}
        table.days = np.asarray(state["days"], dtype=np.float64).copy()
        table.outlet = np.asarray(state["outlet"], dtype=np.int32).copy()
        table.lang = np.asarray(state["lang"], dtype=np.int16).copy()
        table.keys = np.asarray(state["keys"], dtype=np.uint32).reshape(-1, KEY_SLOTS).copy()
        table.copy_of = np.asarray(state["copy_of"], dtype=np.int64).copy()
        table.outlets = json.loads(str(state["outlets"]))
        table.langs = json.loads(str(state["langs"]))
        return table


def related(
    table: ArticleTable, index: VectorIndex, article_id: str, k: int = 5, *, pool: int = 64
) -> list[Neighbour]:
    """Other outlets' coverage of an article, best first (see the module docstring)."""
    row = table.rows.get(article_id)
    if row is None:
        return []
    vec = index.vectors([row])[0]
    rows, sims = index.search(vec, pool, near=row)  # its own time's graphs in full
    own_outlet = table.outlet[row]
    original = table.copy_of[row]
    copies = {int(r) for r in np.nonzero(table.copy_of[: len(table)] == row)[0]}
    out: list[Neighbour] = []
    seen_originals: set[int] = set()
    for r, sim in zip(rows.tolist(), sims.tolist(), strict=True):
        if r in (row, original) or r in copies or (original >= 0 and table.copy_of[r] in (row, original)):
            continue
        if own_outlet and table.outlet[r] == own_outlet:
            continue
        if table.lang[row] and table.lang[r] and table.lang[r] != table.lang[row]:
            continue
        # Two copies of one wire story would list the same report twice.
        canon = int(table.copy_of[r]) if table.copy_of[r] >= 0 else r
        if canon in seen_originals or canon in copies:
            continue
        seen_originals.add(canon)
        overlap = key_overlap(table.keys[row], table.keys[r])
        gap = abs(table.days[r] - table.days[row])
        penalty = 0.0 if math.isnan(gap) else TIME_WEIGHT * math.log1p(gap / TIME_SCALE)
        score = sim + ENTITY_WEIGHT * overlap - penalty
        shared = int(np.intersect1d(table.keys[row][table.keys[row] != 0], table.keys[r]).size)
        out.append(Neighbour(table.ids[r], score, sim, shared, None if math.isnan(gap) else float(gap)))
    out.sort(key=lambda n: -n.score)
    return out[:k]
