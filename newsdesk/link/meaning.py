"""The multilingual meaning vector as a story signal: a thread no other article's words reach
is *filed under* the thread whose articles it is closest to in meaning, in any language.

The vector is the multilingual-e5 one the topic head computes for Spanish, French, Italian and
German articles (:mod:`newsdesk.enrich.multilingual`), kept in the store beside the article
(``content_vector``), so the linker pays no model call for it. English articles have none and
are placed exactly as before.

Why filed under, not merged into: on the crisis dev set e5 tells the four crises apart article
by article (the nearest article is of the same crisis for 78-91 %) but not one sub-thread of a
crisis from another (story means are no closer within a crisis than across), and a true merge
lets one wrong filing chain two threads through every later lexical link (Spanish crisis stories
B-cubed 0.71 -> 0.47 in replay). So the engine's own decisions keep the new thread apart, the
engine's own stories are what the neighbours vote for (voting by what is shown lets each filing
attract the next: all Spanish crisis articles in 2 stories), and what readers see
(:meth:`MeaningVectors.shown`) follows the thread to the one it was filed under.

Cost: one row per article that has a vector (float32 in memory, 1.5 KB; float16 in the saved
state), and, only when such an article opens a new story, one matrix-vector product over the
newest ``SCAN_ROWS`` rows (measured: benchmarks/README.md, "Meaning filing").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

#: rows compared when a new story is filed (the newest ones): bounds the cost per placement
#: however large the store grows (one thread, loaded machine: 10k rows 6 ms, 100k rows 52 ms)
SCAN_ROWS = 20_000


def unpack(blob: bytes | None) -> np.ndarray | None:
    """A stored vector (float16 bytes) as float32, or None when there is none or it is malformed."""
    if not blob or len(blob) % 2:
        return None
    vec = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
    norm = float(np.linalg.norm(vec))
    if not np.isfinite(norm) or norm == 0.0:
        return None
    return vec / norm


def pack(vec: np.ndarray) -> bytes:
    """A vector as the store keeps it: float16 bytes (half the size; cosines move < 1e-3)."""
    return np.asarray(vec, dtype=np.float16).tobytes()


class MeaningVectors:
    """The engine rows that have a meaning vector, those vectors, and which story files under which."""

    def __init__(self) -> None:
        self.rows = np.zeros(0, dtype=np.int64)
        self.mat = np.zeros((0, 0), dtype=np.float32)
        self.n = 0
        #: story -> the story it is filed under (any id of it: resolved through the engine's roots)
        self.filed: dict[int, int] = {}

    def __len__(self) -> int:
        return self.n

    def add(self, row: int, vec: np.ndarray) -> None:
        if self.mat.shape[1] != vec.shape[0]:
            if self.n:
                return  # another model's vector: not comparable with the ones held
            self.mat = np.zeros((0, vec.shape[0]), dtype=np.float32)
        if self.n == self.mat.shape[0]:
            grow = max(1024, self.n // 2)
            self.mat = np.concatenate([self.mat, np.zeros((grow, self.mat.shape[1]), dtype=np.float32)])
            self.rows = np.concatenate([self.rows, np.zeros(grow, dtype=np.int64)])
        self.mat[self.n] = vec
        self.rows[self.n] = row
        self.n += 1

    def nearest_story(
        self,
        vec: np.ndarray,
        story_of_row: Callable[[int], int],
        own: int,
        k: int,
        threshold: float,
        share: float,
    ) -> int:
        """The engine story (``story_of_row``) the article's ``k`` nearest vectors (cosine >=
        ``threshold``, outside its own story ``own``) mostly belong to, by summed cosine, when it
        holds at least ``share`` of the sum; -1 otherwise."""
        if k <= 0 or self.n == 0 or self.mat.shape[1] != vec.shape[0]:
            return -1
        start = max(0, self.n - SCAN_ROWS)
        sims = self.mat[start : self.n] @ vec.astype(np.float32)
        take = min(k, sims.shape[0])
        top = np.argpartition(-sims, take - 1)[:take]
        votes: dict[int, float] = {}
        for i in top.tolist():
            sim = float(sims[i])
            if sim < threshold:
                continue
            s = story_of_row(int(self.rows[start + i]))
            if s != own:
                votes[s] = votes.get(s, 0.0) + sim
        if not votes:
            return -1
        best = max(votes, key=lambda s: (votes[s], -s))
        return best if votes[best] >= share * sum(votes.values()) else -1

    def shown(self, s: int, find: Callable[[int], int]) -> int:
        """The story readers see for engine root ``s``: followed through the filings (a cycle, left
        by later merges, shows as its lowest story, the same for every member)."""
        path = [s]
        while s in self.filed:
            s = find(self.filed[s])
            if s in path:
                return min(path[path.index(s) :])
            path.append(s)
        return s

    def absorb(self, keep: int, other: int) -> None:
        """Engine story ``other`` merged into ``keep``: words now reach ``other``, so its filing (a
        guess for a thread no words reached) gives way to where ``keep`` stands. Carrying it over
        instead chains threads (crisis fr replay 0.748 -> 0.632)."""
        self.filed.pop(other, None)
        if self.filed.get(keep) == other:
            del self.filed[keep]

    def to_state(self) -> dict[str, np.ndarray]:
        keys = sorted(self.filed)
        return {
            "mv_rows": self.rows[: self.n].copy(),
            "mv_mat": self.mat[: self.n].astype(np.float16),
            "mv_filed_from": np.array(keys, dtype=np.int64),
            "mv_filed_to": np.array([self.filed[k] for k in keys], dtype=np.int64),
        }

    def load(self, state: Mapping[str, np.ndarray]) -> None:
        """From :meth:`to_state`; a state saved before these vectors existed holds none."""
        if "mv_rows" not in state:
            return
        self.rows = np.asarray(state["mv_rows"], dtype=np.int64).copy()
        self.mat = np.asarray(state["mv_mat"], dtype=np.float32)
        self.n = int(self.rows.shape[0])
        if self.mat.shape[0] != self.n:
            raise ValueError(f"meaning vectors: {self.mat.shape[0]} rows for {self.n} articles")
        pairs = zip(state["mv_filed_from"].tolist(), state["mv_filed_to"].tolist(), strict=True)
        self.filed = {int(a): int(b) for a, b in pairs}
