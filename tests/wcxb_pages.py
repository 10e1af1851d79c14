"""Real pages of the WCXB extraction dev set (../shared/data), read by id for must/must-not tests."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WCXB = SHARED / "data" / "extraction-dev-wcxb.jsonl.xz"


def wcxb_pages(ids: set[str]) -> dict[str, dict]:
    """The pages with these ids (skips the test when the dev set is not beside the repo)."""
    if not WCXB.exists():
        pytest.skip("../shared/data/extraction-dev-wcxb.jsonl.xz not present")
    found: dict[str, dict] = {}
    with lzma.open(WCXB, "rt", encoding="utf-8") as fh:
        for line in fh:
            # each line starts with its id: parse only the lines asked for
            if not any(f'"{i}"' in line[:80] for i in ids):
                continue
            obj = json.loads(line)
            if obj["id"] in ids:
                found[obj["id"]] = obj
                if len(found) == len(ids):
                    break
    return found
