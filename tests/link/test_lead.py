"""Which article fronts a story: an original before a copy, quality, then centrality, then recency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pytest

from newsdesk.link.lead import centrality, pick_lead


@dataclass
class Brief:
    id: str
    quality: int
    published: datetime | None = None


def test_quality_beats_recency_and_copies_never_front() -> None:
    old_report = Brief("report", 95, datetime(2021, 9, 27, tzinfo=UTC))
    new_rewrite = Brief("rewrite", 40, datetime(2025, 7, 6, tzinfo=UTC))
    copy = Brief("copy", 99, datetime(2025, 7, 7, tzinfo=UTC))
    lead = pick_lead([new_rewrite, old_report, copy], [0.9, 0.9, 0.9], [False, False, True])
    assert lead.id == "report"
    # every article a copy: the best of them still fronts
    assert pick_lead([copy, new_rewrite], [0.5, 0.5], [True, True]).id == "copy"


def test_centrality_decides_between_like_quality_and_ties_go_to_the_newest() -> None:
    a = Brief("aside", 70, datetime(2025, 1, 1, tzinfo=UTC))
    b = Brief("central", 70, datetime(2024, 1, 1, tzinfo=UTC))
    assert pick_lead([a, b], [0.2, 0.9], [False, False]).id == "central"
    assert pick_lead([b, a], [0.5, 0.5], [False, False]).id == "aside"
    unknown = Brief("unscored", -1)
    assert pick_lead([unknown, Brief("scored", 80)], [0.9, 0.9], [False, False]).id == "scored"
    with pytest.raises(ValueError):
        pick_lead([], [], [])


def test_centrality_is_the_cosine_to_the_centroid() -> None:
    vecs = np.array([[1.0, 0.0], [1.0, 0.1], [0.0, 1.0]])
    c = centrality(vecs)
    assert c.argmax() == 1 and c.argmin() == 2
    assert centrality(np.array([[3.0, 4.0]])).tolist() == pytest.approx([1.0])
