"""Issue 17: kill -9 during a save of the story state, and two writers saving at once, leave a
state that opens and catches up by itself. A few trials here on each backend; the 50-trial run
is `python benchmarks/state_crash.py --trials 50` (results in benchmarks/README.md)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("state_crash", REPO / "benchmarks" / "state_crash.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_kill_and_concurrent_savers_leave_a_state_that_opens(store_url: str) -> None:
    result = _harness().run(store_url, 2, articles=60)
    assert result["kill_unopenable"] == 0 and result["kill_no_catch_up"] == 0, result
    assert result["concurrent_unopenable"] == 0 and result["concurrent_lost_placements"] == 0, result
