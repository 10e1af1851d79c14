"""The saved form of :class:`~.cluster.StoryEngine`: plain numpy arrays, no pickles.

Kept apart from the placement logic (``cluster.py``): what is saved is the event and
story union-finds, the event centroids (sparse, float16), the article table and the
side tables (places, meaning vectors); what is *rebuilt* on load rather than saved is
whatever follows from those (event members, story centroids, story places), so a
state never disagrees with itself.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import StoreError
from .centroids import StoryCentroids
from .index import ArticleTable, VectorIndex
from .story_level import StoryLevel


class EngineState(StoryLevel):
    """Saving and restoring the engine's state; mixed into the engine, which owns the placement."""

    dim: int
    index: VectorIndex
    ev_parent: list[int]
    ev_count: list[int]
    ev_first: list[float]
    ev_last: list[float]
    ev_pos: list[np.ndarray | None]
    ev_val: list[np.ndarray | None]
    members: dict[int, list[int]]
    unplaced: dict[str, str]
    notes: dict[str, str]

    def event_of_row(self, row: int) -> int:
        raise NotImplementedError

    def _sum(self, e: int) -> np.ndarray:
        raise NotImplementedError

    def _set_sum(self, e: int, total: np.ndarray) -> None:
        raise NotImplementedError

    def to_state(self) -> dict[str, np.ndarray]:
        """Plain numpy arrays (centroids as float16); :meth:`_restore` inverts it."""
        table = self.table.to_state()
        n_ev = len(self.ev_parent)
        meta = {
            "params": asdict(self.params),
            "dim": self.dim,
            "outlets": table.pop("outlets"),
            "langs": table.pop("langs"),
            "unplaced": self.unplaced,
            "notes": self.notes,
        }
        state: dict[str, np.ndarray] = {f"table_{k}": np.asarray(v) for k, v in table.items()}
        state.update(
            meta=np.array(json.dumps(meta)),
            art_event=self.art_event[: len(self.table)].copy(),
            ev_parent=np.array(self.ev_parent, dtype=np.int32),
            ev_count=np.array(self.ev_count, dtype=np.int32),
            ev_first=np.array(self.ev_first, dtype=np.float64),
            ev_last=np.array(self.ev_last, dtype=np.float64),
            ev_story=np.array(self.ev_story, dtype=np.int32),
            **self._centroid_state(n_ev),
            **self.places.to_state(len(self.table)),
            **self.meaning.to_state(),
            st_parent=np.array(self.st_parent, dtype=np.int32),
        )
        return state

    def _restore(self, state: Mapping[str, np.ndarray], meta: Mapping[str, Any], index: VectorIndex) -> None:
        """Fill a fresh engine (made with the saved params and dim) from :meth:`to_state`'s arrays."""
        table_state: dict[str, object] = {k[6:]: state[k] for k in state if k.startswith("table_")}
        table_state["outlets"] = meta["outlets"]
        table_state["langs"] = meta["langs"]
        self.table = ArticleTable.from_state(table_state)
        if len(index) != len(self.table):
            raise StoreError(f"vector index has {len(index)} rows, story state {len(self.table)}")
        self.index = index
        self.art_event = np.asarray(state["art_event"], dtype=np.int32).copy()
        self.ev_parent = [int(x) for x in state["ev_parent"]]
        self.ev_count = [int(x) for x in state["ev_count"]]
        self.ev_first = [float(x) for x in state["ev_first"]]
        self.ev_last = [float(x) for x in state["ev_last"]]
        self.ev_story = [int(x) for x in state["ev_story"]]
        self._centroids_from_state(state)
        self.st_parent = [int(x) for x in state["st_parent"]]
        self.unplaced = dict(meta["unplaced"])
        self.notes = dict(meta["notes"])
        for row in range(len(self.table)):
            self.members.setdefault(self.event_of_row(row), []).append(row)
        if self.params.learned_story:
            self._rebuild_centroids()
        else:
            # Only the one-language bridge reads them: rebuilt when it first does, so that readers
            # (stories, serve) do not pay O(events) at every open.
            self._centroids_stale = self._keeps_centroids()
        self.places.load_rows(state)
        self.meaning.load(state)
        if self._reads_places():
            self.places.rebuild(
                ((self._root_of_event(e), rows) for e, rows in self.members.items()),
                self.table.lang,
                self.table.days,
            )

    def _rebuild_centroids(self) -> None:
        self.st_sums = StoryCentroids(self.dim)
        for e, rows in self.members.items():
            self.st_sums.add(self._root_of_event(e), self._sum(e), len(rows))
        self._centroids_stale = False

    def _centroid_state(self, n_ev: int) -> dict[str, np.ndarray]:
        """Centroids as one run of (position, float16 mean) per event; -1 marks one-article events."""
        lens = np.full(n_ev, -1, dtype=np.int64)
        pos: list[np.ndarray] = []
        val: list[np.ndarray] = []
        for e in range(n_ev):
            p_e, v_e = self.ev_pos[e], self.ev_val[e]
            if p_e is not None and v_e is not None:
                lens[e] = p_e.size
                pos.append(p_e.astype(np.int64))
                val.append(v_e.astype(np.float32) / max(1, self.ev_count[e]))
        return {
            "ev_len": lens,
            "ev_pos": np.concatenate(pos).astype(np.uint16 if self.dim <= 65_536 else np.int64)
            if pos
            else np.zeros(0, dtype=np.uint16),
            "ev_val": np.concatenate(val).astype(np.float16) if val else np.zeros(0, dtype=np.float16),
        }

    def _centroids_from_state(self, state: Mapping[str, np.ndarray]) -> None:
        n_ev = len(self.ev_parent)
        self.ev_pos, self.ev_val = [None] * n_ev, [None] * n_ev
        if "ev_mean" in state:  # older states: dense float16 means
            dense = np.asarray(state["ev_mean"], dtype=np.float32)
            for e in range(n_ev):
                self._set_sum(e, dense[e] * self.ev_count[e])
            return
        lens = np.asarray(state["ev_len"], dtype=np.int64)
        pos, val = np.asarray(state["ev_pos"]), np.asarray(state["ev_val"], dtype=np.float32)
        at = 0
        for e, n in enumerate(lens.tolist()):
            if n >= 0:
                self.ev_pos[e] = pos[at : at + n].copy()
                self.ev_val[e] = (val[at : at + n] * self.ev_count[e]).astype(np.float16)
                at += n

    def save(self, state_path: Path, index_path: Path) -> None:
        """State as an ``.npz`` (no pickles) and the vectors beside it; both atomic."""
        self.index.save(Path(index_path))
        buf = io.BytesIO()
        np.savez_compressed(buf, **self.to_state())  # type: ignore[arg-type]
        tmp = Path(state_path).with_name(Path(state_path).name + ".tmp")
        tmp.write_bytes(buf.getvalue())
        tmp.replace(state_path)
